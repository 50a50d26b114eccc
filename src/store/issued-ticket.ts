import type { Kysely } from "kysely";
import { formatTicketNumber, type PriorityClass } from "../domain/ticket.ts";
import type { BranchEvent } from "../realtime/branch-event.ts";
import type { AuditEntry } from "./audit.ts";
import type { EventNotice } from "./events.ts";
import type { Database, TicketTable } from "./schema.ts";
import { insertFrom, isPostgres, postgresOnly, queryRow, sqlVariants } from "./sql.ts";
import { eventAnswerPg, recordCtesPg, recordParamsPg, recordTicketChange } from "./ticket-change.ts";
import {
  DailyCapReached,
  insertTicket,
  LOCK_SERVICE_PG,
  NEXT_QUEUE_SEQ_CAPPED_TEXT,
  NEXT_QUEUE_SEQ_TEXT,
  nextQueueSeq,
  TICKET_COLUMNS,
  type Ticket,
  type TransitionEntry,
  toTicket,
} from "./tickets.ts";

/** What decides a new ticket's row; everything else starts empty. */
export interface NewTicket {
  readonly id: string;
  readonly branchId: string;
  readonly serviceId: string;
  /** The branch-local day its number belongs to. */
  readonly day: string;
  readonly priority: PriorityClass;
  /** Where it was taken: a kiosk, by staff, or by the chat bot for a customer (remote). */
  readonly channel: "kiosk" | "staff" | "chat";
  readonly at: number;
  readonly appointmentAt: number | null;
  readonly estimatedWaitMinutes: number;
  readonly idempotencyKey: string | null;
}

/** A waiting ticket's row, not yet numbered (`insertIssuedTicket` numbers it). */
export function newTicketRow(t: NewTicket): TicketTable {
  return {
    id: t.id,
    branch_id: t.branchId,
    service_id: t.serviceId,
    day: t.day,
    seq: 0,
    number: "",
    priority: t.priority,
    status: "waiting",
    channel: t.channel,
    counter_id: null,
    target_counter_id: null,
    issued_at: t.at,
    queued_at: t.at,
    called_at: null,
    first_called_at: null,
    started_at: null,
    completed_at: null,
    recall_count: 0,
    appointment_at: t.appointmentAt,
    outcome: null,
    notes: null,
    redirect_reason: null,
    rating: null,
    rating_comment: null,
    served_by: null,
    estimated_wait_minutes: t.estimatedWaitMinutes,
    idempotency_key: t.idempotencyKey,
    version: 0,
    updated_at: t.at,
  };
}

/** Everything a new ticket writes: the ticket before it has its number, its history, audit line and event. */
export interface IssuedTicketRecord {
  /**
   * The new ticket (`newTicketRow`), with `seq` and `number` left for this function to set: it numbers this
   * object in place (a copy with two more fields would cost the hot path a slower object shape).
   */
  readonly ticket: TicketTable;
  /** The queue's prefix: the number is the prefix and the queue's next number of the ticket's day. */
  readonly prefix: string;
  /** The business type's daily cap of numbers, if it has one: past it nothing is written (DailyCapReached). */
  readonly dailyCap?: number | null;
  readonly transition: TransitionEntry;
  /** Staff issuing a ticket leave an audit line; a kiosk does not. */
  readonly audit?: AuditEntry;
  /** The branch event announcing the ticket, once it has its number. */
  readonly event: (ticket: Ticket) => Omit<BranchEvent, "seq">;
}

/**
 * SQL for the ticket's number, from the queue's next number `q.last_seq`: exactly formatTicketNumber
 * (at least three digits, never cut), which a test holds it to.
 */
const NUMBER_PG = "? || lpad(q.last_seq::text, greatest(3, length(q.last_seq::text)), '0')";

/**
 * PostgreSQL: the whole issue in one statement, run as a transaction of its own (a whole write, see
 * postgres-client.ts): number the queue, insert the ticket, its history line (and audit line), and number,
 * store and announce the event. One round trip instead of seven, and the queue's and the branch's counters
 * are locked only while PostgreSQL runs it and flushes the commit. Rows are locked in one order: the business
 * type (LOCK_SERVICE_PG), the queue's number, then the branch's event counter (the event reads the ticket),
 * as edits of business types and every other write lock theirs before the branch's, so nothing deadlocks
 * with it. The event's payload has the ticket's number spliced in where the JSON had a placeholder.
 */
const issueStatementPg = sqlVariants((audit: boolean, notice: boolean, capped: boolean) => {
  const values = TICKET_COLUMNS.map((c) => (c === "seq" ? "q.last_seq" : c === "number" ? NUMBER_PG : "?"));
  const nextSeq = capped ? NEXT_QUEUE_SEQ_CAPPED_TEXT : NEXT_QUEUE_SEQ_TEXT;
  return postgresOnly(
    `WITH ${LOCK_SERVICE_PG}, q AS (${insertFrom(nextSeq, "FROM k")}), ` +
      `t AS (INSERT INTO tickets (${TICKET_COLUMNS.join(", ")}) SELECT ${values.join(", ")} FROM q RETURNING seq, number), ` +
      `${recordCtesPg({ audit, guard: "t", rest: "? || t.number || ?" })} ` +
      // A row exactly when the ticket was written (the whole-write contract), even were the event missing.
      `SELECT t.seq, t.number, ${eventAnswerPg(notice)} FROM t LEFT JOIN e ON true`,
    { wholeWrite: true },
  );
});

/** Stands for the number in the event's JSON until PostgreSQL has numbered the ticket. */
const NUMBER_MARK = "\u0000number";
const NUMBER_MARK_JSON = JSON.stringify(NUMBER_MARK).slice(1, -1);

/**
 * Writes a new ticket with its queue number, history line, audit line and branch event, and answers the
 * numbered ticket and its event. Call it as the last write of its transaction: on PostgreSQL it is the
 * whole write, and nothing may be written after it.
 */
export async function insertIssuedTicket(
  db: Kysely<Database>,
  issue: IssuedTicketRecord,
  notice: EventNotice | undefined,
): Promise<{ ticket: Ticket; event: BranchEvent }> {
  const { ticket } = issue;
  if (!isPostgres(db)) {
    ticket.seq = await nextQueueSeq(db, ticket.branch_id, issue.prefix, ticket.day, issue.dailyCap ?? null);
    ticket.number = formatTicketNumber(issue.prefix, ticket.seq);
    await insertTicket(db, ticket);
    const issued = toTicket(ticket);
    const record = { transition: issue.transition, audit: issue.audit, event: issue.event(issued) };
    return { ticket: issued, event: await recordTicketChange(db, record, ticket.issued_at, notice) };
  }
  const cap = issue.dailyCap ?? null;
  ticket.number = NUMBER_MARK;
  const body = issue.event(toTicket(ticket));
  const around = JSON.stringify(body).slice(1).split(NUMBER_MARK_JSON);
  if (around.length !== 2) throw new Error("the issued ticket's event must show its number exactly once");
  const params = [
    ticket.service_id,
    ticket.branch_id,
    issue.prefix,
    ticket.day,
    ...(cap === null ? [] : [cap]),
    ...TICKET_COLUMNS.filter((c) => c !== "seq").map((c) => (c === "number" ? issue.prefix : ticket[c])),
    ...recordParamsPg(issue, body, ticket.issued_at, around, notice),
  ];
  const statement = issueStatementPg(issue.audit !== undefined, notice !== undefined, cap !== null);
  const numbered = await queryRow<{ seq: number; number: string; event_seq: number | null }>(db, statement, params);
  // Capped: the queue row refused its next number (business types are never deleted, only made inactive).
  if (!numbered && cap !== null) throw new DailyCapReached(cap);
  if (!numbered) throw new Error(`no ticket written: business type ${ticket.service_id} is gone`);
  if (numbered.event_seq === null) throw new Error(`no branch ${ticket.branch_id} to number the ticket's event in`);
  ticket.seq = Number(numbered.seq);
  ticket.number = numbered.number;
  const issued = toTicket(ticket);
  return { ticket: issued, event: { seq: Number(numbered.event_seq), ...issue.event(issued) } };
}
