/**
 * `npm run bench:analytics`: prints ONE JSON line. Builds a year of busy branches through the importer (the
 * path a bank's history takes), rebuilds the tallies from the raw tickets, then times the dashboard's queries:
 * a year of one branch and a month of all branches, against a baseline in the same run that computes the same
 * figures from the raw tickets (what the dashboard would cost without the stored tallies), and the same queries
 * answered from the fine cells instead of the rollups.
 *
 * Sizes: BENCH_BRANCHES (20), BENCH_DAYS (365), BENCH_PER_DAY (700 tickets a branch-day): 5.1 million tickets.
 * BENCH_DB=sqlite|postgres|both (both). BENCH_REPEAT (20): timings of each query. The year of one branch is timed
 * twice: over whole calendar months (read from the month rollups, migration 027) and over a range starting mid-month
 * (its first half-month read from the day rollups). BENCH_BASELINE_REPEAT (3): timings of each fine-cell baseline
 * query. Import and rebuild rates are given per wall-clock second and per CPU second of this process (the import
 * timed alone, not the making of its CSV). The line carries the machine's load average at the start and end.
 *
 * BENCH_REUSE_DIR (e.g. /work/benchdb): keep the built databases there and use them again. The SQLite file is
 * `<dir>/sqlite/bench.db`; the PostgreSQL cluster the bench starts keeps its data directory in `<dir>/postgres`
 * (stopped, not removed, at the end). Each gets a `built.json` beside it once its import and rebuild are done; a
 * later run whose sizes (BENCH_BRANCHES, BENCH_DAYS, BENCH_PER_DAY) match it skips the build (after the migrations,
 * which bring an older database up to date) and only times the queries: a couple of minutes at full size instead of
 * 25–30 per database. Its line then says `"reused": true` and carries the build's figures as `built` from
 * `built.json`. A database of other sizes, or one whose build did not finish, is built afresh.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { StaffActor } from "../src/app/actor.ts";
import { cellsOf, rebuildAll } from "../src/app/analytics/build-cells.ts";
import { IMPORT_COLUMNS, importTickets } from "../src/app/analytics/import-tickets.ts";
import { analyticsSummary, type GroupBy } from "../src/app/analytics/summary.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { daysBetween } from "../src/domain/analytics/keys.ts";
import type { BranchId, UserId } from "../src/domain/ids.ts";
import { listTicketFacts } from "../src/store/analytics.ts";
import { findBranch } from "../src/store/branches.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { addBranches } from "./lib/branches.ts";
import { startPostgres } from "./lib/postgres.ts";
import { percentile, round } from "./lib/stats.ts";

const BRANCHES = Number(process.env.BENCH_BRANCHES ?? 20);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const PER_DAY = Number(process.env.BENCH_PER_DAY ?? 700);
const WHICH = process.env.BENCH_DB ?? "both";
const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);
/**
 * Timings of each baseline query (the fine cells): at full size one takes tens of seconds, and twenty of each would
 * keep the bench running for an hour without telling more than three do.
 */
const BASELINE_REPEAT = Number(process.env.BENCH_BASELINE_REPEAT ?? 3);
const FIRST_DAY = "2025-11-01";
const REUSE_DIR = process.env.BENCH_REUSE_DIR;
const SERVICES = ["CASH", "TRANSFER", "ACCOUNT", "CARD", "WEALTH", "CORP"];

const ADMIN: StaffActor = {
  type: "user",
  id: "bench-admin" as UserId,
  username: "bench",
  displayName: "bench",
  roles: ["admin"],
  branchIds: [] as BranchId[],
  ip: "127.0.0.1",
};

const log = (m: string) => process.stderr.write(`[bench:analytics] ${m}\n`);

/** A deterministic busy year of one branch as the importer's CSV. */
function yearCsv(code: string, branchIndex: number): string {
  const lines = [IMPORT_COLUMNS.join(",")];
  const iso = (ms: number) => new Date(ms).toISOString();
  let x = 12345 + branchIndex;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  for (const [d, day] of daysBetween(FIRST_DAY, lastDay()).entries()) {
    const open = Date.parse(`${day}T09:00:00+08:00`);
    for (let k = 1; k <= PER_DAY; k++) {
      const s = SERVICES[Math.floor(rand() * SERVICES.length)] ?? "CASH";
      const issued = open + Math.floor((k / PER_DAY) * 8 * 3_600_000);
      const r = rand();
      const outcome = r < 0.86 ? "served" : r < 0.9 ? "no_show" : "walked_away";
      const wait = Math.floor(rand() * rand() * 50 * 60_000);
      const call = outcome === "walked_away" ? null : issued + wait;
      const fin = outcome === "served" && call !== null ? call + (2 + Math.floor(rand() * 18)) * 60_000 : null;
      const counter = 1 + ((k + d) % 8);
      lines.push(
        [
          code,
          s,
          `${s[0]}${String(k).padStart(3, "0")}`,
          iso(issued),
          call === null ? "" : iso(call),
          fin === null || call === null ? "" : iso(call),
          fin === null ? "" : iso(fin),
          call === null ? "" : String(counter),
          call === null ? "" : `teller${counter}`,
          outcome,
          fin !== null && rand() < 0.5 ? String(1 + Math.floor(rand() * 3)) : "",
        ].join(","),
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

function lastDay(): string {
  return daysBetween(FIRST_DAY, "2030-01-01")[DAYS - 1] ?? FIRST_DAY;
}

/**
 * CPU time (user + system) of this process per query, ms, beside the wall-clock timings: on a machine shared with
 * other work the wall clock mostly measures the wait for a core; the CPU time is what the query itself costs here
 * (for PostgreSQL, without the server's own work).
 */
const cpuMs: Record<string, number[]> = {};

/** User + system CPU seconds of this process since `start` (a `process.cpuUsage()` reading). */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function timed(run: () => Promise<unknown>, label?: string, repeat = REPEAT): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await run();
    ms.push(performance.now() - t);
    if (label) {
      const used = process.cpuUsage(c);
      const list = cpuMs[label] ?? [];
      list.push((used.user + used.system) / 1000);
      cpuMs[label] = list;
    }
  }
  return ms;
}

/** What `built.json` says of a kept database: its sizes, the demo branch and the build's own figures. */
interface Built {
  readonly branches: number;
  readonly days: number;
  readonly perDay: number;
  readonly tickets: number;
  readonly demoBranchId: string;
  readonly [figure: string]: unknown;
}

/** The kept database's `built.json` if it is there and of this run's sizes. */
function builtBefore(marker: string): Built | undefined {
  if (!existsSync(marker)) return undefined;
  const built = JSON.parse(readFileSync(marker, "utf8")) as Built;
  return built.branches === BRANCHES && built.days === DAYS && built.perDay === PER_DAY ? built : undefined;
}

interface Keep {
  /** Where `built.json` goes. */
  readonly marker: string;
  /** The finished build found there, if any. */
  readonly built: Built | undefined;
}

/** Seeds, imports a year of every branch and rebuilds the tallies; the build's figures. */
async function build(kind: string, ctx: ReturnType<typeof createAppContext>): Promise<Built> {
  const demo = await seedDemo(ctx, "bench-password-1");
  const codes = await addBranches(ctx, demo.branchId, BRANCHES);
  log(`${kind}: ${codes.length} branches; importing ${codes.length * DAYS * PER_DAY} tickets`);

  let imported = 0;
  // Only the import is timed, not the making of each branch's CSV.
  let importSeconds = 0;
  let importCpuSeconds = 0;
  for (const [i, code] of codes.entries()) {
    const csv = yearCsv(code, i);
    const importStart = performance.now();
    const importCpu = process.cpuUsage();
    const result = await importTickets(ctx, csv, "bench");
    importSeconds += (performance.now() - importStart) / 1000;
    importCpuSeconds += cpuSecondsSince(importCpu);
    if (!result.ok) throw new Error(`import refused: ${JSON.stringify(result.problems.slice(0, 3))}`);
    imported += result.imported;
    log(`${kind}: ${code} imported (${imported}), ${round(importSeconds, 0)} s so far`);
  }

  const rebuildStart = performance.now();
  const rebuildCpu = process.cpuUsage();
  await rebuildAll(ctx);
  const rebuildSeconds = (performance.now() - rebuildStart) / 1000;
  const rebuildCpuSeconds = cpuSecondsSince(rebuildCpu);
  log(`${kind}: rebuilt in ${round(rebuildSeconds, 1)} s`);
  return {
    branches: BRANCHES,
    days: DAYS,
    perDay: PER_DAY,
    tickets: imported,
    demoBranchId: demo.branchId,
    importRowsPerSecond: Math.round(imported / importSeconds),
    rebuildRowsPerSecond: Math.round(imported / rebuildSeconds),
    // Rows per second of this process's CPU time (on PostgreSQL the server's own work is not in it).
    importRowsPerCpuSecond: Math.round(imported / importCpuSeconds),
    rebuildRowsPerCpuSecond: Math.round(imported / rebuildCpuSeconds),
    importSeconds: round(importSeconds, 1),
    rebuildSeconds: round(rebuildSeconds, 1),
  };
}

async function benchOne(kind: "sqlite" | "postgres", location: string, keep?: Keep): Promise<Record<string, unknown>> {
  const store = openStore(location);
  await migrateToLatest(store);
  const ctx = createAppContext({ store });
  let built = keep?.built;
  if (built) {
    const { tickets } = await store.db
      .selectFrom("tickets")
      .select((eb) => eb.fn.countAll<number | string>().as("tickets"))
      .executeTakeFirstOrThrow();
    if (Number(tickets) !== built.tickets)
      throw new Error(`${location} holds ${tickets} tickets, not the ${built.tickets} of its built.json`);
    log(`${kind}: reusing ${location} (${built.tickets} tickets, built ${String(built.builtAt)})`);
  } else {
    const startLoad = loadavg().map((l) => round(l, 1));
    built = await build(kind, ctx);
    if (keep)
      writeFileSync(
        keep.marker,
        `${JSON.stringify({ ...built, builtAt: new Date().toISOString(), loadAtStart: startLoad, loadAtEnd: loadavg().map((l) => round(l, 1)) })}\n`,
      );
  }
  const demo = { branchId: built.demoBranchId as BranchId };
  const { branches: _b, days: _d, perDay: _p, tickets: imported, demoBranchId: _id, ...buildFigures } = built;

  const from = FIRST_DAY;
  const to = lastDay();
  const monthFrom = daysBetween(FIRST_DAY, to).slice(-30)[0] ?? from;
  const dashboard: GroupBy[] = ["day", "hour", "service"];
  const yearOne: number[] = [];
  const yearOneUnaligned: number[] = [];
  const monthAll: number[] = [];
  const midFrom = daysBetween(FIRST_DAY, to)[14] ?? from;
  for (const groupBy of [...dashboard, "counter", "staff"] as GroupBy[]) {
    yearOne.push(
      ...(await timed(
        () => analyticsSummary(ctx, ADMIN, { branchId: demo.branchId, from, to, groupBy }),
        `${kind}Year`,
      )),
    );
    yearOneUnaligned.push(
      ...(await timed(
        () => analyticsSummary(ctx, ADMIN, { branchId: demo.branchId, from: midFrom, to, groupBy }),
        `${kind}YearMidMonth`,
      )),
    );
  }
  for (const groupBy of [...dashboard, "branch"] as GroupBy[])
    monthAll.push(
      ...(await timed(() => analyticsSummary(ctx, ADMIN, { from: monthFrom, to, groupBy }), `${kind}Month`)),
    );
  log(
    `${kind}: rollups p95 year of one branch ${round(percentile(yearOne, 95), 1)} ms, month of all ${round(percentile(monthAll, 95), 1)} ms`,
  );
  // The same queries from the fine cells, as before the rollups (migration 020), in the same run and load.
  const yearOneCells: number[] = [];
  const monthAllCells: number[] = [];
  for (const groupBy of [...dashboard, "counter", "staff"] as GroupBy[])
    yearOneCells.push(
      ...(await timed(
        () => analyticsSummary(ctx, ADMIN, { branchId: demo.branchId, from, to, groupBy }, "cells"),
        undefined,
        BASELINE_REPEAT,
      )),
    );
  for (const groupBy of [...dashboard, "branch"] as GroupBy[])
    monthAllCells.push(
      ...(await timed(
        () => analyticsSummary(ctx, ADMIN, { from: monthFrom, to, groupBy }, "cells"),
        undefined,
        BASELINE_REPEAT,
      )),
    );

  // Baseline: the same year of one branch tallied from its raw tickets, as without stored tallies.
  const branch = await findBranch(store.db, demo.branchId);
  if (!branch) throw new Error("no branch");
  const rawStart = performance.now();
  let rawCells = 0;
  for (const day of daysBetween(from, to))
    rawCells += cellsOf(branch, await listTicketFacts(store.db, branch.id, day)).length;
  const rawYearMs = performance.now() - rawStart;
  await store.close();
  return {
    tickets: imported,
    ...(keep?.built ? { reused: true, built: buildFigures } : { reused: false, ...buildFigures }),
    yearOfOneBranchP50Ms: round(percentile(yearOne, 50), 1),
    yearOfOneBranchP95Ms: round(percentile(yearOne, 95), 1),
    yearOfOneBranchMidMonthStartP95Ms: round(percentile(yearOneUnaligned, 95), 1),
    monthOfAllBranchesP50Ms: round(percentile(monthAll, 50), 1),
    monthOfAllBranchesP95Ms: round(percentile(monthAll, 95), 1),
    fineCellsYearOfOneBranchP95Ms: round(percentile(yearOneCells, 95), 1),
    fineCellsMonthOfAllBranchesP95Ms: round(percentile(monthAllCells, 95), 1),
    baselineRawYearOfOneBranchMs: round(rawYearMs, 1),
    baselineCells: rawCells,
    cpuP95Ms: {
      yearOfOneBranch: round(percentile(cpuMs[`${kind}Year`] ?? [], 95), 1),
      yearOfOneBranchMidMonthStart: round(percentile(cpuMs[`${kind}YearMidMonth`] ?? [], 95), 1),
      monthOfAllBranches: round(percentile(cpuMs[`${kind}Month`] ?? [], 95), 1),
    },
    targetP95Met:
      percentile(yearOne, 95) < 300 && percentile(yearOneUnaligned, 95) < 300 && percentile(monthAll, 95) < 300,
  };
}

const out: Record<string, unknown> = {
  branches: BRANCHES,
  days: DAYS,
  perDay: PER_DAY,
  loadAtStart: loadavg().map((l) => round(l, 1)),
};
/** The kept database's `built.json` and what it says; a database without a matching one is removed first. */
function keepIn(dir: string, files: readonly string[]): Keep {
  mkdirSync(dir, { recursive: true });
  const marker = join(dir, "built.json");
  const built = builtBefore(marker);
  if (!built) for (const f of [marker, ...files]) rmSync(f, { force: true });
  return { marker, built };
}

if (WHICH === "sqlite" || WHICH === "both") {
  if (REUSE_DIR) {
    const file = join(REUSE_DIR, "sqlite", "bench.db");
    out.sqlite = await benchOne(
      "sqlite",
      file,
      keepIn(join(REUSE_DIR, "sqlite"), [file, `${file}-wal`, `${file}-shm`]),
    );
  } else {
    const dir = mkdtempSync(join(tmpdir(), "datang-bench-analytics-"));
    try {
      out.sqlite = await benchOne("sqlite", join(dir, "bench.db"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
if (WHICH === "postgres" || WHICH === "both") {
  const cluster = await startPostgres(REUSE_DIR ? join(REUSE_DIR, "postgres") : undefined);
  if (!cluster) out.postgres = "skipped: no PostgreSQL server binaries";
  else
    try {
      const keep = REUSE_DIR ? keepIn(join(REUSE_DIR, "postgres"), []) : undefined;
      const url = keep?.built
        ? cluster.databaseUrl("bench_analytics")
        : await cluster.createDatabase("bench_analytics");
      out.postgres = await benchOne("postgres", url, keep);
    } finally {
      cluster.stop();
    }
}
out.loadAtEnd = loadavg().map((l) => round(l, 1));
console.log(JSON.stringify(out));
