/**
 * Leases for the job runner: the one place where a row of a work table (the outbox, webhook deliveries) is
 * claimed by one runner. Both tables share the columns `status, next_attempt_at, lease_owner, lease_until,
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
import { type RawBuilder, sql } from "kysely";
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
