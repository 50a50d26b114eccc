import { type ColumnDefinitionBuilder, type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * One schema for SQLite and PostgreSQL. Portable column types only: text, integer, bigint, and
 * "integer primary key autoincrement" rewritten per dialect by `autoId`.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  // PostgreSQL wants a serial type; SQLite wants INTEGER PRIMARY KEY AUTOINCREMENT.
  const autoId = dialect === "postgres" ? "bigserial" : "integer";
  const autoIdColumn = (c: ColumnDefinitionBuilder) =>
    dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable("branches")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("timezone", "text", (c) => c.notNull())
    .addColumn("opening_hours", "text", (c) => c.notNull())
    .addColumn("target_wait_minutes", "integer", (c) => c.notNull())
    .addColumn("alarm_wait_minutes", "integer", (c) => c.notNull())
    .addColumn("max_recalls", "integer", (c) => c.notNull())
    .addColumn("dispatch_policy", "text", (c) => c.notNull())
    .addColumn("event_seq", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("services")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("description_zh", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description_en", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("expected_minutes", "integer", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("needs_review", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("required_documents", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("services_branch_code", ["branch_id", "code"])
    .addUniqueConstraint("services_branch_prefix", ["branch_id", "prefix"])
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("staff_no", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("roles", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("failed_logins", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("locked_until", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("memberships")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addPrimaryKeyConstraint("memberships_pk", ["user_id", "branch_id"])
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("counters")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("skills", "text", (c) => c.notNull())
    .addColumn("dispatch_policy", "text")
    .addColumn("signed_in_user_id", "text")
    .addColumn("current_ticket_id", "text")
    .addColumn("last_ticket_id", "text")
    .addColumn("pause_reason", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("counters_branch_number", ["branch_id", "number"])
    .execute();
  // One teller at one counter at a time, enforced by the database as well as the use case.
  await sql`CREATE UNIQUE INDEX counters_signed_in_user ON counters (signed_in_user_id) WHERE signed_in_user_id IS NOT NULL`.execute(
    db,
  );

  await db.schema
    .createTable("devices")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("counter_id", "text")
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("revoked_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("tickets")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addColumn("service_id", "text", (c) => c.notNull().references("services.id"))
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("number", "text", (c) => c.notNull())
    .addColumn("priority", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("counter_id", "text")
    .addColumn("target_counter_id", "text")
    .addColumn("issued_at", "bigint", (c) => c.notNull())
    .addColumn("queued_at", "bigint", (c) => c.notNull())
    .addColumn("called_at", "bigint")
    .addColumn("started_at", "bigint")
    .addColumn("completed_at", "bigint")
    .addColumn("recall_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("appointment_at", "bigint")
    .addColumn("outcome", "text")
    .addColumn("notes", "text")
    .addColumn("redirect_reason", "text")
    .addColumn("rating", "text")
    .addColumn("rating_comment", "text")
    .addColumn("served_by", "text")
    .addColumn("estimated_wait_minutes", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("idempotency_key", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("tickets_branch_day_number", ["branch_id", "day", "number"])
    .addUniqueConstraint("tickets_branch_idempotency", ["branch_id", "idempotency_key"])
    .execute();
  // The dispatch read: waiting tickets of one branch.
  await db.schema.createIndex("tickets_branch_status").on("tickets").columns(["branch_id", "status"]).execute();
  // Reads by (branch_id, day) use the unique index on (branch_id, day, number): no index of their own.
  // Learning service times reads a branch's recent weeks by issue time.
  await db.schema.createIndex("tickets_branch_issued").on("tickets").columns(["branch_id", "issued_at"]).execute();

  await db.schema
    .createTable("ticket_transitions")
    .addColumn("id", autoId, autoIdColumn)
    .addColumn("ticket_id", "text", (c) => c.notNull())
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("from_status", "text")
    .addColumn("to_status", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor_type", "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("data", "text")
    .execute();
  await db.schema.createIndex("ticket_transitions_ticket").on("ticket_transitions").column("ticket_id").execute();

  await db.schema
    .createTable("queue_days")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("last_seq", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("queue_days_pk", ["branch_id", "prefix", "day"])
    .execute();

  await db.schema
    .createTable("events")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("events_pk", ["branch_id", "seq"])
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", autoId, autoIdColumn)
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor_type", "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("actor_name", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("entity_type", "text")
    .addColumn("entity_id", "text")
    .addColumn("branch_id", "text")
    .addColumn("ip", "text")
    .addColumn("details", "text")
    .execute();
  await db.schema.createIndex("audit_log_branch_at").on("audit_log").columns(["branch_id", "at"]).execute();
}
