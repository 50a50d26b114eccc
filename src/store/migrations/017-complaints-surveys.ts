import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Complaints and satisfaction surveys (issue 14).
 * - `complaints`: one consumer complaint, its statutory clock (`due_at`, moved once by an approved extension),
 *   owner, outcome (`root_cause`, `reply`), and the times its reminder and escalation went out. `ticket_id` links
 *   the visit whose timeline is its evidence. `reopen_token_hash`: the complainant's link to reopen it.
 * - `complaint_notes`: its own history (recorded, assigned, extended, reminded, escalated, closed, reopened).
 * - `surveys`: one per served ticket that was sent one or rated on the pad; the pad's answer and the phone
 *   survey's land in the same row. `token_hash`: SHA-256 of the survey link's token (the token is never kept).
 * `customer_id` names a row of `customers` without a foreign key, as the appointments do.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("complaints")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addColumn("ticket_id", "text")
    .addColumn("customer_id", "text")
    .addColumn("survey_id", "text")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("owner_id", "text")
    .addColumn("received_at", "bigint", (c) => c.notNull())
    .addColumn("due_at", "bigint", (c) => c.notNull())
    .addColumn("extended_at", "bigint")
    .addColumn("extended_by", "text")
    .addColumn("extension_reason", "text")
    .addColumn("reminded_at", "bigint")
    .addColumn("escalated_at", "bigint")
    .addColumn("root_cause", "text")
    .addColumn("reply", "text")
    .addColumn("closed_at", "bigint")
    .addColumn("closed_by", "text")
    .addColumn("reopen_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("reopen_token_hash", "text", (c) => c.unique())
    .addColumn("created_by", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("complaints_branch_status").on("complaints").columns(["branch_id", "status"]).execute();
  await db.schema.createIndex("complaints_received").on("complaints").columns(["received_at"]).execute();
  await db.schema.createIndex("complaints_ticket").on("complaints").columns(["ticket_id"]).execute();
  await db.schema
    .createTable("complaint_notes")
    .addColumn("complaint_id", "text", (c) => c.notNull().references("complaints.id"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("data", "text")
    .addPrimaryKeyConstraint("complaint_notes_pk", ["complaint_id", "seq"])
    .execute();
  await db.schema
    .createTable("surveys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", "text", (c) => c.notNull().unique())
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addColumn("customer_id", "text")
    .addColumn("token_hash", "text", (c) => c.unique())
    .addColumn("channel", "text")
    .addColumn("sent_at", "bigint")
    .addColumn("csat", "text")
    .addColumn("csat_source", "text")
    .addColumn("nps", "integer")
    .addColumn("comment", "text")
    .addColumn("answered_at", "bigint")
    .addColumn("complaint_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("surveys_customer_sent").on("surveys").columns(["customer_id", "sent_at"]).execute();
}
