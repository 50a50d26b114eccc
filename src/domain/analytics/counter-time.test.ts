import { describe, expect, it } from "vitest";
import { counterHours, localMidnight } from "./counter-time.ts";

const H = 3_600_000;
const M = 60_000;
const DAY0 = Date.UTC(2026, 10, 23); // a UTC midnight; the test's zone is UTC
const hourOf = (at: number) => new Date(at).getUTCHours();

describe("counter time", () => {
  it("counts open, paused and busy time per counter and hour, from state changes and services", () => {
    const hours = counterHours(
      [
        // Counter A was left open the evening before: it is open from midnight until it closes at 09:00.
        { counterId: "A", at: DAY0 - 2 * H, state: "open" },
        { counterId: "A", at: DAY0 + 9 * H, state: "closed" },
        // Counter B opens 09:30, pauses 10:10–10:25, and is still open at `until` (11:00).
        { counterId: "B", at: DAY0 + 9.5 * H, state: "open" },
        { counterId: "B", at: DAY0 + 10 * H + 10 * M, state: "paused" },
        { counterId: "B", at: DAY0 + 10 * H + 25 * M, state: "open" },
        // A repeated state changes nothing.
        { counterId: "B", at: DAY0 + 10 * H + 30 * M, state: "open" },
      ],
      [
        { counterId: "B", from: DAY0 + 9 * H + 50 * M, to: DAY0 + 10 * H + 5 * M },
        // Cut at `until`.
        { counterId: "B", from: DAY0 + 10 * H + 50 * M, to: DAY0 + 12 * H },
      ],
      DAY0,
      DAY0 + 24 * H,
      DAY0 + 11 * H,
      hourOf,
    );
    const a = hours.filter((h) => h.counterId === "A");
    expect(a.map((h) => h.hour)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(a.every((h) => h.openMs === H && h.busyMs === 0 && h.pausedMs === 0)).toBe(true);
    expect(hours.filter((h) => h.counterId === "B")).toEqual([
      { counterId: "B", hour: 9, openMs: 30 * M, pausedMs: 0, busyMs: 10 * M },
      { counterId: "B", hour: 10, openMs: H, pausedMs: 15 * M, busyMs: 5 * M + 10 * M },
    ]);
  });

  it("counts nothing for a counter that never opened, nor outside the day", () => {
    const hours = counterHours(
      [
        { counterId: "C", at: DAY0 - 5 * H, state: "open" },
        { counterId: "C", at: DAY0 - H, state: "closed" },
      ],
      [{ counterId: "D", from: DAY0 - 2 * H, to: DAY0 - H }],
      DAY0,
      DAY0 + 24 * H,
      DAY0 + 30 * H,
      hourOf,
    );
    expect(hours).toEqual([]);
  });

  it("finds a branch-local midnight", () => {
    expect(new Date(localMidnight("2026-11-23", "Asia/Shanghai")).toISOString()).toBe("2026-11-22T16:00:00.000Z");
    expect(new Date(localMidnight("2026-07-01", "Europe/London")).toISOString()).toBe("2026-06-30T23:00:00.000Z");
  });
});
