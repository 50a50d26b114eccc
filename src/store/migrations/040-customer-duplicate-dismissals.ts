import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Issue 14, possible duplicate customer records (migration 040): `customer_duplicate_dismissals` keeps each pair of
 * records a member of staff said are not one person, so the finder does not show the pair again. The pair is
 * stored in byte order (`customer_a` < `customer_b`), once; who, when, why and from which branch's list.
 * The finder itself reads the records at request time: nothing is precomputed.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("customer_duplicate_dismissals")
    .addColumn("customer_a", "text", (c) => c.notNull().references("customers.id"))
    .addColumn("customer_b", "text", (c) => c.notNull().references("customers.id"))
    .addColumn("branch_id", "text", (c) => c.references("branches.id"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("dismissed_by", "text", (c) => c.notNull())
    .addColumn("dismissed_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("customer_duplicate_dismissals_pk", ["customer_a", "customer_b"])
    .execute();
  await db.schema
    .createIndex("customer_duplicate_dismissals_b")
    .on("customer_duplicate_dismissals")
    .column("customer_b")
    .execute();
}
