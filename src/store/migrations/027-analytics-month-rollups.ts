import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";
import { refreshMonthRollups } from "../month-rollups.ts";

/**
 * Analytics, third part: the day rollups (migration 020) merged per branch × calendar month × grain × key, so a
 * year of a branch grouped by business type, counter, teller, hour or month reads twelve months of rows instead
 * of 365 days of them; filled here from the day rollups already stored, one branch-month at a time.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("analytics_month_rollups")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("grain", "text", (c) => c.notNull())
    // "2026-11"
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("arrived", "integer", (c) => c.notNull())
    .addColumn("served", "integer", (c) => c.notNull())
    .addColumn("no_shows", "integer", (c) => c.notNull())
    .addColumn("walk_aways", "integer", (c) => c.notNull())
    .addColumn("redirected", "integer", (c) => c.notNull())
    .addColumn("called", "integer", (c) => c.notNull())
    .addColumn("wait_sum_ms", "bigint", (c) => c.notNull())
    .addColumn("wait_max_ms", "bigint", (c) => c.notNull())
    .addColumn("within_target", "integer", (c) => c.notNull())
    .addColumn("above_alarm", "integer", (c) => c.notNull())
    .addColumn("wait_bins", "text", (c) => c.notNull())
    .addColumn("timed", "integer", (c) => c.notNull())
    .addColumn("service_sum_ms", "bigint", (c) => c.notNull())
    .addColumn("rated", "integer", (c) => c.notNull())
    .addColumn("satisfied", "integer", (c) => c.notNull())
    .addColumn("neutral", "integer", (c) => c.notNull())
    .addColumn("dissatisfied", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("analytics_month_rollups_pk", ["branch_id", "grain", "month", "key"])
    .execute();
  const months = await sql<{ branch_id: string; month: string }>`
    SELECT DISTINCT branch_id, substr(day, 1, 7) AS month FROM analytics_rollups WHERE grain = 'day'`.execute(db);
  // biome-ignore lint/suspicious/noExplicitAny: a migration writes the table as it is when it was written.
  const typed = db as Kysely<any>;
  for (const { branch_id, month } of months.rows) await refreshMonthRollups(typed, branch_id, month);
}
