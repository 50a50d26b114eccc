import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Scheduled reports, rights at sending (issue 15): a subscription's rights are checked again when its report is
 * due, and a run refused (its owner deactivated, or no longer allowed the branch or every branch) records why.
 * `last_run_at` is the last due run, sent or refused; `last_outcome` "sent" | "refused"; `last_reason` the
 * refusal's code (null when sent).
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("report_subscriptions").addColumn("last_run_at", "bigint").execute();
  await db.schema.alterTable("report_subscriptions").addColumn("last_outcome", "text").execute();
  await db.schema.alterTable("report_subscriptions").addColumn("last_reason", "text").execute();
}
