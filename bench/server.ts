/**
 * `npm run bench`: the server benchmark of issue 2. Prints ONE JSON line on stdout (progress on stderr):
 * a bare Fastify route as the ceiling, issue-ticket and a mixed teller load on SQLite and PostgreSQL
 * (64 connections, autocannon, real server processes on 127.0.0.1), and SSE fan-out to 2,000 clients
 * with the server's RSS. Every child process and the throwaway PostgreSQL cluster are stopped at the end,
 * also on error.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { sql } from "kysely";
import { tallyMarkedDays } from "../src/app/analytics/tally-marks.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { markCount } from "../src/store/analytics-marks.ts";
import { isPostgresUrl, migrateToLatest, openStore } from "../src/store/connect.ts";
import { prepareSeats, startDatang } from "./lib/datang.ts";
import { bareLoad, CONNECTIONS, DURATION_S, issueLoad, type LoadFigures, mixedLoad } from "./lib/load.ts";
import { type LoginFloodFigures, loginFlood } from "./lib/login-flood.ts";
import { type OutageRound, pgOutage } from "./lib/pg-outage.ts";
import { type PgCluster, startPostgres } from "./lib/postgres.ts";
import {
  CHILD_NOFILE,
  familyCpuDelta,
  familyCpuMs,
  log,
  onExit,
  openFileLimits,
  processCpuMs,
  startNode,
  stopAll,
} from "./lib/procs.ts";
import { type SseFigures, sseFanout } from "./lib/sse.ts";
import { round } from "./lib/stats.ts";

const SSE_CLIENTS = Number(process.env.BENCH_SSE_CLIENTS ?? 2000);
const SSE_ROUNDS = 20;
const TARGET_RATIO = 0.5;
const TARGET_SSE_P99_MS = 250;
const TARGET_RSS_MB = 300;
const TARGET_FLOOD_ISSUE_P99_MS = 100;
/** The whole run is bounded: a hang anywhere ends it (and its children) instead of waiting forever. */
const OVERALL_TIMEOUT_MS = 20 * 60_000;
/** With `tally`: rounds of the loads without the analytics marks, alternated with rounds with them (BENCH_TALLY_ROUNDS). */
const TALLY_ROUNDS = Math.max(1, Math.min(5, Number(process.env.BENCH_TALLY_ROUNDS ?? 2) || 2));
/**
 * `BENCH_ONLY=sqlite` (or postgres, tally, sse, flood, outage; comma-separated) runs a part, e.g. while profiling;
 * targets then read null. `tally` adds, on each database measured, the issue and mixed loads once more on a database
 * whose analytics marks (migration 045's triggers) were dropped: what keeping the tallies current costs the ticket path.
 */
const ONLY = new Set(
  (process.env.BENCH_ONLY ?? "sqlite,postgres,tally,sse,flood,outage").split(",").map((s) => s.trim()),
);

interface Bare {
  rps: number;
  p50: number;
  p99: number;
}
type Load = Bare & { ratio: number; errors: number; firstSecond: number; lastSecond: number };
interface DbFigures {
  issue: Load;
  mixed: Load;
  /** With BENCH_ONLY including `tally`: the same loads with and without the analytics marks, side by side. */
  tally?: TallyFigures;
}

/** One variant of a load over the tally rounds: medians, and every round's figures. */
interface Variant {
  rps: number;
  p99: number;
  /** CPU ms per successful answer of the Datang server, plus (PostgreSQL) of the database server's backends. */
  cpuMsPerOp: number;
  rounds: Array<{ rps: number; p99: number; cpuMsPerOp: number }>;
}

/** What keeping the tallies current costs the ticket path (migration 045's marks and the tally job). */
interface TallyFigures {
  rounds: number;
  issue: { withMarks: Variant; withoutMarks: Variant; throughputCost: number; cpuCost: number };
  mixed: { withMarks: Variant; withoutMarks: Variant; throughputCost: number; cpuCost: number };
  /** One run of the tally job after a mixed load with the marks: the marks it read, and its time (this process). */
  jobAfterMixed: { marks: number; days: number; wallMs: number; cpuMs: number };
}

/**
 * This process holds the SSE client sockets; servers raise their own limit (see procs.ts). Node already
 * lifts its soft limit to the hard one at start-up, so when that is still too low we re-run ourselves
 * under a shell that raises the hard limit (possible as root), once.
 */
function ensureDescriptors(): boolean {
  const need = SSE_CLIENTS + 1024;
  const { soft, hard } = openFileLimits();
  log(`open-file limit of the bench: soft ${soft}, hard ${hard}; needs ~${need}; servers get ${CHILD_NOFILE}`);
  if (soft >= need) return true;
  if (process.env.DATANG_BENCH_REEXEC === "1") throw new Error(`cannot raise the open-file limit to ${need}`);
  log(`raising it with ulimit -n ${CHILD_NOFILE} and re-running`);
  const result = spawnSync(
    "sh",
    [
      "-c",
      `ulimit -n ${CHILD_NOFILE} && exec "$0" "$@"`,
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    { stdio: "inherit", env: { ...process.env, DATANG_BENCH_REEXEC: "1" } },
  );
  process.exitCode = result.status ?? 1;
  return false;
}

function load(f: LoadFigures, bare: Bare): Load {
  return {
    rps: f.rps,
    p50: f.p50,
    p99: f.p99,
    ratio: round(f.rps / bare.rps, 3),
    errors: f.errors,
    firstSecond: f.firstSecond,
    lastSecond: f.lastSecond,
  };
}

async function measureDb(
  kind: string,
  location: () => Promise<string>,
  bare: Bare,
  pg?: PgCluster,
): Promise<DbFigures> {
  // A fresh server and database per load: the issue load leaves tens of thousands of waiting tickets
  // behind, which is not the state a branch's tellers work in.
  const issue = await oneLoad(await location(), false, pg, "issue");
  const mixedAt = await location();
  const mixed = await oneLoad(mixedAt, false, pg, "mixed");
  const figures: DbFigures = { issue: load(issue, bare), mixed: load(mixed, bare) };
  if (ONLY.has("tally")) {
    // The loads without the marks, alternated with those with them (the first "with" are the loads above): on a
    // shared machine, both variants meet the same moments.
    const runs = { issue: { on: [issue], off: [] as Measured[] }, mixed: { on: [mixed], off: [] as Measured[] } };
    // With, without, without, with, …: a drift of the machine's load falls on both variants alike.
    for (let k = 1; k < 2 * TALLY_ROUNDS; k++) {
      const off = k % 4 === 1 || k % 4 === 2;
      runs.issue[off ? "off" : "on"].push(await oneLoad(await location(), off, pg, "issue"));
      runs.mixed[off ? "off" : "on"].push(await oneLoad(await location(), off, pg, "mixed"));
    }
    const job = await tallyJobRun(mixedAt);
    log(`${kind}: tally job after the first mixed load: ${JSON.stringify(job)}`);
    const compare = (on: Measured[], off: Measured[]) => {
      const withMarks = variant(on);
      const withoutMarks = variant(off);
      return {
        withMarks,
        withoutMarks,
        throughputCost: round(1 - withMarks.rps / Math.max(withoutMarks.rps, 1), 3),
        cpuCost: round(withMarks.cpuMsPerOp / Math.max(withoutMarks.cpuMsPerOp, 0.001) - 1, 3),
      };
    };
    figures.tally = {
      rounds: TALLY_ROUNDS,
      issue: compare(runs.issue.on, runs.issue.off),
      mixed: compare(runs.mixed.on, runs.mixed.off),
      jobAfterMixed: job,
    };
    log(`${kind}: tally ${JSON.stringify(figures.tally)}`);
  }
  log(`${kind}: done`);
  return figures;
}

type Measured = LoadFigures & { cpuMsPerOp: number };

function variant(runs: readonly Measured[]): Variant {
  // The median, the mean of the middle two of an even count.
  const med = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length / 2;
    return round(s.length % 2 ? (s[Math.floor(m)] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2, 3);
  };
  return {
    rps: med(runs.map((r) => r.rps)),
    p99: med(runs.map((r) => r.p99)),
    cpuMsPerOp: med(runs.map((r) => r.cpuMsPerOp)),
    rounds: runs.map((r) => ({ rps: r.rps, p99: r.p99, cpuMsPerOp: r.cpuMsPerOp })),
  };
}

/**
 * One load on a fresh server and database, with the CPU the server (and on PostgreSQL the database's backends) used
 * per successful answer; `noMarks`: the database's analytics marks dropped before the server starts.
 */
async function oneLoad(
  at: string,
  noMarks: boolean,
  pg: PgCluster | undefined,
  kind: "issue" | "mixed",
): Promise<Measured> {
  if (noMarks) await dropTallyMarks(at);
  const server = await startDatang(at);
  try {
    // The mixed load's teller seats are set up before its clock and CPU reading start.
    const seats = kind === "mixed" ? await prepareSeats(server, CONNECTIONS) : [];
    const postmaster = pg?.postmasterPid?.();
    const cpu0 = processCpuMs(server.pid);
    const db0 = postmaster ? familyCpuMs(postmaster) : undefined;
    const figures = kind === "mixed" ? await mixedLoad(server, seats) : await issueLoad(server);
    const db1 = postmaster ? familyCpuMs(postmaster) : undefined;
    const cpuMs = processCpuMs(server.pid) - cpu0 + (db0 && db1 ? familyCpuDelta(db0, db1) : 0);
    const ok = figures.rps * DURATION_S;
    return { ...figures, cpuMsPerOp: round(cpuMs / Math.max(ok, 1), 3) };
  } finally {
    await server.stop();
  }
}

/**
 * The bench's way to a Datang without tally maintenance: a database migrated here, then migration 045's triggers
 * (`analytics_mark_*`, on tickets, surveys, reviews, complaints, appointments and counter events) dropped (nothing else in Datang writes marks; the tally job then finds none and does nothing). Never done by the
 * product: without the marks the dashboard's today stays as it was.
 */
async function dropTallyMarks(at: string): Promise<void> {
  if (!isPostgresUrl(at)) mkdirSync(dirname(at), { recursive: true });
  const store = openStore(at);
  try {
    await migrateToLatest(store);
    const pg = store.dialect === "postgres";
    const triggers = pg
      ? sql<{ name: string; tbl: string }>`SELECT tgname AS name, tgrelid::regclass::text AS tbl FROM pg_trigger
          WHERE tgname LIKE 'analytics_mark_%'`
      : sql<{ name: string; tbl: string }>`SELECT name, tbl_name AS tbl FROM sqlite_master
          WHERE type = 'trigger' AND name LIKE 'analytics_mark_%'`;
    const found = (await triggers.execute(store.db)).rows;
    if (found.length === 0) throw new Error("no analytics_mark_ trigger found: migration 045 changed?");
    for (const t of found)
      await sql.raw(pg ? `DROP TRIGGER ${t.name} ON ${t.tbl}` : `DROP TRIGGER ${t.name}`).execute(store.db);
  } finally {
    await store.close();
  }
}

/** One run of the tally job, in this process, on a database a server just left (its marks not yet tallied). */
async function tallyJobRun(at: string): Promise<TallyFigures["jobAfterMixed"]> {
  const store = openStore(at);
  try {
    const ctx = createAppContext({ store });
    const marks = await markCount(store.db);
    const cpu = process.cpuUsage();
    const start = performance.now();
    const run = await tallyMarkedDays(ctx);
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return {
      marks,
      days: run.days.length,
      wallMs: round(wallMs, 0),
      cpuMs: round((used.user + used.system) / 1000, 0),
    };
  } finally {
    await store.close();
  }
}

/**
 * The durable ceiling without HTTP (bench/in-process.ts): the issue-ticket use case called directly by as many
 * callers as the load has connections, for as long. Shows how much of the server's rate the database path
 * itself allows, whatever HTTP costs; with several branches, how far one process gets across branches.
 */
function measureInProcess(location: string, branches = 1): { rps: number } {
  const what = `in-process issue-ticket, ${branches} branch${branches > 1 ? "es" : ""}`;
  log(`${what}: ${CONNECTIONS} callers for ${DURATION_S} s`);
  const out = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "in-process.ts"),
      location,
      String(DURATION_S),
      String(CONNECTIONS),
      String(branches),
    ],
    { encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "inherit"] },
  );
  const figures = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { rps: number };
  log(`${what}: ${figures.rps} issued/s`);
  return { rps: figures.rps };
}

async function measureBare(): Promise<Bare> {
  const server = await startNode(join(import.meta.dirname, "lib/bare-server.ts"), ["0"], /listening \d+/);
  try {
    const port = /listening (\d+)/.exec(server.output())?.[1];
    const f = await bareLoad(`http://127.0.0.1:${port}`);
    return { rps: f.rps, p50: f.p50, p99: f.p99 };
  } finally {
    await server.stop();
  }
}

/**
 * The durable floors (lib/bare-durable-server.ts): the bare route writing through the same SQLite store, group
 * commit (transaction, savepoint) and flush as Datang, either one row per request (`row`) or the rows of an
 * issued ticket through the store function the use case calls (`ticket`). Not targets: they show what the
 * durable write path costs here with the least possible write, and with the least an issued ticket must write,
 * so the ticket operations can be read against the bare ceiling and against these.
 */
async function measureBareDurable(path: string, mode: "row" | "ticket"): Promise<Bare & { errors: number }> {
  mkdirSync(dirname(path), { recursive: true });
  const server = await startNode(
    join(import.meta.dirname, "lib/bare-durable-server.ts"),
    ["0", path, mode],
    /listening \d+/,
  );
  try {
    const port = /listening (\d+)/.exec(server.output())?.[1];
    const title = mode === "row" ? "bare fastify + one durable row" : "bare fastify + an issued ticket's durable rows";
    const f = await bareLoad(`http://127.0.0.1:${port}`, title);
    return { rps: f.rps, p50: f.p50, p99: f.p99, errors: f.errors };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  if (!ensureDescriptors()) return;
  const startedAt = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "datang-bench-"));
  onExit(() => rmSync(dir, { recursive: true, force: true }));
  let pg: PgCluster | undefined;
  try {
    // The ceiling is measured before and after the database loads and averaged: on a shared machine the
    // load of other processes changes during the run, and the ratio should not hinge on one moment.
    const bareFirst = await measureBare();
    const loadAverage = [os.loadavg()[0] ?? 0];

    let n = 0;
    const sqlite = ONLY.has("sqlite")
      ? await measureDb("SQLite", async () => join(dir, `sqlite-${++n}`, "datang.db"), bareFirst)
      : undefined;

    const inProcess = ONLY.has("sqlite") ? measureInProcess(join(dir, "in-process", "datang.db")) : undefined;
    const bareDurable = ONLY.has("sqlite")
      ? await measureBareDurable(join(dir, "bare-durable", "floor.db"), "row")
      : undefined;
    const ticketRowsFloor = ONLY.has("sqlite")
      ? await measureBareDurable(join(dir, "bare-durable-ticket", "floor.db"), "ticket")
      : undefined;

    let postgres: DbFigures | { skipped: string } | undefined;
    let postgresInProcess: { oneBranch: { rps: number }; fourBranches: { rps: number } } | undefined;
    if (ONLY.has("postgres")) {
      pg = await startPostgres();
      if (pg) {
        const cluster = pg;
        let m = 0;
        postgres = await measureDb(
          "PostgreSQL",
          () => cluster.createDatabase(`datang_bench_${++m}`),
          bareFirst,
          cluster,
        );
        postgresInProcess = {
          oneBranch: measureInProcess(await cluster.createDatabase(`datang_bench_${++m}`), 1),
          fourBranches: measureInProcess(await cluster.createDatabase(`datang_bench_${++m}`), 4),
        };
      } else {
        log("PostgreSQL: no server binaries and no BENCH_DATABASE_URL, skipped");
        postgres = { skipped: "no PostgreSQL server binaries and no BENCH_DATABASE_URL" };
      }
    }
    const pgMet = postgres && "issue" in postgres ? postgres : undefined;

    // A PostgreSQL outage under a kiosk's writes and a display's stream (issue 11), on the bench's own cluster.
    let outage: OutageRound[] | { skipped: string } | undefined;
    if (ONLY.has("outage")) {
      pg ??= await startPostgres();
      const control = pg?.control;
      if (pg && control) {
        const outageServer = await startDatang(await pg.createDatabase("datang_bench_outage"));
        try {
          outage = await pgOutage(outageServer, control);
        } finally {
          await outageServer.stop();
        }
      } else outage = { skipped: "needs the bench's own PostgreSQL cluster (not BENCH_DATABASE_URL)" };
    }
    const outageRounds = Array.isArray(outage) ? outage : undefined;

    const bareLast = await measureBare();
    loadAverage.push(os.loadavg()[0] ?? 0);
    const bare = {
      rps: round((bareFirst.rps + bareLast.rps) / 2, 0),
      p50: Math.max(bareFirst.p50, bareLast.p50),
      p99: Math.max(bareFirst.p99, bareLast.p99),
      runs: [bareFirst.rps, bareLast.rps],
    };
    for (const figures of [sqlite, pgMet]) {
      if (figures) for (const l of [figures.issue, figures.mixed]) l.ratio = round(l.rps / bare.rps, 3);
    }

    // Fan-out on the durable default (SQLite); delivery is in-process on either database.
    let sse: SseFigures | undefined;
    if (ONLY.has("sse")) {
      // 2,000 streams from one address on one display token: the per-address and per-credential limits (200 and
      // 8 by default, for a branch) are raised for this server, as an operator would for a load test.
      const sseServer = await startDatang(join(dir, "sqlite-sse", "datang.db"), {
        DATANG_STREAMS_PER_CREDENTIAL: String(SSE_CLIENTS),
        DATANG_STREAMS_PER_ADDRESS: String(SSE_CLIENTS + 100),
      });
      try {
        sse = await sseFanout(sseServer, SSE_CLIENTS, SSE_ROUNDS);
      } finally {
        await sseServer.stop();
      }
    }

    // Kiosk issue latency during a login flood (issue 11), on the durable default (SQLite), whose WAL sync
    // shares libuv's thread pool with anything else that uses it. Behind a trusted proxy, so the flood can
    // also come from 400 addresses.
    let floodFigures: LoginFloodFigures | undefined;
    if (ONLY.has("flood")) {
      const floodServer = await startDatang(join(dir, "sqlite-flood", "datang.db"), { DATANG_TRUST_PROXY: "1" });
      try {
        floodFigures = await loginFlood(floodServer);
      } finally {
        await floodServer.stop();
      }
    }

    const met = (l: Load | undefined) => (l ? l.ratio >= TARGET_RATIO : null);
    const targets = {
      ratio: TARGET_RATIO,
      sqliteIssue: met(sqlite?.issue),
      sqliteMixed: met(sqlite?.mixed),
      postgresIssue: met(pgMet?.issue),
      postgresMixed: met(pgMet?.mixed),
      sseP99Ms: TARGET_SSE_P99_MS,
      sseP99: sse ? sse.p99Ms < TARGET_SSE_P99_MS && sse.missed === 0 && sse.clients === SSE_CLIENTS : null,
      rssMb: TARGET_RSS_MB,
      rss: sse ? sse.rssMb < TARGET_RSS_MB : null,
      loginFloodIssueP99Ms: TARGET_FLOOD_ISSUE_P99_MS,
      loginFloodIssueP99: floodFigures
        ? floodFigures.oneAddress.p99 < TARGET_FLOOD_ISSUE_P99_MS &&
          floodFigures.manyAddresses.p99 < TARGET_FLOOD_ISSUE_P99_MS &&
          floodFigures.oneAddress.other + floodFigures.manyAddresses.other === 0
        : null,
      pgOutageEventsLost: outageRounds ? outageRounds.every((r) => r.eventsLost === 0 && r.idsSkipped === 0) : null,
      pgOutageNo500: outageRounds ? outageRounds.every((r) => !r.answers["500"]) : null,
      noErrors:
        [sqlite, pgMet].every((f) => !f || (f.issue.errors === 0 && f.mixed.errors === 0)) &&
        (bareDurable?.errors ?? 0) === 0 &&
        (ticketRowsFloor?.errors ?? 0) === 0,
    };
    const line = {
      connections: CONNECTIONS,
      durationS: DURATION_S,
      bare,
      sqlite,
      sqliteInProcessIssue: inProcess && { rps: inProcess.rps, ratio: round(inProcess.rps / bare.rps, 3) },
      bareDurableSqlite: bareDurable && { ...bareDurable, ratio: round(bareDurable.rps / bare.rps, 3) },
      ticketRowsFloorSqlite: ticketRowsFloor && {
        ...ticketRowsFloor,
        ratio: round(ticketRowsFloor.rps / bare.rps, 3),
      },
      postgres,
      postgresInProcessIssue: postgresInProcess && {
        oneBranch: postgresInProcess.oneBranch.rps,
        fourBranches: postgresInProcess.fourBranches.rps,
      },
      sse,
      loginFlood: floodFigures,
      pgOutage: outage,
      targets,
      cpus: os.cpus().length,
      loadAverage1m: loadAverage.map((x) => round(x, 1)),
      wallS: Math.round((Date.now() - startedAt) / 1000),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    await stopAll();
    pg?.stop();
  }
}

const watchdog = setTimeout(() => {
  log(`bench exceeded ${OVERALL_TIMEOUT_MS / 1000} s; stopping`);
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
  void stopAll().then(() => process.exit(1));
});
