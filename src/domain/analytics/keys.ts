/**
 * Calendar keys of the analytics dimensions, from a branch-local day ("2026-11-23") and an instant. Pure
 * arithmetic on the date's digits: a day string has no time zone left to get wrong.
 */
const DAY_MS = 86_400_000;

function utcOfDay(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  const d = new Date(utcOfDay(day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** ISO 8601 week, "2026-W48" (the week's Thursday decides its year). */
export function isoWeek(day: string): string {
  const t = utcOfDay(day);
  const thursday = t + (4 - isoWeekday(day)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = utcOfDay(from); t <= utcOfDay(to); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The day before a branch-local day. */
export function dayBefore(day: string): string {
  return new Date(utcOfDay(day) - DAY_MS).toISOString().slice(0, 10);
}

/** The day after a branch-local day. */
export function dayAfter(day: string): string {
  return new Date(utcOfDay(day) + DAY_MS).toISOString().slice(0, 10);
}

/** The last day of a month "2026-02" → "2026-02-28". */
export function lastDayOfMonth(month: string): string {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
}

function shiftMonth(month: string, by: number): string {
  const d = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + by, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * Days [from, to] as the whole calendar months inside them (null when none is whole) and the days left over at
 * either end: what a summary reads from month rollups and from day rollups.
 */
export function splitByMonths(
  from: string,
  to: string,
): { readonly months: readonly [string, string] | null; readonly days: ReadonlyArray<readonly [string, string]> } {
  const firstFull = from.endsWith("-01") ? monthOf(from) : shiftMonth(monthOf(from), 1);
  const lastFull = to === lastDayOfMonth(monthOf(to)) ? monthOf(to) : shiftMonth(monthOf(to), -1);
  if (from > to) return { months: null, days: [] };
  if (firstFull > lastFull) return { months: null, days: [[from, to]] };
  const days: Array<readonly [string, string]> = [];
  if (from < `${firstFull}-01`) days.push([from, dayBefore(`${firstFull}-01`)]);
  const end = lastDayOfMonth(lastFull);
  if (to > end) days.push([dayAfter(end), to]);
  return { months: [firstFull, lastFull], days };
}
