import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * The back office's second review (前台受理、后台复核, issue 14). A ticket of a business type that needs review
 * becomes `in_review` when the teller completes it, and one row here waits for a reviewer: one row per round
 * (a rejection sends the ticket back to the counter, and its next completion opens round 2).
 * - `teller_id`: who completed it at the counter; never its reviewer (four eyes).
 * - `taken_by`/`taken_at`: the reviewer who took it from the queue; `decided_*`: the decision and its reason.
 * - `alarmed_at`: when the lobby was warned that it waits past the branch's review alarm.
 * The branch's review target and alarm (minutes a review may wait) are its own, beside the line's.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("reviews")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id"))
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addColumn("service_id", "text", (c) => c.notNull())
    .addColumn("counter_id", "text")
    .addColumn("teller_id", "text", (c) => c.notNull())
    .addColumn("priority", "text", (c) => c.notNull())
    .addColumn("round", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("submitted_at", "bigint", (c) => c.notNull())
    .addColumn("taken_by", "text")
    .addColumn("taken_at", "bigint")
    .addColumn("decided_by", "text")
    .addColumn("decided_at", "bigint")
    .addColumn("reason", "text")
    .addColumn("alarmed_at", "bigint")
    .addUniqueConstraint("reviews_ticket_round", ["ticket_id", "round"])
    .execute();
  await db.schema.createIndex("reviews_branch_status").on("reviews").columns(["branch_id", "status"]).execute();
  await db.schema
    .alterTable("branches")
    .addColumn("review_target_minutes", "integer", (c) => c.notNull().defaultTo(10))
    .execute();
  await db.schema
    .alterTable("branches")
    .addColumn("review_alarm_minutes", "integer", (c) => c.notNull().defaultTo(20))
    .execute();
}
