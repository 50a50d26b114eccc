import { DateTime } from "luxon";
import type { EpochMs } from "../ids.ts";

/**
 * The statutory clock of a consumer complaint (银行保险机构消费投诉处理管理办法): a decision within 15 days of
 * receipt for a simple case, 30 for a complex one, and one extension of 30 more days approved by a senior and
 * told to the complainant. Days are calendar days on the branch's calendar (its time zone), counted from the day
 * after the day of receipt. The period ends as the Civil Code has periods end (民法典 第二百零三条): when its last
 * day is one the branch does not open (its weekly hours, a closed day in `branch_closures`), the period ends on the
 * next day it opens; and its cut-off is the time business stops that day (the day's special hours when it has
 * some, else its weekly hours), not midnight. The branch's real opening hours also decide when staff are chased:
 * the reminder comes at the opening of the third day the branch opens before the deadline's day, and reminders and
 * escalations go out only while the branch is open (`inWorkingHours`, special short hours included).
 */
export type Severity = "simple" | "complex";
export const SEVERITIES: readonly Severity[] = ["simple", "complex"];

export const DECISION_DAYS: Readonly<Record<Severity, number>> = Object.freeze({ simple: 15, complex: 30 });
export const EXTENSION_DAYS = 30;
/** The owner is reminded this many days the branch opens before the deadline's day. */
export const REMINDER_DAYS = 3;
/** How far the clock looks for a day the branch opens (春节 with its weekend fits many times over). */
const SEARCH_DAYS = 62;

/** Weekday 0 (Sunday) … 6 → [open, close] "HH:MM", or null: as branches.opening_hours stores them. */
export type WeeklyHours = Readonly<Record<string, readonly [string, string] | null>>;

/**
 * A branch's calendar: its time zone, weekly hours, and its days with other hours from `branch_closures`
 * (YYYY-MM-DD branch-local → [open, close], or null for closed all day).
 */
export interface BranchCalendar {
  readonly timeZone: string;
  readonly hours: WeeklyHours;
  readonly special: Readonly<Record<string, readonly [string, string] | null>>;
}

/** The hours of the branch-local day `day` (a DateTime in the branch's zone): special ones first; null closed. */
export function hoursOn(day: DateTime, calendar: BranchCalendar): readonly [string, string] | null {
  const date = day.toISODate() ?? "";
  if (Object.hasOwn(calendar.special, date)) return calendar.special[date] ?? null;
  return calendar.hours[String(day.weekday % 7)] ?? null;
}

const at = (day: DateTime, hhmm: string): DateTime => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return day.startOf("day").set({ hour: h, minute: m, second: 0, millisecond: 0 });
};

/**
 * The end of a period of `days` calendar days after the branch-local day of `from`: the closing time of that day,
 * or of the next day the branch opens when it does not open that day. A branch that never opens in the search
 * keeps the end of the N-th day.
 */
export function periodEnd(from: EpochMs, days: number, calendar: BranchCalendar): EpochMs {
  const last = DateTime.fromMillis(from, { zone: calendar.timeZone }).startOf("day").plus({ days });
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const day = last.plus({ days: i });
    const hours = hoursOn(day, calendar);
    if (hours) return at(day, hours[1]).toMillis();
  }
  return last.endOf("day").toMillis();
}

export function decisionDueAt(receivedAt: EpochMs, severity: Severity, calendar: BranchCalendar): EpochMs {
  return periodEnd(receivedAt, DECISION_DAYS[severity], calendar);
}

/** 30 more days from the current deadline's day. */
export function extendedDueAt(dueAt: EpochMs, calendar: BranchCalendar): EpochMs {
  return periodEnd(dueAt, EXTENSION_DAYS, calendar);
}

/**
 * When the owner is reminded: the opening time of the REMINDER_DAYS-th day the branch opens before the deadline's
 * day (so three working days remain, whatever holidays come between). Fewer open days than that between now and
 * then: the start of the search, i.e. at once.
 */
export function reminderAt(dueAt: EpochMs, calendar: BranchCalendar): EpochMs {
  const dueDay = DateTime.fromMillis(dueAt, { zone: calendar.timeZone }).startOf("day");
  let found = 0;
  for (let i = 1; i <= SEARCH_DAYS; i++) {
    const day = dueDay.minus({ days: i });
    const hours = hoursOn(day, calendar);
    if (!hours) continue;
    found++;
    if (found === REMINDER_DAYS) return at(day, hours[0]).toMillis();
  }
  return dueDay.minus({ days: SEARCH_DAYS }).toMillis();
}

/** Whole branch-local days left until the deadline (negative once past; 0 on its last day). */
export function daysLeft(dueAt: EpochMs, now: EpochMs, timeZone: string): number {
  const due = DateTime.fromMillis(dueAt, { zone: timeZone }).startOf("day");
  const today = DateTime.fromMillis(now, { zone: timeZone }).startOf("day");
  return Math.round(due.diff(today, "days").days);
}

export type ClockAction = "remind" | "escalate";

/** What the clock asks for now of an open complaint: nothing, its reminder, or its escalation (each once). */
export function clockAction(
  c: { readonly dueAt: EpochMs; readonly remindedAt: EpochMs | null; readonly escalatedAt: EpochMs | null },
  now: EpochMs,
  calendar: BranchCalendar,
): ClockAction | null {
  if (now > c.dueAt) return c.escalatedAt === null ? "escalate" : null;
  if (c.remindedAt === null && now >= reminderAt(c.dueAt, calendar)) return "remind";
  return null;
}

/** Whether the branch is open at `now`: the day's special hours (a closed day, a short day), else its weekly hours. */
export function inWorkingHours(now: EpochMs, calendar: BranchCalendar): boolean {
  const local = DateTime.fromMillis(now, { zone: calendar.timeZone });
  const today = hoursOn(local, calendar);
  if (!today) return false;
  const hhmm = local.toFormat("HH:mm");
  return hhmm >= today[0] && hhmm < today[1];
}
