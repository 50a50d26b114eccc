import { describe, expect, it } from "vitest";
import { MINUTE_MS } from "../ids.ts";
import { localHour } from "../local-day.ts";
import { figuresOf, GLOSSARY } from "./figures.ts";
import { isoWeek, isoWeekday } from "./keys.ts";
import {
  addTicket,
  decodeBins,
  emptyTally,
  encodeBins,
  mergeTally,
  type TicketFacts,
  waitPercentileMinutes,
} from "./tally.ts";

const T0 = Date.UTC(2026, 10, 23, 1, 0); // 09:00 in Shanghai
const limits = { targetMinutes: 15, alarmMinutes: 30 };
const m = (minutes: number) => T0 + minutes * MINUTE_MS;

function served(wait: number, service: number, rating: 1 | 2 | 3 | null = null): TicketFacts {
  return {
    issuedAt: T0,
    firstCalledAt: m(wait),
    startedAt: m(wait + 1),
    completedAt: m(wait + 1 + service),
    end: "served",
    rating,
  };
}

describe("analytics figures", () => {
  it("computes every figure of a small day by hand", () => {
    const t = emptyTally();
    // Waits 2, 4, 10, 16, 40 minutes; service 3, 5, 10 minutes; one no-show waited 10; one walked away; one open.
    addTicket(t, served(2, 3, 3), limits);
    addTicket(t, served(4, 5, 2), limits);
    addTicket(t, served(16, 10, 1), limits);
    addTicket(
      t,
      { issuedAt: T0, firstCalledAt: m(10), startedAt: null, completedAt: null, end: "no_show", rating: null },
      limits,
    );
    addTicket(
      t,
      { issuedAt: T0, firstCalledAt: m(40), startedAt: m(41), completedAt: null, end: "open", rating: null },
      limits,
    );
    addTicket(
      t,
      { issuedAt: T0, firstCalledAt: null, startedAt: null, completedAt: null, end: "walked_away", rating: null },
      limits,
    );
    const f = figuresOf(t);
    expect(f.arrived).toBe(6);
    expect(f.served).toBe(3);
    expect(f.noShows).toBe(1);
    expect(f.walkAways).toBe(1);
    expect(f.called).toBe(5);
    // (2 + 4 + 16 + 10 + 40) / 5 = 14.4
    expect(f.meanWaitMinutes).toBe(14.4);
    // Sorted 2, 4, 10, 16, 40: the median is the 3rd, p90 the 5th (nearest rank: ceil(0.9 × 5) = 5).
    expect(f.medianWaitMinutes).toBe(10);
    expect(f.p90WaitMinutes).toBe(40);
    expect(f.maxWaitMinutes).toBe(40);
    // Within 15: 2, 4, 10 → 3 of 5; above the alarm of 30: one (40).
    expect(f.withinTargetShare).toBe(0.6);
    expect(f.aboveAlarm).toBe(1);
    // Served service times 3, 5, 10 → 6.
    expect(f.meanServiceMinutes).toBe(6);
    expect(f.noShowShare).toBe(Number((1 / 6).toFixed(3)));
    expect(f.rated).toBe(3);
    expect(f.satisfiedShare).toBe(Number((1 / 3).toFixed(3)));
    expect(f.csat).toBe(2);
  });

  it("answers null, not zero, where nothing was measured", () => {
    const f = figuresOf(emptyTally());
    expect(f.meanWaitMinutes).toBeNull();
    expect(f.medianWaitMinutes).toBeNull();
    expect(f.withinTargetShare).toBeNull();
    expect(f.satisfiedShare).toBeNull();
    expect(f.meanServiceMinutes).toBeNull();
  });

  it("merged tallies give the same figures as one tally of all the tickets", () => {
    const waits = [0.5, 3, 7.2, 12, 15, 15.5, 22, 31, 59, 300];
    const whole = emptyTally();
    const parts = [emptyTally(), emptyTally(), emptyTally()];
    waits.forEach((w, i) => {
      const facts = served(w, 4);
      addTicket(whole, facts, limits);
      addTicket(parts[i % 3] ?? emptyTally(), facts, limits);
    });
    const merged = emptyTally();
    for (const p of parts) mergeTally(merged, { ...p, waitBins: decodeBins(encodeBins(p.waitBins)) });
    expect(figuresOf(merged)).toEqual(figuresOf(whole));
    // A wait of exactly the target is within it; 15.5 is not.
    expect(whole.withinTarget).toBe(5);
    // The longest wait is kept exactly though its bin is capped.
    expect(figuresOf(whole).maxWaitMinutes).toBe(300);
  });

  it("reads percentiles from the histogram to the whole minute, never above the maximum", () => {
    const t = emptyTally();
    for (const w of [1.2, 1.9, 2.5]) addTicket(t, served(w, 1), limits);
    expect(waitPercentileMinutes(t, 0.5)).toBe(1);
    expect(waitPercentileMinutes(t, 1)).toBe(2);
    const one = emptyTally();
    addTicket(one, served(0.4, 1), limits);
    expect(waitPercentileMinutes(one, 0.9)).toBe(0);
  });

  it("stores a histogram as text and reads it back", () => {
    const bins = new Map([
      [240, 1],
      [0, 3],
      [12, 57],
    ]);
    expect(encodeBins(bins)).toBe("0:3,12:57,240:1");
    expect([...decodeBins("0:3,12:57,240:1").entries()]).toEqual([
      [0, 3],
      [12, 57],
      [240, 1],
    ]);
    expect(decodeBins("").size).toBe(0);
    // A damaged pair is skipped, the rest kept.
    expect([...decodeBins("1:2,x:3,4:5").entries()]).toEqual([
      [1, 2],
      [4, 5],
    ]);
  });

  it("computes counter utilisation, idle and paused time", () => {
    const t = {
      ...emptyTally(),
      counterOpenMs: 4 * 3_600_000,
      counterBusyMs: 3 * 3_600_000,
      counterPausedMs: 1_800_000,
    };
    expect(figuresOf(t)).toMatchObject({ counterOpenHours: 4, utilisation: 0.75, idleMinutes: 30, pausedMinutes: 30 });
    expect(figuresOf(emptyTally())).toMatchObject({ counterOpenHours: null, utilisation: null, idleMinutes: null });
  });

  it("has a glossary line in both languages for every figure", () => {
    const keys = Object.keys(figuresOf(emptyTally()));
    expect(GLOSSARY.map((g) => g.key).sort()).toEqual([...keys].sort());
    for (const g of GLOSSARY) expect(g.zh.length > 2 && g.en.length > 2).toBe(true);
  });
});

describe("analytics keys", () => {
  it("names ISO weekdays and weeks", () => {
    expect(isoWeekday("2026-11-23")).toBe(1);
    expect(isoWeekday("2026-11-29")).toBe(7);
    expect(isoWeek("2026-11-23")).toBe("2026-W48");
    // 2027-01-01 is a Friday: it belongs to the last week of 2026 (2026 has 53 ISO weeks).
    expect(isoWeek("2027-01-01")).toBe("2026-W53");
    expect(isoWeek("2025-12-29")).toBe("2026-W01");
  });

  it("takes the hour in the branch's time zone", () => {
    expect(localHour(T0, "Asia/Shanghai")).toBe(9);
    expect(localHour(T0, "Europe/London")).toBe(1);
  });
});
