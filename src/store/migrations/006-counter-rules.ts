import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Two rules of the counter, per branch:
 * - `no_show_after_seconds`: a called customer who has not come this long after the latest call is marked
 *   no-show by the server's housekeeping (0 turns it off). Five minutes: three announcements and a walk across
 *   the lobby fit well inside it.
 * - `min_recall_gap_seconds`: a recall within this time of the previous call is refused, so that pressing
 *   recall three times in two seconds cannot unlock a no-show. Ten seconds: one announcement, twice, in Mandarin.
 * Columns with a default: instant on both databases, existing branches get the defaults.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable("branches")
    .addColumn("no_show_after_seconds", "integer", (c) => c.notNull().defaultTo(300))
    .execute();
  await db.schema
    .alterTable("branches")
    .addColumn("min_recall_gap_seconds", "integer", (c) => c.notNull().defaultTo(10))
    .execute();
}
