/**
 * `npx tsx bench/tally.ts`: prints ONE JSON line. What keeping today's tallies current costs, before and after the
 * tally job (migration 045), in the same run on the same database: BENCH_BRANCHES (100) branches with
 * BENCH_PER_DAY (300) tickets today and as many yesterday (imported, so they leave no marks), of which
 * BENCH_DIRTY (3) had a ticket change since the last run (a rating given: the trigger marks the branch-day).
 *
 * - before: what the minute's housekeeping did until now: each branch's yesterday and today rebuilt, every
 *   minute, on every instance (its scan of surveys, reviews and complaints for older days is left out, so the
 *   figure is if anything low);
 * - after: one run of the tally job with BENCH_DIRTY branch-days marked, and one with nothing marked.
 *
 * Per pass: wall-clock ms and CPU ms of this process (median of BENCH_REPEAT, 3); on PostgreSQL the server's CPU is
 * not in it. BENCH_DB=sqlite|postgres|both (both). The line carries the load average at the start and end.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { rebuildBranchDay } from "../src/app/analytics/build-cells.ts";
import { IMPORT_COLUMNS, importTickets } from "../src/app/analytics/import-tickets.ts";
import { tallyMarkedDays } from "../src/app/analytics/tally-marks.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { dayBefore } from "../src/domain/analytics/keys.ts";
import { localDay } from "../src/domain/local-day.ts";
import { markCount } from "../src/store/analytics-marks.ts";
import { listBranches } from "../src/store/branches.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { addBranches } from "./lib/branches.ts";
import { runOnEachDatabase } from "./lib/each-database.ts";
import { percentile, round } from "./lib/stats.ts";

const BRANCHES = Number(process.env.BENCH_BRANCHES ?? 100);
const PER_DAY = Number(process.env.BENCH_PER_DAY ?? 300);
const DIRTY = Number(process.env.BENCH_DIRTY ?? 3);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
/** 16:00 in Shanghai: today's tickets are in. */
const NOW = Date.parse("2026-11-23T08:00:00Z");
const SERVICES = ["CASH", "TRANSFER", "ACCOUNT", "CARD"];

const log = (m: string) => process.stderr.write(`[bench:tally] ${m}\n`);

function twoDaysCsv(codes: readonly string[], days: readonly string[]): string {
  const lines = [IMPORT_COLUMNS.join(",")];
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const code of codes)
    for (const day of days) {
      const open = Date.parse(`${day}T09:00:00+08:00`);
      for (let k = 1; k <= PER_DAY; k++) {
        const s = SERVICES[k % SERVICES.length] ?? "CASH";
        // Within the 7 hours before 16:00.
        const issued = open + Math.floor((k / PER_DAY) * 6.5 * 3_600_000);
        const call = issued + ((k * 7) % 30) * 60_000;
        const fin = call + (3 + (k % 10)) * 60_000;
        const counter = 1 + (k % 6);
        lines.push(
          [
            code,
            s,
            `${s[0]}${String(k).padStart(3, "0")}`,
            iso(issued),
            iso(call),
            iso(call),
            iso(fin),
            counter,
            `teller${counter}`,
            "served",
            "",
          ].join(","),
        );
      }
    }
  return `${lines.join("\n")}\n`;
}

async function timed(run: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

const median = (xs: number[]) => round(percentile(xs, 50), 1);
const summary = (runs: Array<{ wallMs: number; cpuMs: number }>) => ({
  wallMs: median(runs.map((r) => r.wallMs)),
  cpuMs: median(runs.map((r) => r.cpuMs)),
  runs: runs.map((r) => [round(r.wallMs, 0), round(r.cpuMs, 0)]),
});

async function benchOne(location: string): Promise<Record<string, unknown>> {
  const store = openStore(location);
  await migrateToLatest(store);
  const ctx = createAppContext({ store, clock: () => NOW });
  const demo = await seedDemo(ctx, "bench-password-1");
  const codes = await addBranches(ctx, demo.branchId, BRANCHES);
  const today = localDay(NOW, "Asia/Shanghai");
  const days = [dayBefore(today), today];
  const result = await importTickets(ctx, twoDaysCsv(codes, days), "bench");
  if (!result.ok) throw new Error(`import refused: ${JSON.stringify(result.problems.slice(0, 3))}`);
  await tallyMarkedDays(ctx); // whatever the set-up marked
  log(`${result.imported} tickets in ${codes.length} branches; marks left ${await markCount(store.db)}`);
  const branches = await listBranches(store.db);

  const before: Array<{ wallMs: number; cpuMs: number }> = [];
  for (let i = 0; i < REPEAT; i++)
    before.push(
      await timed(async () => {
        for (const branch of branches) {
          const t = localDay(NOW, branch.timezone);
          await rebuildBranchDay(ctx, branch, dayBefore(t));
          await rebuildBranchDay(ctx, branch, t);
        }
      }),
    );
  log(`before ${JSON.stringify(summary(before))}`);

  const dirtyRuns: Array<{ wallMs: number; cpuMs: number }> = [];
  let retallied = 0;
  for (let i = 0; i < REPEAT; i++) {
    // A rating given at DIRTY branches: the trigger marks each one's today.
    for (const branch of branches.slice(0, DIRTY)) {
      const ticket = await store.db
        .selectFrom("tickets")
        .select("id")
        .where("branch_id", "=", branch.id)
        .where("day", "=", today)
        .where("rating", "is", null)
        .limit(1)
        .executeTakeFirstOrThrow();
      await store.write((tx) =>
        tx.updateTable("tickets").set({ rating: "satisfied" }).where("id", "=", ticket.id).execute(),
      );
    }
    dirtyRuns.push(
      await timed(async () => {
        retallied = (await tallyMarkedDays(ctx)).days.length;
      }),
    );
  }
  const idle: Array<{ wallMs: number; cpuMs: number }> = [];
  for (let i = 0; i < REPEAT; i++) idle.push(await timed(() => tallyMarkedDays(ctx)));
  await store.close();
  const b = summary(before);
  const a = summary(dirtyRuns);
  return {
    tickets: result.imported,
    before: { what: `yesterday and today of all ${branches.length} branches`, ...b },
    after: { what: `tally job, ${retallied} marked branch-days`, ...a },
    afterNothingMarked: summary(idle),
    cpuRatio: round(b.cpuMs / Math.max(a.cpuMs, 0.001), 1),
  };
}

const out: Record<string, unknown> = {
  branches: BRANCHES,
  perDay: PER_DAY,
  dirty: DIRTY,
  loadAtStart: loadavg().map((l) => round(l, 1)),
};
await runOnEachDatabase(
  "tally",
  out,
  (dir) => benchOne(join(dir, "bench.db")),
  async (cluster) => benchOne(await cluster.createDatabase("bench_tally")),
);
