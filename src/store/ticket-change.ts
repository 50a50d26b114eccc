import type { Kysely } from "kysely";
import type { BranchEvent } from "../realtime/branch-event.ts";
import { type AuditEntry, auditParams, INSERT_AUDIT_TEXT, insertAudit } from "./audit.ts";
import { RELEASE_CURRENT_TEXT, releaseCurrentTicket } from "./counters.ts";
import { appendEvent, type EventNotice, eventCtesPg, eventParamsPg, NOTIFY_EVENT_PG, noticeParams } from "./events.ts";
import type { Database } from "./schema.ts";
import { insertFrom, isPostgres, postgresOnly, queryRow, queryRows, type Sql, sqlVariants } from "./sql.ts";
import {
  INSERT_TRANSITION_TEXT,
  LOCK_SERVICE_PG,
  recordTransition,
  type TicketPatch,
  type TicketReadVersion,
  type TransitionEntry,
  ticketUpdate,
  transitionParams,
  updateTicketFrom,
} from "./tickets.ts";

/** What every change of a ticket leaves besides the ticket itself: its history line, audit line and event. */
export interface TicketChangeRecord {
  readonly transition: TransitionEntry;
  /** A staff action leaves an audit line; a device's does not. */
  readonly audit?: AuditEntry;
  readonly event: Omit<BranchEvent, "seq">;
}

/**
 * PostgreSQL CTEs `r` (history line), `a` (audit line, when there is one), then `s`, `e` (the numbered, stored
 * event; see eventCtesPg), for the statements that write a ticket and its record together. With `guard`, the
 * lines are written only if that CTE (the ticket's insert `t` or update `u`) wrote a row, and the event reads
 * it; `rest` is the SQL of the event's payload; `after` as in eventCtesPg. The two log inserts lock no row
 * another write locks (their tables have no foreign keys), so their running after the branch's event counter
 * is harmless. Parameters: those of `recordParamsPg`, in the same order.
 */
export function recordCtesPg(options: {
  readonly audit: boolean;
  readonly guard?: string;
  readonly rest?: string;
  readonly after?: readonly string[];
}): string {
  const { audit, guard, rest = "?", after = [] } = options;
  const line = (insertValues: string) =>
    guard ? insertFrom(insertValues, `WHERE EXISTS (SELECT 1 FROM ${guard})`) : insertValues;
  return (
    `r AS (${line(INSERT_TRANSITION_TEXT)}), ` +
    (audit ? `a AS (${line(INSERT_AUDIT_TEXT)}), ` : "") +
    eventCtesPg(rest, guard ? [guard] : [], after)
  );
}

/**
 * Parameters of `recordCtesPg` and a NOTIFY after it: the history line, the audit line, the event (`body`,
 * whose payload is the SQL of `rest` applied to `restParams`), and the notice.
 */
export function recordParamsPg(
  record: { readonly transition: TransitionEntry; readonly audit?: AuditEntry },
  body: Omit<BranchEvent, "seq">,
  at: number,
  restParams: readonly unknown[],
  notice: EventNotice | undefined,
): unknown[] {
  return [
    ...transitionParams(record.transition),
    ...(record.audit ? auditParams(record.audit) : []),
    ...eventParamsPg(body, at),
    ...restParams,
    ...(notice ? noticeParams(notice) : []),
  ];
}

/** The answer of a statement ending in `recordCtesPg`: the event's number, and the NOTIFY when there is one. */
export const eventAnswerPg = (notice: boolean): string => `e.seq AS event_seq${notice ? `, ${NOTIFY_EVENT_PG}` : ""}`;

/**
 * PostgreSQL: the history line, the audit line and the numbered, stored (and NOTIFYed) event in one
 * statement: two round trips fewer before the write's COMMIT.
 */
const changeStatementPg = sqlVariants((audit: boolean, notice: boolean) =>
  postgresOnly(`WITH ${recordCtesPg({ audit })} SELECT ${eventAnswerPg(notice)} FROM e`),
);

/** Parameters of a change's record, its payload the event's own JSON. */
const changeParamsPg = (change: TicketChangeRecord, at: number, notice: EventNotice | undefined): unknown[] =>
  recordParamsPg(change, change.event, at, [JSON.stringify(change.event).slice(1)], notice);

/**
 * Writes a ticket change's history line, audit line and branch event, and answers the numbered event. Call
 * it after the change's other writes: on PostgreSQL it locks the branch's event counter until commit.
 */
export async function recordTicketChange(
  db: Kysely<Database>,
  change: TicketChangeRecord,
  at: number,
  notice: EventNotice | undefined,
): Promise<BranchEvent> {
  if (!isPostgres(db)) {
    await recordTransition(db, change.transition);
    if (change.audit) await insertAudit(db, change.audit);
    return appendEvent(db, change.event, at, notice);
  }
  const statement = changeStatementPg(change.audit !== undefined, notice !== undefined);
  const row = await queryRow<{ event_seq: number }>(db, statement, changeParamsPg(change, at, notice));
  if (!row) throw new Error(`no branch ${change.event.branchId} to number an event in`);
  return { seq: Number(row.event_seq), ...change.event };
}

/** A ticket's own change: the patch, applied only if the ticket is still as read, and the counter it leaves. */
export interface TicketUpdate {
  readonly read: TicketReadVersion;
  readonly patch: TicketPatch;
  /** The counter that held the ticket and no longer does. */
  readonly releasedCounterId?: string;
}

/**
 * PostgreSQL: the whole change of a ticket in one statement, run as a transaction of its own when nothing was
 * written before it (postgres-client.ts): the guarded update of the ticket, the counter it leaves, and its
 * history line, audit line and event, each written only if the update found the ticket as read. One round
 * trip instead of five or six, and the branch's event counter is locked only while PostgreSQL runs it.
 * Rows are locked as other writes lock them: a new business type's row (LOCK_SERVICE_PG) and the ticket,
 * then the counter it leaves, then the branch's event counter last (see eventCtesPg).
 */
const applyStatementPg = sqlVariants(
  (update: Sql, options: { lockService: boolean; release: boolean; audit: boolean; notice: boolean }) => {
    if (update.sqlite === null) throw new Error("a ticket update must be plain SQL");
    const { lockService, release, audit, notice } = options;
    return postgresOnly(
      "WITH " +
        (lockService ? `${LOCK_SERVICE_PG}, ` : "") +
        `u AS (${update.sqlite}${lockService ? " AND EXISTS (SELECT 1 FROM k)" : ""} RETURNING id), ` +
        (release ? `c AS (${RELEASE_CURRENT_TEXT} AND EXISTS (SELECT 1 FROM u) RETURNING 1), ` : "") +
        `${recordCtesPg({ audit, guard: "u", after: release ? ["c"] : [] })} ` +
        // A row exactly when the ticket was updated (the whole-write contract), even were the event missing.
        `SELECT ${eventAnswerPg(notice)} FROM u LEFT JOIN e ON true`,
      { wholeWrite: true },
    );
  },
);

/**
 * Changes a ticket if it is still as the use case read it, frees the counter it leaves, and records the
 * change (history, audit line, event). Answers the event, or undefined when someone changed the ticket
 * meanwhile, in which case nothing is written. Call it as the last write of its transaction: on PostgreSQL it
 * is the whole write, and nothing may be written after it.
 */
export async function changeTicket(
  db: Kysely<Database>,
  update: TicketUpdate,
  change: TicketChangeRecord,
  at: number,
  notice: EventNotice | undefined,
): Promise<BranchEvent | undefined> {
  const { read, releasedCounterId } = update;
  if (!isPostgres(db)) {
    if (!(await updateTicketFrom(db, read, update.patch))) return undefined;
    if (releasedCounterId !== undefined) await releaseCurrentTicket(db, releasedCounterId, read.id);
    return recordTicketChange(db, change, at, notice);
  }
  const ticket = ticketUpdate(read, update.patch);
  const newService = update.patch.service_id;
  const statement = applyStatementPg(ticket.statement, {
    lockService: newService !== undefined,
    release: releasedCounterId !== undefined,
    audit: change.audit !== undefined,
    notice: notice !== undefined,
  });
  const rows = await queryRows<{ event_seq: number | null }>(db, statement, [
    ...(newService !== undefined ? [newService] : []),
    ...ticket.params,
    ...(releasedCounterId !== undefined ? [read.id, releasedCounterId, read.id] : []),
    ...changeParamsPg(change, at, notice),
  ]);
  const row = rows[0];
  if (!row) return undefined;
  if (row.event_seq === null) throw new Error(`no branch ${change.event.branchId} to number an event in`);
  return { seq: Number(row.event_seq), ...change.event };
}
