import type { EpochMs } from "./ids.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The last answer per time zone, by whole second: a day can only change on a second's boundary (no zone's
 * offset has a fraction of a second), and formatting a date costs more than a ticket's other arithmetic, while
 * a busy branch asks many times a second.
 */
const lastAnswer = new Map<string, { second: number; day: string }>();

/** The branch-local calendar day (YYYY-MM-DD) of an instant: ticket numbers restart each local day. */
export function localDay(at: EpochMs, timeZone: string): string {
  // Intl drops a fraction of a millisecond toward zero; so does the key, or -0.5 and -1 would share a second.
  const ms = Math.trunc(at);
  const second = Math.floor(ms / 1000);
  const last = lastAnswer.get(timeZone);
  if (last && last.second === second) return last.day;
  const day = formatterFor(timeZone).format(ms);
  lastAnswer.set(timeZone, { second, day });
  return day;
}

const hourFormatters = new Map<string, Intl.DateTimeFormat>();

/** The branch-local hour of the day (0–23) of an instant. */
export function localHour(at: EpochMs, timeZone: string): number {
  let f = hourFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", hourCycle: "h23" });
    hourFormatters.set(timeZone, f);
  }
  return Number(f.format(at)) % 24;
}

/** Whether a string names a time zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}
