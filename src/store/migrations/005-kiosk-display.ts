import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Opening rules per business type: hours, the ticket cut-off (取号截止) and a daily cap of numbers. All nullable
 * ("no rule"), so adding them is instant on both databases and every business type keeps taking tickets as
 * before until a branch sets a rule.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("services").addColumn("opens_at", "text").execute();
  await db.schema.alterTable("services").addColumn("closes_at", "text").execute();
  await db.schema.alterTable("services").addColumn("ticket_cutoff", "text").execute();
  await db.schema.alterTable("services").addColumn("daily_cap", "integer").execute();
}
