import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Issue 13, per-branch message times (migration 039): `branch_message_settings` holds, per branch, when the
 * appointment reminders go out (`reminder_offsets`, a JSON array of minutes before the appointment, e.g.
 * [1440, 120]) and the quiet hours in the branch's time zone (`quiet_start`, `quiet_end`, "HH:MM"). No row:
 * the defaults (24 h and 2 h before, quiet 21:00–08:00), which is how it behaved before.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("branch_message_settings")
    .addColumn("branch_id", "text", (c) => c.primaryKey().references("branches.id"))
    .addColumn("reminder_offsets", "text", (c) => c.notNull())
    .addColumn("quiet_start", "text", (c) => c.notNull())
    .addColumn("quiet_end", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .execute();
}
