import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Analytics, the upgrade's part: days tallied before migration 033 read zero for the figures it added (NPS,
 * complaints, review wait and time, appointments, walk-aways' patience) until their tallies are rebuilt. Instead
 * of asking a person to run `datang analytics rebuild`, this queues those branch-days, and the job runner
 * rebuilds them in the background a few at a time (src/app/analytics/rebuild-queue.ts), on any number of
 * instances (each claims its own with a lease).
 *
 * Which days: every branch-day with tallies up to the day after migration 033 was applied (UTC, so a branch
 * ahead of UTC is covered too). Days after it were tallied with the new figures: the minute's housekeeping
 * rebuilds each branch's today and yesterday. Where 033 is applied in the same run, that is every tallied day.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("analytics_rebuild_queue")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("queued_at", "bigint", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .addPrimaryKeyConstraint("analytics_rebuild_queue_pk", ["branch_id", "day"])
    .execute();
  const applied = await sql<{
    timestamp: string;
  }>`SELECT timestamp FROM kysely_migration WHERE name = '033-analytics-more-figures'`
    .execute(db)
    .then((r) => r.rows[0]?.timestamp);
  const at = applied === undefined ? Number.NaN : Date.parse(String(applied));
  // Without a record of 033 (it is always there), every tallied day is queued.
  const lastDay = Number.isNaN(at) ? "9999-12-31" : new Date(at + 86_400_000).toISOString().slice(0, 10);
  const now = Date.now();
  await sql`INSERT INTO analytics_rebuild_queue (branch_id, day, queued_at)
    SELECT DISTINCT branch_id, day, ${sql.lit(now)} FROM analytics_cells WHERE day <= ${lastDay}`.execute(db);
}
