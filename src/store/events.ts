import type { Kysely } from "kysely";
import type { BranchEvent } from "../realtime/branch-event.ts";
import { parseJson } from "./json.ts";
import type { Database } from "./schema.ts";
import { execute, sql } from "./sql.ts";

const INSERT_EVENT = sql("INSERT INTO events (branch_id, seq, type, at, payload) VALUES (?, ?, ?, ?, ?)");

export async function insertEvent(db: Kysely<Database>, event: BranchEvent, at: number): Promise<void> {
  await execute(db, INSERT_EVENT, [event.branchId, event.seq, event.type, at, JSON.stringify(event)]);
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
