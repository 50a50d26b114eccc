import type { EpochMs } from "../ids.ts";

/**
 * When a business type takes tickets: its hours, the last time a ticket may be taken (取号截止) and how many
 * numbers a day it hands out. Each rule is optional; a business type without rules takes tickets whenever
 * it is active.
 */
export interface ServiceRules {
  /** "HH:MM" branch-local: no ticket before this. */
  readonly opensAt: string | null;
  /** "HH:MM" branch-local: the business type's counters stop serving; the cut-off when none is set. */
  readonly closesAt: string | null;
  /** "HH:MM" branch-local: the last minute a ticket may be taken, usually before closing. */
  readonly ticketCutoff: string | null;
  /** The most numbers handed out in one branch-local day. */
  readonly dailyCap: number | null;
}

export const NO_RULES: ServiceRules = { opensAt: null, closesAt: null, ticketCutoff: null, dailyCap: null };

/** Why a business type takes no ticket now. */
export type ClosedReason = "not_open_yet" | "cut_off" | "full";

export type Availability =
  | { readonly open: true }
  | { readonly open: false; readonly reason: ClosedReason; readonly at?: string; readonly cap?: number };

/** "HH:MM" → minutes after midnight. */
export function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/** The minute a ticket may last be taken: the cut-off, else the closing time, else none. */
export function lastTicketAt(rules: ServiceRules): string | null {
  return rules.ticketCutoff ?? rules.closesAt;
}

export function hasTimeRules(rules: ServiceRules): boolean {
  return rules.opensAt !== null || lastTicketAt(rules) !== null;
}

/**
 * Whether a ticket may be taken at `localMinute` (minutes after the branch's local midnight) when the
 * business type has already handed out `issuedToday` numbers. The cut-off minute itself is closed: "取号截止
 * 16:30" means the last ticket is taken before 16:30.
 */
export function availability(rules: ServiceRules, localMinute: number, issuedToday: number): Availability {
  if (rules.opensAt !== null && localMinute < minutesOfDay(rules.opensAt))
    return { open: false, reason: "not_open_yet", at: rules.opensAt };
  const last = lastTicketAt(rules);
  if (last !== null && localMinute >= minutesOfDay(last)) return { open: false, reason: "cut_off", at: last };
  if (rules.dailyCap !== null && issuedToday >= rules.dailyCap)
    return { open: false, reason: "full", cap: rules.dailyCap };
  return { open: true };
}

/** Whether the rules make sense together: opening before closing, the cut-off inside the hours. */
export function rulesProblem(rules: ServiceRules): "opens_after_closing" | "cutoff_outside_hours" | null {
  const open = rules.opensAt === null ? null : minutesOfDay(rules.opensAt);
  const close = rules.closesAt === null ? null : minutesOfDay(rules.closesAt);
  const cutoff = rules.ticketCutoff === null ? null : minutesOfDay(rules.ticketCutoff);
  if (open !== null && close !== null && open >= close) return "opens_after_closing";
  if (cutoff !== null && ((open !== null && cutoff <= open) || (close !== null && cutoff > close)))
    return "cutoff_outside_hours";
  return null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes after the local midnight of `timeZone` at an instant (a DST day's jump shows as a jump). */
export function localMinuteOfDay(at: EpochMs, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, f);
  }
  let hour = 0;
  let minute = 0;
  for (const part of f.formatToParts(at)) {
    if (part.type === "hour") hour = Number(part.value);
    else if (part.type === "minute") minute = Number(part.value);
  }
  return hour * 60 + minute;
}
