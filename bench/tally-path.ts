/**
 * `npx tsx bench/tally-path.ts`: prints ONE JSON line. What keeping the tallies current (migration 045's marks,
 * written by triggers on every ticket change) costs the ticket path, without HTTP and its noise: two fresh
 * databases of the same kind, one with the marks and one with their triggers dropped, used alternately by this one
 * process, BENCH_ROUNDS (4) rounds each:
 * - issue: BENCH_TICKETS (2,000) tickets through the issue-ticket use case, 64 callers at a time;
 * - lifecycle: those tickets called, started and finished, each step one write of the columns the hot path writes
 *   (status, counter, teller, times, outcome), 64 at a time through the store's group commit, as the server does.
 * Per variant: operations/s, p99 of one operation (ms), CPU ms per operation (this process, plus on PostgreSQL the
 * database server's backends), medians over the rounds, and `cpuCost` = with ÷ without − 1. BENCH_DB=sqlite|postgres|both
 * (both). The line carries the load average at the start and end: on a loaded machine read the CPU, not the rates.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { deviceActor } from "../src/app/auth/authenticate.ts";
import type { AppContext } from "../src/app/context.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { issueTicket } from "../src/app/tickets/issue-ticket.ts";
import { markCount } from "../src/store/analytics-marks.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { runOnEachDatabase } from "./lib/each-database.ts";
import type { PgCluster } from "./lib/postgres.ts";
import { familyCpuDelta, familyCpuMs } from "./lib/procs.ts";
import { percentile, round } from "./lib/stats.ts";

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4) || 4);
const TICKETS = Math.max(64, Number(process.env.BENCH_TICKETS ?? 2000) || 2000);
const CALLERS = 64;

const log = (m: string) => process.stderr.write(`[bench:tally-path] ${m}\n`);

interface Db {
  readonly marks: boolean;
  readonly store: Store;
  readonly ctx: AppContext;
  readonly kiosk: Awaited<ReturnType<typeof deviceActor>>;
  readonly branchId: string;
  readonly serviceIds: readonly string[];
  readonly counterId: string;
  readonly tellerId: string;
}

async function open(location: string, marks: boolean): Promise<Db> {
  const store = openStore(location);
  await migrateToLatest(store);
  if (!marks) await dropMarks(store);
  const ctx = createAppContext({ store });
  const demo = await seedDemo(ctx, "tally-path-bench-1");
  const kioskRow = await store.db
    .selectFrom("devices")
    .select("id")
    .where("kind", "=", "kiosk")
    .executeTakeFirstOrThrow();
  const services = await store.db.selectFrom("services").select("id").where("branch_id", "=", demo.branchId).execute();
  const counter = await store.db
    .selectFrom("counters")
    .select("id")
    .where("branch_id", "=", demo.branchId)
    .executeTakeFirstOrThrow();
  const teller = await store.db
    .selectFrom("users")
    .select("id")
    .where("username", "=", "teller1")
    .executeTakeFirstOrThrow();
  return {
    marks,
    store,
    ctx,
    kiosk: await deviceActor(ctx, kioskRow.id),
    branchId: demo.branchId,
    serviceIds: services.map((s) => s.id),
    counterId: counter.id,
    tellerId: teller.id,
  };
}

/** Migration 045's triggers (`analytics_mark_*`) dropped: nothing writes marks any more. Never done by the product. */
async function dropMarks(store: Store): Promise<void> {
  const pg = store.dialect === "postgres";
  const found = (
    await (pg
      ? sql<{ name: string; tbl: string }>`SELECT tgname AS name, tgrelid::regclass::text AS tbl FROM pg_trigger
          WHERE tgname LIKE 'analytics_mark_%'`
      : sql<{ name: string; tbl: string }>`SELECT name, tbl_name AS tbl FROM sqlite_master
          WHERE type = 'trigger' AND name LIKE 'analytics_mark_%'`
    ).execute(store.db)
  ).rows;
  if (found.length === 0) throw new Error("no analytics_mark_ trigger found: migration 045 changed?");
  for (const t of found)
    await sql.raw(pg ? `DROP TRIGGER ${t.name} ON ${t.tbl}` : `DROP TRIGGER ${t.name}`).execute(store.db);
}

interface Pass {
  opsPerS: number;
  p99Ms: number;
  cpuMsPerOp: number;
}

/** Runs `ops` operations, CALLERS at a time, timing each; CPU of this process and of the database's backends. */
async function pass(ops: number, op: (i: number) => Promise<unknown>, postmaster: number | undefined): Promise<Pass> {
  const latencies: number[] = [];
  let next = 0;
  const db0 = postmaster ? familyCpuMs(postmaster) : undefined;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      for (;;) {
        const i = next++;
        if (i >= ops) return;
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu0);
  const db1 = postmaster ? familyCpuMs(postmaster) : undefined;
  const cpuMs = (used.user + used.system) / 1000 + (db0 && db1 ? familyCpuDelta(db0, db1) : 0);
  return {
    opsPerS: round(ops / (wallMs / 1000), 0),
    p99Ms: round(percentile(latencies, 99), 1),
    cpuMsPerOp: round(cpuMs / ops, 3),
  };
}

/** One round on one database: issue TICKETS tickets, then call, start and finish each of them. */
async function round1(db: Db, postmaster: number | undefined): Promise<{ issue: Pass; lifecycle: Pass }> {
  const ids: string[] = [];
  const issue = await pass(
    TICKETS,
    async (i) => {
      const t = await issueTicket(db.ctx, db.kiosk, {
        branchId: db.branchId,
        serviceId: db.serviceIds[i % db.serviceIds.length] as string,
      });
      ids[i] = t.ticket.id;
    },
    postmaster,
  );
  const steps = ids.length * 3;
  const lifecycle = await pass(
    steps,
    (k) => {
      const id = ids[k % ids.length] as string;
      const step = Math.floor(k / ids.length);
      const now = Date.now();
      return db.store.write((tx) => {
        const q = tx.updateTable("tickets").where("id", "=", id);
        if (step === 0)
          return q
            .set({
              status: "called",
              counter_id: db.counterId,
              served_by: db.tellerId,
              called_at: now,
              first_called_at: now,
              version: sql`version + 1`,
            })
            .execute();
        if (step === 1) return q.set({ status: "serving", started_at: now, version: sql`version + 1` }).execute();
        return q.set({ status: "done", completed_at: now, outcome: "served", version: sql`version + 1` }).execute();
      });
    },
    postmaster,
  );
  return { issue, lifecycle };
}

function summary(passes: Pass[]) {
  // The median, the mean of the middle two of an even count.
  const med = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length / 2;
    return round(s.length % 2 ? (s[Math.floor(m)] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2, 3);
  };
  return {
    opsPerS: med(passes.map((p) => p.opsPerS)),
    p99Ms: med(passes.map((p) => p.p99Ms)),
    cpuMsPerOp: med(passes.map((p) => p.cpuMsPerOp)),
    rounds: passes.map((p) => [p.opsPerS, p.p99Ms, p.cpuMsPerOp]),
  };
}

async function benchOne(locations: [string, string], pg?: PgCluster): Promise<Record<string, unknown>> {
  const withMarks = await open(locations[0], true);
  const withoutMarks = await open(locations[1], false);
  const postmaster = pg?.postmasterPid?.();
  const got = {
    on: { issue: [] as Pass[], lifecycle: [] as Pass[] },
    off: { issue: [] as Pass[], lifecycle: [] as Pass[] },
  };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      // ABBA: with, without, without, with, …: drift in the machine's load falls on both alike.
      const order = r % 2 === 0 ? [withMarks, withoutMarks] : [withoutMarks, withMarks];
      for (const db of order) {
        const res = await round1(db, postmaster);
        const into = db.marks ? got.on : got.off;
        into.issue.push(res.issue);
        into.lifecycle.push(res.lifecycle);
        log(`round ${r + 1} ${db.marks ? "with" : "without"} marks: ${JSON.stringify(res)}`);
      }
    }
    const marksWritten = await markCount(withMarks.store.db);
    const leftWithout = await markCount(withoutMarks.store.db);
    const part = (on: Pass[], off: Pass[]) => {
      const a = summary(on);
      const b = summary(off);
      return {
        withMarks: a,
        withoutMarks: b,
        cpuCost: round(a.cpuMsPerOp / Math.max(b.cpuMsPerOp, 0.001) - 1, 3),
        throughputCost: round(1 - a.opsPerS / Math.max(b.opsPerS, 1), 3),
      };
    };
    return {
      issue: part(got.on.issue, got.off.issue),
      lifecycle: part(got.on.lifecycle, got.off.lifecycle),
      marksWritten,
      marksWithoutTriggers: leftWithout,
    };
  } finally {
    await withMarks.store.close();
    await withoutMarks.store.close();
  }
}

const out: Record<string, unknown> = {
  bench: "tally-path",
  rounds: ROUNDS,
  tickets: TICKETS,
  callers: CALLERS,
  loadAtStart: loadavg().map((l) => round(l, 1)),
};
await runOnEachDatabase(
  "tally-path",
  out,
  (dir) => benchOne([join(dir, "marks.db"), join(dir, "no-marks.db")]),
  async (cluster) =>
    benchOne(
      [await cluster.createDatabase("bench_tally_marks"), await cluster.createDatabase("bench_tally_no_marks")],
      cluster,
    ),
);
