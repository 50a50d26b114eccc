import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * When a ticket was first called. `called_at` moves with every recall (the display's latest call), so a wait
 * measured up to it grew with each recall; a wait ends at the first call. Tickets called before this migration
 * take it from their history, the time of their first call.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("tickets").addColumn("first_called_at", "bigint").execute();
  await backfillFirstCalls(db);
}

/** Every ticket that was ever called gets the time of its first call from its history. */
export async function backfillFirstCalls<T>(db: Kysely<T>): Promise<void> {
  await sql`
    UPDATE tickets SET first_called_at = (
      SELECT min(tt.at) FROM ticket_transitions tt WHERE tt.ticket_id = tickets.id AND tt.action = 'call'
    )
    WHERE first_called_at IS NULL
      AND EXISTS (SELECT 1 FROM ticket_transitions tt WHERE tt.ticket_id = tickets.id AND tt.action = 'call')`.execute(
    db,
  );
}
