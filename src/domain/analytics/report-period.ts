/**
 * Scheduled reports (issue 15): which days a report covers and when it is sent. A report is sent at its time
 * of day in its time zone, after the period it covers has ended:
 *
 * - daily: every day, covering the day before;
 * - weekly: every Monday, covering the ISO week before (Monday to Sunday);
 * - monthly: on the 1st, covering the month before.
 */
import { dayBefore, isoWeek, isoWeekday } from "./keys.ts";

export const REPORT_PERIODS = ["daily", "weekly", "monthly"] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

export interface ReportRange {
  readonly from: string;
  readonly to: string;
  /** "2026-11-22", "2026-W47", "2026-10": names the period in file names and in dedupe keys. */
  readonly key: string;
}

const DAY_MS = 86_400_000;
const shift = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The period a report sent on `runDay` (the branch-local day of the run) covers: the last one that ended. */
export function periodBefore(period: ReportPeriod, runDay: string): ReportRange {
  switch (period) {
    case "daily": {
      const day = dayBefore(runDay);
      return { from: day, to: day, key: day };
    }
    case "weekly": {
      const lastSunday = shift(runDay, -isoWeekday(runDay));
      const monday = shift(lastSunday, -6);
      return { from: monday, to: lastSunday, key: isoWeek(monday) };
    }
    case "monthly": {
      const firstOfThis = `${runDay.slice(0, 7)}-01`;
      const lastOfPrevious = dayBefore(firstOfThis);
      return { from: `${lastOfPrevious.slice(0, 7)}-01`, to: lastOfPrevious, key: lastOfPrevious.slice(0, 7) };
    }
  }
}

const TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

/** The cron pattern (minute hour day month weekday) of a period's sending time "HH:MM". */
export function cronPattern(period: ReportPeriod, timeOfDay: string): string {
  const m = TIME.exec(timeOfDay);
  if (!m) throw new Error(`not a time of day: ${timeOfDay}`);
  const [minute, hour] = [Number(m[2]), Number(m[1])];
  if (period === "daily") return `${minute} ${hour} * * *`;
  if (period === "weekly") return `${minute} ${hour} * * 1`;
  return `${minute} ${hour} 1 * *`;
}

export function isTimeOfDay(text: string): boolean {
  return TIME.test(text);
}
