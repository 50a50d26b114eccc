/**
 * Leases for the job runner: the one place where a row of a work table (the outbox, webhook deliveries) is
 * claimed by one runner, and where a job that must run on one instance at a time is (`takeJobLease`, below). Both tables share the columns `status, next_attempt_at, lease_owner, lease_until,
 * attempts, updated_at`.
 *
 * Why a lease and not a lock held while sending: a delivery talks to an SMTP server or an HTTP endpoint for
 * up to tens of seconds, and no transaction (and no SQLite write batch) may stay open that long. The claim is
 * its own short transaction that marks the row `sending` with an owner and an expiry; the runner then sends
 * without any transaction open, and a second short transaction records the result, only if the lease is still
 * its own. A runner that dies after the claim leaves a lease that expires, after which any runner claims the
 * row again: the message is delivered after a crash, at the price that a crash after the receiver accepted
 * and before the result was recorded delivers it twice (at-least-once; receivers dedupe on the stable
 * Message-ID / webhook-id, which is the row's id on every attempt).
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "./schema.ts";
import { isPostgres } from "./sql.ts";
import type { Tx } from "./store.ts";

export type LeasedTable = "outbox" | "webhook_deliveries";

export interface ClaimOptions {
  readonly owner: string;
  readonly now: number;
  readonly leaseMs: number;
  readonly limit: number;
  /** Extra condition on the rows (the outbox claims only channels this runner can deliver). */
  readonly where?: RawBuilder<unknown>;
}

/**
 * Claims up to `limit` due rows: pending or failed ones whose time has come, and `sending` ones whose lease
 * expired (their runner died). Each claim counts an attempt.
 *
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` in the CTE, so two instances claiming at once each take rows the other
 * has not locked, and neither waits; once the claim commits the rows are `sending` with a live lease and no
 * longer match. SQLite has one writer at a time, so the plain subquery is enough.
 */
export async function claimDue<Row>(tx: Tx, table: LeasedTable, options: ClaimOptions): Promise<Row[]> {
  const { owner, now, leaseMs, limit } = options;
  const extra = options.where ? sql` AND (${options.where})` : sql``;
  const due = sql`((status IN ('pending', 'failed') AND next_attempt_at <= ${now}) OR (status = 'sending' AND lease_until < ${now}))${extra}`;
  const t = sql.table(table);
  const set = sql`status = 'sending', lease_owner = ${owner}, lease_until = ${now + leaseMs}, attempts = attempts + 1, updated_at = ${now}`;
  const query = isPostgres(tx)
    ? sql<Row>`WITH next AS (SELECT id FROM ${t} WHERE ${due} ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        UPDATE ${t} SET ${set} FROM next WHERE ${t}.id = next.id RETURNING ${t}.*`
    : sql<Row>`UPDATE ${t} SET ${set} WHERE id IN (SELECT id FROM ${t} WHERE ${due} ORDER BY next_attempt_at LIMIT ${limit}) RETURNING *`;
  return (await query.execute(tx)).rows;
}

/** The result of one delivery attempt, recorded only while the lease is still the caller's. */
export type AttemptResult =
  | { readonly kind: "sent"; readonly at: number }
  | { readonly kind: "retry"; readonly error: string; readonly at: number; readonly nextAttemptAt: number }
  | { readonly kind: "dead"; readonly error: string; readonly at: number };

/**
 * Records the attempt's result, only while the lease is still the caller's. False when our lease expired and
 * another runner took the row over (its result is the one that counts).
 */
export async function recordAttempt(
  tx: Tx,
  table: LeasedTable,
  id: string,
  owner: string,
  result: AttemptResult,
): Promise<boolean> {
  const t = sql.table(table);
  const doneColumn = sql.ref(table === "outbox" ? "sent_at" : "delivered_at");
  const error = result.kind === "sent" ? null : result.error.slice(0, 1000);
  const status = result.kind === "sent" ? "sent" : result.kind === "retry" ? "failed" : "dead";
  const next = result.kind === "retry" ? result.nextAttemptAt : null;
  const done = result.kind === "sent" ? result.at : null;
  const r = await sql`UPDATE ${t} SET status = ${status}, last_error = ${error},
      next_attempt_at = COALESCE(${next}, next_attempt_at), ${doneColumn} = COALESCE(${done}, ${doneColumn}),
      lease_owner = NULL, lease_until = NULL, updated_at = ${result.at}
    WHERE id = ${id} AND lease_owner = ${owner} AND status = 'sending'`.execute(tx);
  return Number(r.numAffectedRows ?? 0) === 1;
}

/** Backoff before attempt n+1 after n failed attempts: 30 s, 1 min, 2 min … capped at one hour, with jitter. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(attempts - 1, 0), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Jobs that run on one instance at a time (the analytics tally, the daily retention run): one row per job in
 * `job_schedule` (migrations 044, 052) with the job's last run and a lease like the outbox rows' (`lease_owner`,
 * `lease_until`). An instance runs the job only while it holds the lease; a holder that dies leaves a lease that
 * runs out, after which another instance takes it.
 *
 * A job whose whole run is one transaction (retention) takes the lease inside it and gives it back, with the run's
 * time, before the commit: other instances never see it held, and a crash rolls the claim back with the work. A job
 * whose run spans transactions (the tally) takes the lease in one, works, and gives it back in another.
 */
export interface JobLeaseClaim {
  readonly name: string;
  readonly owner: string;
  readonly now: number;
  readonly leaseMs: number;
  /** Only when the job's last run is at least this old (a daily job: a day). */
  readonly everyMs?: number;
  /**
   * Wait for an instance taking the lease at this very moment instead of going on without it (an admin's run that
   * must happen); otherwise the claim never waits.
   */
  readonly wait?: boolean;
}

/**
 * Takes the job's lease if nobody holds it (or its holder's ran out, or it is the caller's) and, with `everyMs`, the
 * job is due; for `leaseMs`. True when the caller holds the lease now. The job's row is made on first use.
 *
 * PostgreSQL: the row is locked with `FOR UPDATE SKIP LOCKED`, so an instance that finds another claiming the job
 * at this moment (or running it inside its claiming transaction) goes on at once, without it, instead of waiting
 * for that transaction; with `wait` it waits, and READ COMMITTED re-reads the row as that transaction left it.
 * SQLite has one writer at a time, so the conditional update alone decides.
 */
export async function takeJobLease(tx: Tx, claim: JobLeaseClaim): Promise<boolean> {
  const { name, owner, now, leaseMs, everyMs } = claim;
  await tx
    .insertInto("job_schedule")
    .values({ name, last_run_at: 0, lease_owner: null, lease_until: 0 })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const due = everyMs === undefined ? sql`` : sql` AND last_run_at <= ${now - everyMs}`;
  const free = sql`name = ${name} AND (lease_until < ${now} OR lease_owner = ${owner})${due}`;
  const set = sql`lease_owner = ${owner}, lease_until = ${now + leaseMs}`;
  const lock = claim.wait ? sql`FOR UPDATE` : sql`FOR UPDATE SKIP LOCKED`;
  const query = isPostgres(tx)
    ? sql<{ name: string }>`WITH j AS (SELECT name FROM job_schedule WHERE ${free} ${lock})
        UPDATE job_schedule s SET ${set} FROM j WHERE s.name = j.name RETURNING s.name`
    : sql<{ name: string }>`UPDATE job_schedule SET ${set} WHERE ${free} RETURNING name`;
  return (await query.execute(tx)).rows.length === 1;
}

/** Gives the job's lease back, if it is still the caller's; `ranAt` records a run (what `everyMs` counts from). */
export async function releaseJobLease(tx: Tx, name: string, owner: string, ranAt?: number): Promise<boolean> {
  const r = await tx
    .updateTable("job_schedule")
    .set({ lease_owner: null, lease_until: 0, ...(ranAt !== undefined && { last_run_at: ranAt }) })
    .where("name", "=", name)
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** When the job last ran (0: never). */
export async function jobLastRunAt(db: Kysely<Database>, name: string): Promise<number> {
  const row = await db.selectFrom("job_schedule").select("last_run_at").where("name", "=", name).executeTakeFirst();
  return row === undefined ? 0 : Number(row.last_run_at);
}
