/**
 * Marks of branch-days whose tallies changed (migration 045: triggers append them in the changing transaction),
 * and the lease that lets one instance at a time re-tally them (src/app/analytics/tally-marks.ts).
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";
import { isPostgres } from "./sql.ts";
import type { Tx } from "./store.ts";

export interface Mark {
  readonly id: number;
  readonly branchId: string;
  /** The branch-local day; null: the day of `at` in the branch's time zone. */
  readonly day: string | null;
  readonly at: number | null;
}

/**
 * Takes the job's lease if nobody holds it (or its holder's ran out), for `leaseMs`. PostgreSQL: `FOR UPDATE
 * SKIP LOCKED`, so an instance that finds another taking the lease at this moment goes on at once, without it.
 * True when the caller holds the lease now.
 */
export async function takeJobLease(
  tx: Tx,
  options: { readonly name: string; readonly owner: string; readonly now: number; readonly leaseMs: number },
): Promise<boolean> {
  const { name, owner, now, leaseMs } = options;
  const free = sql`name = ${name} AND (lease_until < ${now} OR owner = ${owner})`;
  const set = sql`owner = ${owner}, lease_until = ${now + leaseMs}`;
  const query = isPostgres(tx)
    ? sql<{ name: string }>`WITH l AS (SELECT name FROM analytics_job_leases WHERE ${free} FOR UPDATE SKIP LOCKED)
        UPDATE analytics_job_leases j SET ${set} FROM l WHERE j.name = l.name RETURNING j.name`
    : sql<{ name: string }>`UPDATE analytics_job_leases SET ${set} WHERE ${free} RETURNING name`;
  return (await query.execute(tx)).rows.length === 1;
}

/** Gives the lease back, if it is still the caller's. */
export async function releaseJobLease(tx: Tx, name: string, owner: string): Promise<void> {
  await tx
    .updateTable("analytics_job_leases")
    .set({ owner: null, lease_until: 0 })
    .where("name", "=", name)
    .where("owner", "=", owner)
    .execute();
}

/** The oldest `limit` marks. */
export async function readMarks(db: Kysely<Database> | Tx, limit: number): Promise<Mark[]> {
  const rows = await db
    .selectFrom("analytics_marks")
    .select(["id", "branch_id", "day", "at"])
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    branchId: r.branch_id,
    day: r.day,
    at: r.at === null ? null : Number(r.at),
  }));
}

/**
 * Deletes exactly the marks read (by id), never "every mark up to": on PostgreSQL ids are taken in insert order
 * and committed in another, and a mark committed after the read must stay for the next run.
 */
export async function deleteMarks(tx: Tx, ids: readonly number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500)
    await tx
      .deleteFrom("analytics_marks")
      .where("id", "in", ids.slice(i, i + 500))
      .execute();
}

/**
 * Deletes the marks of one branch-day (those with its day, and those whose `at` falls within [dayStart,
 * dayEnd)): the importer's, whose rebuild of the day, after its commit, counts everything they stood for.
 */
export async function deleteDayMarks(
  tx: Tx,
  branchId: string,
  day: string,
  dayStart: number,
  dayEnd: number,
): Promise<void> {
  await tx
    .deleteFrom("analytics_marks")
    .where("branch_id", "=", branchId)
    .where((eb) =>
      eb.or([eb("day", "=", day), eb.and([eb("day", "is", null), eb("at", ">=", dayStart), eb("at", "<", dayEnd)])]),
    )
    .execute();
}

/** How many marks wait (all, or of one branch). */
export async function markCount(db: Kysely<Database>, branchId?: string): Promise<number> {
  let q = db.selectFrom("analytics_marks").select((eb) => eb.fn.countAll<number | string>().as("n"));
  if (branchId) q = q.where("branch_id", "=", branchId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}
