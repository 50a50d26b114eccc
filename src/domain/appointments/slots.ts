import { DateTime, Info } from "luxon";
import type { EpochMs } from "../ids.ts";

/** Weekday 0 (Sunday) … 6 → [open "HH:MM", close "HH:MM"], or null when closed (as branches.opening_hours stores it). */
export type WeeklyHours = Readonly<Record<string, readonly [string, string] | null>>;

export interface SlotInput {
  /** The branch-local calendar day, YYYY-MM-DD. */
  readonly date: string;
  readonly timeZone: string;
  readonly openingHours: WeeklyHours;
  /** Days the branch is shut (holidays), YYYY-MM-DD. */
  readonly closedDays?: readonly string[];
  /** Days with other hours than the week's (an eve of a holiday), or null for closed, by YYYY-MM-DD. */
  readonly exceptions?: Readonly<Record<string, readonly [string, string] | null>>;
  /** How many counters serve this business type. */
  readonly counters: number;
  readonly expectedMinutes: number;
  /** Minutes left free after each appointment (paperwork, the next customer walking up). */
  readonly bufferMinutes: number;
  /** Share of each counter-hour kept for appointments, 0…1; the rest stays for walk-ins. */
  readonly share: number;
  /** Other shares for some local hours (0…23), overriding `share` in that hour. */
  readonly shareByHour?: Readonly<Record<string, number>>;
}

export interface Slot {
  readonly start: EpochMs;
  readonly end: EpochMs;
  /** Appointments this slot takes. */
  readonly capacity: number;
}

/** The hours a branch keeps on one day, or null when it is closed. */
export function hoursOn(
  date: string,
  timeZone: string,
  weekly: WeeklyHours,
  closedDays: readonly string[] = [],
  exceptions: Readonly<Record<string, readonly [string, string] | null>> = {},
): readonly [string, string] | null {
  if (closedDays.includes(date)) return null;
  if (Object.hasOwn(exceptions, date)) return exceptions[date] ?? null;
  const day = DateTime.fromISO(date, { zone: timeZone });
  if (!day.isValid) return null;
  return weekly[String(day.weekday % 7)] ?? null;
}

/**
 * The bookable slots of one business type on one day.
 *
 * Slots start at opening and follow each other every `expectedMinutes + bufferMinutes`; the last one ends (service
 * time, not buffer) by closing. Each slot stands for `counters × share` appointments; since that is rarely whole,
 * places are handed out by the running total (a slot gets a place when the total so far crosses a whole number),
 * so 2 counters at 30% (0.6 a slot) give 0,1,0,1,1,… and a day's total is the whole part of the sum, never more.
 */
export function computeSlots(input: SlotInput): Slot[] {
  const hours = hoursOn(input.date, input.timeZone, input.openingHours, input.closedDays, input.exceptions);
  if (!hours || input.counters <= 0 || input.expectedMinutes <= 0) return [];
  const open = atLocal(input.date, hours[0], input.timeZone);
  const close = atLocal(input.date, hours[1], input.timeZone);
  if (!open || !close || close <= open) return [];
  const step = (input.expectedMinutes + Math.max(0, input.bufferMinutes)) * 60_000;
  const length = input.expectedMinutes * 60_000;
  const slots: Slot[] = [];
  let total = 0;
  let given = 0;
  for (let start = open; start + length <= close; start += step) {
    const hour = localHour(start, input.timeZone);
    const share = clampShare(input.shareByHour?.[String(hour)] ?? input.share);
    total += input.counters * share;
    // A tiny tolerance: 0.1 + 0.2 must make 0.3 places, not 0.29999.
    const whole = Math.floor(total + 1e-9);
    slots.push({ start, end: start + length, capacity: whole - given });
    given = whole;
  }
  return slots;
}

function clampShare(share: number): number {
  if (!Number.isFinite(share)) return 0;
  return Math.min(1, Math.max(0, share));
}

/** "HH:MM" on a local day as an instant; undefined when that local time does not exist or cannot be read. */
function atLocal(date: string, hhmm: string, timeZone: string): EpochMs | undefined {
  const t = DateTime.fromISO(`${date}T${hhmm}`, { zone: timeZone });
  return t.isValid ? t.toMillis() : undefined;
}

/**
 * The UTC offset of a time zone at an instant, in minutes. Luxon asks Intl for it, which costs some
 * microseconds per call, and a slot list asks it for every slot; so offsets are remembered per 15-minute
 * stretch of UTC time (every zone's transitions since 1970 fall on a quarter hour), and only when the offset is
 * the same at both ends of the stretch, so a stretch holding a transition is always asked afresh.
 */
const QUARTER = 15 * 60_000;
const offsets = new Map<string, number>();
const MAX_OFFSETS = 100_000;
export function offsetMinutes(at: EpochMs, timeZone: string): number {
  const bucket = Math.floor(at / QUARTER);
  const key = `${timeZone}|${bucket}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const zone = Info.normalizeZone(timeZone);
  const first = zone.offset(bucket * QUARTER);
  const last = zone.offset(bucket * QUARTER + QUARTER - 1);
  if (first !== last) return zone.offset(at);
  if (offsets.size >= MAX_OFFSETS) offsets.clear();
  offsets.set(key, first);
  return first;
}

/** Whether the fast formatting below writes exactly what luxon writes: luxon writes "Z" for UTC itself. */
const fastZones = new Map<string, boolean>();
function fastZone(timeZone: string): boolean {
  let ok = fastZones.get(timeZone);
  if (ok === undefined) {
    const zone = Info.normalizeZone(timeZone);
    ok = zone.isValid && !zone.isUniversal;
    if (fastZones.size < 1_000) fastZones.set(timeZone, ok);
  }
  return ok;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The local hour (0…23) of an instant in a time zone. */
export function localHour(at: EpochMs, timeZone: string): number {
  if (!fastZone(timeZone)) return DateTime.fromMillis(at, { zone: timeZone }).hour;
  return new Date(at + offsetMinutes(at, timeZone) * 60_000).getUTCHours();
}

/** An instant as ISO 8601 with the branch's offset (2026-11-24T09:00:00.000+08:00), exactly as luxon writes it. */
export function isoInZone(at: EpochMs, timeZone: string): string {
  const year = new Date(at).getUTCFullYear();
  if (!fastZone(timeZone) || year < 1000 || year > 9998)
    return DateTime.fromMillis(at, { zone: timeZone }).toISO() ?? new Date(at).toISOString();
  const offset = offsetMinutes(at, timeZone);
  const local = new Date(at + offset * 60_000).toISOString().slice(0, 23);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The branch-local day of an instant, YYYY-MM-DD. */
export function dayInZone(at: EpochMs, timeZone: string): string {
  if (!fastZone(timeZone)) return DateTime.fromMillis(at, { zone: timeZone }).toISODate() ?? "";
  return new Date(at + offsetMinutes(at, timeZone) * 60_000).toISOString().slice(0, 10);
}

/** The local day `days` after `date`. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: "UTC" }).plus({ days }).toISODate() ?? date;
}
