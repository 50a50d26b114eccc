import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importTickets } from "../src/app/analytics/import-tickets.ts";
import { localMidnight } from "../src/domain/analytics/counter-time.ts";
import type { PolicyName } from "../src/domain/dispatch/index.ts";
import { MINUTE_MS, type ServiceId } from "../src/domain/ids.ts";
import type { Scenario } from "../src/sim/scenario.ts";
import { simulate } from "../src/sim/simulate.ts";
import { findBranch, listServices } from "../src/store/branches.ts";
import { listCounters } from "../src/store/counters.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

interface LeagueRow {
  code: string;
  actualWithinTargetShare: number | null;
  expectedWithinTargetShare: number | null;
  called: number;
  actualMeanWaitMinutes: number | null;
  expectedMeanWaitMinutes: number | null;
  patienceMinutes: number | null;
  expectedNoShowShare: number | null;
  actualWalkAwayShare: number | null;
  expectedWalkAwayShare: number | null;
  staffing: string;
}

const DAYS = ["2026-11-16", "2026-11-17", "2026-11-18"];
const TRUE_PATIENCE_MINUTES = 10;

/**
 * A branch whose line is far longer than its counters can serve, and whose customers give up after ten minutes
 * on average: a third or more of them walk away. Its history is made by the simulator with that patience, on
 * the branch's own business types and counters (all open 09:00–17:00, no counter events: the league's
 * "all counters" staffing), and imported like any bank's history with each walk-away's leaving time.
 */
describe.each(DB_KINDS)("the league's expectation for a branch with heavy walk-aways (%s)", (kind) => {
  let t: TestServer;
  let scenario: Scenario;
  let policy: PolicyName;
  beforeAll(async () => {
    t = await startTestServer(kind);
    const ctx = t.server.ctx;
    const branch = await findBranch(ctx.store.db, t.branchId);
    if (!branch) throw new Error("no branch");
    policy = branch.dispatchPolicy as PolicyName;
    const services = await listServices(ctx.store.db, branch.id);
    const counters = (await listCounters(ctx.store.db, branch.id)).filter((c) => c.skills.some((k) => k.weight > 0));
    const meanService = services.reduce((s, x) => s + x.expectedMinutes, 0) / services.length;
    const capacityPerHour = (counters.length * 60) / meanService;
    scenario = {
      name: "overloaded",
      source: "test",
      openMinute: 9 * 60,
      closeMinute: 17 * 60,
      targetWaitMinutes: branch.targetWaitMinutes,
      alarmWaitMinutes: branch.alarmWaitMinutes,
      services: services.map((s) => ({
        id: s.id as ServiceId,
        name: s.nameEn,
        share: 1,
        expectedMinutes: s.expectedMinutes,
        serviceTime: { dist: "lognormal", meanMinutes: s.expectedMinutes, cv: 0.6 },
        classMix: null,
      })),
      classMix: [["normal", 1]],
      // Half as many again as the counters can serve.
      arrivals: {
        kind: "poisson",
        perHour: Array.from({ length: 24 }, (_, h) => (h >= 9 && h < 17 ? 1.5 * capacityPerHour : 0)),
      },
      appointments: null,
      counters: counters.map((c) => ({
        id: c.id,
        kind: c.kind,
        skills: c.skills,
        intervals: [[9 * 60, 17 * 60]],
        speed: 1,
      })),
      patience: { dist: "exponential", meanMinutes: TRUE_PATIENCE_MINUTES },
      noShowShare: 0,
      noShowRecallMinutes: 1,
    };
    const codeOf = new Map(services.map((s) => [s.id, s.code]));
    const numberOf = new Map(counters.map((c) => [c.id, c.number]));
    const iso = (ms: number) => new Date(ms).toISOString();
    const lines = [
      "branch_code,service_code,number,issued_at,first_called_at,started_at,finished_at,counter_number,teller_username,outcome,rating",
    ];
    DAYS.forEach((day, d) => {
      const midnight = localMidnight(day, branch.timezone);
      let seq = 0;
      simulate(scenario, {
        policy,
        seed: 100 + d,
        predictor: false,
        onOutcomes(customers, outcomes) {
          customers.forEach((c, i) => {
            const o = outcomes[i];
            if (!o) return;
            seq++;
            const issued = midnight + c.arrivalMs;
            const called = o.callMs >= 0 ? midnight + o.callMs : null;
            const counter = called === null ? undefined : scenario.counters[o.counter];
            const outcome = called === null ? (o.walkedAway ? "walked_away" : "cancelled") : "served";
            const finished =
              outcome === "served" && called !== null
                ? called + c.serviceMinutes * MINUTE_MS
                : outcome === "walked_away"
                  ? issued + c.patienceMs
                  : null;
            lines.push(
              [
                branch.code,
                codeOf.get(c.ticket.serviceId) ?? "",
                `T${String(seq).padStart(4, "0")}`,
                iso(issued),
                called === null ? "" : iso(called),
                outcome === "served" && called !== null ? iso(called) : "",
                finished === null ? "" : iso(finished),
                counter ? String(numberOf.get(counter.id) ?? "") : "",
                "",
                outcome,
                "",
              ].join(","),
            );
          });
        },
      });
    });
    const result = await importTickets(ctx, `${lines.join("\n")}\n`, "test");
    if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 3)));
  }, 300_000);
  afterAll(() => t?.close());

  it("learns the branch's patience from its walk-aways and expects waits near the actual ones", async () => {
    const admin = await t.login("admin");
    const res = await t.request({
      method: "GET",
      url: `/api/analytics/league?from=${DAYS[0]}&to=${DAYS.at(-1)}`,
      cookie: admin,
    });
    expect(res.statusCode, res.body).toBe(200);
    const row = (res.json().rows as LeagueRow[]).find((r) => r.code === "SH001");
    expect(row).toBeDefined();
    if (!row) return;
    const actual = row.actualMeanWaitMinutes ?? 0;
    const expected = row.expectedMeanWaitMinutes ?? 0;
    // Heavy walk-aways indeed.
    expect(row.actualWalkAwayShare ?? 0).toBeGreaterThan(0.2);
    expect(row.staffing).toBe("all_counters");
    // The patience learned is the one the customers had, within what three days of them can tell.
    expect(row.patienceMinutes ?? 0).toBeGreaterThan(TRUE_PATIENCE_MINUTES * 0.7);
    expect(row.patienceMinutes ?? 0).toBeLessThan(TRUE_PATIENCE_MINUTES * 1.3);
    expect(row.expectedNoShowShare).toBe(0);
    // The expected day, with that patience, waits about as long as the real days did and loses about as many.
    expect(Math.abs(expected - actual)).toBeLessThanOrEqual(Math.max(1.5, 0.25 * actual));
    expect(Math.abs((row.expectedWalkAwayShare ?? 0) - (row.actualWalkAwayShare ?? 0))).toBeLessThan(0.08);
    // Both within-target shares are over called tickets (the simulator's own counts walk-aways as misses).
    expect(Math.abs((row.expectedWithinTargetShare ?? 0) - (row.actualWithinTargetShare ?? 0))).toBeLessThan(0.1);
    // Without patience the same day's line only grows: the old expectation was several times the actual wait.
    const patient = simulate({ ...scenario, patience: null }, { policy, seed: 1, predictor: false });
    expect(patient.meanWaitMinutes).toBeGreaterThan(3 * actual);
  });
});
