import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * A kiosk's own auto-return time (seconds back to the start screen), overriding its branch's: the kiosk by the
 * door may stay short while the one in the seated area for the elderly waits longer. Null: the branch's setting.
 * A nullable column: instant on both databases.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("devices").addColumn("kiosk_return_seconds", "integer").execute();
}
