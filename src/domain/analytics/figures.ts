/**
 * Every analytics figure, defined once from a tally; the glossary below is what the dashboard shows beside
 * them, so the words and the arithmetic cannot drift apart.
 */
import { MINUTE_MS } from "../ids.ts";
import { type Tally, waitPercentileMinutes } from "./tally.ts";

export interface Figures {
  readonly arrived: number;
  readonly served: number;
  readonly noShows: number;
  readonly walkAways: number;
  readonly redirected: number;
  readonly called: number;
  readonly meanWaitMinutes: number | null;
  readonly medianWaitMinutes: number | null;
  readonly p90WaitMinutes: number | null;
  readonly maxWaitMinutes: number | null;
  readonly withinTargetShare: number | null;
  readonly aboveAlarm: number;
  readonly meanServiceMinutes: number | null;
  readonly noShowShare: number | null;
  readonly walkAwayShare: number | null;
  readonly rated: number;
  readonly satisfiedShare: number | null;
  /** Mean rating on the pad's 1–3 scale (3 = 满意). */
  readonly csat: number | null;
  /** Counter hours open (open or paused), summed over counters. */
  readonly counterOpenHours: number | null;
  /** Busy ÷ open counter time. */
  readonly utilisation: number | null;
  /** Open counter time neither busy nor paused, in minutes. */
  readonly idleMinutes: number | null;
  readonly pausedMinutes: number | null;
  /** Survey answers to "would you recommend us" (0–10). */
  readonly npsResponses: number;
  /** Net promoter score, −100…100. */
  readonly nps: number | null;
  readonly complaints: number;
  readonly complaintsPer1000Visits: number | null;
  /** Review rounds a reviewer took. */
  readonly reviews: number;
  readonly meanReviewWaitMinutes: number | null;
  readonly meanReviewMinutes: number | null;
  readonly appointmentsBooked: number;
  readonly appointmentsCancelled: number;
  readonly appointmentNoShows: number;
  readonly appointmentsCheckedIn: number;
  readonly appointmentsOnTime: number;
  readonly appointmentOnTimeShare: number | null;
  readonly meanLeadTimeHours: number | null;
}

/** Net promoter score: promoters (9–10) minus detractors (0–6), as a percentage of all answers, whole. */
export function npsOf(promoters: number, passives: number, detractors: number): number | null {
  const n = promoters + passives + detractors;
  return n === 0 ? null : Math.round(((promoters - detractors) / n) * 100);
}

/** Events per 1,000 visits (arrivals), to one decimal; null without visits. */
export function perThousandVisits(events: number, visits: number): number | null {
  return visits === 0 ? null : round1((events / visits) * 1000);
}

/** A mean duration in minutes (one decimal) from a sum in ms and a count; null without any. */
export function meanMinutes(sumMs: number, n: number): number | null {
  return n === 0 ? null : round1(sumMs / n / MINUTE_MS);
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
const round3 = (v: number): number => Math.round(v * 1000) / 1000;
const share = (part: number, whole: number): number | null => (whole === 0 ? null : round3(part / whole));

export function figuresOf(t: Tally): Figures {
  const median = waitPercentileMinutes(t, 0.5);
  const p90 = waitPercentileMinutes(t, 0.9);
  return {
    arrived: t.arrived,
    served: t.served,
    noShows: t.noShows,
    walkAways: t.walkAways,
    redirected: t.redirected,
    called: t.called,
    meanWaitMinutes: t.called === 0 ? null : round1(t.waitSumMs / t.called / MINUTE_MS),
    medianWaitMinutes: median === null ? null : round1(median),
    p90WaitMinutes: p90 === null ? null : round1(p90),
    maxWaitMinutes: t.called === 0 ? null : round1(t.waitMaxMs / MINUTE_MS),
    withinTargetShare: share(t.withinTarget, t.called),
    aboveAlarm: t.aboveAlarm,
    meanServiceMinutes: t.timed === 0 ? null : round1(t.serviceSumMs / t.timed / MINUTE_MS),
    noShowShare: share(t.noShows, t.arrived),
    walkAwayShare: share(t.walkAways, t.arrived),
    rated: t.rated,
    satisfiedShare: share(t.satisfied, t.rated),
    csat: t.rated === 0 ? null : round1((3 * t.satisfied + 2 * t.neutral + t.dissatisfied) / t.rated),
    counterOpenHours: t.counterOpenMs === 0 ? null : round1(t.counterOpenMs / 3_600_000),
    utilisation: share(Math.min(t.counterBusyMs, t.counterOpenMs), t.counterOpenMs),
    idleMinutes:
      t.counterOpenMs === 0
        ? null
        : round1(Math.max(0, t.counterOpenMs - t.counterBusyMs - t.counterPausedMs) / MINUTE_MS),
    pausedMinutes: t.counterOpenMs === 0 ? null : round1(t.counterPausedMs / MINUTE_MS),
    npsResponses: t.npsPromoters + t.npsPassives + t.npsDetractors,
    nps: npsOf(t.npsPromoters, t.npsPassives, t.npsDetractors),
    complaints: t.complaints,
    complaintsPer1000Visits: perThousandVisits(t.complaints, t.arrived),
    reviews: t.reviewsTaken,
    meanReviewWaitMinutes: meanMinutes(t.reviewWaitSumMs, t.reviewsTaken),
    meanReviewMinutes: meanMinutes(t.reviewSumMs, t.reviewsDecided),
    appointmentsBooked: t.apptsBooked,
    appointmentsCancelled: t.apptsCancelled,
    appointmentNoShows: t.apptsNoShow,
    appointmentsCheckedIn: t.apptsCheckedIn,
    appointmentsOnTime: t.apptsOnTime,
    appointmentOnTimeShare: share(t.apptsOnTime, t.apptsCheckedIn),
    meanLeadTimeHours: t.apptsBooked === 0 ? null : round1(t.apptsLeadSumMs / t.apptsBooked / 3_600_000),
  };
}

export interface GlossaryEntry {
  readonly key: keyof Figures;
  readonly zh: string;
  readonly en: string;
}

/** One line per figure, in both languages: the dashboard's glossary. */
export const GLOSSARY: readonly GlossaryEntry[] = [
  { key: "arrived", zh: "到达：取号的张数。", en: "Arrived: tickets issued." },
  { key: "served", zh: "办结：办理完成的号票。", en: "Served: tickets completed with service." },
  { key: "noShows", zh: "过号：叫号后未到的号票。", en: "No-shows: tickets called whose customer did not come." },
  {
    key: "walkAways",
    zh: "离队：未被叫号就取消的号票（客户离开、员工取消或营业日结束）。",
    en: "Walk-aways: tickets cancelled before any call (the customer left, staff cancelled, or the day closed).",
  },
  {
    key: "redirected",
    zh: "分流：被引导到自助设备或其他渠道的号票。",
    en: "Redirected: tickets sent to self-service or another channel.",
  },
  {
    key: "called",
    zh: "已叫号：被叫过号的号票，所有等候指标以它们为准。",
    en: "Called: tickets called at least once; every wait figure is over these.",
  },
  {
    key: "meanWaitMinutes",
    zh: "平均等候：首次叫号时间减取号时间的平均值（分钟），重呼不延长等候。",
    en: "Mean wait: first call minus issue, averaged, in minutes; recalls do not lengthen it.",
  },
  {
    key: "medianWaitMinutes",
    zh: "等候中位数：一半客户的等候不超过此值（精确到分钟）。",
    en: "Median wait: half the called customers waited no longer (exact to the minute).",
  },
  {
    key: "p90WaitMinutes",
    zh: "90% 等候：九成客户的等候不超过此值（精确到分钟）。",
    en: "90th-percentile wait: nine in ten called customers waited no longer (exact to the minute).",
  },
  { key: "maxWaitMinutes", zh: "最长等候（分钟）。", en: "Longest wait, in minutes." },
  {
    key: "withinTargetShare",
    zh: "达标率：等候不超过网点目标的已叫号号票所占比例。",
    en: "Within target: share of called tickets whose wait was at most the branch's target.",
  },
  {
    key: "aboveAlarm",
    zh: "超警戒：等候超过网点警戒时间的已叫号号票数。",
    en: "Above alarm: called tickets whose wait exceeded the branch's alarm.",
  },
  {
    key: "meanServiceMinutes",
    zh: "平均办理时长：办结号票从开始办理到办结的平均分钟数。",
    en: "Mean service time: start to finish of served tickets, averaged, in minutes.",
  },
  { key: "noShowShare", zh: "过号率：过号数除以到达数。", en: "No-show rate: no-shows over arrivals." },
  { key: "walkAwayShare", zh: "离队率：离队数除以到达数。", en: "Walk-away rate: walk-aways over arrivals." },
  { key: "rated", zh: "评价数：客户在评价器上评价的号票数。", en: "Rated: tickets the customer rated on the pad." },
  {
    key: "satisfiedShare",
    zh: "满意率：评价中“满意”所占比例。",
    en: "Satisfied share: share of ratings that were 满意 (satisfied).",
  },
  {
    key: "csat",
    zh: "满意度均分：评价的平均分（满意 3、一般 2、不满意 1）。",
    en: "CSAT: mean rating, 3 = satisfied, 2 = neutral, 1 = dissatisfied.",
  },
  {
    key: "counterOpenHours",
    zh: "窗口开放时长：各窗口处于开放或暂停状态的小时数之和（来自窗口开关记录）。",
    en: "Counter hours open: hours each counter was open or paused, summed (from the counters' open/close records).",
  },
  {
    key: "utilisation",
    zh: "窗口利用率：办理时间（开始到办结）除以窗口开放时间。",
    en: "Counter utilisation: time serving (start to finish) over counter time open.",
  },
  {
    key: "idleMinutes",
    zh: "空闲时间：窗口开放但既未办理也未暂停的分钟数。",
    en: "Idle time: minutes a counter was open but neither serving nor paused.",
  },
  {
    key: "pausedMinutes",
    zh: "暂停时间：窗口处于暂停状态的分钟数。",
    en: "Paused time: minutes counters were paused.",
  },
  {
    key: "npsResponses",
    zh: "推荐度答复数：回答“是否愿意推荐我们”（0–10 分）的调查数。",
    en: "NPS answers: surveys answering “would you recommend us” (0–10).",
  },
  {
    key: "nps",
    zh: "净推荐值（NPS）：推荐者（9–10 分）占比减贬损者（0–6 分）占比，乘以 100。",
    en: "NPS: share of promoters (9–10) minus share of detractors (0–6), times 100.",
  },
  {
    key: "complaints",
    zh: "投诉数：关于这些到访的投诉（未关联到访的按受理日计入网点）。",
    en: "Complaints: complaints about these visits (those naming no visit count at the branch on the day received).",
  },
  {
    key: "complaintsPer1000Visits",
    zh: "千次到访投诉：投诉数除以到达数，乘以 1000。",
    en: "Complaints per 1,000 visits: complaints over arrivals, times 1,000.",
  },
  {
    key: "reviews",
    zh: "复核数：后台复核人员已领取的复核轮次。",
    en: "Reviews: second-review rounds a reviewer took.",
  },
  {
    key: "meanReviewWaitMinutes",
    zh: "平均复核等候：从柜面提交到复核人员领取的平均分钟数。",
    en: "Mean review wait: submitted at the counter to taken by a reviewer, averaged, in minutes.",
  },
  {
    key: "meanReviewMinutes",
    zh: "平均复核时长：从领取到作出复核决定的平均分钟数。",
    en: "Mean review time: taken to decided, averaged, in minutes.",
  },
  {
    key: "appointmentsBooked",
    zh: "预约数：预约在这些日期的全部预约（含后来取消的）。",
    en: "Appointments booked: every appointment for these days, cancelled ones included.",
  },
  {
    key: "appointmentsCancelled",
    zh: "预约取消：其中被取消的预约。",
    en: "Appointments cancelled: of those, the ones cancelled.",
  },
  {
    key: "appointmentNoShows",
    zh: "预约未到：其中客户未到网点签到的预约。",
    en: "Appointment no-shows: of those, the ones whose customer never checked in.",
  },
  {
    key: "appointmentsCheckedIn",
    zh: "预约签到：客户到网点签到的预约。",
    en: "Appointments checked in: those whose customer checked in at the branch.",
  },
  {
    key: "appointmentsOnTime",
    zh: "准时预约：签到时间不晚于预约开始时间的预约。",
    en: "Appointments on time: checked in no later than the booked start.",
  },
  {
    key: "appointmentOnTimeShare",
    zh: "预约准时率：准时预约除以签到预约。",
    en: "On-time share: appointments on time over appointments checked in.",
  },
  {
    key: "meanLeadTimeHours",
    zh: "平均预约提前量：从预约操作到预约开始的平均小时数。",
    en: "Mean lead time: hours from booking to the booked start, averaged.",
  },
];
