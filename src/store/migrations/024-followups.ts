import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Follow-up tasks (issue 14, C7): business types that want a customer manager to call back after N days.
 * - `followup_rules`: per business type, the days after completion, the purpose ("service" or "marketing") and
 *   whether it is on; `enabled_at` keeps tickets completed before it was switched on out of it.
 * - `followup_policy`: one row ("global") with the marketing frequency cap (contacts per window of days) and
 *   the days before the due date the assignee is reminded. Defaults live in code (app/followups) until set.
 * - `customer_managers`: the customer's own manager, when one is set (a member of staff).
 * - `followups`: one task per completed ticket (`ticket_id` unique), its assignee, due date (end of a day the
 *   branch is open), reminder and escalation times, outcome, the follow-up appointment booked from it, and
 *   `contacted_at`: when the customer was first contacted about it (the marketing cap counts these).
 * `customer_id` names a row of `customers` without a foreign key, as the appointments and complaints do.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("followup_rules")
    .addColumn("service_id", "text", (c) => c.primaryKey().references("services.id"))
    .addColumn("days", "integer", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull())
    .addColumn("enabled_at", "bigint", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("followup_policy")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("marketing_cap", "integer", (c) => c.notNull())
    .addColumn("marketing_window_days", "integer", (c) => c.notNull())
    .addColumn("reminder_days", "integer", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("customer_managers")
    .addColumn("customer_id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("set_by", "text")
    .addColumn("set_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("followups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addColumn("customer_id", "text", (c) => c.notNull())
    .addColumn("ticket_id", "text", (c) => c.notNull().unique())
    .addColumn("service_id", "text", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("assignee_id", "text")
    .addColumn("assigned_by", "text")
    .addColumn("assigned_via", "text")
    .addColumn("due_at", "bigint", (c) => c.notNull())
    .addColumn("reminded_at", "bigint")
    .addColumn("escalated_at", "bigint")
    .addColumn("contacted_at", "bigint")
    .addColumn("outcome", "text")
    .addColumn("note", "text")
    .addColumn("appointment_id", "text")
    .addColumn("closed_at", "bigint")
    .addColumn("closed_by", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("followups_branch_status_due")
    .on("followups")
    .columns(["branch_id", "status", "due_at"])
    .execute();
  await db.schema.createIndex("followups_assignee_status").on("followups").columns(["assignee_id", "status"]).execute();
  await db.schema
    .createIndex("followups_customer_contacted")
    .on("followups")
    .columns(["customer_id", "contacted_at"])
    .execute();
}
