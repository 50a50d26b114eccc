/**
 * The counts and sums every analytics figure is made from, kept per branch × day × hour × business type ×
 * counter × staff member. A tally adds tickets one by one and merges with other tallies, so a year of a branch
 * is answered by merging stored tallies instead of reading its tickets again.
 *
 * Percentiles need more than sums: waits are also kept as a histogram of whole minutes (0…MAX_BIN, the last bin
 * holding everything longer), so a median or p90 read from merged tallies is exact to the minute, and the
 * maximum is kept exactly beside it. Within-target and past-alarm counts are made with the branch's target and
 * alarm at the time the tally is built (a change of target takes a rebuild: `datang analytics rebuild`).
 */
import type { EpochMs } from "../ids.ts";
import { MINUTE_MS } from "../ids.ts";

/** Waits of this many minutes and more share the last bin; a bank's alarm is 30 and its worst days stay below. */
export const MAX_WAIT_BIN = 240;

/** How a ticket's day ended, as the figures count it. */
export type TicketEnd = "served" | "no_show" | "walked_away" | "redirected" | "open";

/** A ticket as the figures see it: times in epoch ms, null where the step never happened. */
export interface TicketFacts {
  readonly issuedAt: EpochMs;
  /** The first call: where the wait ends (recalls do not lengthen it). */
  readonly firstCalledAt: EpochMs | null;
  readonly startedAt: EpochMs | null;
  readonly completedAt: EpochMs | null;
  readonly end: TicketEnd;
  /** 3 = 满意 satisfied, 2 = 一般 neutral, 1 = 不满意 dissatisfied. */
  readonly rating: 1 | 2 | 3 | null;
  /**
   * When a walk-away left the line by himself (cancelled uncalled, not by the day's close): what his patience is
   * learned from. Null otherwise, or where the leaving time is unknown.
   */
  readonly leftAt?: EpochMs | null;
  /** The visit's survey answer to "would you recommend us", 0–10; null where not answered. */
  readonly nps?: number | null;
}

/** One round of the back office's second review of a served ticket (migration 016). */
export interface ReviewFacts {
  readonly submittedAt: EpochMs;
  readonly takenAt: EpochMs | null;
  readonly decidedAt: EpochMs | null;
}

/** One appointment of the day, whatever became of it (migration 008). */
export interface AppointmentFacts {
  readonly status: "booked" | "cancelled" | "checked_in" | "no_show" | "completed";
  /** When it was booked. */
  readonly createdAt: EpochMs;
  readonly startAt: EpochMs;
  readonly checkedInAt: EpochMs | null;
}

export interface Tally {
  /** Tickets issued. */
  arrived: number;
  /** Completed with service. */
  served: number;
  noShows: number;
  /** Left before a call: cancelled (by themselves, staff, or the day's close) without ever being called. */
  walkAways: number;
  /** Sent to self-service or a machine by the lobby manager. */
  redirected: number;
  /** Tickets that were called: the population of every wait figure. */
  called: number;
  waitSumMs: number;
  waitMaxMs: number;
  withinTarget: number;
  aboveAlarm: number;
  /** Called tickets per whole minute of wait; index MAX_WAIT_BIN holds every wait of that many minutes or more. */
  waitBins: Map<number, number>;
  /** Served tickets with a start and a finish: the population of service time. */
  timed: number;
  serviceSumMs: number;
  rated: number;
  satisfied: number;
  neutral: number;
  dissatisfied: number;
  /** Counter time (src/domain/analytics/counter-time.ts): open (open or paused), paused, and busy serving. */
  counterOpenMs: number;
  counterPausedMs: number;
  counterBusyMs: number;
  /** Walk-aways who left by themselves at a known time, and their summed time in line (patience, issue 15). */
  leftCount: number;
  leftWaitSumMs: number;
  /** Survey answers 0–10: 9–10 promoters, 7–8 passives, 0–6 detractors. */
  npsPromoters: number;
  npsPassives: number;
  npsDetractors: number;
  /** Complaints about the visits (or received at the branch, where they name no visit). */
  complaints: number;
  /** Review rounds taken by a reviewer, and their summed wait (submitted → taken). */
  reviewsTaken: number;
  reviewWaitSumMs: number;
  /** Review rounds decided, and their summed review time (taken → decided). */
  reviewsDecided: number;
  reviewSumMs: number;
  /** Appointments for the day: all booked, then what became of them; lead time summed over all booked. */
  apptsBooked: number;
  apptsCancelled: number;
  apptsNoShow: number;
  apptsCheckedIn: number;
  apptsOnTime: number;
  apptsLeadSumMs: number;
}

/** The counts and sums added by issue 15's second part, in one list: storage and merging walk it. */
export const EXTRA_SUMS = [
  "leftCount",
  "leftWaitSumMs",
  "npsPromoters",
  "npsPassives",
  "npsDetractors",
  "complaints",
  "reviewsTaken",
  "reviewWaitSumMs",
  "reviewsDecided",
  "reviewSumMs",
  "apptsBooked",
  "apptsCancelled",
  "apptsNoShow",
  "apptsCheckedIn",
  "apptsOnTime",
  "apptsLeadSumMs",
] as const satisfies ReadonlyArray<keyof Tally>;
export type ExtraSum = (typeof EXTRA_SUMS)[number];

export function emptyTally(): Tally {
  return {
    arrived: 0,
    served: 0,
    noShows: 0,
    walkAways: 0,
    redirected: 0,
    called: 0,
    waitSumMs: 0,
    waitMaxMs: 0,
    withinTarget: 0,
    aboveAlarm: 0,
    waitBins: new Map(),
    timed: 0,
    serviceSumMs: 0,
    rated: 0,
    satisfied: 0,
    neutral: 0,
    dissatisfied: 0,
    counterOpenMs: 0,
    counterPausedMs: 0,
    counterBusyMs: 0,
    leftCount: 0,
    leftWaitSumMs: 0,
    npsPromoters: 0,
    npsPassives: 0,
    npsDetractors: 0,
    complaints: 0,
    reviewsTaken: 0,
    reviewWaitSumMs: 0,
    reviewsDecided: 0,
    reviewSumMs: 0,
    apptsBooked: 0,
    apptsCancelled: 0,
    apptsNoShow: 0,
    apptsCheckedIn: 0,
    apptsOnTime: 0,
    apptsLeadSumMs: 0,
  };
}

export interface WaitLimits {
  readonly targetMinutes: number;
  readonly alarmMinutes: number;
}

/** The whole-minute bin of a wait. */
export function waitBin(waitMs: number): number {
  return Math.min(MAX_WAIT_BIN, Math.floor(Math.max(0, waitMs) / MINUTE_MS));
}

/** Adds one ticket to a tally (in place: tallies are built in loops over many tickets). */
export function addTicket(tally: Tally, t: TicketFacts, limits: WaitLimits): void {
  tally.arrived++;
  switch (t.end) {
    case "served":
      tally.served++;
      break;
    case "no_show":
      tally.noShows++;
      break;
    case "walked_away":
      tally.walkAways++;
      break;
    case "redirected":
      tally.redirected++;
      break;
    case "open":
      break;
  }
  if (t.firstCalledAt !== null) {
    const wait = Math.max(0, t.firstCalledAt - t.issuedAt);
    tally.called++;
    tally.waitSumMs += wait;
    tally.waitMaxMs = Math.max(tally.waitMaxMs, wait);
    if (wait <= limits.targetMinutes * MINUTE_MS) tally.withinTarget++;
    if (wait > limits.alarmMinutes * MINUTE_MS) tally.aboveAlarm++;
    const bin = waitBin(wait);
    tally.waitBins.set(bin, (tally.waitBins.get(bin) ?? 0) + 1);
  }
  if (t.end === "served" && t.startedAt !== null && t.completedAt !== null) {
    tally.timed++;
    tally.serviceSumMs += Math.max(0, t.completedAt - t.startedAt);
  }
  if (t.rating !== null) {
    tally.rated++;
    if (t.rating === 3) tally.satisfied++;
    else if (t.rating === 2) tally.neutral++;
    else tally.dissatisfied++;
  }
  if (t.end === "walked_away" && t.firstCalledAt === null && t.leftAt !== undefined && t.leftAt !== null) {
    tally.leftCount++;
    tally.leftWaitSumMs += Math.max(0, t.leftAt - t.issuedAt);
  }
  if (t.nps !== undefined && t.nps !== null && Number.isInteger(t.nps) && t.nps >= 0 && t.nps <= 10) {
    if (t.nps >= 9) tally.npsPromoters++;
    else if (t.nps >= 7) tally.npsPassives++;
    else tally.npsDetractors++;
  }
}

/** Adds one complaint (in place). */
export function addComplaint(tally: Tally): void {
  tally.complaints++;
}

/** Adds one review round (in place): its wait once taken, its review time once decided. */
export function addReview(tally: Tally, r: ReviewFacts): void {
  if (r.takenAt === null) return;
  tally.reviewsTaken++;
  tally.reviewWaitSumMs += Math.max(0, r.takenAt - r.submittedAt);
  if (r.decidedAt === null) return;
  tally.reviewsDecided++;
  tally.reviewSumMs += Math.max(0, r.decidedAt - r.takenAt);
}

/** Adds one appointment (in place). On time: checked in no later than its start. */
export function addAppointment(tally: Tally, a: AppointmentFacts): void {
  tally.apptsBooked++;
  tally.apptsLeadSumMs += Math.max(0, a.startAt - a.createdAt);
  if (a.status === "cancelled") tally.apptsCancelled++;
  else if (a.status === "no_show") tally.apptsNoShow++;
  if (a.checkedInAt !== null && a.status !== "cancelled") {
    tally.apptsCheckedIn++;
    if (a.checkedInAt <= a.startAt) tally.apptsOnTime++;
  }
}

/** Adds `other` into `into` (in place). */
export function mergeTally(into: Tally, other: Tally): void {
  into.arrived += other.arrived;
  into.served += other.served;
  into.noShows += other.noShows;
  into.walkAways += other.walkAways;
  into.redirected += other.redirected;
  into.called += other.called;
  into.waitSumMs += other.waitSumMs;
  into.waitMaxMs = Math.max(into.waitMaxMs, other.waitMaxMs);
  into.withinTarget += other.withinTarget;
  into.aboveAlarm += other.aboveAlarm;
  for (const [bin, n] of other.waitBins) into.waitBins.set(bin, (into.waitBins.get(bin) ?? 0) + n);
  into.timed += other.timed;
  into.serviceSumMs += other.serviceSumMs;
  into.rated += other.rated;
  into.satisfied += other.satisfied;
  into.neutral += other.neutral;
  into.dissatisfied += other.dissatisfied;
  into.counterOpenMs += other.counterOpenMs;
  into.counterPausedMs += other.counterPausedMs;
  into.counterBusyMs += other.counterBusyMs;
  // EXTRA_SUMS one by one: a loop over the names is a keyed access each, and merging is most of a rebuild's time.
  into.leftCount += other.leftCount;
  into.leftWaitSumMs += other.leftWaitSumMs;
  into.npsPromoters += other.npsPromoters;
  into.npsPassives += other.npsPassives;
  into.npsDetractors += other.npsDetractors;
  into.complaints += other.complaints;
  into.reviewsTaken += other.reviewsTaken;
  into.reviewWaitSumMs += other.reviewWaitSumMs;
  into.reviewsDecided += other.reviewsDecided;
  into.reviewSumMs += other.reviewSumMs;
  into.apptsBooked += other.apptsBooked;
  into.apptsCancelled += other.apptsCancelled;
  into.apptsNoShow += other.apptsNoShow;
  into.apptsCheckedIn += other.apptsCheckedIn;
  into.apptsOnTime += other.apptsOnTime;
  into.apptsLeadSumMs += other.apptsLeadSumMs;
}

/**
 * The wait in minutes below which `share` of the called tickets waited, read from the histogram: the lower edge
 * of the bin holding that rank (so exact to the whole minute, never above the true value by a minute or more),
 * capped by the exact maximum. Null without called tickets.
 */
export function waitPercentileMinutes(tally: Tally, share: number): number | null {
  if (tally.called === 0) return null;
  // The nearest-rank definition: the smallest wait with at least `share` of the waits at or below it.
  const rank = Math.max(1, Math.ceil(share * tally.called));
  const bins = [...tally.waitBins.keys()].sort((a, b) => a - b);
  let seen = 0;
  for (const bin of bins) {
    seen += tally.waitBins.get(bin) ?? 0;
    if (seen >= rank) return Math.min(bin, tally.waitMaxMs / MINUTE_MS);
  }
  return tally.waitMaxMs / MINUTE_MS;
}

/** A histogram as compact text for storage: "minute:count" pairs, by minute. */
export function encodeBins(bins: ReadonlyMap<number, number>): string {
  return [...bins.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([bin, n]) => `${bin}:${n}`)
    .join(",");
}

export function decodeBins(text: string): Map<number, number> {
  // Read digit by digit: the summary decodes thousands of these per answer, and split/Number cost several times more.
  const out = new Map<number, number>();
  let bin = 0;
  let n = 0;
  let inCount = false;
  let valid = true;
  const put = () => {
    if (valid && inCount) out.set(bin, (out.get(bin) ?? 0) + n);
    bin = 0;
    n = 0;
    inCount = false;
    valid = true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (inCount) n = n * 10 + (c - 48);
      else bin = bin * 10 + (c - 48);
    } else if (c === 58 /* : */) {
      if (inCount) valid = false;
      inCount = true;
    } else if (c === 44 /* , */) put();
    else valid = false;
  }
  if (text.length > 0) put();
  return out;
}
