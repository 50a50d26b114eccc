import { describe, expect, it } from "vitest";
import { POLICY_NAMES } from "../domain/dispatch/index.ts";
import { erlangAverageWait, offeredLoad } from "../domain/erlang.ts";
import { loadScenarioFile } from "./commands.ts";
import { planDay, withCountersPerHour, withExtraCounters } from "./planner.ts";
import { parseScenario, type Scenario, ScenarioError } from "./scenario.ts";
import { simulate } from "./simulate.ts";

const worked = (): Scenario => loadScenarioFile("examples/worked-example.json");

describe("the documents' worked example", () => {
  it("complex first (fifo, complex in line first): simple customers wait 10 min, all done at 13 min", () => {
    const r = simulate(worked(), { policy: "fifo", seed: 1 });
    expect(r.byService.simple?.meanWaitMinutes).toBe(10);
    expect(r.byService.complex?.meanWaitMinutes).toBe(0);
    expect(r.lastCompletionMinute).toBe(9 * 60 + 13);
  });

  it("simple first (smart ranks by class weight ÷ expected time): complex customers wait 3 min, all done at 13 min", () => {
    const r = simulate(worked(), { policy: "smart", seed: 1 });
    expect(r.byService.simple?.meanWaitMinutes).toBe(0);
    expect(r.byService.complex?.meanWaitMinutes).toBe(3);
    expect(r.lastCompletionMinute).toBe(9 * 60 + 13);
    expect(r.meanWaitMinutes).toBe(1.5);
  });
});

describe("simulator", () => {
  it("gives the same report for the same seed, and another for another seed", () => {
    const s = loadScenarioFile("examples/weekday.json");
    const a = simulate(s, { policy: "smart", seed: 7 });
    const b = simulate(s, { policy: "smart", seed: 7 });
    const c = simulate(s, { policy: "smart", seed: 8 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it("meets the same customers under every policy (same random streams)", () => {
    const s = loadScenarioFile("examples/payday.json");
    const counts = POLICY_NAMES.map((policy) => simulate(s, { policy, seed: 3, predictor: false }).customers);
    expect(new Set(counts).size).toBe(1);
  });

  it("agrees with Erlang C's average wait within 3% on a long M/M/c run", () => {
    // 500 arrivals/h with 0.6-min exponential service on 7 counters: load 5 Erlangs, the same queue as
    // 50/h with 6 min in a tenth of the time, so a day holds 12,000 customers; 60 days. (At 6 Erlangs the
    // sampling noise of the mean wait alone is about 5% at this size.) Each day starts empty, a small bias down.
    const hours: Record<string, number> = {};
    for (let h = 0; h < 24; h++) hours[String(h)] = 500;
    const scenario = parseScenario({
      name: "mmc",
      source: "M/M/c check",
      hours: { open: "00:00", close: "24:00" },
      services: [{ id: "x", share: 1, serviceTime: { dist: "exponential", meanMinutes: 0.6 } }],
      arrivals: { kind: "poisson", perHour: hours },
      counters: [{ id: "c", count: 7, skills: { x: 1 } }],
    });
    let sum = 0;
    let n = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const r = simulate(scenario, { policy: "fifo", seed, predictor: false });
      sum += r.meanWaitMinutes * r.served;
      n += r.served;
    }
    const expected = erlangAverageWait(7, offeredLoad(500, 0.6), 0.6);
    expect(n).toBeGreaterThan(700_000);
    expect(Math.abs(sum / n - expected) / expected).toBeLessThan(0.03);
  });

  it("counts walk-aways, and serves nobody out of skill", () => {
    const s = loadScenarioFile("examples/payday.json");
    for (const policy of POLICY_NAMES) {
      const r = simulate(s, { policy, seed: 2, predictor: false });
      expect(r.walkAways).toBeGreaterThan(0);
      expect(r.served + r.walkAways + r.noShows + r.unserved).toBe(r.customers + r.noShows);
    }
  });

  it("honours counter hours: a counter closed all morning serves nobody before it opens", () => {
    const s = parseScenario({
      name: "hours",
      source: "test",
      hours: { open: "09:00", close: "12:00" },
      services: [{ id: "x", serviceTime: { dist: "fixed", minutes: 5 } }],
      arrivals: { kind: "list", customers: [{ at: "09:00", service: "x" }] },
      counters: [{ id: "late", skills: { x: 1 }, hours: [["10:00", "12:00"]] }],
    });
    const r = simulate(s, { policy: "smart", seed: 1 });
    expect(r.maxWaitMinutes).toBe(60);
  });
});

describe("scenario validation", () => {
  it("lists every problem with its path", () => {
    try {
      parseScenario({
        name: "bad",
        hours: { open: "9am", close: "17:00" },
        services: [{ id: "x", serviceTime: { dist: "gamma" } }],
        arrivals: { kind: "poisson", perHour: { "25": 3 } },
        counters: [{ id: "c", skills: { y: 1 } }],
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      const text = (e as ScenarioError).problems.join("\n");
      expect(text).toContain("source: must say where the figures come from");
      expect(text).toContain('hours.open: must be a time "HH:MM"');
      expect(text).toContain("services[0].serviceTime.dist");
      expect(text).toContain("arrivals.perHour.25");
      expect(text).toContain('counters[0].skills.y: unknown service "y"');
    }
  });

  it("reads a CSV trace through the caller's file reader", () => {
    const s = parseScenario(
      {
        name: "trace",
        source: "test",
        hours: { open: "09:00", close: "10:00" },
        services: [{ id: "x", serviceTime: { dist: "fixed", minutes: 4 } }],
        arrivals: { kind: "csv", file: "t.csv" },
        counters: [{ id: "c", skills: { x: 1 } }],
      },
      () => "time,service,class,serviceMinutes\n09:00,x,vip1,2\n09:01,x,,\n",
    );
    const r = simulate(s, { policy: "fifo", seed: 1 });
    expect(r.customers).toBe(2);
    expect(r.byClass.vip1?.customers).toBe(1);
    expect(r.maxWaitMinutes).toBe(1); // the first took 2 min (from the trace), the second came at 09:01
  });

  it("parses every shipped scenario", () => {
    for (const f of ["worked-example", "weekday", "payday", "wealth-branch"])
      expect(loadScenarioFile(`examples/${f}.json`).source.length).toBeGreaterThan(20);
  });
});

describe("planner", () => {
  it("confirms a day plan with the simulator, never below Erlang C's counters", () => {
    const s = loadScenarioFile("examples/weekday.json");
    const plan = planDay(s, { policy: "smart", seed: 1, targetShare: 0.8, targetMinutes: 15, replications: 3 });
    expect(plan.confirmed).toBe(true);
    expect(plan.hours.length).toBe(8);
    for (const h of plan.hours) {
      expect(h.recommendedCounters).toBeGreaterThanOrEqual(h.erlangCounters);
      expect(h.simulatedWithinTargetShare).toBeGreaterThanOrEqual(0.8);
    }
  });

  it("staffs hours with the scenario's own counters first, and adds what-if counters", () => {
    const s = loadScenarioFile("examples/weekday.json");
    const staffed = withCountersPerHour(s, [0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 9]);
    expect(staffed.counters.map((c) => c.id)).toEqual([
      "cash-1",
      "cash-2",
      "cash-3",
      "flex-1",
      "flex-2",
      "wealth",
      "vip",
      "extra-1",
      "extra-2",
    ]);
    expect(staffed.counters[0]?.intervals).toEqual([[540, 720]]);
    expect(staffed.counters[8]?.intervals).toEqual([[660, 720]]);
    const more = withExtraCounters(s, 2, 660, 780);
    const base = simulate(s, { policy: "smart", seed: 1, predictor: false });
    const whatIf = simulate(more, { policy: "smart", seed: 1, predictor: false });
    expect(whatIf.meanWaitMinutes).toBeLessThan(base.meanWaitMinutes);
  });
});
