/**
 * Counter time of one branch-day, per counter and branch-local hour: how long each counter was open (open or
 * paused), how long of that it was paused, and how long it was busy serving (a ticket's start to its finish).
 * Counter utilisation is busy ÷ open time; idle time is open time neither busy nor paused.
 *
 * The open and paused spans come from the counters' state changes (the branch's counter events); the state a
 * counter had when the day began is the last change before it, found within a look-back the caller chooses (a
 * counter with no change in it counts as closed). A span still running is cut at `until` (now, or the day's end).
 */
import { MINUTE_MS } from "../ids.ts";

export type CounterStateName = "open" | "paused" | "closed";

export interface CounterStateChange {
  readonly counterId: string;
  readonly at: number;
  readonly state: CounterStateName;
}

/** A ticket's service at a counter: its start to its finish. */
export interface BusySpan {
  readonly counterId: string;
  readonly from: number;
  readonly to: number;
}

export interface CounterHour {
  readonly counterId: string;
  readonly hour: number;
  openMs: number;
  pausedMs: number;
  busyMs: number;
}

const QUARTER_MS = 15 * MINUTE_MS;

/**
 * Splits [from, to) at every quarter hour (every zone's offset is a whole number of quarter hours, so a local
 * hour never changes inside a piece) and hands each piece with its local hour to `add`.
 */
function splitByHour(
  from: number,
  to: number,
  hourOf: (at: number) => number,
  add: (hour: number, ms: number) => void,
) {
  let at = from;
  while (at < to) {
    const next = Math.min(to, (Math.floor(at / QUARTER_MS) + 1) * QUARTER_MS);
    add(hourOf(at), next - at);
    at = next;
  }
}

/**
 * The counter hours of the day [dayStart, dayEnd), counting no time after `until`. `changes` may hold changes
 * from before the day (the look-back) and after it; they are taken in time order.
 */
export function counterHours(
  changes: readonly CounterStateChange[],
  spans: readonly BusySpan[],
  dayStart: number,
  dayEnd: number,
  until: number,
  hourOf: (at: number) => number,
): CounterHour[] {
  const end = Math.min(dayEnd, until);
  const out = new Map<string, CounterHour>();
  const cell = (counterId: string, hour: number): CounterHour => {
    const key = `${counterId}\u0000${hour}`;
    let c = out.get(key);
    if (!c) {
      c = { counterId, hour, openMs: 0, pausedMs: 0, busyMs: 0 };
      out.set(key, c);
    }
    return c;
  };
  const byCounter = new Map<string, CounterStateChange[]>();
  for (const ch of [...changes].sort((a, b) => a.at - b.at)) {
    const list = byCounter.get(ch.counterId) ?? [];
    list.push(ch);
    byCounter.set(ch.counterId, list);
  }
  for (const [counterId, list] of byCounter) {
    let state: CounterStateName = "closed";
    let since = dayStart;
    const close = (at: number) => {
      const from = Math.max(since, dayStart);
      const to = Math.min(at, end);
      if (state !== "closed" && to > from)
        splitByHour(from, to, hourOf, (hour, ms) => {
          const c = cell(counterId, hour);
          c.openMs += ms;
          if (state === "paused") c.pausedMs += ms;
        });
    };
    for (const ch of list) {
      if (ch.state === state) continue;
      close(ch.at);
      state = ch.state;
      since = ch.at;
    }
    close(end);
  }
  for (const s of spans) {
    const from = Math.max(s.from, dayStart);
    const to = Math.min(s.to, end);
    if (to > from) splitByHour(from, to, hourOf, (hour, ms) => (cell(s.counterId, hour).busyMs += ms));
  }
  return [...out.values()].sort((a, b) =>
    a.counterId < b.counterId ? -1 : a.counterId > b.counterId ? 1 : a.hour - b.hour,
  );
}

/** Midnight of a branch-local day as an instant (the zone's offset read at noon that day). */
export function localMidnight(day: string, timeZone: string): number {
  const noonUtc = Date.parse(`${day}T12:00:00Z`);
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(noonUtc)
    .split(":");
  const offsetMinutes = Number(parts[0]) * 60 + Number(parts[1]) - 12 * 60;
  return Date.parse(`${day}T00:00:00Z`) - offsetMinutes * MINUTE_MS;
}
