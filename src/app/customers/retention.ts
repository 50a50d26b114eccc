/**
 * Retention of personal data per data class, a customer's export and erasure (issue 14; PIPL).
 *
 *   retentionSettings(ctx, staff) / setRetention(ctx, admin, { days }) — days per class, defaults in
 *     domain/customers/records.ts (RETENTION_DEFAULTS); changes audited.
 *   retentionPlan(ctx, staff) — the dry run: per class, the cut-off and how many rows of which table the
 *     next run anonymises. Nothing is written.
 *   runRetention(ctx, actor | "system") — does it: personal data older than the class's period is blanked
 *     or unlinked, facts for statistics stay (tickets' times, business, outcome, rating; appointments' times
 *     and statuses; audit lines' action, actor and time). Recorded in `retention_runs` and the audit trail.
 *     The job runner calls runScheduledRetention each round: it runs once a day, on one instance only.
 *   exportCustomer(ctx, staff, id, reason) — everything kept about a customer, as JSON; audited.
 *   eraseCustomer(ctx, staff, id, reason) — anonymises the customer now, with their appointments, visit
 *     links, form answers, records, follow-up notes, complaint texts (description, reply, reasons; the facts
 *     stay), survey comments and chat conversations (unlinked, transcript blanked); audited.
 *
 * Complaints (closed ones: description, reply, reasons), survey texts (the free comment), follow-up notes (of
 * closed follow-ups) and chat transcripts (of closed conversations) have their own classes; their facts stay
 * (category, severity, dates, outcome, scores; a chat's times, skill, agent and rating).
 */

import { randomUUID } from "node:crypto";
import type { ExpressionBuilder } from "kysely";
import {
  DATA_CLASSES,
  type DataClass,
  RETENTION_DEFAULTS,
  RETENTION_MAX_DAYS,
  RETENTION_MIN_DAYS,
} from "../../domain/customers/records.ts";
import { ticketIdsOfCustomer } from "../../store/customer-records.ts";
import { jobLastRunAt, releaseJobLease, takeJobLease } from "../../store/leases.ts";
import type { Database } from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";
import { requireRole } from "../access.ts";
import type { Actor, Role, StaffActor } from "../actor.ts";
import { referenceOf } from "../complaints/complaints.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";
import { auditBranchFor, consentsOf, requireCustomerOfMyBranches } from "./records.ts";

const DAY = 86_400_000;
export const RETENTION_ADMIN: readonly Role[] = ["admin"];
export const PRIVACY_ROLES: readonly Role[] = ["admin", "branch_manager"];

export interface RetentionClass {
  readonly dataClass: DataClass;
  readonly days: number;
  readonly defaultDays: number;
  readonly updatedAt: string | null;
}

async function daysByClass(ctx: AppContext): Promise<Map<DataClass, { days: number; updatedAt: number | null }>> {
  const rows = await ctx.store.db.selectFrom("retention_settings").selectAll().execute();
  const out = new Map<DataClass, { days: number; updatedAt: number | null }>();
  for (const c of DATA_CLASSES) out.set(c, { days: RETENTION_DEFAULTS[c], updatedAt: null });
  for (const r of rows)
    if (DATA_CLASSES.includes(r.data_class as DataClass))
      out.set(r.data_class as DataClass, { days: r.days, updatedAt: r.updated_at });
  return out;
}

export async function retentionSettings(ctx: AppContext, actor: Actor): Promise<RetentionClass[]> {
  requireRole(actor, PRIVACY_ROLES);
  const map = await daysByClass(ctx);
  return DATA_CLASSES.map((c) => ({
    dataClass: c,
    days: map.get(c)?.days ?? RETENTION_DEFAULTS[c],
    defaultDays: RETENTION_DEFAULTS[c],
    updatedAt: map.get(c)?.updatedAt ? new Date(map.get(c)?.updatedAt as number).toISOString() : null,
  }));
}

export async function setRetention(
  ctx: AppContext,
  actor: Actor,
  days: Partial<Record<string, number>>,
): Promise<RetentionClass[]> {
  const staff = requireRole(actor, RETENTION_ADMIN);
  const entries = Object.entries(days);
  for (const [c, d] of entries) {
    if (!DATA_CLASSES.includes(c as DataClass))
      throw invalid(`Unknown data class ${c}.`, { field: c, allowed: DATA_CLASSES }, `未知的数据类别：${c}。`);
    if (!Number.isInteger(d) || (d as number) < RETENTION_MIN_DAYS || (d as number) > RETENTION_MAX_DAYS)
      throw invalid(
        `Days must be a whole number from ${RETENTION_MIN_DAYS} to ${RETENTION_MAX_DAYS}.`,
        { field: c, min: RETENTION_MIN_DAYS, max: RETENTION_MAX_DAYS },
        `保存天数须为 ${RETENTION_MIN_DAYS} 至 ${RETENTION_MAX_DAYS} 的整数。`,
      );
  }
  await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    for (const [c, d] of entries)
      await tx
        .insertInto("retention_settings")
        .values({ data_class: c, days: d as number, updated_by: staff.id, updated_at: now })
        .onConflict((oc) =>
          oc.column("data_class").doUpdateSet({ days: d as number, updated_by: staff.id, updated_at: now }),
        )
        .execute();
    await audit(tx, staff, now, "retention.settings", { type: "retention", id: null, branchId: null }, days);
  });
  return retentionSettings(ctx, staff);
}

export interface PlanItem {
  readonly dataClass: DataClass;
  readonly days: number;
  readonly cutoff: string;
  readonly available: boolean;
  /** Rows the run anonymises, per table. */
  readonly rows: Record<string, number>;
}

const n = (v: unknown) => Number(v ?? 0);

/** What each class's run covers; `apply` false counts, true anonymises. */
async function sweep(
  settings: Map<DataClass, { days: number; updatedAt: number | null }>,
  db: Tx | AppContext["store"]["db"],
  apply: boolean,
  now: number,
): Promise<PlanItem[]> {
  const cutoffOf = (c: DataClass) => now - (settings.get(c)?.days ?? RETENTION_DEFAULTS[c]) * DAY;
  const items: PlanItem[] = [];

  // Visit personal data: finished tickets' links to customers, free texts, form answers, service records.
  {
    const cutoff = cutoffOf("visit_personal");
    const oldTickets = db.selectFrom("tickets").select("id").where("completed_at", "<", cutoff);
    const count = async (table: "ticket_customers" | "ticket_answers" | "service_records") =>
      n(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("c"))
            .where("ticket_id", "in", oldTickets)
            .executeTakeFirst()
        )?.c,
      );
    const notes = n(
      (
        await db
          .selectFrom("tickets")
          .select((eb) => eb.fn.countAll().as("c"))
          .where("completed_at", "<", cutoff)
          .where((eb) => eb.or([eb("notes", "is not", null), eb("rating_comment", "is not", null)]))
          .executeTakeFirst()
      )?.c,
    );
    const reports = n(
      (
        await db
          .selectFrom("service_reports")
          .select((eb) => eb.fn.countAll().as("c"))
          .where("created_at", "<", cutoff)
          .where("pdf", "!=", "")
          .executeTakeFirst()
      )?.c,
    );
    const messages = n(
      (
        await db
          .selectFrom("outbox")
          .select((eb) => eb.fn.countAll().as("c"))
          .where("created_at", "<", cutoff)
          .where("recipient", "!=", "")
          .where("status", "in", ["sent", "dead", "cancelled"])
          .executeTakeFirst()
      )?.c,
    );
    // Customers with nothing newer than the cut-off: created before it, no visit or appointment after it.
    const idle = db
      .selectFrom("customers")
      .select("customers.id")
      .where("anonymised_at", "is", null)
      .where("created_at", "<", cutoff)
      .where("updated_at", "<", cutoff)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("ticket_customers")
              .select("ticket_id")
              .whereRef("ticket_customers.customer_id", "=", "customers.id")
              .where("attached_at", ">=", cutoff),
          ),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("appointments")
              .select("id")
              .whereRef("appointments.customer_id", "=", "customers.id")
              .where("start_at", ">=", cutoff),
          ),
        ),
      );
    const customers = (await idle.execute()).map((r) => r.id);
    const rows = {
      ticket_customers: await count("ticket_customers"),
      ticket_answers: await count("ticket_answers"),
      service_records: await count("service_records"),
      tickets: notes,
      service_reports: reports,
      outbox: messages,
      customers: customers.length,
    };
    if (apply) {
      await db.deleteFrom("ticket_customers").where("ticket_id", "in", oldTickets).execute();
      await db.deleteFrom("ticket_answers").where("ticket_id", "in", oldTickets).execute();
      await db
        .updateTable("service_records")
        .set({ needs: "", products: "[]" })
        .where("ticket_id", "in", oldTickets)
        .execute();
      await db
        .updateTable("tickets")
        .set({ notes: null, rating_comment: null })
        .where("completed_at", "<", cutoff)
        .where((eb) => eb.or([eb("notes", "is not", null), eb("rating_comment", "is not", null)]))
        .execute();
      await db
        .updateTable("service_reports")
        .set({ pdf: "", customer_id: null })
        .where("created_at", "<", cutoff)
        .execute();
      await db
        .updateTable("outbox")
        .set({ recipient: "", data: "{}" })
        .where("created_at", "<", cutoff)
        .where("recipient", "!=", "")
        .where("status", "in", ["sent", "dead", "cancelled"])
        .execute();
      for (const id of customers) await anonymiseCustomerRow(db, id, now);
    }
    items.push({
      dataClass: "visit_personal",
      days: settings.get("visit_personal")?.days ?? 0,
      cutoff: new Date(cutoff).toISOString(),
      available: true,
      rows,
    });
  }

  // Appointments: the booked person's name, phone, e-mail and answers; times and statuses stay.
  {
    const cutoff = cutoffOf("appointments");
    const appointments = n(
      (
        await db
          .selectFrom("appointments")
          .select((eb) => eb.fn.countAll().as("c"))
          .where("end_at", "<", cutoff)
          .where("customer_phone", "!=", "")
          .executeTakeFirst()
      )?.c,
    );
    const waitlist = n(
      (
        await db
          .selectFrom("appointment_waitlist")
          .select((eb) => eb.fn.countAll().as("c"))
          .where("joined_at", "<", cutoff)
          .where("customer_phone", "!=", "")
          .executeTakeFirst()
      )?.c,
    );
    if (apply) {
      await db
        .updateTable("appointments")
        .set({ customer_name: "", customer_phone: "", customer_email: null, answers: "{}", customer_id: null })
        .where("end_at", "<", cutoff)
        .where("customer_phone", "!=", "")
        .execute();
      await db
        .updateTable("appointment_waitlist")
        .set({ customer_name: "", customer_phone: "", customer_id: null })
        .where("joined_at", "<", cutoff)
        .where("customer_phone", "!=", "")
        .execute();
    }
    items.push({
      dataClass: "appointments",
      days: settings.get("appointments")?.days ?? 0,
      cutoff: new Date(cutoff).toISOString(),
      available: true,
      rows: { appointments, appointment_waitlist: waitlist },
    });
  }

  // Complaints: the texts of complaints closed before the cut-off (description, reply, reasons); the facts stay.
  {
    const cutoff = cutoffOf("complaints");
    const old = await db
      .selectFrom("complaints")
      .select("id")
      .where("status", "=", "closed")
      .where("closed_at", "<", cutoff)
      .where((eb) =>
        eb.or([
          eb("description", "!=", ""),
          eb("reply", "is not", null),
          eb("extension_reason", "is not", null),
          eb("ip_hash", "is not", null),
        ]),
      )
      .execute();
    if (apply)
      await anonymiseComplaintTexts(
        db,
        old.map((c) => c.id),
      );
    items.push({
      dataClass: "complaints",
      days: settings.get("complaints")?.days ?? 0,
      cutoff: new Date(cutoff).toISOString(),
      available: true,
      rows: { complaints: old.length },
    });
  }

  // Survey texts: the free text of answers given before the cut-off; the scores stay.
  {
    const cutoff = cutoffOf("survey_texts");
    const old = (eb: ExpressionBuilder<Database, "surveys">) =>
      eb.and([eb("comment", "is not", null), eb("created_at", "<", cutoff)]);
    const surveys = n(
      (
        await db
          .selectFrom("surveys")
          .select((eb) => eb.fn.countAll().as("c"))
          .where(old)
          .executeTakeFirst()
      )?.c,
    );
    if (apply) await db.updateTable("surveys").set({ comment: null }).where(old).execute();
    items.push({
      dataClass: "survey_texts",
      days: settings.get("survey_texts")?.days ?? 0,
      cutoff: new Date(cutoff).toISOString(),
      available: true,
      rows: { surveys },
    });
  }

  // Audit: the client address and details of old lines; who did what when stays.
  {
    const cutoff = cutoffOf("audit");
    const lines = n(
      (
        await db
          .selectFrom("audit_log")
          .select((eb) => eb.fn.countAll().as("c"))
          .where("at", "<", cutoff)
          .where((eb) => eb.or([eb("ip", "is not", null), eb("details", "is not", null)]))
          .executeTakeFirst()
      )?.c,
    );
    if (apply)
      await db
        .updateTable("audit_log")
        .set({ ip: null, details: null })
        .where("at", "<", cutoff)
        .where((eb) => eb.or([eb("ip", "is not", null), eb("details", "is not", null)]))
        .execute();
    items.push({
      dataClass: "audit",
      days: settings.get("audit")?.days ?? 0,
      cutoff: new Date(cutoff).toISOString(),
      available: true,
      rows: { audit_log: lines },
    });
  }
  // Follow-up notes: what the customer manager wrote on follow-ups closed before the cut-off; the outcome code,
  // the attempts and the dates stay.
  {
    const cutoff = cutoffOf("followup_notes");
    const old = (eb: ExpressionBuilder<Database, "followups">) =>
      eb.and([eb("status", "=", "closed"), eb("closed_at", "<", cutoff), eb("note", "is not", null)]);
    const followups = n(
      (
        await db
          .selectFrom("followups")
          .select((eb) => eb.fn.countAll().as("c"))
          .where(old)
          .executeTakeFirst()
      )?.c,
    );
    if (apply) await db.updateTable("followups").set({ note: null, updated_at: now }).where(old).execute();
    items.push({
      dataClass: "followup_notes",
      days: settings.get("followup_notes")?.days ?? 0,
      cutoff: new Date(cutoff).toISOString(),
      available: true,
      rows: { followups },
    });
  }
  // Chat transcripts: the texts of conversations closed before the cut-off (messages, the flow in progress, the
  // customer link, contacts left with finished callbacks); the conversation row stays with its times, skill,
  // agent and rating for the contact centre's figures.
  {
    const cutoff = cutoffOf("chat_transcripts");
    const closedBefore = db
      .selectFrom("chat_conversations")
      .select("id")
      .where("status", "=", "closed")
      .where("closed_at", "<", cutoff);
    const withText = (eb: ExpressionBuilder<Database, "chat_messages">) =>
      eb.and([eb("conversation_id", "in", closedBefore), eb.or([eb("text", "!=", ""), eb("data", "is not", null)])]);
    const conversations = await db
      .selectFrom("chat_conversations")
      .select("id")
      .where("status", "=", "closed")
      .where("closed_at", "<", cutoff)
      .where((eb) =>
        eb.or([
          eb("customer_id", "is not", null),
          eb("flow", "is not", null),
          eb.exists(
            eb
              .selectFrom("chat_messages")
              .select("seq")
              .whereRef("chat_messages.conversation_id", "=", "chat_conversations.id")
              .where((m) => m.or([m("text", "!=", ""), m("data", "is not", null)])),
          ),
          // A callback made since the last run: its contact goes now (it was kept while the call was due).
          eb.exists(
            eb
              .selectFrom("chat_callbacks")
              .select("id")
              .whereRef("chat_callbacks.conversation_id", "=", "chat_conversations.id")
              .where("done_at", "is not", null)
              .where((c) => c.or([c("contact", "!=", ""), c("message", "!=", "")])),
          ),
        ]),
      )
      .execute();
    const messages = n(
      (
        await db
          .selectFrom("chat_messages")
          .select((eb) => eb.fn.countAll().as("c"))
          .where(withText)
          .executeTakeFirst()
      )?.c,
    );
    if (apply)
      await anonymiseConversations(
        db,
        conversations.map((c) => c.id),
        { openCallbacks: false },
      );
    items.push({
      dataClass: "chat_transcripts",
      days: settings.get("chat_transcripts")?.days ?? 0,
      cutoff: new Date(cutoff).toISOString(),
      available: true,
      rows: { chat_conversations: conversations.length, chat_messages: messages },
    });
  }
  return items;
}

type Db = Tx | AppContext["store"]["db"];

/** Reasons written into a complaint's own history (extension, reopening, reclassification) may quote the complainant. */
const NOTE_ACTIONS_WITH_TEXT = ["extended", "reopened", "reclassified"] as const;

/**
 * A complaint's personal texts: the complainant's description, the reply to them, the extension's reason, the
 * filing address's hash, and the reasons in its history. The facts stay (category, severity, source, status,
 * dates, root cause, owner) for the statistics and the regulator export.
 */
export async function anonymiseComplaintTexts(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("complaints")
    .set({ description: "", reply: null, extension_reason: null, ip_hash: null })
    .where("id", "in", ids)
    .execute();
  const notes = await db
    .selectFrom("complaint_notes")
    .select(["complaint_id", "seq", "data"])
    .where("complaint_id", "in", ids)
    .where("action", "in", NOTE_ACTIONS_WITH_TEXT)
    .execute();
  for (const n of notes) {
    const data = (n.data ? JSON.parse(n.data) : {}) as Record<string, unknown>;
    if (typeof data.reason !== "string" || data.reason === "") continue;
    await db
      .updateTable("complaint_notes")
      .set({ data: JSON.stringify({ ...data, reason: "" }) })
      .where("complaint_id", "=", n.complaint_id)
      .where("seq", "=", n.seq)
      .execute();
  }
}

/**
 * Chat conversations of a customer: unlinked from them, the transcript's texts blanked (who wrote when stays,
 * for the contact centre's figures), the flow in progress and callback contacts gone. Retention passes
 * `openCallbacks: false`: a callback not yet made keeps the contact it needs (erasure on request takes it too).
 */
export async function anonymiseConversations(
  db: Db,
  ids: readonly string[],
  options: { readonly openCallbacks: boolean } = { openCallbacks: true },
): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable("chat_messages").set({ text: "", data: null }).where("conversation_id", "in", ids).execute();
  await db
    .updateTable("chat_callbacks")
    .set({ contact: "", message: "" })
    .where("conversation_id", "in", ids)
    .$if(!options.openCallbacks, (q) => q.where("done_at", "is not", null))
    .execute();
  await db
    .updateTable("chat_conversations")
    .set({ customer_id: null, identified_at: null, flow: null })
    .where("id", "in", ids)
    .execute();
}

async function anonymiseCustomerRow(db: Tx | AppContext["store"]["db"], id: string, now: number): Promise<void> {
  await db
    .updateTable("customers")
    .set({
      // The phone is UNIQUE: a placeholder keeps it so, and the real number may become a new customer later.
      phone_e164: `anon:${id}`,
      phone_rev: "",
      name: "",
      email: null,
      id_number: null,
      birth_date: null,
      notes: "",
      pref_counter: null,
      anonymised_at: now,
      updated_at: now,
    })
    .where("id", "=", id)
    .execute();
}

export async function retentionPlan(
  ctx: AppContext,
  actor: Actor,
): Promise<{ at: string; items: PlanItem[]; lastRunAt: string | null }> {
  requireRole(actor, PRIVACY_ROLES);
  const now = ctx.clock();
  const last = await lastRunAt(ctx);
  return {
    at: new Date(now).toISOString(),
    items: await sweep(await daysByClass(ctx), ctx.store.db, false, now),
    lastRunAt: last === null ? null : new Date(last).toISOString(),
  };
}

async function lastRunAt(ctx: AppContext): Promise<number | null> {
  const row = await ctx.store.db
    .selectFrom("retention_runs")
    .select((eb) => eb.fn.max("at").as("at"))
    .executeTakeFirst();
  return row?.at == null ? null : Number(row.at);
}

export async function runRetention(
  ctx: AppContext,
  actor: Actor | "system",
): Promise<{ at: string; items: PlanItem[] }> {
  const staff = actor === "system" ? null : requireRole(actor, RETENTION_ADMIN);
  const done = await retentionRun(ctx, staff, false);
  if (!done) throw new Error("unreachable: an unconditional retention run always runs");
  return done;
}

/**
 * The job runner's daily run (runCustomerJobs): when the last run, scheduled or by an admin, is a day old. However
 * many instances call it at once, one runs it: the run takes the job's lease (store/leases.ts) in the transaction
 * that anonymises and gives it back with the run's time before the commit, so another instance's claim finds the
 * row locked (PostgreSQL: `SKIP LOCKED`, it goes on at once) or, once committed, the last run too recent, and does
 * nothing. Answers null when it did not run.
 */
export async function runScheduledRetention(ctx: AppContext): Promise<{ at: string; items: PlanItem[] } | null> {
  if (!(await retentionDue(ctx))) return null;
  return retentionRun(ctx, null, true);
}

async function retentionRun(
  ctx: AppContext,
  staff: StaffActor | null,
  scheduled: boolean,
): Promise<{ at: string; items: PlanItem[] } | null> {
  const now = ctx.clock();
  // Read before the write: on SQLite a read through the store inside a write would wait for that write.
  const settings = await daysByClass(ctx);
  const owner = `retention-${randomUUID()}`;
  const items = await ctx.store.write(async (tx) => {
    // The job's lease is taken first, then the sweep: a second instance's run stops here (a scheduled one also when
    // the last run is not a day old). An admin's run waits for a run taking the lease at this moment, then runs.
    const taken = await takeJobLease(tx, {
      name: RETENTION_JOB,
      owner,
      now,
      leaseMs: RETENTION_LEASE_MS,
      ...(scheduled ? { everyMs: DAY } : { wait: true }),
    });
    if (!taken) return null;
    const done = await sweep(settings, tx, true, now);
    await releaseJobLease(tx, RETENTION_JOB, owner, now);
    await tx
      .insertInto("retention_runs")
      .values({ at: now, actor_id: staff?.id ?? null, summary: JSON.stringify(done) })
      .execute();
    const summary = Object.fromEntries(done.map((i) => [i.dataClass, i.rows]));
    if (staff) await audit(tx, staff, now, "retention.run", { type: "retention", id: null, branchId: null }, summary);
    else
      await tx
        .insertInto("audit_log")
        .values({
          at: now,
          actor_type: "system",
          actor_id: null,
          actor_name: "retention",
          action: "retention.run",
          entity_type: "retention",
          entity_id: null,
          branch_id: null,
          ip: null,
          details: JSON.stringify(summary),
        })
        .execute();
    return done;
  });
  return items === null ? null : { at: new Date(now).toISOString(), items };
}

const RETENTION_JOB = "retention";
/**
 * The run is one transaction that takes and gives back the lease, so no other instance ever sees it held; the
 * lease's length only matters should a run outlive its transaction, which it cannot.
 */
const RETENTION_LEASE_MS = 60 * 60_000;

/** Whether the daily run is due: the last run (scheduled or by an admin) is a day old, or there was none. */
export async function retentionDue(ctx: AppContext): Promise<boolean> {
  return ctx.clock() - (await jobLastRunAt(ctx.store.db, RETENTION_JOB)) >= DAY;
}

function requireReason(reason: string): string {
  const r = reason.trim();
  if ([...r].length < 4)
    throw invalid("Give the reason (the customer's request).", { field: "reason" }, "请填写理由（客户的申请）。");
  return r;
}

export async function exportCustomer(
  ctx: AppContext,
  actor: Actor,
  customerId: string,
  reason: string,
): Promise<Record<string, unknown>> {
  const staff: StaffActor = requireRole(actor, PRIVACY_ROLES);
  const why = requireReason(reason);
  const db = ctx.store.db;
  const customer = await db.selectFrom("customers").selectAll().where("id", "=", customerId).executeTakeFirst();
  if (!customer) throw notFound("Customer", customerId);
  // Only a customer of the caller's branches (the admin: any), as the profile shows only their visits.
  const mine = await requireCustomerOfMyBranches(db, staff, customerId);
  const ticketIds = await ticketIdsOfCustomer(db, customerId);
  const ofCustomer = (eb: ExpressionBuilder<Database, "complaints" | "surveys">) =>
    ticketIds.length
      ? eb.or([eb("customer_id", "=", customerId), eb("ticket_id", "in", ticketIds)])
      : eb("customer_id", "=", customerId);
  const [consents, appointments, tickets, answers, records, reports, messages, complaints, surveys] = await Promise.all(
    [
      consentsOf(ctx, customerId),
      db.selectFrom("appointments").selectAll().where("customer_id", "=", customerId).execute(),
      ticketIds.length ? db.selectFrom("tickets").selectAll().where("id", "in", ticketIds).execute() : [],
      ticketIds.length ? db.selectFrom("ticket_answers").selectAll().where("ticket_id", "in", ticketIds).execute() : [],
      ticketIds.length
        ? db.selectFrom("service_records").selectAll().where("ticket_id", "in", ticketIds).execute()
        : [],
      db
        .selectFrom("service_reports")
        .select(["id", "ticket_id", "sha256", "created_at"])
        .where("customer_id", "=", customerId)
        .execute(),
      db
        .selectFrom("outbox")
        .select(["id", "kind", "channel", "status", "created_at", "sent_at"])
        .where("customer_id", "=", customerId)
        .execute(),
      db.selectFrom("complaints").selectAll().where(ofCustomer).orderBy("created_at").execute(),
      db.selectFrom("surveys").selectAll().where(ofCustomer).orderBy("created_at").execute(),
    ],
  );
  const auditBranch = await auditBranchFor(db, staff, customerId, mine);
  await ctx.store.write((tx) =>
    audit(
      tx,
      staff,
      ctx.clock(),
      "customer.export",
      { type: "customer", id: customerId, branchId: auditBranch },
      { reason: why },
    ),
  );
  const time = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    exportedAt: new Date(ctx.clock()).toISOString(),
    customer: {
      id: customer.id,
      code: customer.code,
      name: customer.name,
      phone: customer.phone_e164,
      email: customer.email,
      idNumber: customer.id_number,
      birthDate: customer.birth_date,
      lang: customer.lang,
      preferredChannel: customer.preferred_channel,
      segments: JSON.parse(customer.segments) as unknown,
      vipTier: customer.vip_tier,
      preferredCounter: customer.pref_counter,
      notes: customer.notes,
      createdAt: time(customer.created_at),
      anonymisedAt: time(customer.anonymised_at),
    },
    consents,
    appointments: appointments.map((a) => ({
      id: a.id,
      branchId: a.branch_id,
      serviceId: a.service_id,
      start: time(a.start_at),
      status: a.status,
      answers: JSON.parse(a.answers) as unknown,
      code: a.code,
    })),
    visits: tickets.map((t) => ({
      ticketId: t.id,
      branchId: t.branch_id,
      number: t.number,
      day: t.day,
      serviceId: t.service_id,
      status: t.status,
      issuedAt: time(t.issued_at),
      completedAt: time(t.completed_at),
      outcome: t.outcome,
      rating: t.rating,
      ratingComment: t.rating_comment,
    })),
    formAnswers: answers.map((a) => ({ ticketId: a.ticket_id, answers: JSON.parse(a.answers) as unknown })),
    serviceRecords: records.map((r) => ({
      ticketId: r.ticket_id,
      needs: r.needs,
      products: JSON.parse(r.products) as unknown,
      outcome: r.outcome,
    })),
    serviceReports: reports.map((r) => ({
      id: r.id,
      ticketId: r.ticket_id,
      sha256: r.sha256,
      createdAt: time(r.created_at),
    })),
    messages: messages.map((m) => ({
      id: m.id,
      kind: m.kind,
      channel: m.channel,
      status: m.status,
      createdAt: time(m.created_at),
      sentAt: time(m.sent_at),
    })),
    complaints: complaints.map((c) => ({
      id: c.id,
      reference: referenceOf(c.id),
      ticketId: c.ticket_id,
      source: c.source,
      category: c.category,
      severity: c.severity,
      description: c.description,
      status: c.status,
      receivedAt: time(Number(c.received_at)),
      dueAt: time(Number(c.due_at)),
      reply: c.reply,
      closedAt: c.closed_at === null ? null : time(Number(c.closed_at)),
    })),
    surveys: surveys.map((v) => ({
      ticketId: v.ticket_id,
      csat: v.csat,
      csatSource: v.csat_source,
      nps: v.nps,
      comment: v.comment,
      sentAt: v.sent_at === null ? null : time(Number(v.sent_at)),
      answeredAt: v.answered_at === null ? null : time(Number(v.answered_at)),
    })),
  };
}

export async function eraseCustomer(
  ctx: AppContext,
  actor: Actor,
  customerId: string,
  reason: string,
): Promise<{ id: string; erasedAt: string }> {
  const staff = requireRole(actor, PRIVACY_ROLES);
  const why = requireReason(reason);
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    const row = await tx.selectFrom("customers").select("id").where("id", "=", customerId).executeTakeFirst();
    if (!row) throw notFound("Customer", customerId);
    // Only a customer of the caller's branches (the admin: any), read in the transaction that erases.
    const mine = await requireCustomerOfMyBranches(tx, staff, customerId);
    // Its audit line's branch, worked out before the erasure unlinks the visits it is worked out from.
    const auditBranch = await auditBranchFor(tx, staff, customerId, mine);
    const ticketIds = await ticketIdsOfCustomer(tx, customerId);
    if (ticketIds.length) {
      await tx.deleteFrom("ticket_answers").where("ticket_id", "in", ticketIds).execute();
      await tx
        .updateTable("service_records")
        .set({ needs: "", products: "[]" })
        .where("ticket_id", "in", ticketIds)
        .execute();
      await tx.updateTable("tickets").set({ notes: null, rating_comment: null }).where("id", "in", ticketIds).execute();
      await tx.deleteFrom("ticket_customers").where("customer_id", "=", customerId).execute();
    }
    await tx
      .updateTable("service_reports")
      .set({ pdf: "", customer_id: null })
      .where("customer_id", "=", customerId)
      .execute();
    await tx
      .updateTable("appointments")
      .set({ customer_name: "", customer_phone: "", customer_email: null, answers: "{}", customer_id: null })
      .where("customer_id", "=", customerId)
      .execute();
    await tx
      .updateTable("outbox")
      .set({ recipient: "", data: "{}", status: "cancelled" })
      .where("customer_id", "=", customerId)
      .where("status", "in", ["pending", "failed", "undeliverable"])
      .execute();
    await tx.updateTable("outbox").set({ recipient: "", data: "{}" }).where("customer_id", "=", customerId).execute();
    // Follow-up tasks: their notes go, open ones are closed (the customer may not be contacted any more).
    await tx
      .updateTable("followups")
      .set({ note: null, updated_at: now })
      .where("customer_id", "=", customerId)
      .execute();
    await tx
      .updateTable("followups")
      .set({ status: "closed", closed_at: now, updated_at: now })
      .where("customer_id", "=", customerId)
      .where("status", "=", "open")
      .execute();
    await tx.deleteFrom("customer_managers").where("customer_id", "=", customerId).execute();
    // Complaints and survey answers: the customer's own words go, the facts stay.
    const ofCustomer = (eb: ExpressionBuilder<Database, "complaints" | "surveys" | "chat_conversations">) =>
      ticketIds.length
        ? eb.or([eb("customer_id", "=", customerId), eb("ticket_id", "in", ticketIds)])
        : eb("customer_id", "=", customerId);
    const complaints = await tx.selectFrom("complaints").select("id").where(ofCustomer).execute();
    await anonymiseComplaintTexts(
      tx,
      complaints.map((c) => c.id),
    );
    await tx.updateTable("surveys").set({ comment: null }).where(ofCustomer).execute();
    // Chat conversations the customer identified in (or whose ticket is theirs): unlinked, transcript blanked.
    const conversations = await tx.selectFrom("chat_conversations").select("id").where(ofCustomer).execute();
    await anonymiseConversations(
      tx,
      conversations.map((c) => c.id),
    );
    await anonymiseCustomerRow(tx, customerId, now);
    await audit(
      tx,
      staff,
      now,
      "customer.erase",
      { type: "customer", id: customerId, branchId: auditBranch },
      { reason: why },
    );
  });
  return { id: customerId, erasedAt: new Date(now).toISOString() };
}
