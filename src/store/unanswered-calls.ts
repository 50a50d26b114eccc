import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

/**
 * Called tickets whose latest call is older than their branch's automatic no-show time (branches with the rule
 * off, 0, are skipped). A plain read: each ticket is then changed by a guarded update of its own (see
 * expireUnansweredCalls), so instances that read the same ticket cannot both mark it.
 */
export async function listUnansweredCalls(
  db: Kysely<Database>,
  now: number,
  limit = 200,
): Promise<Array<{ id: string; calledAt: number; afterSeconds: number }>> {
  const rows = await db
    .selectFrom("tickets")
    .innerJoin("branches", "branches.id", "tickets.branch_id")
    .select(["tickets.id", "tickets.called_at", "branches.no_show_after_seconds"])
    .where("tickets.status", "=", "called")
    .where("branches.no_show_after_seconds", ">", 0)
    .where(sql<boolean>`tickets.called_at + branches.no_show_after_seconds * 1000 <= ${now}`)
    .orderBy("tickets.called_at")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    calledAt: Number(r.called_at),
    afterSeconds: Number(r.no_show_after_seconds),
  }));
}
