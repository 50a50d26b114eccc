import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * When a ticket was first called. `called_at` moves with every recall (the display's latest call), so a wait
 * measured up to it grew with each recall; a wait ends at the first call.
 *
 * Only the column: adding a nullable column is instant on both databases, while filling it for every ticket
 * ever called would rewrite the whole table inside the migration's transaction, with the table locked against
 * the instances still running. Tickets called before the upgrade (or by an instance not yet upgraded) keep it
 * empty, and readers fall back to `called_at` for them, as every figure did before.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("tickets").addColumn("first_called_at", "bigint").execute();
}
