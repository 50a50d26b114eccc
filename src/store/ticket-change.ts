import type { Kysely } from "kysely";
import type { BranchEvent } from "../realtime/branch-event.ts";
import { type AuditEntry, auditParams, INSERT_AUDIT_TEXT, insertAudit } from "./audit.ts";
import { appendEvent, type EventNotice, eventCtesPg, eventParamsPg, NOTIFY_EVENT_PG, noticeParams } from "./events.ts";
import type { Database } from "./schema.ts";
import { isPostgres, postgresOnly, queryRow, type Sql } from "./sql.ts";
import { INSERT_TRANSITION_TEXT, recordTransition, type TransitionEntry, transitionParams } from "./tickets.ts";

/** What every change of a ticket leaves besides the ticket itself: its history line, audit line and event. */
export interface TicketChangeRecord {
  readonly transition: TransitionEntry;
  /** A staff action leaves an audit line; a device's does not. */
  readonly audit?: AuditEntry;
  readonly event: Omit<BranchEvent, "seq">;
}

/**
 * PostgreSQL: the history line, the audit line and the numbered, stored (and NOTIFYed) event in one
 * statement, so the write has two round trips fewer, and the branch's event counter is taken in the same
 * round trip as the rest instead of after it.
 */
function changeStatementPg(withAudit: boolean, withNotice: boolean): Sql {
  return postgresOnly(
    `WITH r AS (${INSERT_TRANSITION_TEXT}), ` +
      (withAudit ? `a AS (${INSERT_AUDIT_TEXT}), ` : "") +
      `${eventCtesPg()} SELECT e.seq${withNotice ? `, ${NOTIFY_EVENT_PG}` : ""} FROM e`,
  );
}
const CHANGE_PG = [false, true].map((audit) => [false, true].map((notice) => changeStatementPg(audit, notice)));

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
  const row = await queryRow<{ seq: number }>(db, statement, [
    ...transitionParams(change.transition),
    ...(change.audit ? auditParams(change.audit) : []),
    ...eventParamsPg(change.event, at),
    JSON.stringify(change.event).slice(1),
    ...(notice ? noticeParams(notice) : []),
  ]);
  if (!row) throw new Error(`no branch ${change.event.branchId} to number an event in`);
  return { seq: Number(row.seq), ...change.event };
}
