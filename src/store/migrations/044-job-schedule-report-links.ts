import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Issue 14 (migration 044):
 *
 * - `job_schedule`: the last run of a scheduled job that must run once however many instances run the job runner
 *   (the daily retention run). An instance runs the job only if its conditional update of the row takes it (see
 *   app/customers/retention.ts). The retention row starts from the newest `retention_runs` line, so an upgrade
 *   does not run retention again at once.
 * - `service_reports.link_token_hash` and `link_expires_at`: the SHA-256 of the random token in the report's short
 *   link sent by SMS (`/api/public/reports/<token>`), and when the link stops working. Only the hash is stored.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("job_schedule")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("last_run_at", "bigint", (c) => c.notNull())
    .execute();
  await sql`INSERT INTO job_schedule (name, last_run_at)
    SELECT 'retention', COALESCE(MAX(at), 0) FROM retention_runs`.execute(db);
  await db.schema.alterTable("service_reports").addColumn("link_token_hash", "text").execute();
  await db.schema.alterTable("service_reports").addColumn("link_expires_at", "bigint").execute();
  await db.schema
    .createIndex("service_reports_link_token")
    .on("service_reports")
    .column("link_token_hash")
    .unique()
    .execute();
}
