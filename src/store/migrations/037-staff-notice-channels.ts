import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Issue 14, the staff member's own settings (migration 037): `staff_contacts.notify_email` and `notify_sms`, the
 * channels they want staff notices on (reminders, escalations, a customer's arrival); 1 = wanted. Both default
 * to 1, as every notice went by every channel with an address before.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable("staff_contacts")
    .addColumn("notify_email", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable("staff_contacts")
    .addColumn("notify_sms", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
}
