import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Issue 13, consents per channel (migration 047): each row of the consent ledger already keeps the channel it was
 * given through (`channel`: web, kiosk, staff, phone, counter, chat); `covers` now says which ways of reaching the
 * customer it is about, a comma-separated set of `sms`, `email` and `call` (a member of staff phoning them).
 *
 * Rows written before: the booking page's service text reads "reminders and service messages by SMS or e-mail",
 * so service rows cover `sms,email`; its marketing text named no way, and marketing follow-ups (calls) have read
 * it as agreement, so marketing rows cover `sms,email,call`, which keeps what they allowed.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable("customer_consents")
    .addColumn("covers", "text", (c) => c.notNull().defaultTo("sms,email"))
    .execute();
  await sql`update customer_consents set covers = 'sms,email,call' where purpose = 'marketing'`.execute(db);
}
