import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Devices: a kiosk's network receipt printer and its last known state, and every device's heartbeat (when it
 * was last seen, which page version it runs). Nullable columns only: instant on both databases.
 *
 * Opening rules per business type: hours, the ticket cut-off (取号截止) and a daily cap of numbers. All nullable
 * ("no rule"), so adding them is instant on both databases and every business type keeps taking tickets as
 * before until a branch sets a rule.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("services").addColumn("opens_at", "text").execute();
  await db.schema.alterTable("services").addColumn("closes_at", "text").execute();
  await db.schema.alterTable("services").addColumn("ticket_cutoff", "text").execute();
  await db.schema.alterTable("services").addColumn("daily_cap", "integer").execute();
  for (const [column, type] of [
    ["printer_url", "text"],
    ["printer_state", "text"],
    ["printer_checked_at", "bigint"],
    ["last_seen_at", "bigint"],
    ["page_version", "text"],
  ] as const)
    await db.schema.alterTable("devices").addColumn(column, type).execute();
}
