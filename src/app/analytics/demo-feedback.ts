/**
 * What else the demo's simulated days hold beside their tickets, so that every figure on /analytics has a value on
 * the first start: survey answers (NPS), complaints, the back office's review rounds and appointments. Each is
 * written as its own capability stores it (the rows of surveys, complaints with their notes, reviews,
 * appointments), in the import's transaction, before the days are tallied; the tallies then count them exactly as
 * they count live ones. Everything is of the past and finished — complaints closed, reviews decided, appointments
 * completed, cancelled or missed — so no clock, reminder or no-show sweep acts on it. Deterministic: one random
 * stream per day.
 *
 * The model, per day (shares are of the day's tickets, with the branch's live rules where there is one):
 * - Surveys: one served visit in ten gets a survey by SMS an hour after it; four in ten answer within a day, with
 *   NPS following the visit's satisfaction (the pad's rating where given, else drawn from the wait as the rating
 *   is). As live (surveys.ts), an answer of 不满意 or NPS 0–6 opens a complaint (source survey).
 * - Complaints: besides those, a visit that waited past the alarm is complained about at the desk one time in
 *   forty (wait time); and one complaint naming no visit comes in on one day in ten (fees or products). All are
 *   closed by the branch manager within a few days, with a root cause and a reply.
 * - Reviews: every served visit of a business type that needs the second review is reviewed (as live) by two
 *   reviewers (the back office's and the branch manager) working one queue: taken a few minutes after it is
 *   submitted, later when both are busy, decided in two to six minutes; one in twenty-five is returned once and
 *   approved in a second round.
 * - Appointments: complex business (expected time ten minutes or more) — about one visit in eight came by
 *   appointment: booked two hours to nine days before, for the slot of the business type at or after his check-in
 *   (eight in ten check in before the start, the others up to ten minutes late), and linked to the visit; for every
 *   ten kept, about two or three are cancelled or missed (no ticket), two cancelled for one missed.
 */
import { createHash } from "node:crypto";
import { decisionDueAt, type WeeklyHours } from "../../domain/complaints/clock.ts";
import { MINUTE_MS } from "../../domain/ids.ts";
import type { Random } from "../../sim/random.ts";
import { insertRows } from "../../store/bulk-insert.ts";
import type {
  AppointmentTable,
  ComplaintNoteTable,
  ComplaintTable,
  ReviewTable,
  SurveyTable,
} from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";

const HOUR_MS = 60 * MINUTE_MS;

/** One simulated ticket, as the feedback model needs it. */
export interface DemoTicket {
  readonly id: string;
  readonly serviceId: string;
  readonly counterId: string | null;
  readonly tellerId: string | null;
  readonly issuedAt: number;
  readonly calledAt: number | null;
  readonly finishedAt: number | null;
  readonly outcome: "served" | "no_show" | "walked_away" | "cancelled";
  /** The pad's rating, 1–3, or null. */
  readonly rating: number | null;
  /** The satisfaction the visit left, 1–3, rated or not (drawn from the wait as the pad's rating is). */
  readonly mood: 1 | 2 | 3;
}

export interface DemoFeedbackSetting {
  readonly branchId: string;
  readonly timeZone: string;
  /** The branch's weekly hours: the demo complaints' deadlines end at closing time, as real ones do. */
  readonly openingHours?: WeeklyHours;
  readonly alarmWaitMinutes: number;
  readonly services: ReadonlyArray<{
    readonly id: string;
    readonly needsReview: boolean;
    readonly expectedMinutes: number;
  }>;
  readonly managerId: string | null;
  readonly reviewerId: string | null;
}

export interface DemoFeedback {
  readonly surveys: SurveyTable[];
  readonly complaints: ComplaintTable[];
  readonly notes: ComplaintNoteTable[];
  readonly reviews: ReviewTable[];
  readonly appointments: AppointmentTable[];
}

export function emptyFeedback(): DemoFeedback {
  return { surveys: [], complaints: [], notes: [], reviews: [], appointments: [] };
}

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
const ROOT_CAUSES: Readonly<Record<string, readonly [string, string]>> = {
  service_quality: [
    "柜员解释不够清楚，已辅导 / Explanation unclear; teller coached",
    "已向客户说明办理要求 / Requirements explained",
  ],
  wait_time: [
    "高峰时段窗口不足，已调整排班 / Too few counters at the peak; rota changed",
    "系统响应慢，已报修 / Slow system, reported",
  ],
  fees: ["收费标准未提前告知 / Fee not announced beforehand", "客户误解收费项目 / Fee misunderstood"],
  product: ["产品说明材料已更新 / Product leaflet updated", "已安排理财经理回访 / Wealth manager called back"],
};
const REPLY = "感谢您的反馈，我们已核实并改进。/ Thank you; we have looked into it and made changes.";

/** A stable id for a demo row: the same simulated day always makes the same rows. */
function demoId(kind: string, key: string): string {
  return `demo_${kind}_${createHash("sha256").update(key).digest("hex").slice(0, 24)}`;
}

/** An NPS answer 0–10 for a visit's satisfaction. */
function npsFor(mood: 1 | 2 | 3, r: number): number {
  if (mood === 3) return r < 0.55 ? 10 : r < 0.85 ? 9 : r < 0.95 ? 8 : 7;
  if (mood === 2) return r < 0.1 ? 9 : r < 0.45 ? 8 : r < 0.75 ? 7 : r < 0.9 ? 6 : 5;
  return Math.floor(r * 6);
}

const exp = (random: Random, mean: number) => -Math.log(1 - random.next()) * mean;

/**
 * Adds the feedback of one simulated branch-day's tickets to `out`. `slots` gives, per business type, the starts of
 * the day's appointment slots (epoch ms, ascending).
 */
export function addDemoFeedback(
  out: DemoFeedback,
  setting: DemoFeedbackSetting,
  day: string,
  tickets: readonly DemoTicket[],
  slots: ReadonlyMap<string, readonly number[]>,
  random: Random,
): void {
  const services = new Map(setting.services.map((s) => [s.id, s]));
  const complaint = (
    key: string,
    c: { ticketId: string | null; surveyId: string | null; source: ComplaintTable["source"]; category: string },
    receivedAt: number,
    description: string,
  ): string => {
    const id = demoId("complaint", key);
    const closedAt = receivedAt + Math.round((4 + exp(random, 50)) * HOUR_MS);
    const dueAt = decisionDueAt(receivedAt, "simple", {
      timeZone: setting.timeZone,
      hours: setting.openingHours ?? {},
      special: {},
    });
    const causes = ROOT_CAUSES[c.category] ?? ROOT_CAUSES.service_quality ?? ["", ""];
    out.complaints.push({
      id,
      branch_id: setting.branchId,
      ticket_id: c.ticketId,
      customer_id: null,
      survey_id: c.surveyId,
      source: c.source,
      category: c.category,
      severity: "simple",
      description,
      status: "closed",
      owner_id: setting.managerId,
      received_at: receivedAt,
      due_at: dueAt,
      extended_at: null,
      extended_by: null,
      extension_reason: null,
      reminded_at: null,
      escalated_at: null,
      root_cause: causes[random.next() < 0.5 ? 0 : 1],
      reply: REPLY,
      closed_at: closedAt,
      closed_by: setting.managerId,
      reopen_count: 0,
      reopen_token_hash: null,
      created_by: c.source === "staff" ? setting.managerId : null,
      version: 1,
      status_token_hash: null,
      ip_hash: null,
      created_at: receivedAt,
      updated_at: closedAt,
    });
    out.notes.push(
      {
        complaint_id: id,
        seq: 1,
        at: receivedAt,
        action: "recorded",
        actor_id: c.source === "staff" ? setting.managerId : null,
        data: JSON.stringify({ source: c.source, severity: "simple" }),
      },
      {
        complaint_id: id,
        seq: 2,
        at: closedAt,
        action: "closed",
        actor_id: setting.managerId,
        data: JSON.stringify({ withinDeadline: closedAt <= dueAt, complainantNotified: false }),
      },
    );
    return id;
  };

  // Reviews wait longer when many come at once: two reviewers (the back office and the branch manager) work the
  // day's queue, each taking the next review when free.
  const reviewers = [setting.reviewerId, setting.managerId ?? setting.reviewerId];
  const freeAt = [0, 0];
  const taken = new Set<string>();
  const kept = new Map<string, number>();
  let dayAppointments = 0;
  for (const t of tickets) {
    const service = services.get(t.serviceId);
    if (t.outcome === "served" && t.finishedAt !== null) {
      // The SMS survey an hour after the visit.
      if (random.next() < 0.1) {
        const sentAt = t.finishedAt + HOUR_MS;
        const answered = random.next() < 0.4;
        const answeredAt = answered ? sentAt + Math.round(exp(random, 3) * HOUR_MS) : null;
        const nps = answered ? npsFor(t.mood, random.next()) : null;
        const csat = answered ? (["dissatisfied", "neutral", "satisfied"] as const)[t.mood - 1] : null;
        const surveyId = demoId("survey", t.id);
        const complaintId =
          answeredAt !== null && nps !== null && (t.mood === 1 || nps <= 6)
            ? complaint(
                `survey ${t.id}`,
                { ticketId: t.id, surveyId, source: "survey", category: "service_quality" },
                answeredAt,
                `满意度调查 / Survey — CSAT: ${csat} · NPS: ${nps}`,
              )
            : null;
        out.surveys.push({
          id: surveyId,
          ticket_id: t.id,
          branch_id: setting.branchId,
          customer_id: null,
          token_hash: null,
          channel: "sms",
          sent_at: sentAt,
          csat: csat ?? null,
          csat_source: csat ? "survey" : null,
          nps,
          comment: null,
          answered_at: answeredAt,
          complaint_id: complaintId,
          created_at: sentAt,
        });
      }
      // The back office's second review of every served visit of a type that needs it.
      if (service?.needsReview && t.tellerId !== null && setting.reviewerId !== null) {
        let submitted = t.finishedAt;
        for (let round = 1; round <= 2; round++) {
          const who = (freeAt[0] ?? 0) <= (freeAt[1] ?? 0) ? 0 : 1;
          const takenAt = Math.max(submitted + Math.round(exp(random, 2) * MINUTE_MS), freeAt[who] ?? 0);
          const decidedAt = takenAt + Math.round((2 + random.next() * 4) * MINUTE_MS);
          freeAt[who] = decidedAt;
          const reviewer = reviewers[who] ?? setting.reviewerId;
          const rejected = round === 1 && random.next() < 0.04;
          out.reviews.push({
            id: demoId("review", `${t.id} ${round}`),
            ticket_id: t.id,
            branch_id: setting.branchId,
            service_id: t.serviceId,
            counter_id: t.counterId,
            teller_id: t.tellerId,
            priority: "normal",
            round,
            status: rejected ? "rejected" : "approved",
            submitted_at: submitted,
            taken_by: reviewer,
            taken_at: takenAt,
            decided_by: reviewer,
            decided_at: decidedAt,
            reason: rejected ? "收款人信息不全 / Payee details incomplete" : null,
            alarmed_at: null,
          });
          if (!rejected) break;
          submitted = decidedAt + Math.round((5 + random.next() * 10) * MINUTE_MS);
        }
      }
    }
    // A wait past the alarm is sometimes complained about at the desk before the customer leaves.
    if (t.calledAt !== null && t.calledAt - t.issuedAt > setting.alarmWaitMinutes * MINUTE_MS && random.next() < 0.025)
      complaint(
        `desk ${t.id}`,
        { ticketId: t.id, surveyId: null, source: "staff", category: "wait_time" },
        (t.finishedAt ?? t.calledAt) + 2 * MINUTE_MS,
        "客户反映等候时间过长 / The customer found the wait too long",
      );
    // Complex business: about one visit in eight came by appointment, for the slot at or after his check-in.
    const starts = slots.get(t.serviceId);
    if (t.outcome === "served" && service && service.expectedMinutes >= 10 && starts && random.next() < 0.125) {
      const late = random.next() < 0.2;
      const target = late ? t.issuedAt - Math.round((1 + random.next() * 9) * MINUTE_MS) : t.issuedAt;
      const start = late
        ? [...starts].reverse().find((s) => s <= target && !taken.has(`${t.serviceId} ${s}`))
        : starts.find((s) => s >= target && s - target <= 30 * MINUTE_MS && !taken.has(`${t.serviceId} ${s}`));
      if (start !== undefined && t.issuedAt - start <= 15 * MINUTE_MS) {
        taken.add(`${t.serviceId} ${start}`);
        kept.set(t.serviceId, (kept.get(t.serviceId) ?? 0) + 1);
        out.appointments.push(
          appointmentRow(setting, day, dayAppointments++, t.serviceId, start, service.expectedMinutes, random, {
            status: "completed",
            ticketId: t.id,
            checkedInAt: t.issuedAt,
          }),
        );
      }
    }
  }
  // Cancelled and missed ones, in slots nobody else took.
  for (const [serviceId, n] of kept) {
    const service = services.get(serviceId);
    const free = (slots.get(serviceId) ?? []).filter((s) => !taken.has(`${serviceId} ${s}`));
    for (let i = 0; i < n * 0.2 + random.next() * 0.5 && free.length > 0 && service; i++) {
      const [start] = free.splice(Math.floor(random.next() * free.length), 1);
      if (start === undefined) break;
      const status = random.next() < 0.67 ? "cancelled" : "no_show";
      out.appointments.push(
        appointmentRow(setting, day, dayAppointments++, serviceId, start, service.expectedMinutes, random, {
          status,
          ticketId: null,
          checkedInAt: null,
        }),
      );
    }
  }
  // One complaint in ten days names no visit: received at the branch (or online) about fees or a product.
  if (random.next() < 0.1 && tickets.length > 0) {
    const first = tickets[0]?.issuedAt ?? 0;
    const at = first + Math.round(random.next() * 6 * HOUR_MS);
    const category = random.next() < 0.5 ? "fees" : "product";
    complaint(
      `branch ${setting.branchId} ${day}`,
      { ticketId: null, surveyId: null, source: random.next() < 0.5 ? "online" : "staff", category },
      at,
      category === "fees"
        ? "对收费有异议 / Disputes a fee"
        : "对理财产品说明有疑问 / Questions a product's description",
    );
  }
}

/** Letters and digits of booking codes (no 0/O, 1/I/L), as app/appointments/tokens.ts. */
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

function appointmentRow(
  setting: DemoFeedbackSetting,
  day: string,
  /** The appointment's place in its branch-day: its booking code is unique by it. */
  index: number,
  serviceId: string,
  start: number,
  expectedMinutes: number,
  random: Random,
  what: { status: AppointmentTable["status"]; ticketId: string | null; checkedInAt: number | null },
): AppointmentTable {
  const key = `${setting.branchId} ${serviceId} ${start}`;
  const id = demoId("appointment", key);
  // Booked two hours to nine days ahead; most a day or two before.
  const lead = Math.round(Math.min(9 * 24, 2 + exp(random, 40)) * HOUR_MS);
  const createdAt = start - lead;
  const n = Math.floor(random.next() * 1e8);
  const surname = SURNAMES[n % SURNAMES.length] ?? "王";
  const endedAt =
    what.status === "cancelled" ? createdAt + Math.round(random.next() * (lead - HOUR_MS)) : start + HOUR_MS;
  return {
    id,
    branch_id: setting.branchId,
    service_id: serviceId,
    customer_id: null,
    customer_name: `${surname}${n % 2 === 0 ? "先生" : "女士"}`,
    // Numbers of a range no phone has (170-0000-xxxx), different for each appointment.
    customer_phone: `+86170${String(n).padStart(8, "0").slice(-8)}`,
    customer_email: null,
    lang: "zh-CN",
    day,
    start_at: start,
    end_at: start + expectedMinutes * MINUTE_MS,
    status: what.status,
    // "D", the day (YYMMDD) and the place that day: unique per branch by construction, as the table requires.
    code: `D${day.slice(2).replaceAll("-", "")}${CODE_ALPHABET[Math.floor(index / CODE_ALPHABET.length) % CODE_ALPHABET.length]}${CODE_ALPHABET[index % CODE_ALPHABET.length]}`,
    manage_token_hash: createHash("sha256").update(`demo manage ${key}`).digest("hex"),
    answers: "{}",
    channel: random.next() < 0.8 ? "online" : "staff",
    created_by: null,
    manager_user_id: null,
    ticket_id: what.ticketId,
    cancel_reason: what.status === "cancelled" ? "客户改期 / The customer rescheduled" : null,
    checked_in_at: what.checkedInAt,
    version: 1,
    created_at: createdAt,
    updated_at: Math.max(createdAt, endedAt),
  };
}

const SURVEY_COLUMNS = [
  "id",
  "ticket_id",
  "branch_id",
  "customer_id",
  "token_hash",
  "channel",
  "sent_at",
  "csat",
  "csat_source",
  "nps",
  "comment",
  "answered_at",
  "complaint_id",
  "created_at",
] as const satisfies ReadonlyArray<keyof SurveyTable>;

const COMPLAINT_COLUMNS = [
  "id",
  "branch_id",
  "ticket_id",
  "customer_id",
  "survey_id",
  "source",
  "category",
  "severity",
  "description",
  "status",
  "owner_id",
  "received_at",
  "due_at",
  "extended_at",
  "extended_by",
  "extension_reason",
  "reminded_at",
  "escalated_at",
  "root_cause",
  "reply",
  "closed_at",
  "closed_by",
  "reopen_count",
  "reopen_token_hash",
  "created_by",
  "version",
  "status_token_hash",
  "ip_hash",
  "created_at",
  "updated_at",
] as const satisfies ReadonlyArray<keyof ComplaintTable>;

const NOTE_COLUMNS = ["complaint_id", "seq", "at", "action", "actor_id", "data"] as const satisfies ReadonlyArray<
  keyof ComplaintNoteTable
>;

const REVIEW_COLUMNS = [
  "id",
  "ticket_id",
  "branch_id",
  "service_id",
  "counter_id",
  "teller_id",
  "priority",
  "round",
  "status",
  "submitted_at",
  "taken_by",
  "taken_at",
  "decided_by",
  "decided_at",
  "reason",
  "alarmed_at",
] as const satisfies ReadonlyArray<keyof ReviewTable>;

const APPOINTMENT_COLUMNS = [
  "id",
  "branch_id",
  "service_id",
  "customer_id",
  "customer_name",
  "customer_phone",
  "customer_email",
  "lang",
  "day",
  "start_at",
  "end_at",
  "status",
  "code",
  "manage_token_hash",
  "answers",
  "channel",
  "created_by",
  "manager_user_id",
  "ticket_id",
  "cancel_reason",
  "checked_in_at",
  "version",
  "created_at",
  "updated_at",
] as const satisfies ReadonlyArray<keyof AppointmentTable>;

/** Writes the feedback inside the caller's write (the import's, after its tickets: rows name them). */
export async function insertDemoFeedback(tx: Tx, f: DemoFeedback): Promise<void> {
  // Complaints first: a survey names the complaint its answer opened.
  await insertRows(tx, "complaints", COMPLAINT_COLUMNS, f.complaints);
  await insertRows(tx, "complaint_notes", NOTE_COLUMNS, f.notes);
  await insertRows(tx, "surveys", SURVEY_COLUMNS, f.surveys);
  await insertRows(tx, "reviews", REVIEW_COLUMNS, f.reviews);
  await insertRows(tx, "appointments", APPOINTMENT_COLUMNS, f.appointments);
}
