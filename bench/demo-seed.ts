/**
 * `npx tsx bench/demo-seed.ts`: what the demo's seeded history costs the first start, as ONE JSON line. A fresh
 * database gets the two demo branches, then their past days (DATANG_DEMO_HISTORY_DAYS, 90) exactly as
 * `npm start` adds them; the line gives the CPU time of this process (user + system: on a shared machine the
 * wall clock mostly measures the wait for a core) and the wall clock, per branch and in total, with the load
 * average at the start and end. BENCH_DB=sqlite|postgres|both (sqlite). For PostgreSQL the CPU time is this
 * process's only, not the server's.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import type { StaffActor } from "../src/app/actor.ts";
import { DEMO_HISTORY_DAYS, seedDemoHistory } from "../src/app/analytics/demo-history.ts";
import { analyticsSummary } from "../src/app/analytics/summary.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { seedDemo, seedSecondDemoBranch } from "../src/app/seed-demo.ts";
import { findBranch } from "../src/store/branches.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { runOnEachDatabase } from "./lib/each-database.ts";
import { round } from "./lib/stats.ts";

const WHICH = process.env.BENCH_DB ?? "sqlite";
const DAYS = Number(process.env.DATANG_DEMO_HISTORY_DAYS ?? DEMO_HISTORY_DAYS);

async function benchOne(location: string): Promise<Record<string, unknown>> {
  const store = openStore(location);
  await migrateToLatest(store);
  const ctx = createAppContext({ store });
  const first = await seedDemo(ctx, "bench-password-1");
  const second = await seedSecondDemoBranch(ctx, "bench-password-1");
  const out: Record<string, unknown> = {};
  let cpuTotal = 0;
  let wallTotal = 0;
  for (const id of [first.branchId, second.branchId]) {
    const branch = await findBranch(store.db, id);
    if (!branch) throw new Error("no demo branch");
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const tickets = await seedDemoHistory(ctx, branch, DAYS);
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const wallMs = performance.now() - wall;
    cpuTotal += cpuMs;
    wallTotal += wallMs;
    out[branch.code] = { tickets, cpuMs: round(cpuMs, 0), wallMs: round(wallMs, 0) };
  }
  const count = async (table: "surveys" | "complaints" | "reviews" | "appointments") =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  out.rows = {
    surveys: await count("surveys"),
    complaints: await count("complaints"),
    reviews: await count("reviews"),
    appointments: await count("appointments"),
  };
  // The figures the dashboard shows for the seeded days, per branch.
  const admin = { type: "user", id: "bench", username: "bench", displayName: "bench", roles: ["admin"], branchIds: [] };
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - (DAYS + 1) * 86_400_000).toISOString().slice(0, 10);
  const summary = await analyticsSummary(ctx, admin as unknown as StaffActor, { from, to: today, groupBy: "branch" });
  out.figures = summary.rows.map((r) => ({
    branch: r.key,
    arrived: r.arrived,
    nps: r.nps,
    npsResponses: r.npsResponses,
    complaintsPer1000Visits: r.complaintsPer1000Visits,
    meanReviewWaitMinutes: r.meanReviewWaitMinutes,
    meanReviewMinutes: r.meanReviewMinutes,
    appointmentsBooked: r.appointmentsBooked,
    appointmentsCancelled: r.appointmentsCancelled,
    appointmentNoShows: r.appointmentNoShows,
    appointmentsCheckedIn: r.appointmentsCheckedIn,
    appointmentOnTimeShare: r.appointmentOnTimeShare,
    meanLeadTimeHours: r.meanLeadTimeHours,
  }));
  out.cpuMs = round(cpuTotal, 0);
  out.wallMs = round(wallTotal, 0);
  await store.close();
  return out;
}

const out: Record<string, unknown> = { days: DAYS, loadAtStart: loadavg().map((l) => round(l, 1)) };
await runOnEachDatabase(
  "demo",
  out,
  (dir) => benchOne(join(dir, "demo.db")),
  async (cluster) => benchOne(await cluster.createDatabase("bench_demo_seed")),
  WHICH,
);
