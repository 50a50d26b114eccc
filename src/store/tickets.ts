import type { Kysely } from "kysely";
import type { BranchId, CounterId, EpochMs, ServiceId, TicketId } from "../domain/ids.ts";
import type { PriorityClass, Rating, TicketStatus, WaitingTicket } from "../domain/ticket.ts";
import type { Database, TicketTable } from "./schema.ts";

export interface Ticket {
  readonly id: TicketId;
  readonly branchId: BranchId;
  readonly serviceId: ServiceId;
  readonly day: string;
  readonly seq: number;
  readonly number: string;
  readonly priority: PriorityClass;
  readonly status: TicketStatus;
  readonly channel: string;
  readonly counterId: CounterId | null;
  readonly targetCounterId: CounterId | null;
  readonly issuedAt: EpochMs;
  readonly queuedAt: EpochMs;
  readonly calledAt: EpochMs | null;
  readonly startedAt: EpochMs | null;
  readonly completedAt: EpochMs | null;
  readonly recallCount: number;
  readonly appointmentAt: EpochMs | null;
  readonly outcome: string | null;
  readonly notes: string | null;
  readonly redirectReason: string | null;
  readonly rating: Rating | null;
  readonly ratingComment: string | null;
  readonly servedBy: string | null;
  readonly estimatedWaitMinutes: number;
  readonly idempotencyKey: string | null;
  readonly version: number;
}

export function toTicket(row: TicketTable): Ticket {
  return {
    id: row.id as TicketId,
    branchId: row.branch_id as BranchId,
    serviceId: row.service_id as ServiceId,
    day: row.day,
    seq: row.seq,
    number: row.number,
    priority: row.priority as PriorityClass,
    status: row.status as TicketStatus,
    channel: row.channel,
    counterId: row.counter_id as CounterId | null,
    targetCounterId: row.target_counter_id as CounterId | null,
    issuedAt: Number(row.issued_at),
    queuedAt: Number(row.queued_at),
    calledAt: row.called_at === null ? null : Number(row.called_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
    recallCount: row.recall_count,
    appointmentAt: row.appointment_at === null ? null : Number(row.appointment_at),
    outcome: row.outcome,
    notes: row.notes,
    redirectReason: row.redirect_reason,
    rating: row.rating as Rating | null,
    ratingComment: row.rating_comment,
    servedBy: row.served_by,
    estimatedWaitMinutes: row.estimated_wait_minutes,
    idempotencyKey: row.idempotency_key,
    version: row.version,
  };
}

export function toWaitingTicket(t: Ticket): WaitingTicket {
  return {
    id: t.id,
    branchId: t.branchId,
    serviceId: t.serviceId,
    priority: t.priority,
    issuedAt: t.issuedAt,
    queuedAt: t.queuedAt,
    appointmentAt: t.appointmentAt,
    targetCounterId: t.targetCounterId,
  };
}

export async function findTicket(db: Kysely<Database>, id: string): Promise<Ticket | undefined> {
  const row = await db.selectFrom("tickets").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toTicket(row);
}

export async function findTicketByIdempotencyKey(
  db: Kysely<Database>,
  branchId: string,
  key: string,
): Promise<Ticket | undefined> {
  const row = await db
    .selectFrom("tickets")
    .selectAll()
    .where("branch_id", "=", branchId)
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
  return row && toTicket(row);
}

/** Every ticket waiting in the branch: the input of dispatch and of wait estimates. */
export async function listWaitingTickets(db: Kysely<Database>, branchId: string): Promise<Ticket[]> {
  const rows = await db
    .selectFrom("tickets")
    .selectAll()
    .where("branch_id", "=", branchId)
    .where("status", "=", "waiting")
    .orderBy("queued_at")
    .execute();
  return rows.map(toTicket);
}

export async function listTicketsOfDay(db: Kysely<Database>, branchId: string, day: string): Promise<Ticket[]> {
  const rows = await db
    .selectFrom("tickets")
    .selectAll()
    .where("branch_id", "=", branchId)
    .where("day", "=", day)
    .execute();
  return rows.map(toTicket);
}

/** Tickets a counter parked and nobody resumed yet, oldest first. */
export async function listParkedAt(db: Kysely<Database>, counterId: string): Promise<Ticket[]> {
  const rows = await db
    .selectFrom("tickets")
    .selectAll()
    .where("counter_id", "=", counterId)
    .where("status", "=", "parked")
    .orderBy("updated_at")
    .execute();
  return rows.map(toTicket);
}

/**
 * The queue's next number for a branch-local day. The upsert takes the row lock in PostgreSQL, so
 * concurrent issuers on any instance get distinct numbers; a transaction that rolls back gives its
 * number back, so committed numbers have no gaps.
 */
export async function nextQueueSeq(
  db: Kysely<Database>,
  branchId: string,
  prefix: string,
  day: string,
): Promise<number> {
  const row = await db
    .insertInto("queue_days")
    .values({ branch_id: branchId, prefix, day, last_seq: 1 })
    .onConflict((oc) =>
      oc.columns(["branch_id", "prefix", "day"]).doUpdateSet((eb) => ({ last_seq: eb("queue_days.last_seq", "+", 1) })),
    )
    .returning("last_seq")
    .executeTakeFirstOrThrow();
  return row.last_seq;
}

export async function insertTicket(db: Kysely<Database>, row: TicketTable): Promise<void> {
  await db.insertInto("tickets").values(row).execute();
}

/**
 * Moves a ticket from `waiting` to `called` only if it still waits. Two counters racing for one ticket:
 * in PostgreSQL the second UPDATE blocks on the row lock, re-reads the row after the first commits, finds
 * it no longer waiting and updates nothing; the caller then tries its next candidate. In SQLite writes
 * are serial, so the race cannot happen, and the same statement is simply a cheap guard.
 */
export async function claimWaitingTicket(
  db: Kysely<Database>,
  ticketId: string,
  counterId: string,
  servedBy: string,
  now: EpochMs,
): Promise<boolean> {
  const result = await db
    .updateTable("tickets")
    .set((eb) => ({
      version: eb("version", "+", 1),
      status: "called",
      counter_id: counterId,
      served_by: servedBy,
      called_at: now,
      updated_at: now,
      recall_count: 0,
    }))
    .where("id", "=", ticketId)
    .where("status", "=", "waiting")
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export type TicketPatch = Partial<
  Omit<TicketTable, "id" | "branch_id" | "day" | "seq" | "number" | "issued_at" | "version">
>;

/**
 * Updates a ticket only if nobody changed it since the use case read it: same status and same version. Two
 * recalls or two ratings racing on PostgreSQL then cannot both apply; the second updates nothing.
 */
export async function updateTicketFrom(
  db: Kysely<Database>,
  read: { readonly id: string; readonly status: string; readonly version: number },
  patch: TicketPatch,
): Promise<boolean> {
  const result = await db
    .updateTable("tickets")
    .set({ ...patch, version: read.version + 1 })
    .where("id", "=", read.id)
    .where("status", "=", read.status)
    .where("version", "=", read.version)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function recordTransition(
  db: Kysely<Database>,
  t: {
    ticketId: string;
    branchId: string;
    action: string;
    from: string | null;
    to: string;
    at: EpochMs;
    actorType: string;
    actorId: string | null;
    data?: unknown;
  },
): Promise<void> {
  await db
    .insertInto("ticket_transitions")
    .values({
      ticket_id: t.ticketId,
      branch_id: t.branchId,
      action: t.action,
      from_status: t.from,
      to_status: t.to,
      at: t.at,
      actor_type: t.actorType,
      actor_id: t.actorId,
      data: t.data === undefined ? null : JSON.stringify(t.data),
    })
    .execute();
}
