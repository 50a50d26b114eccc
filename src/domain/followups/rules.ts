import { DateTime } from "luxon";
import { type BranchCalendar, inWorkingHours, periodEnd } from "../complaints/clock.ts";
import type { EpochMs } from "../ids.ts";

export type { BranchCalendar };

/**
 * Follow-up tasks (issue 14, C7): a business type may want the customer called back N days after it was done
 * (loans, wealth products). The due date is on the branch's calendar, the one the complaint clock uses
 * (`periodEnd` of domain/complaints/clock.ts: weekly hours, closed and short days of `branch_closures`): the
 * closing time of the branch-local day N days after completion, or of the next day the branch opens when it does
 * not open that day (a short day closes at its own earlier time). The assignee is reminded `reminderDays`
 * branch-local days before it; the branch manager is told once it is past. Both only while the branch is open
 * by that calendar (a short day's afternoon counts as closed).
 *
 * Marketing contact (a product offer) needs the customer's current marketing consent and stays within a
 * frequency cap: at most `cap` contacts in any `windowDays` days per customer. Service follow-ups need neither.
 */
export type FollowupPurpose = "service" | "marketing";
export const PURPOSES: readonly FollowupPurpose[] = ["service", "marketing"];
export type FollowupOutcome = "done" | "no_answer" | "declined";
export const OUTCOMES: readonly FollowupOutcome[] = ["done", "no_answer", "declined"];
/** What a closed follow-up may say: an outcome recorded, or "unreachable" (no answer at the last attempt). */
export type FollowupResult = FollowupOutcome | "unreachable";

export interface FollowupPolicy {
  /** Marketing contacts allowed per customer in any window of `windowDays` days. */
  readonly marketingCap: number;
  readonly windowDays: number;
  /** The assignee is reminded this many branch-local days before the due date. */
  readonly reminderDays: number;
  /** Attempts to reach a customer who does not answer before the follow-up closes as unreachable. */
  readonly maxAttempts: number;
}

export const DEFAULT_POLICY: FollowupPolicy = Object.freeze({
  marketingCap: 2,
  windowDays: 30,
  reminderDays: 1,
  maxAttempts: 3,
});
export const MAX_ATTEMPTS_LIMIT = 10;
export const MAX_DAYS = 365;
/** The due date of a follow-up of a ticket completed at `completedAt`: see the module's comment. */
export function followupDueAt(completedAt: EpochMs, days: number, calendar: BranchCalendar): EpochMs {
  return periodEnd(completedAt, days, calendar);
}

/**
 * After "no answer": another attempt, due at the closing time of the next day the branch opens after the branch-local
 * day of `now`, while `attempts` (the ones made, this one included) is below `maxAttempts`; else unreachable.
 */
export function afterNoAnswer(
  attempts: number,
  maxAttempts: number,
  now: EpochMs,
  calendar: BranchCalendar,
): { readonly retry: true; readonly dueAt: EpochMs } | { readonly retry: false } {
  if (attempts >= maxAttempts) return { retry: false };
  return { retry: true, dueAt: followupDueAt(now, 1, calendar) };
}

/** Whole branch-local days from today to the due date (0 on the day, negative once past). */
export function daysToDue(dueAt: EpochMs, now: EpochMs, timeZone: string): number {
  const due = DateTime.fromMillis(dueAt, { zone: timeZone }).startOf("day");
  const today = DateTime.fromMillis(now, { zone: timeZone }).startOf("day");
  return Math.round(due.diff(today, "days").days);
}

export type FollowupClockAction = "remind" | "escalate";

/**
 * What the clock asks of an open follow-up now: nothing, the reminder to its assignee (only when it has one),
 * or the escalation to the branch manager (each once), and nothing at all outside the branch's working hours.
 */
export function followupClockAction(
  f: {
    readonly dueAt: EpochMs;
    readonly assigneeId: string | null;
    readonly remindedAt: EpochMs | null;
    readonly escalatedAt: EpochMs | null;
  },
  now: EpochMs,
  calendar: BranchCalendar,
  reminderDays: number,
): FollowupClockAction | null {
  if (!inWorkingHours(now, calendar)) return null;
  if (now > f.dueAt) return f.escalatedAt === null ? "escalate" : null;
  if (f.assigneeId !== null && f.remindedAt === null && daysToDue(f.dueAt, now, calendar.timeZone) <= reminderDays)
    return "remind";
  return null;
}

export type MarketingVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: "no_consent" | "cap" };

/**
 * Whether a marketing contact may happen now: `consent` is the customer's current marketing consent
 * (undefined: never asked), `contactsInWindow` the marketing contacts already made in the last window.
 */
export function marketingAllowed(
  consent: boolean | undefined,
  contactsInWindow: number,
  policy: FollowupPolicy,
): MarketingVerdict {
  if (consent !== true) return { ok: false, reason: "no_consent" };
  if (contactsInWindow >= policy.marketingCap) return { ok: false, reason: "cap" };
  return { ok: true };
}
