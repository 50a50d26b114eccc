import { DateTime } from "luxon";
import type { EpochMs } from "../ids.ts";

/**
 * The statutory clock of a consumer complaint (银行保险机构消费投诉处理管理办法): a decision within 15 days of
 * receipt for a simple case, 30 for a complex one, and one extension of 30 more days approved by a senior and
 * told to the complainant. Days are calendar days on the branch's calendar (its time zone): the deadline is
 * the end of the branch-local day, N days after the day of receipt. Working hours matter only for when staff
 * are reminded and escalated to (see `inWorkingHours`).
 */
export type Severity = "simple" | "complex";
export const SEVERITIES: readonly Severity[] = ["simple", "complex"];

export const DECISION_DAYS: Readonly<Record<Severity, number>> = Object.freeze({ simple: 15, complex: 30 });
export const EXTENSION_DAYS = 30;
/** Reminders go to the owner this many days before the deadline. */
export const REMINDER_DAYS = 3;

/** The end (last millisecond) of the branch-local day `days` after the day of `from`. */
export function endOfLocalDayAfter(from: EpochMs, days: number, timeZone: string): EpochMs {
  return DateTime.fromMillis(from, { zone: timeZone }).plus({ days }).endOf("day").toMillis();
}

export function decisionDueAt(receivedAt: EpochMs, severity: Severity, timeZone: string): EpochMs {
  return endOfLocalDayAfter(receivedAt, DECISION_DAYS[severity], timeZone);
}

export function extendedDueAt(dueAt: EpochMs, timeZone: string): EpochMs {
  return endOfLocalDayAfter(dueAt, EXTENSION_DAYS, timeZone);
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
  timeZone: string,
): ClockAction | null {
  if (now > c.dueAt) return c.escalatedAt === null ? "escalate" : null;
  if (c.remindedAt === null && daysLeft(c.dueAt, now, timeZone) <= REMINDER_DAYS) return "remind";
  return null;
}

/** Weekday 0 (Sunday) … 6 → [open, close] "HH:MM", or null: as branches.opening_hours stores them. */
export type WeeklyHours = Readonly<Record<string, readonly [string, string] | null>>;

/** Whether the branch is open at `now`: its weekday's hours, and not one of its closed days (YYYY-MM-DD). */
export function inWorkingHours(
  now: EpochMs,
  timeZone: string,
  hours: WeeklyHours,
  closedDays: ReadonlySet<string>,
): boolean {
  const local = DateTime.fromMillis(now, { zone: timeZone });
  if (closedDays.has(local.toISODate() ?? "")) return false;
  const today = hours[String(local.weekday % 7)];
  if (!today) return false;
  const hhmm = local.toFormat("HH:mm");
  return hhmm >= today[0] && hhmm < today[1];
}
