import type { EpochMs } from "../ids.ts";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** A business type's booking rules. Every field has a default, so a type with no row of its own is bookable. */
export interface BookingRules {
  readonly bookable: boolean;
  /** How many days ahead a slot may be booked (from tomorrow, counting today's remaining slots too). */
  readonly daysAhead: number;
  readonly minNoticeBookMinutes: number;
  readonly minNoticeCancelMinutes: number;
  readonly minNoticeRescheduleMinutes: number;
  /** Appointments of this business type one customer (phone) may hold per local day; other types have their own. */
  readonly capPerCustomerPerDay: number;
  /** How long a slot stays held while the booking form is filled in. */
  readonly holdMinutes: number;
  readonly waitlist: boolean;
  readonly bufferMinutes: number;
  /** Share of counter time kept for appointments (0…1), and hours with another share. */
  readonly share: number;
  readonly shareByHour: Readonly<Record<string, number>>;
  readonly checkInEarlyMinutes: number;
  readonly checkInLateMinutes: number;
  /** After this many no-shows within `noShowWindowDays`, only staff may book for the customer. */
  readonly noShowLimit: number;
  readonly noShowWindowDays: number;
}

export const DEFAULT_RULES: BookingRules = {
  bookable: true,
  daysAhead: 14,
  minNoticeBookMinutes: 60,
  minNoticeCancelMinutes: 60,
  minNoticeRescheduleMinutes: 60,
  capPerCustomerPerDay: 1,
  holdMinutes: 10,
  waitlist: false,
  bufferMinutes: 0,
  share: 0.3,
  shareByHour: {},
  checkInEarlyMinutes: 30,
  checkInLateMinutes: 15,
  noShowLimit: 3,
  noShowWindowDays: 90,
};

/** The stored rules over the defaults: a field missing (an older row) keeps its default. */
export function withDefaults(stored: Partial<BookingRules> | undefined): BookingRules {
  return { ...DEFAULT_RULES, ...(stored ?? {}) };
}

export type Refusal =
  | { readonly ok: false; readonly reason: "not_bookable" | "past" | "too_soon" | "too_far" }
  | { readonly ok: false; readonly reason: "notice"; readonly latest: EpochMs };
export type Verdict = { readonly ok: true } | Refusal;

const OK: Verdict = { ok: true };

/**
 * Whether a slot starting at `start` may be booked at `now`. `lastDay` is the last bookable local day
 * (see `lastBookableDay`) and `slotDay` the slot's local day, both YYYY-MM-DD, so that "14 days" means
 * calendar days in the branch, not 14 × 24 hours from this second.
 */
export function canBook(
  rules: BookingRules,
  now: EpochMs,
  start: EpochMs,
  slotDay: string,
  lastDay: string,
  byStaff = false,
): Verdict {
  if (!rules.bookable && !byStaff) return { ok: false, reason: "not_bookable" };
  if (start <= now) return { ok: false, reason: "past" };
  // Staff booking a caller may take a slot at short notice: they know whether the counter can take it.
  if (!byStaff && start - now < rules.minNoticeBookMinutes * MIN) return { ok: false, reason: "too_soon" };
  if (slotDay > lastDay) return { ok: false, reason: "too_far" };
  return OK;
}

/** The last local day a customer may book on, `daysAhead` days after today. */
export function lastBookableDay(rules: BookingRules, today: string): string {
  const [y, m, d] = today.split("-").map(Number);
  const t = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) + rules.daysAhead * DAY);
  return t.toISOString().slice(0, 10);
}

/** A customer may cancel (or reschedule) until the notice before the appointment; staff always may. */
export function canChange(
  rules: BookingRules,
  kind: "cancel" | "reschedule",
  now: EpochMs,
  start: EpochMs,
  byStaff = false,
): Verdict {
  if (byStaff) return OK;
  const notice = kind === "cancel" ? rules.minNoticeCancelMinutes : rules.minNoticeRescheduleMinutes;
  const latest = start - notice * MIN;
  return now <= latest ? OK : { ok: false, reason: "notice", latest };
}

export type CheckInWindow =
  | { readonly kind: "open" }
  | { readonly kind: "too_early"; readonly opensAt: EpochMs }
  | { readonly kind: "too_late"; readonly closedAt: EpochMs };

/** Where `now` falls against the check-in window around an appointment (default 30 min early to 15 late). */
export function checkInWindow(rules: BookingRules, now: EpochMs, start: EpochMs): CheckInWindow {
  const opensAt = start - rules.checkInEarlyMinutes * MIN;
  const closedAt = start + rules.checkInLateMinutes * MIN;
  if (now < opensAt) return { kind: "too_early", opensAt };
  if (now > closedAt) return { kind: "too_late", closedAt };
  return { kind: "open" };
}

/** An appointment not checked in by the end of its window is a no-show from then on. */
export function noShowAfter(rules: BookingRules, start: EpochMs): EpochMs {
  return start + rules.checkInLateMinutes * MIN;
}

/** Whether the customer's appointments of this business type that day already reach the type's cap. */
export function capReached(rules: BookingRules, bookedThatDay: number): boolean {
  return bookedThatDay >= rules.capPerCustomerPerDay;
}

/** Since when no-shows count against a customer, and whether their count bars online booking. */
export function noShowsSince(rules: BookingRules, now: EpochMs): EpochMs {
  return now - rules.noShowWindowDays * DAY;
}
export function onlineBookingBarred(rules: BookingRules, recentNoShows: number): boolean {
  return recentNoShows >= rules.noShowLimit;
}

/** When a hold taken now lapses. */
export function holdExpiresAt(rules: BookingRules, now: EpochMs): EpochMs {
  return now + rules.holdMinutes * MIN;
}

/**
 * Who on the waitlist is offered a freed place: the earliest to join among those who asked for this day (and
 * who do not already hold an appointment that day); null when nobody waits.
 */
export function nextOnWaitlist<T extends { readonly joinedAt: EpochMs; readonly day: string }>(
  rules: BookingRules,
  waiting: readonly T[],
  day: string,
): T | null {
  if (!rules.waitlist) return null;
  let best: T | null = null;
  for (const w of waiting) if (w.day === day && (best === null || w.joinedAt < best.joinedAt)) best = w;
  return best;
}

/** One wrong field of the rules, named, in both languages (the admin page shows it next to the field). */
export interface RuleProblem {
  readonly field: string;
  readonly en: string;
  readonly zh: string;
}

/** Chinese names of the rule fields, for the messages. */
const FIELD_ZH: Readonly<Record<string, string>> = {
  daysAhead: "可提前预约天数",
  minNoticeBookMinutes: "预约最短提前时间（分钟）",
  minNoticeCancelMinutes: "取消最短提前时间（分钟）",
  minNoticeRescheduleMinutes: "改约最短提前时间（分钟）",
  capPerCustomerPerDay: "每位客户每天预约上限",
  holdMinutes: "填表时保留时段（分钟）",
  bufferMinutes: "预约间隔缓冲（分钟）",
  checkInEarlyMinutes: "最早提前签到（分钟）",
  checkInLateMinutes: "最晚迟到签到（分钟）",
  noShowLimit: "爽约次数上限",
  noShowWindowDays: "爽约统计天数",
  share: "预约占比",
};

/** Check stored or submitted rules: a clear message per field instead of a slot grid that makes no sense. */
export function ruleFieldProblems(rules: BookingRules): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const whole = (name: keyof BookingRules, min: number, max: number) => {
    const v = rules[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      problems.push({
        field: name,
        en: `${name} must be a whole number from ${min} to ${max}`,
        zh: `${FIELD_ZH[name] ?? name}须为 ${min} 至 ${max} 之间的整数`,
      });
  };
  whole("daysAhead", 0, 365);
  whole("minNoticeBookMinutes", 0, 10_080);
  whole("minNoticeCancelMinutes", 0, 10_080);
  whole("minNoticeRescheduleMinutes", 0, 10_080);
  whole("capPerCustomerPerDay", 1, 20);
  whole("holdMinutes", 1, 60);
  whole("bufferMinutes", 0, 120);
  whole("checkInEarlyMinutes", 0, 240);
  whole("checkInLateMinutes", 0, 240);
  whole("noShowLimit", 1, 100);
  whole("noShowWindowDays", 1, 3650);
  const share = (v: number) => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 1;
  if (!share(rules.share))
    problems.push({ field: "share", en: "share must be from 0 to 1", zh: "预约占比须在 0 至 1 之间" });
  for (const [h, v] of Object.entries(rules.shareByHour)) {
    if (!/^(?:[0-9]|1[0-9]|2[0-3])$/.test(h) || !share(v))
      problems.push({
        field: `shareByHour.${h}`,
        en: `shareByHour.${h} must be from 0 to 1`,
        zh: `${h} 时的预约占比须在 0 至 1 之间（时为 0 至 23）`,
      });
  }
  return problems;
}

/** The problems' English texts. */
export function ruleProblems(rules: BookingRules): string[] {
  return ruleFieldProblems(rules).map((p) => p.en);
}
