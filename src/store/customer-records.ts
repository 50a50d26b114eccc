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
  return prefixSearchQuery(db, column, prefix, limit).execute();
}

/** The query of `prefixSearch`, not run (the customers bench asks each database for its plan). */
export function prefixSearchQuery(db: Kysely<Database>, column: Column, prefix: string, limit: number) {
  const key = isPostgres(db) ? sql<string>`${sql.ref(column)} COLLATE "C"` : sql<string>`${sql.ref(column)}`;
  return db
    .selectFrom("customers")
    .selectAll()
    .where("merged_into", "is", null)
    .where(key, ">=", prefix)
    .where(key, "<", `${prefix}${TOP}`)
    .orderBy(key)
    .limit(limit);
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

/** A customer's complaints: those naming them and those about their visits, newest first (issue 14). */
export async function complaintsOfCustomer(db: Kysely<Database>, customerId: string, ticketIds: readonly string[]) {
  return db
    .selectFrom("complaints")
    .select([
      "id",
      "branch_id",
      "ticket_id",
      "source",
      "category",
      "severity",
      "status",
      "received_at",
      "due_at",
      "created_at",
    ])
    .where((eb) =>
      ticketIds.length
        ? eb.or([eb("customer_id", "=", customerId), eb("ticket_id", "in", [...ticketIds])])
        : eb("customer_id", "=", customerId),
    )
    .orderBy("created_at", "desc")
    .limit(100)
    .execute();
}

/** A customer's ratings: the survey records (pad and phone survey) of their visits that hold an answer. */
export async function ratingsOfCustomer(db: Kysely<Database>, customerId: string, ticketIds: readonly string[]) {
  return db
    .selectFrom("surveys")
    .select([
      "id",
      "ticket_id",
      "branch_id",
      "csat",
      "csat_source",
      "nps",
      "comment",
      "answered_at",
      "created_at",
      "complaint_id",
    ])
    .where((eb) =>
      ticketIds.length
        ? eb.or([eb("customer_id", "=", customerId), eb("ticket_id", "in", [...ticketIds])])
        : eb("customer_id", "=", customerId),
    )
    .where((eb) => eb.or([eb("csat", "is not", null), eb("nps", "is not", null), eb("comment", "is not", null)]))
    .orderBy("created_at", "desc")
    .limit(100)
    .execute();
}
