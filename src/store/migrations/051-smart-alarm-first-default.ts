import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Issue 12 (migration 051): the alarm-first order became the default `smart`, and the order that was `smart` is now
 * `smart-classic`. A branch or counter that had chosen `smart-alarm-first` keeps its order under its new name,
 * `smart`; one that ran `smart` keeps the name and gets the new default, as a new branch does.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await sql`update branches set dispatch_policy = 'smart' where dispatch_policy = 'smart-alarm-first'`.execute(db);
  await sql`update counters set dispatch_policy = 'smart' where dispatch_policy = 'smart-alarm-first'`.execute(db);
}
