import type { Kysely } from "kysely";
import type { BranchEvent } from "../realtime/branch-event.ts";
import { nextEventSeq } from "./branches.ts";
import { parseJson } from "./json.ts";
import type { Database } from "./schema.ts";
import { execute, isPostgres, queryRow, sql } from "./sql.ts";

const INSERT_EVENT = sql("INSERT INTO events (branch_id, seq, type, at, payload) VALUES (?, ?, ?, ?, ?)");

/**
 * PostgreSQL: number, store and announce the event in one round trip. The branch's event counter stays
 * locked from this statement until commit (that is what keeps events in number order across instances),
 * so the fewer round trips after taking it, the more writes a branch commits per second. The stored payload
 * is the event's JSON with the number put first, exactly as JSON.stringify writes it.
 *
 * `rest` is the SQL of the payload after `{"seq":N,`; `from` joins other CTEs the payload reads (each must
 * have written a row), and `after` names CTEs that need not have: both run before the branch's counter is
 * locked. That order matters. Data-modifying CTEs run in the order the statement reads them, and a CTE
 * nothing reads runs last. A row lock it takes after the branch's (a counter's, say) would be taken in the
 * reverse of the order other writes take them (the counter, then the branch's event), and the two deadlock.
 * Parameters, in order: branch id, branch id, type, at, then those of `rest`.
 */
export function eventCtesPg(rest = "?", from: readonly string[] = [], after: readonly string[] = []): string {
  const first = [
    ...from.map((cte) => ` AND EXISTS (SELECT 1 FROM ${cte})`),
    ...after.map((cte) => ` AND (SELECT count(*) FROM ${cte}) >= 0`),
  ].join("");
  return (
    `s AS (UPDATE branches SET event_seq = event_seq + 1 WHERE id = ?${first} RETURNING event_seq), ` +
    "e AS (INSERT INTO events (branch_id, seq, type, at, payload) " +
    `SELECT ?, s.event_seq, ?, ?, '{"seq":' || s.event_seq || ',' || ${rest} FROM ${["s", ...from].join(", ")} ` +
    "RETURNING seq, payload)"
  );
}
/** NOTIFY the other instances (delivered at commit, in commit order) with the event and our origin. */
export const NOTIFY_EVENT_PG = `pg_notify(?, '{"origin":' || ? || ',"event":' || e.payload || '}')`;

const APPEND_EVENT_PG = sql(`WITH ${eventCtesPg()} SELECT e.seq FROM e`);
const APPEND_EVENT_PG_NOTIFY = sql(`WITH ${eventCtesPg()} SELECT e.seq, ${NOTIFY_EVENT_PG} FROM e`);

/** The parameters of `eventCtesPg` before those of its `rest`. */
export function eventParamsPg(body: Omit<BranchEvent, "seq">, at: number): unknown[] {
  return [body.branchId, body.branchId, body.type, at];
}

/** The parameters of NOTIFY_EVENT_PG. */
export function noticeParams(notice: EventNotice): unknown[] {
  return [notice.channel, JSON.stringify(notice.origin)];
}

/** Where NOTIFY carries events to other instances, and who this instance is (its own notices are ignored). */
export interface EventNotice {
  readonly channel: string;
  readonly origin: string;
}

/**
 * Appends the branch's next event inside the writing transaction and answers it with its number. Call it
 * after the use case's other writes: in PostgreSQL it holds the branch's event counter until commit.
 */
export async function appendEvent(
  db: Kysely<Database>,
  body: Omit<BranchEvent, "seq">,
  at: number,
  notice: EventNotice | undefined,
): Promise<BranchEvent> {
  if (isPostgres(db)) {
    const rest = JSON.stringify(body).slice(1); // '"type":…}' after the '{'
    const params = [...eventParamsPg(body, at), rest];
    const row = notice
      ? await queryRow<{ seq: number }>(db, APPEND_EVENT_PG_NOTIFY, [...params, ...noticeParams(notice)])
      : await queryRow<{ seq: number }>(db, APPEND_EVENT_PG, params);
    if (!row) throw new Error(`no branch ${body.branchId} to number an event in`);
    return { seq: Number(row.seq), ...body };
  }
  const seq = await nextEventSeq(db, body.branchId);
  const event: BranchEvent = { seq, ...body };
  await execute(db, INSERT_EVENT, [event.branchId, event.seq, event.type, at, JSON.stringify(event)]);
  return event;
}

/** Events after `afterSeq`, oldest first: what a reconnecting client missed. */
export async function listEventsAfter(
  db: Kysely<Database>,
  branchId: string,
  afterSeq: number,
  limit: number,
): Promise<BranchEvent[]> {
  const rows = await db
    .selectFrom("events")
    .select("payload")
    .where("branch_id", "=", branchId)
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map((r) => parseJson<BranchEvent | null>(r.payload, null)).filter((e): e is BranchEvent => e !== null);
}
