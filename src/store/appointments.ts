import { type Kysely, sql } from "kysely";
import type { Answers, FormField } from "../domain/appointments/forms.ts";
import type { BookingRules } from "../domain/appointments/rules.ts";
import type { EventNotice } from "./events.ts";
import { parseJson } from "./json.ts";
import type { AppointmentTable, Database } from "./schema.ts";
import { isPostgres } from "./sql.ts";
import type { Tx } from "./store.ts";

export type AppointmentStatus = AppointmentTable["status"];

/** Statuses that take a place in their slot. */
export const HOLDING_STATUSES: readonly AppointmentStatus[] = ["booked", "checked_in", "completed"];

export interface Appointment {
  readonly id: string;
  readonly branchId: string;
  readonly serviceId: string;
  readonly customerId: string | null;
  readonly customerName: string;
  readonly customerPhone: string;
  readonly customerEmail: string | null;
  readonly lang: string;
  readonly day: string;
  readonly start: number;
  readonly end: number;
  readonly status: AppointmentStatus;
  readonly code: string;
  readonly manageTokenHash: string;
  readonly answers: Answers;
  readonly channel: "online" | "staff";
  readonly createdBy: string | null;
  readonly managerUserId: string | null;
  readonly ticketId: string | null;
  readonly cancelReason: string | null;
  readonly checkedInAt: number | null;
  readonly version: number;
}

export function toAppointment(r: AppointmentTable): Appointment {
  return {
    id: r.id,
    branchId: r.branch_id,
    serviceId: r.service_id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    customerPhone: r.customer_phone,
    customerEmail: r.customer_email,
    lang: r.lang,
    day: r.day,
    start: Number(r.start_at),
    end: Number(r.end_at),
    status: r.status,
    code: r.code,
    manageTokenHash: r.manage_token_hash,
    answers: parseJson<Answers>(r.answers, {}),
    channel: r.channel,
    createdBy: r.created_by,
    managerUserId: r.manager_user_id,
    ticketId: r.ticket_id,
    cancelReason: r.cancel_reason,
    checkedInAt: r.checked_in_at === null ? null : Number(r.checked_in_at),
    version: r.version,
  };
}

export async function findAppointment(db: Kysely<Database>, id: string): Promise<Appointment | undefined> {
  const row = await db.selectFrom("appointments").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toAppointment(row);
}

export async function findAppointmentByCode(
  db: Kysely<Database>,
  branchId: string,
  code: string,
): Promise<Appointment | undefined> {
  const row = await db
    .selectFrom("appointments")
    .selectAll()
    .where("branch_id", "=", branchId)
    .where("code", "=", code)
    .executeTakeFirst();
  return row && toAppointment(row);
}

/**
 * Locks one slot against other bookings until the transaction ends. The row is created on first use; the
 * UPDATE then takes its row lock in PostgreSQL, so two bookings of the same slot take turns and the second
 * counts the first's place (READ COMMITTED: each statement after the lock sees what the first committed).
 * SQLite has one writer, so the lock costs nothing there and the count is always current.
 */
export async function lockSlot(tx: Tx, branchId: string, serviceId: string, start: number): Promise<void> {
  await tx
    .insertInto("appointment_slots")
    .values({ branch_id: branchId, service_id: serviceId, start_at: start, version: 0 })
    .onConflict((oc) => oc.columns(["branch_id", "service_id", "start_at"]).doNothing())
    .execute();
  await tx
    .updateTable("appointment_slots")
    .set((eb) => ({ version: eb("version", "+", 1) }))
    .where("branch_id", "=", branchId)
    .where("service_id", "=", serviceId)
    .where("start_at", "=", start)
    .execute();
}

/**
 * NOTIFY the other instances (PostgreSQL; `notice` is unset with one instance) that the places of a business type
 * changed on a day, or its whole setup (`day` null). Sent inside the writing transaction: delivered at its commit,
 * never for a change that rolled back.
 */
export async function notifySlotChange(
  tx: Tx,
  notice: EventNotice | undefined,
  change: { branchId: string; serviceId: string | null; day: string | null; freed: boolean },
): Promise<void> {
  if (!notice) return;
  const payload = JSON.stringify({ origin: notice.origin, change });
  await sql`SELECT pg_notify(${notice.channel}, ${payload})`.execute(tx);
}

/** Places taken in one slot: appointments that hold one, and holds still running (except `exceptHold`). */
export async function placesTaken(
  db: Kysely<Database>,
  branchId: string,
  serviceId: string,
  start: number,
  now: number,
  exceptHold?: string,
): Promise<number> {
  return (await placesTakenUntil(db, branchId, serviceId, start, now, exceptHold)).taken;
}

/** `placesTaken`, and when the first hold it counted lapses (the count may drop then; +Infinity without holds). */
export async function placesTakenUntil(
  db: Kysely<Database>,
  branchId: string,
  serviceId: string,
  start: number,
  now: number,
  exceptHold?: string,
): Promise<{ taken: number; firstHoldExpiry: number }> {
  const booked = await db
    .selectFrom("appointments")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("branch_id", "=", branchId)
    .where("service_id", "=", serviceId)
    .where("start_at", "=", start)
    .where("status", "in", HOLDING_STATUSES)
    .executeTakeFirstOrThrow();
  let holds = db
    .selectFrom("slot_holds")
    .select((eb) => [eb.fn.countAll().as("n"), eb.fn.min("expires_at").as("first")])
    .where("branch_id", "=", branchId)
    .where("service_id", "=", serviceId)
    .where("start_at", "=", start)
    .where("expires_at", ">", now);
  if (exceptHold !== undefined) holds = holds.where("id", "<>", exceptHold);
  const held = await holds.executeTakeFirstOrThrow();
  const first = held.first === null ? Number.POSITIVE_INFINITY : Number(held.first);
  return { taken: Number(booked.n) + Number(held.n), firstHoldExpiry: first };
}

/** Places taken per slot start on one day (for the free-slot list), and when the first counted hold lapses. */
export async function placesTakenOnDay(
  db: Kysely<Database>,
  branchId: string,
  serviceId: string,
  from: number,
  to: number,
  now: number,
): Promise<{ taken: Map<number, number>; firstExpiry: number }> {
  const taken = new Map<number, number>();
  const booked = await db
    .selectFrom("appointments")
    .select(["start_at", (eb) => eb.fn.countAll().as("n")])
    .where("branch_id", "=", branchId)
    .where("service_id", "=", serviceId)
    .where("start_at", ">=", from)
    .where("start_at", "<", to)
    .where("status", "in", HOLDING_STATUSES)
    .groupBy("start_at")
    .execute();
  const held = await db
    .selectFrom("slot_holds")
    .select(["start_at", (eb) => eb.fn.countAll().as("n"), (eb) => eb.fn.min("expires_at").as("first")])
    .where("branch_id", "=", branchId)
    .where("service_id", "=", serviceId)
    .where("start_at", ">=", from)
    .where("start_at", "<", to)
    .where("expires_at", ">", now)
    .groupBy("start_at")
    .execute();
  let firstExpiry = Number.POSITIVE_INFINITY;
  for (const r of [...booked, ...held]) {
    const k = Number(r.start_at);
    taken.set(k, (taken.get(k) ?? 0) + Number(r.n));
  }
  for (const r of held) firstExpiry = Math.min(firstExpiry, Number(r.first));
  return { taken, firstExpiry };
}

/**
 * A customer's appointments of one business type on one local day that hold a place (for the cap, which is a rule
 * of each business type: appointments of other types do not count). A business type belongs to one branch, so
 * this is within the branch too.
 */
export async function bookingsOfPhoneOnDay(
  db: Kysely<Database>,
  serviceId: string,
  phone: string,
  day: string,
  exceptId?: string,
): Promise<number> {
  let q = db
    .selectFrom("appointments")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("customer_phone", "=", phone)
    .where("day", "=", day)
    .where("service_id", "=", serviceId)
    .where("status", "in", HOLDING_STATUSES);
  if (exceptId !== undefined) q = q.where("id", "<>", exceptId);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Serialises, until the transaction ends, every write that counts one customer's appointments of one business
 * type on one day against the cap (a booking, a move onto that day), so two of them into different slots (whose
 * slot locks do not meet) cannot both count the same total and both pass. Taken after the slot's lock, in every
 * such write, so the two locks are always taken in one order.
 *
 * PostgreSQL: a transaction-scoped advisory lock on a hash of the three (a collision only makes two unrelated
 * customers take turns). SQLite: nothing to do, its one writer runs whole write transactions one after another.
 */
export async function lockCustomerDay(tx: Tx, serviceId: string, phone: string, day: string): Promise<void> {
  if (!isPostgres(tx)) return;
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`appointment-cap:${serviceId}:${phone}:${day}`}))`.execute(tx);
}

/** No-shows of one phone number since a time, across branches. */
export async function noShowsOfPhone(db: Kysely<Database>, phone: string, since: number): Promise<number> {
  const row = await db
    .selectFrom("appointments")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("customer_phone", "=", phone)
    .where("status", "=", "no_show")
    .where("start_at", ">=", since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function rulesOf(db: Kysely<Database>, serviceId: string): Promise<Partial<BookingRules> | undefined> {
  const row = await db
    .selectFrom("booking_rules")
    .select("rules")
    .where("service_id", "=", serviceId)
    .executeTakeFirst();
  return row ? parseJson<Partial<BookingRules>>(row.rules, {}) : undefined;
}

export async function formOf(db: Kysely<Database>, serviceId: string): Promise<FormField[]> {
  const row = await db
    .selectFrom("booking_forms")
    .select("fields")
    .where("service_id", "=", serviceId)
    .executeTakeFirst();
  return row ? parseJson<FormField[]>(row.fields, []) : [];
}

/** The branch's closed days and days with other hours, from `from` on. */
export async function closuresOf(
  db: Kysely<Database>,
  branchId: string,
  from: string,
): Promise<{ closedDays: string[]; exceptions: Record<string, readonly [string, string] | null> }> {
  const rows = await db
    .selectFrom("branch_closures")
    .select(["day", "hours"])
    .where("branch_id", "=", branchId)
    .where("day", ">=", from)
    .execute();
  const closedDays: string[] = [];
  const exceptions: Record<string, readonly [string, string] | null> = {};
  for (const r of rows) {
    const hours = parseJson<[string, string] | null>(r.hours, null);
    if (hours) exceptions[r.day] = hours;
    else closedDays.push(r.day);
  }
  return { closedDays, exceptions };
}

/** How many counters of the branch list this business type among their skills. */
export async function countersServing(db: Kysely<Database>, branchId: string, serviceId: string): Promise<number> {
  const rows = await db.selectFrom("counters").select("skills").where("branch_id", "=", branchId).execute();
  let n = 0;
  for (const r of rows) {
    const skills = parseJson<Array<{ serviceId?: string; weight?: number }>>(r.skills, []);
    if (skills.some((s) => s.serviceId === serviceId && (s.weight ?? 1) > 0)) n++;
  }
  return n;
}

export async function answersOfTicket(
  db: Kysely<Database>,
  ticketId: string,
): Promise<{ answers: Answers; appointmentId: string | null } | undefined> {
  const row = await db
    .selectFrom("ticket_answers")
    .select(["answers", "appointment_id"])
    .where("ticket_id", "=", ticketId)
    .executeTakeFirst();
  return row && { answers: parseJson<Answers>(row.answers, {}), appointmentId: row.appointment_id };
}
