/**
 * Quiet hours: no reminder is sent between 21:00 and 08:00 in the branch's time zone (by default). A message
 * due inside them moves to the next allowed moment. Pure: the time is an argument.
 */
import { DateTime } from "luxon";

export interface QuietHours {
  /** "HH:MM", local time, when quiet starts (inclusive). */
  readonly start: string;
  /** "HH:MM", local time, when quiet ends (sending allowed again from this minute). */
  readonly end: string;
}

export const DEFAULT_QUIET_HOURS: QuietHours = { start: "21:00", end: "08:00" };

function minutesOf(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`not a time of day: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Whether a local minute of the day lies inside the quiet period (which may wrap past midnight). */
function isQuiet(minute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** `at` itself when it is outside quiet hours, otherwise the end of the quiet period it falls in. */
export function nextAllowedTime(at: number, timeZone: string, quiet: QuietHours = DEFAULT_QUIET_HOURS): number {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const local = DateTime.fromMillis(at, { zone: timeZone });
  if (!local.isValid) throw new Error(`unknown time zone ${timeZone}`);
  const minute = local.hour * 60 + local.minute;
  if (!isQuiet(minute, start, end)) return at;
  // The end lies today if we are before it (after midnight in a wrapping period), tomorrow otherwise.
  const endToday = local.startOf("day").plus({ minutes: end });
  const next =
    minute < end ? endToday : endToday.plus({ days: 1 }).set({ hour: Math.floor(end / 60), minute: end % 60 });
  return next.toMillis();
}
