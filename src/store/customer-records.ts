/**
 * Reads of customer records (issue 14): prefix searches that use the indexes of migration 018, a customer's
 * visits, and the customer a ticket served.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";
import { isPostgres } from "./sql.ts";

type Column = "phone_e164" | "phone_rev" | "name" | "code";

/** Largest code point: `x || U+10FFFF` is above every string that starts with x, in byte order. */
const TOP = String.fromCodePoint(0x10ffff);

/**
 * Customers whose `column` starts with `prefix`, in byte order, at most `limit`: a range over the column's
 * byte-ordered index that stops after `limit` rows (PostgreSQL: the `(col COLLATE "C")` indexes of
 * migration 018; SQLite: its binary indexes).
 */
export function prefixSearch(db: Kysely<Database>, column: Column, prefix: string, limit: number) {
  const key = isPostgres(db) ? sql<string>`${sql.ref(column)} COLLATE "C"` : sql<string>`${sql.ref(column)}`;
  return db
    .selectFrom("customers")
    .selectAll()
    .where("merged_into", "is", null)
    .where(key, ">=", prefix)
    .where(key, "<", `${prefix}${TOP}`)
    .orderBy(key)
    .limit(limit)
    .execute();
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
