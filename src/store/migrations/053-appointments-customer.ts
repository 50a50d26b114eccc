import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Migration 053: appointments are looked up by customer — the customer profile (the latest 50, newest first), a
 * merge (moving them to the kept record), an erasure or an export, the branches a customer is known at, and the
 * reminders queued again when service messages are agreed to (`requeueRemindersOfCustomer`: booked, still to
 * come) — and had no index on `customer_id`, so each of these read every appointment of the bank. The index leads
 * with `customer_id`; `start_at` after it also gives the profile its order and the re-queue its "still to come"
 * without a sort. Both dialects alike (an appointment without a customer, booked by an older release, is a null
 * entry).
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createIndex("appointments_customer_start")
    .on("appointments")
    .columns(["customer_id", "start_at"])
    .execute();
}
