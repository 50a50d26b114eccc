import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Appointments (issue 13): the bookings themselves, the per-slot lock rows that keep a slot from being
 * overbooked, holds taken while the form is filled, the waitlist, each business type's booking rules and
 * form, the branch's closed days, and the answers a ticket carries to the counter.
 *
 * `customer_id` names a row of `customers` (migration 007). It carries no foreign key so that this migration
 * does not depend on how 007 shapes that table; the name and phone are kept on the appointment as booked.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("appointments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addColumn("service_id", "text", (c) => c.notNull().references("services.id"))
    .addColumn("customer_id", "text")
    .addColumn("customer_name", "text", (c) => c.notNull())
    .addColumn("customer_phone", "text", (c) => c.notNull())
    .addColumn("customer_email", "text")
    .addColumn("lang", "text", (c) => c.notNull().defaultTo("zh-CN"))
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("start_at", "bigint", (c) => c.notNull())
    .addColumn("end_at", "bigint", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("manage_token_hash", "text", (c) => c.notNull().unique())
    .addColumn("answers", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("created_by", "text")
    .addColumn("manager_user_id", "text")
    .addColumn("ticket_id", "text")
    .addColumn("cancel_reason", "text")
    .addColumn("checked_in_at", "bigint")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("appointments_branch_code", ["branch_id", "code"])
    .execute();
  // Counting a slot's bookings, and a branch's day list.
  await db.schema
    .createIndex("appointments_slot")
    .on("appointments")
    .columns(["branch_id", "service_id", "start_at"])
    .execute();
  await db.schema.createIndex("appointments_branch_day").on("appointments").columns(["branch_id", "day"]).execute();
  // The cap per customer and day, and no-shows per customer.
  await db.schema.createIndex("appointments_phone").on("appointments").columns(["customer_phone", "day"]).execute();
  // The no-show sweep reads booked appointments by time.
  await db.schema.createIndex("appointments_status_start").on("appointments").columns(["status", "start_at"]).execute();

  // One row per slot ever booked: a booking locks it first, so bookings of one slot take turns (see book.ts).
  await db.schema
    .createTable("appointment_slots")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("service_id", "text", (c) => c.notNull())
    .addColumn("start_at", "bigint", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("appointment_slots_pk", ["branch_id", "service_id", "start_at"])
    .execute();

  await db.schema
    .createTable("slot_holds")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("service_id", "text", (c) => c.notNull())
    .addColumn("start_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("slot_holds_slot")
    .on("slot_holds")
    .columns(["branch_id", "service_id", "start_at"])
    .execute();

  await db.schema
    .createTable("appointment_waitlist")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("service_id", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("customer_id", "text")
    .addColumn("customer_name", "text", (c) => c.notNull())
    .addColumn("customer_phone", "text", (c) => c.notNull())
    .addColumn("lang", "text", (c) => c.notNull().defaultTo("zh-CN"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("joined_at", "bigint", (c) => c.notNull())
    .addColumn("offered_at", "bigint")
    .execute();
  await db.schema
    .createIndex("appointment_waitlist_day")
    .on("appointment_waitlist")
    .columns(["branch_id", "service_id", "day", "status"])
    .execute();

  await db.schema
    .createTable("booking_rules")
    .addColumn("service_id", "text", (c) => c.primaryKey().references("services.id"))
    .addColumn("rules", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("booking_forms")
    .addColumn("service_id", "text", (c) => c.primaryKey().references("services.id"))
    .addColumn("fields", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  // A day the branch is shut (hours null) or keeps other hours ([open, close]).
  await db.schema
    .createTable("branch_closures")
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("hours", "text")
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addPrimaryKeyConstraint("branch_closures_pk", ["branch_id", "day"])
    .execute();

  // What a ticket's customer filled in (online at booking, or with the lobby manager), for the counter.
  await db.schema
    .createTable("ticket_answers")
    .addColumn("ticket_id", "text", (c) => c.primaryKey())
    .addColumn("appointment_id", "text")
    .addColumn("answers", "text", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}
