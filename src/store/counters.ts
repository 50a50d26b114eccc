import type { Kysely } from "kysely";
import type { CounterState, DispatchCounter, Skill } from "../domain/counter.ts";
import type { BranchId, CounterId, TicketId, UserId } from "../domain/ids.ts";
import { parseJson } from "./json.ts";
import type { CounterTable, Database } from "./schema.ts";
import { allColumns, execute, queryRow, sql } from "./sql.ts";

// Hot-path statements (see sql.ts): every call, start and completion reads or updates its counter.
const COUNTER = allColumns<CounterTable>()([
  "id",
  "branch_id",
  "number",
  "name",
  "kind",
  "state",
  "skills",
  "dispatch_policy",
  "signed_in_user_id",
  "current_ticket_id",
  "last_ticket_id",
  "pause_reason",
  "created_at",
]);
const FIND_COUNTER = sql(`SELECT ${COUNTER} FROM counters WHERE id = ?`);
const ASSIGN_CURRENT = sql("UPDATE counters SET current_ticket_id = ? WHERE id = ? AND current_ticket_id IS NULL");
/** Frees a counter of the ticket it holds (if it still holds it); parameters: ticket id, counter id, ticket id. */
export const RELEASE_CURRENT_TEXT =
  "UPDATE counters SET current_ticket_id = NULL, last_ticket_id = ? WHERE id = ? AND current_ticket_id = ?";
const RELEASE_CURRENT = sql(RELEASE_CURRENT_TEXT);

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
    kind: row.kind,
    state: row.state,
    skills: parseJson<Skill[]>(row.skills, []),
    dispatchPolicy: row.dispatch_policy,
    signedInUserId: row.signed_in_user_id as UserId | null,
    currentTicketId: row.current_ticket_id as TicketId | null,
    lastTicketId: row.last_ticket_id as TicketId | null,
    pauseReason: row.pause_reason,
  };
}

export async function findCounter(db: Kysely<Database>, id: string): Promise<Counter | undefined> {
  const row = await queryRow<CounterTable>(db, FIND_COUNTER, [id]);
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
  return (await execute(db, ASSIGN_CURRENT, [ticketId, counterId])) === 1;
}

/** Clears the counter's current ticket when it is this one, and remembers it as the last (for the rating pad). */
export async function releaseCurrentTicket(db: Kysely<Database>, counterId: string, ticketId: string): Promise<void> {
  await execute(db, RELEASE_CURRENT, [ticketId, counterId, ticketId]);
}
