import { type ColumnDefinitionBuilder, type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Customer records (issue 14): the profile beside the identity of migration 007, who a ticket served, the
 * teller's service record and its PDF report, proposed merges, and retention.
 *
 * - `customers` gains a customer code (客户号, unique), the phone's national digits reversed (`phone_rev`,
 *   so that a search by the last digits is an index range scan like a prefix search), an ID number, a birth
 *   date, staff-set segments and VIP tier, preferences (counter), free notes, and `anonymised_at` /
 *   `merged_into` for records that were anonymised by retention or erasure, or merged into another.
 * - Prefix searches (phone, reversed phone, name, code) are ranges `>= x AND < x || U+10FFFF` in byte order,
 *   ordered the same way, so an index range scan stops after the first 20: on PostgreSQL over expression
 *   indexes `(col COLLATE "C")` (whatever the database's collation), on SQLite over plain (binary) indexes.
 * - `ticket_customers`: which customer a ticket served, how they were identified, by whom. A separate
 *   table rather than a column of `tickets`, so the ticket hot path and its statements stay as they are.
 * - `service_reports.pdf` is base64 text (the same on both databases); `sha256` is the hash of the PDF's
 *   content lines (see app/customers/service-report.ts) and is printed in the PDF's footer.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const pg = dialect === "postgres";
  const autoId = pg ? "bigserial" : "integer";
  const autoIdColumn = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  const columns: Array<[string, string, (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder]> = [
    ["code", "text", (c) => c],
    ["phone_rev", "text", (c) => c.notNull().defaultTo("")],
    ["id_number", "text", (c) => c],
    ["birth_date", "text", (c) => c],
    ["segments", "text", (c) => c.notNull().defaultTo("[]")],
    ["vip_tier", "text", (c) => c],
    ["pref_counter", "text", (c) => c],
    ["notes", "text", (c) => c.notNull().defaultTo("")],
    ["anonymised_at", "bigint", (c) => c],
    ["merged_into", "text", (c) => c],
  ];
  for (const [name, type, build] of columns)
    await db.schema
      .alterTable("customers")
      .addColumn(name, type as "text", (c) => build(c))
      .execute();

  // Existing customers get a code and their reversed digits.
  const existing = await sql<{ id: string; phone_e164: string }>`SELECT id, phone_e164 FROM customers`.execute(db);
  for (const row of existing.rows) {
    await sql`UPDATE customers SET code = ${customerCodeFor(row.id)}, phone_rev = ${reverseDigits(row.phone_e164)} WHERE id = ${row.id}`.execute(
      db,
    );
  }

  await db.schema.createIndex("customers_code").on("customers").column("code").unique().execute();
  if (pg) {
    await sql`CREATE INDEX customers_phone_prefix ON customers ((phone_e164 COLLATE "C"))`.execute(db);
    await sql`CREATE INDEX customers_phone_rev ON customers ((phone_rev COLLATE "C"))`.execute(db);
    await sql`CREATE INDEX customers_name_prefix ON customers ((name COLLATE "C"))`.execute(db);
    await sql`CREATE INDEX customers_code_prefix ON customers ((code COLLATE "C"))`.execute(db);
  } else {
    await db.schema.createIndex("customers_phone_rev").on("customers").column("phone_rev").execute();
    await db.schema.createIndex("customers_name_prefix").on("customers").column("name").execute();
  }

  await db.schema
    .createTable("ticket_customers")
    .addColumn("ticket_id", "text", (c) => c.primaryKey())
    .addColumn("customer_id", "text", (c) => c.notNull())
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("method", "text", (c) => c.notNull())
    .addColumn("attached_by", "text")
    .addColumn("attached_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("ticket_customers_customer")
    .on("ticket_customers")
    .columns(["customer_id", "attached_at"])
    .execute();

  await db.schema
    .createTable("service_records")
    .addColumn("ticket_id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("needs", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("products", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("outcome", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("updated_by", "text")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("service_reports")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", "text", (c) => c.notNull().unique())
    .addColumn("customer_id", "text")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("pdf", "text", (c) => c.notNull())
    .addColumn("sent_message_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("service_reports_customer")
    .on("service_reports")
    .columns(["customer_id", "created_at"])
    .execute();

  await db.schema
    .createTable("customer_merges")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("source_id", "text", (c) => c.notNull())
    .addColumn("target_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("proposed_by", "text", (c) => c.notNull())
    .addColumn("proposed_at", "bigint", (c) => c.notNull())
    .addColumn("decided_by", "text")
    .addColumn("decided_at", "bigint")
    .execute();
  await db.schema
    .createIndex("customer_merges_status")
    .on("customer_merges")
    .columns(["status", "proposed_at"])
    .execute();

  await db.schema
    .createTable("retention_settings")
    .addColumn("data_class", "text", (c) => c.primaryKey())
    .addColumn("days", "integer", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("retention_runs")
    .addColumn("id", autoId, autoIdColumn)
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("summary", "text", (c) => c.notNull())
    .execute();
}

/** A customer's national digits reversed (a frozen copy of domain/customers/search.ts's). */
function reverseDigits(e164: string): string {
  const digits = e164.startsWith("+86") ? e164.slice(3) : e164.replace(/^\+/, "");
  return [...digits].reverse().join("");
}

/** A code for a customer created before codes existed: derived from the id, stable. */
function customerCodeFor(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `K${id.replace(/-/g, "").slice(-9).toUpperCase()}${(h % 10).toString()}`;
}
