import type { ColumnDefinitionBuilder, Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Customers (one record per phone number), their consents, one-time codes, the outbox every message Datang
 * sends goes through, and webhooks (subscriptions, deliveries, and the cursor over each branch's events).
 *
 * - `customers.phone_e164` is UNIQUE: the database, not a read-then-write, is what keeps a phone from being
 *   two customers when identifications race (see app/customers/identify.ts).
 * - `outbox.dedupe_key` is UNIQUE and nullable (NULLs never collide on either database): the same reminder
 *   enqueued twice is one message. A cancelled message gives its key up (set to NULL) so that a reschedule
 *   back to the same time can enqueue it again.
 * - Rows being delivered carry a lease (`lease_owner`, `lease_until`): a runner that dies mid-delivery leaves
 *   a lease that expires, and another runner takes the message over (see store/outbox.ts).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const autoId = dialect === "postgres" ? "bigserial" : "integer";
  const autoIdColumn = (c: ColumnDefinitionBuilder) =>
    dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable("customers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("phone_e164", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("email", "text")
    .addColumn("lang", "text", (c) => c.notNull().defaultTo("zh-CN"))
    .addColumn("preferred_channel", "text", (c) => c.notNull().defaultTo("sms"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("customer_consents")
    .addColumn("id", autoId, autoIdColumn)
    .addColumn("customer_id", "text", (c) => c.notNull().references("customers.id"))
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("granted", "integer", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("text_version", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("customer_consents_customer")
    .on("customer_consents")
    .columns(["customer_id", "purpose", "at"])
    .execute();

  await db.schema
    .createTable("otp_codes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("phone_e164", "text", (c) => c.notNull())
    .addColumn("salt", "text", (c) => c.notNull())
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("ip_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("tries", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("checked_at", "bigint")
    .addColumn("consumed_at", "bigint")
    .execute();
  await db.schema.createIndex("otp_codes_phone").on("otp_codes").columns(["phone_e164", "created_at"]).execute();
  await db.schema.createIndex("otp_codes_ip").on("otp_codes").columns(["ip_hash", "created_at"]).execute();

  await db.schema
    .createTable("outbox")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("lang", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .addColumn("last_error", "text")
    .addColumn("dedupe_key", "text", (c) => c.unique())
    .addColumn("branch_id", "text")
    .addColumn("customer_id", "text")
    .addColumn("related_type", "text")
    .addColumn("related_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("sent_at", "bigint")
    .execute();
  await db.schema.createIndex("outbox_due").on("outbox").columns(["status", "next_attempt_at"]).execute();
  await db.schema.createIndex("outbox_related").on("outbox").columns(["related_id"]).execute();
  await db.schema.createIndex("outbox_created").on("outbox").columns(["created_at"]).execute();

  await db.schema
    .createTable("webhook_subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("event_types", "text", (c) => c.notNull())
    .addColumn("branch_id", "text")
    .addColumn("allow_personal_data", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("subscription_id", "text", (c) => c.notNull().references("webhook_subscriptions.id"))
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("branch_id", "text")
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .addColumn("last_error", "text")
    .addColumn("last_status_code", "integer")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("delivered_at", "bigint")
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_due")
    .on("webhook_deliveries")
    .columns(["status", "next_attempt_at"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_subscription")
    .on("webhook_deliveries")
    .columns(["subscription_id", "created_at"])
    .execute();

  // How far each branch's event stream has been turned into webhook deliveries.
  await db.schema
    .createTable("webhook_cursors")
    .addColumn("branch_id", "text", (c) => c.primaryKey())
    .addColumn("last_seq", "bigint", (c) => c.notNull())
    .execute();
}
