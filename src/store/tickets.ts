import type { Kysely } from "kysely";
import type { BranchId, CounterId, EpochMs, ServiceId, TicketId } from "../domain/ids.ts";
import type { PriorityClass, Rating, TicketStatus, WaitingTicket } from "../domain/ticket.ts";
import type { Database, TicketTable } from "./schema.ts";
import { allColumns, execute, queryRow, type Sql, sql } from "./sql.ts";

/** Every column of a ticket, in the order of the hot-path INSERT (the type check keeps it complete). */
export const TICKET_COLUMNS = [
  "id",
  "branch_id",
  "service_id",
  "day",
  "seq",
  "number",
  "priority",
  "status",
  "channel",
  "counter_id",
  "target_counter_id",
  "issued_at",
  "queued_at",
  "called_at",
  "first_called_at",
  "started_at",
  "completed_at",
  "recall_count",
  "appointment_at",
  "outcome",
  "notes",
  "redirect_reason",
  "rating",
  "rating_comment",
  "served_by",
  "estimated_wait_minutes",
  "idempotency_key",
  "version",
  "updated_at",
] as const satisfies ReadonlyArray<keyof TicketTable>;
const TICKET = allColumns<TicketTable>()(TICKET_COLUMNS);

const FIND_TICKET = sql(`SELECT ${TICKET} FROM tickets WHERE id = ?`);
const FIND_BY_IDEMPOTENCY_KEY = sql(`SELECT ${TICKET} FROM tickets WHERE branch_id = ? AND idempotency_key = ?`);
/** Takes the queue's next number for the day (the row stays locked until commit). */
export const NEXT_QUEUE_SEQ_TEXT =
  "INSERT INTO queue_days (branch_id, prefix, day, last_seq) VALUES (?, ?, ?, 1) " +
  "ON CONFLICT (branch_id, prefix, day) DO UPDATE SET last_seq = queue_days.last_seq + 1 RETURNING last_seq";
const NEXT_QUEUE_SEQ = sql(NEXT_QUEUE_SEQ_TEXT);
/**
 * The queue's next number while it has handed out fewer than a cap (the business type's daily cap, the last
 * parameter): no row past it. The cap is checked on the locked queue row itself, so two kiosks racing for the
 * last number of the day never both get one.
 */
export const NEXT_QUEUE_SEQ_CAPPED_TEXT =
  "INSERT INTO queue_days (branch_id, prefix, day, last_seq) VALUES (?, ?, ?, 1) " +
  "ON CONFLICT (branch_id, prefix, day) DO UPDATE SET last_seq = queue_days.last_seq + 1 " +
  "WHERE queue_days.last_seq < ? RETURNING last_seq";
const NEXT_QUEUE_SEQ_CAPPED = sql(NEXT_QUEUE_SEQ_CAPPED_TEXT);
const INSERT_TICKET = sql(
  `INSERT INTO tickets (${TICKET_COLUMNS.join(", ")}) VALUES (${TICKET_COLUMNS.map(() => "?").join(", ")})`,
);
const CLAIM_SET =
  "UPDATE tickets SET version = version + 1, status = 'called', counter_id = ?, served_by = ?, called_at = ?, " +
  "first_called_at = COALESCE(first_called_at, ?), updated_at = ?, recall_count = 0 ";
/**
 * In PostgreSQL a ticket another counter is claiming right now (row locked, not yet committed) is skipped
 * instead of waited for: the counter moves on to its next candidate at once rather than queueing behind
 * the other transaction only to find the ticket gone.
 */
const CLAIM_IF_WAITING = `${CLAIM_SET}WHERE id = ? AND status = 'waiting' RETURNING ${TICKET}`;
const CLAIM_WAITING = sql(
  CLAIM_IF_WAITING,
  `${CLAIM_SET}WHERE id = (SELECT id FROM tickets WHERE id = ? AND status = 'waiting' FOR NO KEY UPDATE SKIP LOCKED) RETURNING ${TICKET}`,
);
/** The same claim, waiting for a transaction that holds the ticket (PostgreSQL) instead of passing it over. */
const CLAIM_WAITING_OR_WAIT = sql(CLAIM_IF_WAITING);
/**
 * PostgreSQL: CTE `k` locks a business type's row as the foreign key from tickets to it does. A statement
 * that writes a ticket's business type reads `k` first: the foreign key's own check comes only at the end of
 * the statement, after the branch's event counter is locked, while an edit of the business type locks its row
 * and then the branch's event counter, and the two would deadlock. Its parameter: the business type's id.
 */
export const LOCK_SERVICE_PG = "k AS (SELECT 1 FROM services WHERE id = ? FOR KEY SHARE)";

/** One line of a ticket's history; its parameters come from `transitionParams`. */
export const INSERT_TRANSITION_TEXT =
  "INSERT INTO ticket_transitions (ticket_id, branch_id, action, from_status, to_status, at, actor_type, actor_id, data) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
const INSERT_TRANSITION = sql(INSERT_TRANSITION_TEXT);

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
  /** The latest call: a recall moves it. */
  readonly calledAt: EpochMs | null;
  /** The first call, where the customer's wait ended (null if called before migration 002: use calledAt). */
  readonly firstCalledAt: EpochMs | null;
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
    priority: row.priority,
    status: row.status,
    channel: row.channel,
    counterId: row.counter_id as CounterId | null,
    targetCounterId: row.target_counter_id as CounterId | null,
    issuedAt: Number(row.issued_at),
    queuedAt: Number(row.queued_at),
    calledAt: row.called_at === null ? null : Number(row.called_at),
    firstCalledAt: row.first_called_at === null ? null : Number(row.first_called_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
    recallCount: row.recall_count,
    appointmentAt: row.appointment_at === null ? null : Number(row.appointment_at),
    outcome: row.outcome,
    notes: row.notes,
    redirectReason: row.redirect_reason,
    rating: row.rating,
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
  const row = await findTicketRow(db, id);
  return row && toTicket(row);
}

export function findTicketRow(db: Kysely<Database>, id: string): Promise<TicketTable | undefined> {
  return queryRow<TicketTable>(db, FIND_TICKET, [id]);
}

export async function findTicketByIdempotencyKey(
  db: Kysely<Database>,
  branchId: string,
  key: string,
): Promise<Ticket | undefined> {
  const row = await queryRow<TicketTable>(db, FIND_BY_IDEMPOTENCY_KEY, [branchId, key]);
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
 * Waiting tickets of a branch sent to a counter go back to their business type's line, where the open
 * counters call them: nobody would call them at a closed counter. With `onlyIfClosed`, only if the counter is
 * closed by now (see releaseFromClosedCounter for why that runs after a close and after a ticket is sent to a
 * counter). Answers the released tickets. (The branch narrows the search to the index on its waiting tickets.)
 */
export async function releaseTicketsSentTo(
  db: Kysely<Database>,
  counter: { readonly id: string; readonly branchId: string },
  now: EpochMs,
  options: { readonly onlyIfClosed: boolean },
): Promise<TicketTable[]> {
  let update = db
    .updateTable("tickets")
    .set((eb) => ({ target_counter_id: null, updated_at: now, version: eb("version", "+", 1) }))
    .where("branch_id", "=", counter.branchId)
    .where("status", "=", "waiting")
    .where("target_counter_id", "=", counter.id);
  if (options.onlyIfClosed)
    update = update.where((eb) =>
      eb.exists(
        eb
          .selectFrom("counters")
          .select("counters.id")
          .where("counters.id", "=", counter.id)
          .where("counters.state", "=", "closed"),
      ),
    );
  return update.returningAll().execute();
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
  dailyCap: number | null = null,
): Promise<number> {
  const row =
    dailyCap === null
      ? await queryRow<{ last_seq: number }>(db, NEXT_QUEUE_SEQ, [branchId, prefix, day])
      : await queryRow<{ last_seq: number }>(db, NEXT_QUEUE_SEQ_CAPPED, [branchId, prefix, day, dailyCap]);
  if (!row) {
    if (dailyCap !== null) throw new DailyCapReached(dailyCap);
    throw new Error("queue number upsert returned no row");
  }
  return Number(row.last_seq);
}

/** The queue has handed out its business type's daily cap of numbers: no ticket was written. */
export class DailyCapReached extends Error {
  constructor(readonly cap: number) {
    super(`the queue has handed out its daily cap of ${cap} numbers`);
    this.name = "DailyCapReached";
  }
}

export async function insertTicket(db: Kysely<Database>, row: TicketTable): Promise<void> {
  await execute(
    db,
    INSERT_TICKET,
    TICKET_COLUMNS.map((c) => row[c]),
  );
}

/**
 * Moves a ticket from `waiting` to `called` only if it still waits, and answers the called ticket (or
 * undefined). Two counters racing for one ticket: in PostgreSQL, with `skip`, the second finds the row locked
 * by the first and passes it over at once (SKIP LOCKED), and the caller tries its next candidate; had it
 * waited, it would most likely only have found the ticket called. With `wait` it waits for that transaction
 * and then claims the ticket only if it still waits (call-next's last resort, and calling one named ticket).
 * In SQLite writes are serial, so the race cannot happen, and either is simply a cheap guard.
 */
export async function claimWaitingTicket(
  db: Kysely<Database>,
  ticketId: string,
  counterId: string,
  servedBy: string,
  now: EpochMs,
  ifLocked: "skip" | "wait" = "skip",
): Promise<Ticket | undefined> {
  const statement = ifLocked === "skip" ? CLAIM_WAITING : CLAIM_WAITING_OR_WAIT;
  const row = await queryRow<TicketTable>(db, statement, [counterId, servedBy, now, now, now, ticketId]);
  return row && toTicket(row);
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
  read: TicketReadVersion,
  patch: TicketPatch,
): Promise<boolean> {
  const update = ticketUpdate(read, patch);
  return (await execute(db, update.statement, update.params)) === 1;
}

/** What a use case read of a ticket, which an update must still find to apply. */
export interface TicketReadVersion {
  readonly id: string;
  readonly status: string;
  readonly version: number;
}

/** The UPDATE of `updateTicketFrom` and its parameters. */
export function ticketUpdate(read: TicketReadVersion, patch: TicketPatch): { statement: Sql; params: unknown[] } {
  const columns = (Object.keys(patch) as Array<keyof TicketPatch>).filter((c) => patch[c] !== undefined).sort();
  return {
    statement: updateStatement(columns),
    params: [...columns.map((c) => patch[c]), read.version + 1, read.id, read.status, read.version],
  };
}

/** One statement per set of patched columns (a handful in practice: each action patches the same ones). */
const updateStatements = new Map<string, Sql>();
const PATCHABLE: ReadonlySet<string> = new Set<string>(TICKET_COLUMNS);

function updateStatement(columns: ReadonlyArray<keyof TicketPatch>): Sql {
  const key = columns.join(",");
  let statement = updateStatements.get(key);
  if (!statement) {
    for (const c of columns) if (!PATCHABLE.has(c)) throw new Error(`not a ticket column: ${c}`);
    const set = [...columns.map((c) => `${c} = ?`), "version = ?"].join(", ");
    statement = sql(`UPDATE tickets SET ${set} WHERE id = ? AND status = ? AND version = ?`);
    updateStatements.set(key, statement);
  }
  return statement;
}

/** A ticket's move from one status to another, by whom and when. */
export interface TransitionEntry {
  readonly ticketId: string;
  readonly branchId: string;
  readonly action: string;
  readonly from: string | null;
  readonly to: string;
  readonly at: EpochMs;
  readonly actorType: string;
  readonly actorId: string | null;
  readonly data?: unknown;
}

export function transitionParams(t: TransitionEntry): unknown[] {
  return [
    t.ticketId,
    t.branchId,
    t.action,
    t.from,
    t.to,
    t.at,
    t.actorType,
    t.actorId,
    t.data === undefined ? null : JSON.stringify(t.data),
  ];
}

export async function recordTransition(db: Kysely<Database>, t: TransitionEntry): Promise<void> {
  await execute(db, INSERT_TRANSITION, transitionParams(t));
}
