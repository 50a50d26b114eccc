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
 */
const NUMBER_AND_STORE_PG =
  "WITH s AS (UPDATE branches SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq), " +
  "e AS (INSERT INTO events (branch_id, seq, type, at, payload) " +
  `SELECT ?, s.event_seq, ?, ?, '{"seq":' || s.event_seq || ',' || ? FROM s RETURNING seq, payload) `;
const APPEND_EVENT_PG = sql(`${NUMBER_AND_STORE_PG}SELECT e.seq FROM e`);
/** The same, and NOTIFY the other instances (delivered at commit, in commit order) with the event and our origin. */
const APPEND_EVENT_PG_NOTIFY = sql(
  `${NUMBER_AND_STORE_PG}SELECT e.seq, pg_notify(?, '{"origin":' || ? || ',"event":' || e.payload || '}') FROM e`,
);

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
    const row = notice
      ? await queryRow<{ seq: number }>(db, APPEND_EVENT_PG_NOTIFY, [
          body.branchId,
          body.branchId,
          body.type,
          at,
          rest,
          notice.channel,
          JSON.stringify(notice.origin),
        ])
      : await queryRow<{ seq: number }>(db, APPEND_EVENT_PG, [body.branchId, body.branchId, body.type, at, rest]);
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
