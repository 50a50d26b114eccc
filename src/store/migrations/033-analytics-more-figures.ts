import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Analytics, fourth part (issue 15's missing figures): the three tally tables keep, beside the ticket counts,
 * the walk-aways who left by themselves and their time in line (the league table learns each branch's patience
 * from them), the NPS answers, complaints, the back office's review rounds and the day's appointments. Rows
 * tallied before this migration read zero for them until `datang analytics rebuild`. The indexes let the
 * housekeeping find, each minute, the surveys answered, reviews taken or decided and complaints recorded since
 * its last pass, and rebuild the older branch-days they belong to.
 */
export const NEW_TALLY_COLUMNS = [
  "left_count",
  "left_wait_sum_ms",
  "nps_promoters",
  "nps_passives",
  "nps_detractors",
  "complaints",
  "reviews_taken",
  "review_wait_sum_ms",
  "reviews_decided",
  "review_sum_ms",
  "appts_booked",
  "appts_cancelled",
  "appts_no_show",
  "appts_checked_in",
  "appts_on_time",
  "appts_lead_sum_ms",
] as const;

export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  for (const table of ["analytics_cells", "analytics_rollups", "analytics_month_rollups"])
    for (const column of NEW_TALLY_COLUMNS)
      await db.schema
        .alterTable(table)
        .addColumn(column, column.endsWith("_ms") ? "bigint" : "integer", (c) => c.notNull().defaultTo(0))
        .execute();
  await db.schema.createIndex("surveys_answered_at").on("surveys").column("answered_at").execute();
  await db.schema.createIndex("reviews_taken_at").on("reviews").column("taken_at").execute();
  await db.schema.createIndex("reviews_decided_at").on("reviews").column("decided_at").execute();
  await db.schema.createIndex("complaints_created_at").on("complaints").column("created_at").execute();
}
