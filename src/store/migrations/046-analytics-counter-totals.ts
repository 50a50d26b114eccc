import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Analytics: counter time summed over a branch-day's counters, per hour and (hour −1) for the whole day, beside
 * `analytics_counter_hours` (migration 020, per counter) and written with it. A summary that does not group by
 * counter reads these instead: a month of 20 branches is 600 day rows or some 6,000 hour rows, not the tens of
 * thousands of counter hours under them. Filled here from the counter hours already stored.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("analytics_counter_totals")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    // 0–23, or −1 for the whole day.
    .addColumn("hour", "integer", (c) => c.notNull())
    .addColumn("open_ms", "bigint", (c) => c.notNull())
    .addColumn("paused_ms", "bigint", (c) => c.notNull())
    .addColumn("busy_ms", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("analytics_counter_totals_pk", ["branch_id", "day", "hour"])
    .execute();
  await sql`INSERT INTO analytics_counter_totals (branch_id, day, hour, open_ms, paused_ms, busy_ms)
    SELECT branch_id, day, hour, SUM(open_ms), SUM(paused_ms), SUM(busy_ms) FROM analytics_counter_hours
    GROUP BY branch_id, day, hour`.execute(db);
  await sql`INSERT INTO analytics_counter_totals (branch_id, day, hour, open_ms, paused_ms, busy_ms)
    SELECT branch_id, day, -1, SUM(open_ms), SUM(paused_ms), SUM(busy_ms) FROM analytics_counter_hours
    GROUP BY branch_id, day`.execute(db);
}
