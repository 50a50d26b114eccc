/**
 * The analytics rebuild queue (migration 038): branch-days whose tallies a job rebuilds in the background. Claimed
 * with a lease, as the job runner's other work is (store/leases.ts): a claim is its own short transaction; the
 * claimer rebuilds each day in a write of its own, then deletes the rows still leased to it. A claimer that dies
 * leaves leases that expire, and any instance takes the days again; rebuilding a day twice gives the same tallies.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";
import { isPostgres } from "./sql.ts";
import type { Tx } from "./store.ts";

export interface QueuedDay {
  readonly branchId: string;
  readonly day: string;
}

/**
 * Claims up to `limit` queued days nobody holds (or whose lease expired), the latest days first (the dashboard's
 * usual range). PostgreSQL: `FOR UPDATE SKIP LOCKED`, so instances claiming at once take different days and
 * neither waits; SQLite has one writer at a time.
 */
export async function claimQueuedDays(
  tx: Tx,
  options: { readonly owner: string; readonly now: number; readonly leaseMs: number; readonly limit: number },
): Promise<QueuedDay[]> {
  const { owner, now, leaseMs, limit } = options;
  const free = sql`(lease_until IS NULL OR lease_until < ${now})`;
  const set = sql`lease_owner = ${owner}, lease_until = ${now + leaseMs}`;
  const query = isPostgres(tx)
    ? sql<{ branch_id: string; day: string }>`WITH next AS (
          SELECT branch_id, day FROM analytics_rebuild_queue WHERE ${free}
          ORDER BY day DESC, branch_id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        UPDATE analytics_rebuild_queue q SET ${set} FROM next
        WHERE q.branch_id = next.branch_id AND q.day = next.day RETURNING q.branch_id, q.day`
    : sql<{ branch_id: string; day: string }>`UPDATE analytics_rebuild_queue SET ${set}
        WHERE (branch_id, day) IN (SELECT branch_id, day FROM analytics_rebuild_queue WHERE ${free}
          ORDER BY day DESC, branch_id LIMIT ${limit})
        RETURNING branch_id, day`;
  const rows = (await query.execute(tx)).rows;
  return rows.map((r) => ({ branchId: r.branch_id, day: r.day }));
}

/** Removes days rebuilt, only while their lease is still the caller's (else another instance holds them now). */
export async function finishQueuedDays(tx: Tx, owner: string, days: readonly QueuedDay[]): Promise<void> {
  for (const d of days)
    await tx
      .deleteFrom("analytics_rebuild_queue")
      .where("branch_id", "=", d.branchId)
      .where("day", "=", d.day)
      .where("lease_owner", "=", owner)
      .execute();
}

/** Queues branch-days for a rebuild (a day already queued stays queued once). */
export async function queueDays(tx: Tx, days: readonly QueuedDay[], now: number): Promise<void> {
  for (const d of days)
    await tx
      .insertInto("analytics_rebuild_queue")
      .values({ branch_id: d.branchId, day: d.day, queued_at: now, lease_owner: null, lease_until: null })
      .onConflict((oc) => oc.columns(["branch_id", "day"]).doNothing())
      .execute();
}

/** How many days wait to be rebuilt. */
export async function queuedDayCount(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom("analytics_rebuild_queue")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
