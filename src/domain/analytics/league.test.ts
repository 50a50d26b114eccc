import { describe, expect, it } from "vitest";
import { expectedDay, type LeagueInput, leagueTable } from "./league.ts";

const branch = (
  code: string,
  called: number,
  actual: number | null,
  expected: number | null,
  within: [number, number] | null = null,
): LeagueInput => ({
  branchId: `id-${code}`,
  code,
  nameZh: code,
  nameEn: code,
  called,
  actualMeanWaitMinutes: actual,
  actualWithinTargetShare: within?.[0] ?? null,
  expectedMeanWaitMinutes: expected,
  expectedWithinTargetShare: within?.[1] ?? null,
});

describe("the fair league table", () => {
  it("ranks by actual minus expected wait, with the ratio and the within-target gap computed by hand", () => {
    const rows = leagueTable([
      branch("SH001", 100, 12, 10, [0.7, 0.8]),
      branch("SH002", 50, 20, 25, [0.5, 0.45]),
      branch("SH003", 80, 3, 0.5),
      branch("SH004", 0, null, 8),
      branch("BJ001", 10, 12, 10),
    ]);
    expect(rows.map((r) => [r.code, r.rank, r.excessWaitMinutes, r.waitRatio, r.withinTargetGap])).toEqual([
      // 20 − 25 = −5 (0.8 of the expected): the long waits of a hard branch are better than its mix predicts.
      ["SH002", 1, -5, 0.8, 0.05],
      // 12 − 10 = 2 for both; equal ratios 1.2; the code decides.
      ["BJ001", 2, 2, 1.2, null],
      ["SH001", 3, 2, 1.2, -0.1],
      // 3 − 0.5 = 2.5; expected under a minute: no ratio.
      ["SH003", 4, 2.5, null, null],
      // Nobody called: not ranked.
      ["SH004", null, null, null, null],
    ]);
  });

  it("does not rank a branch the simulator could not model", () => {
    const rows = leagueTable([branch("A", 10, 5, null), branch("B", 10, 9, 9)]);
    expect(rows.map((r) => [r.code, r.rank, r.excessWaitMinutes, r.waitRatio])).toEqual([
      ["B", 1, 0, 1],
      ["A", null, null, null],
    ]);
  });

  it("averages a day's arrivals and keeps the hours a counter was open at least half of", () => {
    const hour = 3_600_000;
    const day = expectedDay({
      days: 2,
      arrivedByHour: Object.assign(new Array<number>(24).fill(0), { 9: 20, 10: 30 }),
      openMsByCounterHour: new Map([
        // Over two days: 9 and 10 o'clock open both days, 11 o'clock a quarter hour a day, 12 o'clock 36 minutes.
        [
          "c1",
          Object.assign(new Array<number>(24).fill(0), { 9: 2 * hour, 10: 2 * hour, 11: 0.5 * hour, 12: 1.2 * hour }),
        ],
        ["c2", new Array<number>(24).fill(0)],
      ]),
    });
    expect(day.perHour[9]).toBe(10);
    expect(day.perHour[10]).toBe(15);
    expect(day.perHour.reduce((a, b) => a + b, 0)).toBe(25);
    expect(day.intervals?.get("c1")).toEqual([
      [540, 660],
      [720, 780],
    ]);
    expect(day.intervals?.get("c2")).toEqual([]);
    // Without recorded counter time the caller takes every counter as open.
    expect(expectedDay({ days: 1, arrivedByHour: [], openMsByCounterHour: new Map() }).intervals).toBeUndefined();
  });
});
