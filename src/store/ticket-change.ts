import type { Kysely } from "kysely";
import type { BranchEvent } from "../realtime/branch-event.ts";
import { type AuditEntry, auditParams, INSERT_AUDIT_TEXT, insertAudit } from "./audit.ts";
import { RELEASE_CURRENT_TEXT, releaseCurrentTicket } from "./counters.ts";
import { appendEvent, type EventNotice, eventCtesPg, eventParamsPg, NOTIFY_EVENT_PG, noticeParams } from "./events.ts";
import type { Database } from "./schema.ts";
import { insertFrom, isPostgres, postgresOnly, queryRow, queryRows, type Sql } from "./sql.ts";
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
 * PostgreSQL: the history line, the audit line and the numbered, stored (and NOTIFYed) event in one
 * statement: two round trips fewer before the write's COMMIT. The two log inserts lock no row another write
 * locks (the tables have no foreign keys), so their running after the branch's event counter is harmless.
 */
function changeStatementPg(withAudit: boolean, withNotice: boolean): Sql {
  return postgresOnly(
    `WITH r AS (${INSERT_TRANSITION_TEXT}), ` +
      (withAudit ? `a AS (${INSERT_AUDIT_TEXT}), ` : "") +
      `${eventCtesPg()} SELECT e.seq${withNotice ? `, ${NOTIFY_EVENT_PG}` : ""} FROM e`,
  );
}
const CHANGE_PG = [false, true].map((audit) => [false, true].map((notice) => changeStatementPg(audit, notice)));

/** Parameters of the history line, audit line, event and NOTIFY, in the order the statements take them. */
function changeParamsPg(change: TicketChangeRecord, at: number, notice: EventNotice | undefined): unknown[] {
  return [
    ...transitionParams(change.transition),
    ...(change.audit ? auditParams(change.audit) : []),
    ...eventParamsPg(change.event, at),
    JSON.stringify(change.event).slice(1),
    ...(notice ? noticeParams(notice) : []),
  ];
}

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
  const statement = CHANGE_PG[change.audit ? 1 : 0]?.[notice ? 1 : 0];
  if (!statement) throw new Error("no change statement for this case");
  const row = await queryRow<{ seq: number }>(db, statement, changeParamsPg(change, at, notice));
  if (!row) throw new Error(`no branch ${change.event.branchId} to number an event in`);
  return { seq: Number(row.seq), ...change.event };
}

/** A ticket's own change: the patch, applied only if the ticket is still as read, and the counter it leaves. */
export interface TicketUpdate {
  readonly read: TicketReadVersion;
  readonly patch: TicketPatch;
  /** The counter that held the ticket and no longer does. */
  readonly releasedCounterId?: string;
}

/** `INSERT … VALUES (…)` as an INSERT written only if `u` updated the ticket. */
const ifUpdated = (insertValues: string): string => insertFrom(insertValues, "WHERE EXISTS (SELECT 1 FROM u)");

/**
 * PostgreSQL: the whole change of a ticket in one statement, run as a transaction of its own when nothing was
 * written before it (postgres-client.ts): the guarded update of the ticket, the counter it leaves, and its
 * history line, audit line and event, each written only if the update found the ticket as read. One round
 * trip instead of five or six, and the branch's event counter is locked only while PostgreSQL runs it.
 * Rows are locked as other writes lock them: a new business type's row (LOCK_SERVICE_PG) and the ticket,
 * then the counter it leaves, then the branch's event counter last (see eventCtesPg).
 */
const applyStatements = new Map<string, Sql>();
function applyStatementPg(
  update: Sql,
  options: { lockService: boolean; release: boolean; audit: boolean; notice: boolean },
): Sql {
  const key = [update.postgres, ...Object.values(options)].join("|");
  let statement = applyStatements.get(key);
  if (!statement) {
    if (update.sqlite === null) throw new Error("a ticket update must be plain SQL");
    const { lockService, release, audit, notice } = options;
    statement = postgresOnly(
      "WITH " +
        (lockService ? `${LOCK_SERVICE_PG}, ` : "") +
        `u AS (${update.sqlite}${lockService ? " AND EXISTS (SELECT 1 FROM k)" : ""} RETURNING id), ` +
        (release ? `c AS (${RELEASE_CURRENT_TEXT} AND EXISTS (SELECT 1 FROM u) RETURNING 1), ` : "") +
        `r AS (${ifUpdated(INSERT_TRANSITION_TEXT)}), ` +
        (audit ? `a AS (${ifUpdated(INSERT_AUDIT_TEXT)}), ` : "") +
        `${eventCtesPg("?", ["u"], release ? ["c"] : [])} ` +
        // A row exactly when the ticket was updated (the whole-write contract), even were the event missing.
        `SELECT e.seq${notice ? `, ${NOTIFY_EVENT_PG}` : ""} FROM u LEFT JOIN e ON true`,
      { wholeWrite: true },
    );
    applyStatements.set(key, statement);
  }
  return statement;
}

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
  const rows = await queryRows<{ seq: number | null }>(db, statement, [
    ...(newService !== undefined ? [newService] : []),
    ...ticket.params,
    ...(releasedCounterId !== undefined ? [read.id, releasedCounterId, read.id] : []),
    ...changeParamsPg(change, at, notice),
  ]);
  const row = rows[0];
  if (!row) return undefined;
  if (row.seq === null) throw new Error(`no branch ${change.event.branchId} to number an event in`);
  return { seq: Number(row.seq), ...change.event };
}
