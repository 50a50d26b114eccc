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
import { type Datang, prepareSeats, startDatang } from "./lib/datang.ts";
import { bareLoad, CONNECTIONS, DURATION_S, issueLoad, type LoadFigures, mixedLoad } from "./lib/load.ts";
import { type LoginFloodFigures, loginFlood } from "./lib/login-flood.ts";
import { type OutageRound, pgOutage } from "./lib/pg-outage.ts";
import { type PgCluster, startPostgres } from "./lib/postgres.ts";
import { CHILD_NOFILE, log, onExit, openFileLimits, startNode, stopAll } from "./lib/procs.ts";
import { type SseFigures, sseFanout } from "./lib/sse.ts";
import { round } from "./lib/stats.ts";

const SSE_CLIENTS = Number(process.env.BENCH_SSE_CLIENTS ?? 2000);
const SSE_ROUNDS = 20;
const TARGET_RATIO = 0.5;
const TARGET_SSE_P99_MS = 250;
const TARGET_RSS_MB = 300;
const TARGET_FLOOD_ISSUE_P99_MS = 100;
/** The whole run is bounded: a hang anywhere ends it (and its children) instead of waiting forever. */
const OVERALL_TIMEOUT_MS = 6 * 60_000;
/** `BENCH_ONLY=sqlite` (or postgres, sse, flood, outage; comma-separated) runs a part, e.g. while profiling; targets then read null. */
const ONLY = new Set((process.env.BENCH_ONLY ?? "sqlite,postgres,sse,flood,outage").split(",").map((s) => s.trim()));

interface Bare {
  rps: number;
  p50: number;
  p99: number;
}
type Load = Bare & { ratio: number; errors: number; firstSecond: number; lastSecond: number };
interface DbFigures {
  issue: Load;
  mixed: Load;
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

async function measureDb(kind: string, location: () => Promise<string>, bare: Bare): Promise<DbFigures> {
  // A fresh server and database per load: the issue load leaves tens of thousands of waiting tickets
  // behind, which is not the state a branch's tellers work in.
  let server: Datang = await startDatang(await location());
  let issue: LoadFigures;
  try {
    issue = await issueLoad(server);
  } finally {
    await server.stop();
  }
  server = await startDatang(await location());
  try {
    const seats = await prepareSeats(server, CONNECTIONS);
    const mixed = await mixedLoad(server, seats);
    log(`${kind}: done`);
    return { issue: load(issue, bare), mixed: load(mixed, bare) };
  } finally {
    await server.stop();
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
        postgres = await measureDb("PostgreSQL", () => cluster.createDatabase(`datang_bench_${++m}`), bareFirst);
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
      const sseServer = await startDatang(join(dir, "sqlite-sse", "datang.db"));
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
