import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * The rest of booking (issue 13): who took a hold (the client address's hash, for the hold's rate limit); the
 * waitlist's e-mail, time range and offers (a freed place is offered with a link and held for a while); the
 * customer managers' contact (told when their customer checks in); and "your turn is near" for live tickets.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("slot_holds").addColumn("ip_hash", "text").execute();
  await db.schema.createIndex("slot_holds_ip").on("slot_holds").columns(["ip_hash", "created_at"]).execute();

  for (const [name, type] of [
    ["customer_email", "text"],
    ["from_at", "bigint"],
    ["to_at", "bigint"],
    ["offer_token_hash", "text"],
    ["offer_start", "bigint"],
    ["offer_hold_id", "text"],
    ["offer_expires_at", "bigint"],
  ] as const)
    await db.schema.alterTable("appointment_waitlist").addColumn(name, type).execute();

  // A member of staff's contact for the messages Datang sends them (a customer manager told of an arrival).
  await db.schema
    .createTable("staff_contacts")
    .addColumn("user_id", "text", (c) => c.primaryKey())
    .addColumn("phone", "text")
    .addColumn("email", "text")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  // A customer asked to be told when their live ticket is near the front; sent once.
  await db.schema
    .createTable("ticket_alerts")
    .addColumn("ticket_id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("lang", "text", (c) => c.notNull())
    .addColumn("ahead", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("sent_at", "bigint")
    .execute();
  await db.schema.createIndex("ticket_alerts_branch").on("ticket_alerts").columns(["branch_id", "status"]).execute();
}
