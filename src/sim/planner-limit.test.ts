import { describe, expect, it } from "vitest";
import { shippedScenario } from "../app/planning/shipped-scenarios.ts";
import { planDay } from "./planner.ts";

describe("a day plan within the counters the branch has", () => {
  const payday = shippedScenario("payday");
  const options = { policy: "smart" as const, seed: 1, targetShare: 0.8, targetMinutes: 15, replications: 3 };

  it("never plans an hour with more than the limit, and says which hours need more", () => {
    const free = planDay(payday, options);
    const most = Math.max(...free.hours.map((h) => h.recommendedCounters));
    expect(free.maxCounters).toBeNull();
    expect(free.hoursNeedingMore).toEqual([]);
    const limit = Math.ceil(most / 2);
    const capped = planDay(payday, { ...options, maxCounters: limit });
    expect(capped.maxCounters).toBe(limit);
    for (const h of capped.hours) expect(h.recommendedCounters).toBeLessThanOrEqual(limit);
    // Halving the counters leaves some hours short: they are flagged, each at the limit and below the target.
    expect(capped.hoursNeedingMore.length).toBeGreaterThan(0);
    for (const hour of capped.hoursNeedingMore) {
      const h = capped.hours.find((x) => x.hour === hour);
      expect(h?.recommendedCounters).toBe(limit);
      expect(h?.simulatedWithinTargetShare).toBeLessThan(0.8);
    }
    expect(capped.confirmed).toBe(false);
  });
});
