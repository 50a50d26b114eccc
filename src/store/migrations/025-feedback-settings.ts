import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Issue 14's settings and the customer's own complaint (migration 025).
 * - `branch_feedback_settings`: per branch, the survey after service on or off, days between two surveys of one
 *   customer (null: the instance's default), the channel (null: the customer's preferred one; or "sms"), and
 *   whether the branch's reviews are in the central queue. No row: the defaults (on, default days, preferred
 *   channel, central), which is how it behaved before.
 * - `complaints`: `status_token_hash`, SHA-256 of the link a complainant who filed online follows the complaint
 *   with (the token itself is never kept); `ip_hash`, the filing address's hash, for the filing limit.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("branch_feedback_settings")
    .addColumn("branch_id", "text", (c) => c.primaryKey().references("branches.id"))
    .addColumn("survey_enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("survey_interval_days", "integer")
    .addColumn("survey_channel", "text")
    .addColumn("review_central", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .execute();
  await db.schema.alterTable("complaints").addColumn("status_token_hash", "text").execute();
  await db.schema.alterTable("complaints").addColumn("ip_hash", "text").execute();
  await db.schema
    .createIndex("complaints_status_token")
    .on("complaints")
    .column("status_token_hash")
    .unique()
    .execute();
  await db.schema.createIndex("complaints_ip_created").on("complaints").columns(["ip_hash", "created_at"]).execute();
  await db.schema
    .createIndex("complaints_customer_created")
    .on("complaints")
    .columns(["customer_id", "created_at"])
    .execute();
}
