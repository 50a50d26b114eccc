import type { Kysely } from "kysely";
import type { CounterKind, CounterState, DispatchCounter, Skill } from "../domain/counter.ts";
import type { BranchId, CounterId, TicketId, UserId } from "../domain/ids.ts";
import { parseJson } from "./json.ts";
import type { CounterTable, Database } from "./schema.ts";

export interface Counter extends DispatchCounter {
  readonly number: number;
  readonly name: string;
  readonly state: CounterState;
  readonly dispatchPolicy: string | null;
  readonly signedInUserId: UserId | null;
  readonly currentTicketId: TicketId | null;
  readonly lastTicketId: TicketId | null;
  readonly pauseReason: string | null;
}

export function toCounter(row: CounterTable): Counter {
  return {
    id: row.id as CounterId,
    branchId: row.branch_id as BranchId,
    number: row.number,
    name: row.name,
    kind: row.kind as CounterKind,
    state: row.state as CounterState,
    skills: parseJson<Skill[]>(row.skills, []),
    dispatchPolicy: row.dispatch_policy,
    signedInUserId: row.signed_in_user_id as UserId | null,
    currentTicketId: row.current_ticket_id as TicketId | null,
    lastTicketId: row.last_ticket_id as TicketId | null,
    pauseReason: row.pause_reason,
  };
}

export async function findCounter(db: Kysely<Database>, id: string): Promise<Counter | undefined> {
  const row = await db.selectFrom("counters").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toCounter(row);
}

export async function listCounters(db: Kysely<Database>, branchId: string): Promise<Counter[]> {
  const rows = await db
    .selectFrom("counters")
    .selectAll()
    .where("branch_id", "=", branchId)
    .orderBy("number")
    .execute();
  return rows.map(toCounter);
}

/**
 * Gives the counter its current ticket only if it has none: two call-next requests for one counter
 * cannot both succeed, on any instance.
 */
export async function assignCurrentTicket(db: Kysely<Database>, counterId: string, ticketId: string): Promise<boolean> {
  const result = await db
    .updateTable("counters")
    .set({ current_ticket_id: ticketId })
    .where("id", "=", counterId)
    .where("current_ticket_id", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Clears the counter's current ticket when it is this one, and remembers it as the last (for the rating pad). */
export async function releaseCurrentTicket(db: Kysely<Database>, counterId: string, ticketId: string): Promise<void> {
  await db
    .updateTable("counters")
    .set({ current_ticket_id: null, last_ticket_id: ticketId })
    .where("id", "=", counterId)
    .where("current_ticket_id", "=", ticketId)
    .execute();
}
