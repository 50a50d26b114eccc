import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Analytics: tallies per branch × day × hour × business type × counter × staff member (see
 * src/domain/analytics/tally.ts), and imported history's provenance: which tickets came from the bank's old
 * system, with the counter or teller it named where none of ours matches (kept as text).
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("imported_tickets")
    .addColumn("ticket_id", "text", (c) => c.primaryKey())
    .addColumn("counter_label", "text")
    .addColumn("staff_label", "text")
    .addColumn("imported_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("analytics_cells")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("hour", "integer", (c) => c.notNull())
    .addColumn("service_id", "text", (c) => c.notNull())
    // A counter's id, "label:<text>" for an imported counter unknown here, or "" for none.
    .addColumn("counter_key", "text", (c) => c.notNull())
    // A user's id, "label:<username>" for an imported teller unknown here, or "" for none.
    .addColumn("staff_key", "text", (c) => c.notNull())
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
    .addPrimaryKeyConstraint("analytics_cells_pk", [
      "branch_id",
      "day",
      "hour",
      "service_id",
      "counter_key",
      "staff_key",
    ])
    .execute();
}
