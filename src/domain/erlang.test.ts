import { describe, expect, it } from "vitest";
import { erlangAverageWait, erlangB, erlangC, erlangPlan, erlangServiceLevel } from "./erlang.ts";

describe("Erlang C", () => {
  // The classic published example (100 calls in 30 min, 180 s handling: 10 Erlangs; target 80% in 20 s), as in
  // the call-centre staffing tables: P(wait) 68.21% / 44.94% / 28.53% / 17.41% / 10.20% for 11–15 agents.
  it("matches the published table for 10 Erlangs", () => {
    const published: [number, number][] = [
      [11, 0.6821],
      [12, 0.4494],
      [13, 0.2853],
      [14, 0.1741],
      [15, 0.102],
    ];
    for (const [agents, pw] of published) expect(erlangC(agents, 10)).toBeCloseTo(pw, 4);
    // Service level 88.84% and average speed of answer 7.8 s with 14 agents.
    expect(erlangServiceLevel(14, 10, 3, 20 / 60)).toBeCloseTo(0.8884, 3);
    expect(erlangAverageWait(14, 10, 3) * 60).toBeCloseTo(7.8, 1);
  });

  it("matches Erlang B's textbook value B(10, 10) = 0.2146", () => {
    expect(erlangB(10, 10)).toBeCloseTo(0.2146, 4);
  });

  it("recommends the fewest counters reaching the target, and says 'always wait' when overloaded", () => {
    const r = erlangPlan({ arrivalsPerHour: 60, ahtMinutes: 6, counters: 7, targetShare: 0.8, targetMinutes: 10 });
    expect(r.probabilityOfWaiting).toBeCloseTo(erlangC(7, 6), 10);
    const fewer = erlangServiceLevel(r.recommendedCounters - 1, 6, 6, 10);
    expect(erlangServiceLevel(r.recommendedCounters, 6, 6, 10)).toBeGreaterThanOrEqual(0.8);
    expect(fewer).toBeLessThan(0.8);
    expect(erlangC(5, 6)).toBe(1);
    expect(erlangAverageWait(5, 6, 6)).toBe(Number.POSITIVE_INFINITY);
  });

  it("stays finite for a large contact centre (no factorial overflow)", () => {
    expect(erlangC(400, 380)).toBeGreaterThan(0);
    expect(erlangC(400, 380)).toBeLessThan(1);
  });
});
