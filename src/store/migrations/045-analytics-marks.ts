import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Analytics kept current by marks instead of a full refresh every minute (issue 15). Every write that changes
 * what a branch-day's tallies count leaves a mark in `analytics_marks`, in its own transaction, written by a
 * trigger so that no code path (the hand-tuned PostgreSQL statements of the ticket hot path included) can forget
 * it: a ticket issued, or one whose status, calls, start, finish, counter, teller, business type or rating
 * changed; a survey answered; a review round submitted, taken or decided; a complaint recorded; an appointment
 * booked or changed; a counter opened, paused or closed. One job (src/app/analytics/tally-marks.ts) re-tallies
 * only the marked branch-days and deletes the marks it read.
 *
 * Marks are appended, never updated: a row per change, so two transactions marking the same branch-day never
 * wait for each other (no hot row, no new lock order on the ticket path), and a mark written while the job runs
 * is a new row the job did not read and does not delete. Most marks carry the branch-local `day`; those whose
 * day needs the branch's time zone (a counter event, a complaint naming no ticket) carry `at` instead.
 *
 * Tickets inserted already finished (the importer, the demo's history) leave no mark: the importer tallies the
 * days it wrote itself.
 *
 * `analytics_job_leases`: one row per job that must run on one instance at a time (the tally job).
 */
const FINAL = "('done', 'no_show', 'cancelled', 'redirected', 'in_review')";
const TICKET_COLUMNS = [
  "status",
  "rating",
  "first_called_at",
  "called_at",
  "started_at",
  "completed_at",
  "counter_id",
  "served_by",
  "service_id",
  "outcome",
  "issued_at",
  "day",
];
const REVIEW_COLUMNS = ["submitted_at", "taken_at", "decided_at", "ticket_id"];
const COMPLAINT_COLUMNS = ["ticket_id", "received_at", "branch_id"];
const APPOINTMENT_COLUMNS = ["status", "checked_in_at", "start_at", "day", "service_id", "branch_id", "created_at"];
const COUNTER_EVENTS = "('counter.opened', 'counter.paused', 'counter.closed', 'counter.updated')";

/** Mark statements, as SQL that reads NEW/OLD, shared by both dialects' trigger bodies. */
const MARK = {
  ticketNew: "INSERT INTO analytics_marks (branch_id, day) VALUES (NEW.branch_id, NEW.day)",
  ticketOld:
    "INSERT INTO analytics_marks (branch_id, day) SELECT OLD.branch_id, OLD.day WHERE OLD.day <> NEW.day OR OLD.branch_id <> NEW.branch_id",
  viaTicket: (row: "NEW" | "OLD") =>
    `INSERT INTO analytics_marks (branch_id, day) SELECT branch_id, day FROM tickets WHERE id = ${row}.ticket_id`,
  complaintUnlinked: (row: "NEW" | "OLD") =>
    `INSERT INTO analytics_marks (branch_id, at) SELECT ${row}.branch_id, ${row}.received_at WHERE NOT EXISTS (SELECT 1 FROM tickets WHERE id = ${row}.ticket_id)`,
  appointment: (row: "NEW" | "OLD") =>
    `INSERT INTO analytics_marks (branch_id, day) VALUES (${row}.branch_id, ${row}.day)`,
  counterEvent: "INSERT INTO analytics_marks (branch_id, at) VALUES (NEW.branch_id, NEW.at)",
};

interface TriggerSpec {
  readonly name: string;
  readonly table: string;
  readonly event: "INSERT" | "UPDATE";
  /** The condition, reading NEW (and OLD on UPDATE); "changed" columns become IS DISTINCT FROM tests. */
  readonly when?: string;
  readonly changed?: readonly string[];
  readonly body: readonly string[];
}

const TRIGGERS: readonly TriggerSpec[] = [
  {
    name: "ticket_issued",
    table: "tickets",
    event: "INSERT",
    when: `NEW.status NOT IN ${FINAL}`,
    body: [MARK.ticketNew],
  },
  {
    name: "ticket_changed",
    table: "tickets",
    event: "UPDATE",
    changed: TICKET_COLUMNS,
    body: [MARK.ticketNew, MARK.ticketOld],
  },
  {
    name: "survey_added",
    table: "surveys",
    event: "INSERT",
    when: "NEW.nps IS NOT NULL",
    body: [MARK.viaTicket("NEW")],
  },
  { name: "survey_answered", table: "surveys", event: "UPDATE", changed: ["nps"], body: [MARK.viaTicket("NEW")] },
  { name: "review_added", table: "reviews", event: "INSERT", body: [MARK.viaTicket("NEW")] },
  {
    name: "review_changed",
    table: "reviews",
    event: "UPDATE",
    changed: REVIEW_COLUMNS,
    body: [MARK.viaTicket("NEW"), MARK.viaTicket("OLD")],
  },
  {
    name: "complaint_added",
    table: "complaints",
    event: "INSERT",
    body: [MARK.viaTicket("NEW"), MARK.complaintUnlinked("NEW")],
  },
  {
    name: "complaint_changed",
    table: "complaints",
    event: "UPDATE",
    changed: COMPLAINT_COLUMNS,
    body: [MARK.viaTicket("NEW"), MARK.complaintUnlinked("NEW"), MARK.viaTicket("OLD"), MARK.complaintUnlinked("OLD")],
  },
  { name: "appointment_added", table: "appointments", event: "INSERT", body: [MARK.appointment("NEW")] },
  {
    name: "appointment_changed",
    table: "appointments",
    event: "UPDATE",
    changed: APPOINTMENT_COLUMNS,
    body: [MARK.appointment("NEW"), MARK.appointment("OLD")],
  },
  {
    name: "counter_event",
    table: "events",
    event: "INSERT",
    when: `NEW.type IN ${COUNTER_EVENTS}`,
    body: [MARK.counterEvent],
  },
];

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const pg = dialect === "postgres";
  await db.schema
    .createTable("analytics_marks")
    .addColumn("id", pg ? "bigserial" : "integer", (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("day", "text")
    .addColumn("at", "bigint")
    .execute();
  await db.schema
    .createTable("analytics_job_leases")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("owner", "text")
    .addColumn("lease_until", "bigint", (c) => c.notNull())
    .execute();
  await sql`INSERT INTO analytics_job_leases (name, owner, lease_until) VALUES ('analytics.tally', NULL, 0)`.execute(
    db,
  );

  for (const t of TRIGGERS) {
    const distinct = pg ? "IS DISTINCT FROM" : "IS NOT";
    const conditions = [
      ...(t.when ? [`(${t.when})`] : []),
      ...(t.changed ? [`(${t.changed.map((c) => `NEW.${c} ${distinct} OLD.${c}`).join(" OR ")})`] : []),
    ];
    const when = conditions.length ? conditions.join(" AND ") : undefined;
    const name = `analytics_mark_${t.name}`;
    if (pg) {
      await sql
        .raw(
          `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${t.body.map((s) => `${s};`).join(" ")} RETURN NULL; END $$`,
        )
        .execute(db);
      await sql
        .raw(
          `CREATE TRIGGER ${name} AFTER ${t.event} ON ${t.table} FOR EACH ROW ${when ? `WHEN (${when}) ` : ""}EXECUTE FUNCTION ${name}()`,
        )
        .execute(db);
    } else {
      await sql
        .raw(
          `CREATE TRIGGER ${name} AFTER ${t.event} ON ${t.table} FOR EACH ROW ${when ? `WHEN ${when} ` : ""}BEGIN ${t.body.map((s) => `${s};`).join(" ")} END`,
        )
        .execute(db);
    }
  }
}
