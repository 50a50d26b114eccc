import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * One row the SQLite store rewrites to find out whether the disk takes writes again after it refused them
 * (full, read-only): a write that changes nothing writes nothing to the disk and would prove nothing. Created
 * on PostgreSQL too, where it stays unused, so that both databases have the same tables.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("storage_probe")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("at", "bigint", (c) => c.notNull())
    .execute();
  await (db as Kysely<{ storage_probe: { id: number; at: number } }>)
    .insertInto("storage_probe")
    .values({ id: 1, at: 0 })
    .execute();
}
