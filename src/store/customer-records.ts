/**
 * Reads of customer records (issue 14): prefix searches that use the indexes of migration 018, a customer's
 * visits, and the customer a ticket served.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";
import { isPostgres } from "./sql.ts";

type Column = "phone_e164" | "phone_rev" | "name" | "code";

/** Largest code point: `x || U+10FFFF` is above every string that starts with x (binary order, SQLite). */
const TOP = String.fromCodePoint(0x10ffff);

/**
 * Customers whose `column` starts with `prefix`, by that column, at most `limit`. PostgreSQL: `LIKE 'x%'`
 * on a `text_pattern_ops` index; SQLite: a range on the binary index.
 */
export function prefixSearch(db: Kysely<Database>, column: Column, prefix: string, limit: number) {
  let q = db.selectFrom("customers").selectAll().where("merged_into", "is", null);
  if (isPostgres(db)) {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    q = q.where(sql<boolean>`${sql.ref(column)} LIKE ${`${escaped}%`}`);
  } else {
    q = q.where(column, ">=", prefix).where(column, "<", `${prefix}${TOP}`);
  }
  return q.orderBy(column).limit(limit).execute();
}

/** The customer of a ticket: identified for it, or the appointment it was checked in from. */
export async function customerIdOfTicket(db: Kysely<Database>, ticketId: string): Promise<string | null> {
  const attached = await db
    .selectFrom("ticket_customers")
    .select("customer_id")
    .where("ticket_id", "=", ticketId)
    .executeTakeFirst();
  if (attached) return attached.customer_id;
  const booked = await db
    .selectFrom("appointments")
    .select("customer_id")
    .where("ticket_id", "=", ticketId)
    .where("customer_id", "is not", null)
    .executeTakeFirst();
  return booked?.customer_id ?? null;
}

/** Ids of a customer's tickets, newest first: those identified for them and those of their appointments. */
export async function ticketIdsOfCustomer(db: Kysely<Database>, customerId: string): Promise<string[]> {
  const attached = await db
    .selectFrom("ticket_customers")
    .select("ticket_id")
    .where("customer_id", "=", customerId)
    .execute();
  const booked = await db
    .selectFrom("appointments")
    .select("ticket_id")
    .where("customer_id", "=", customerId)
    .where("ticket_id", "is not", null)
    .execute();
  return [...new Set([...attached.map((r) => r.ticket_id), ...booked.map((r) => r.ticket_id as string)])];
}
