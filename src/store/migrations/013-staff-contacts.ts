import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * A staff member's own contact, for notices sent to them (the branch manager hears of a wait past the alarm):
 * an e-mail address and a mobile number in E.164, both optional. Nullable columns: instant on both databases,
 * existing accounts have none until an admin or their branch manager adds one.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("users").addColumn("email", "text").execute();
  await db.schema.alterTable("users").addColumn("phone", "text").execute();
}
