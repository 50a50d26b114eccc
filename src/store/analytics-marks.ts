/**
 * Marks of branch-days whose tallies changed (migration 045: triggers append them in the changing transaction),
 * which one instance at a time re-tallies (src/app/analytics/tally-marks.ts, under a job lease of store/leases.ts).
 */
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";
import type { Tx } from "./store.ts";

export interface Mark {
  readonly id: number;
  readonly branchId: string;
  /** The branch-local day; null: the day of `at` in the branch's time zone. */
  readonly day: string | null;
  readonly at: number | null;
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
