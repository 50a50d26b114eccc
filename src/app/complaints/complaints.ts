/**
 * Consumer complaints, following the Chinese rules for bank consumer complaints (银行保险机构消费投诉处理管理办法):
 * recorded by staff, from a survey or the rating pad, or by the customer; a category, a severity and an owner;
 * the statutory clock (see domain/complaints/clock.ts) with one extension approved by a senior (the branch
 * manager) and told to the complainant; a handler who served the linked visit may not handle it (conflict of
 * interest); closing needs a root cause and a reply, which is sent with the complainant's further options and a
 * link to reopen; a regulator export of a period.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import {
  type BranchCalendar,
  clockAction,
  DECISION_DAYS,
  daysLeft,
  decisionDueAt,
  EXTENSION_DAYS,
  extendedDueAt,
  inWorkingHours,
  type Severity,
  type WeeklyHours,
} from "../../domain/complaints/clock.ts";
import { csvField } from "../../domain/csv.ts";
import type { BranchId } from "../../domain/ids.ts";
import { maskFreeText, maskStringsIn } from "../../domain/personal-data/mask.ts";
import { findBranch } from "../../store/branches.ts";
import { enqueueMessage, type MessageChannel, type MessageLang } from "../../store/outbox.ts";
import { ticketSides } from "../../store/reviews.ts";
import type { ComplaintTable, Database } from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";
import { recordTransition } from "../../store/tickets.ts";
import { canActInBranch, requireBranchAccess, requireRole, requireStaff } from "../access.ts";
import type { Actor, Role, StaffActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { customerNames, ticketNames } from "../personal-data/free-text.ts";
import { audit } from "../record.ts";
import { branchManagers, enqueueStaffNotice, staffRecipients } from "../staff-notices.ts";
import { updateIfUnchanged } from "../versioned-update.ts";

export const COMPLAINT_REMINDER_KIND = "complaint.reminder";
export const COMPLAINT_ESCALATION_KIND = "complaint.escalated";

/** Staff who record complaints: everyone who meets customers in the branch. */
export const COMPLAINT_RECORDERS: readonly Role[] = [
  "admin",
  "branch_manager",
  "lobby_manager",
  "teller",
  "back_office",
];
/** Staff who run the complaint desk: assign, close, reopen, read every complaint of the branch. */
export const COMPLAINT_HANDLERS: readonly Role[] = ["admin", "branch_manager", "lobby_manager", "back_office"];
/** A senior who approves an extension and exports for the regulator. */
export const COMPLAINT_SENIORS: readonly Role[] = ["admin", "branch_manager"];

export type ComplaintSource = ComplaintTable["source"];

/**
 * Stated in every reply to a complainant (the rules ask the reply to say what the complainant may still do):
 * ask for a second look, mediation, the regulator's hotline, the courts.
 */
export const FURTHER_OPTIONS = {
  zh: "如对处理结果不满意，您可通过本短信链接申请重新处理，也可向银行业消费纠纷调解组织申请调解、拨打 12378 金融消费者投诉热线向监管部门反映，或依法向人民法院提起诉讼。",
  en: "If you are not satisfied, you may ask us to look again through this link, apply for mediation to the banking consumer dispute mediation body, call the regulator's consumer hotline 12378, or go to court.",
} as const;

export interface ComplaintInput {
  readonly branchId: string;
  readonly ticketId?: string;
  readonly customerId?: string;
  readonly category: string;
  readonly severity: Severity;
  readonly description: string;
}

export interface ComplaintSummary {
  readonly id: string;
  readonly reference: string;
  readonly branchId: string;
  readonly ticketId: string | null;
  readonly customerId: string | null;
  readonly source: ComplaintSource;
  readonly category: string;
  readonly severity: Severity;
  readonly description: string;
  readonly status: "open" | "closed";
  readonly ownerId: string | null;
  readonly receivedAt: string;
  readonly dueAt: string;
  /** Branch-local calendar days left to the deadline (negative once past). */
  readonly daysLeft: number;
  readonly overdue: boolean;
  readonly extended: boolean;
  readonly remindedAt: string | null;
  readonly escalatedAt: string | null;
  readonly rootCause: string | null;
  readonly reply: string | null;
  readonly closedAt: string | null;
  readonly reopenCount: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());
/** A short reference a complainant can quote: the id's last 8 characters, upper case. */
export const referenceOf = (id: string): string => id.replace(/-/g, "").slice(-8).toUpperCase();

/**
 * Whether `viewerId` may read the complaint's free text (description, root cause, reply, the reasons in its
 * history) as typed: its owner, who handles it and answers the complainant, and the member of staff who recorded
 * it (they typed it). Everyone else, the desk that routes and oversees complaints, managers and the admin
 * included, gets mobile and ID numbers in it masked, as ticket notes are for everyone but the serving teller.
 */
export function readsComplaintAsTyped(
  c: Pick<ComplaintTable, "owner_id" | "created_by">,
  viewerId: string | undefined,
): boolean {
  return viewerId !== undefined && (c.owner_id === viewerId || c.created_by === viewerId);
}

/** The complaint as `viewerId` sees it (free text masked unless `readsComplaintAsTyped`; no viewer: masked). */
export function complaintSummary(
  c: ComplaintTable,
  now: number,
  timeZone: string,
  viewerId?: string,
  /** The complainant's name when known (their customer record, or the linked visit's): masked in the texts too. */
  names: readonly string[] = [],
): ComplaintSummary {
  const due = Number(c.due_at);
  const text = readsComplaintAsTyped(c, viewerId)
    ? (s: string | null) => s
    : (s: string | null) => maskFreeText(s, names);
  return {
    id: c.id,
    reference: referenceOf(c.id),
    branchId: c.branch_id,
    ticketId: c.ticket_id,
    customerId: c.customer_id,
    source: c.source,
    category: c.category,
    severity: c.severity,
    description: text(c.description) as string,
    status: c.status,
    ownerId: c.owner_id,
    receivedAt: new Date(Number(c.received_at)).toISOString(),
    dueAt: new Date(due).toISOString(),
    daysLeft: daysLeft(due, now, timeZone),
    overdue: c.status === "open" && now > due,
    extended: c.extended_at !== null,
    remindedAt: iso(c.reminded_at),
    escalatedAt: iso(c.escalated_at),
    rootCause: text(c.root_cause),
    reply: text(c.reply),
    closedAt: iso(c.closed_at),
    reopenCount: Number(c.reopen_count),
  };
}

/**
 * The names of the customers complaints belong to (their customer record, and the linked visit's customer and
 * booker; src/app/personal-data/free-text.ts), by complaint id: their free text masks them for whoever does not
 * read it as typed.
 */
export async function complainantNames(
  db: Kysely<Database>,
  complaints: ReadonlyArray<Pick<ComplaintTable, "id" | "customer_id" | "ticket_id">>,
): Promise<Map<string, string[]>> {
  const [byCustomer, byTicket] = await Promise.all([
    customerNames(
      db,
      complaints.flatMap((c) => (c.customer_id ? [c.customer_id] : [])),
    ),
    ticketNames(
      db,
      complaints.flatMap((c) => (c.ticket_id ? [c.ticket_id] : [])),
    ),
  ]);
  return new Map(
    complaints.map((c) => [
      c.id,
      [
        ...new Set([
          ...(c.customer_id ? (byCustomer.get(c.customer_id) ?? []) : []),
          ...(c.ticket_id ? (byTicket.get(c.ticket_id) ?? []) : []),
        ]),
      ],
    ]),
  );
}

/** `complaintSummary` with the complainant's name looked up. */
async function summaryOf(
  db: Kysely<Database>,
  c: ComplaintTable,
  now: number,
  timeZone: string,
  viewerId?: string,
): Promise<ComplaintSummary> {
  return complaintSummary(c, now, timeZone, viewerId, (await complainantNames(db, [c])).get(c.id));
}

const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");
/** 192 random bits, URL-safe. */
export const newToken = (): string => randomBytes(24).toString("base64url");

async function note(
  tx: Tx,
  complaintId: string,
  now: number,
  action: string,
  actorId: string | null,
  data?: unknown,
): Promise<void> {
  const last = await tx
    .selectFrom("complaint_notes")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("complaint_id", "=", complaintId)
    .executeTakeFirst();
  await tx
    .insertInto("complaint_notes")
    .values({
      complaint_id: complaintId,
      seq: Number(last?.seq ?? 0) + 1,
      at: now,
      action,
      actor_id: actorId,
      data: data === undefined ? null : JSON.stringify(data),
    })
    .execute();
}

async function branchZone(db: Kysely<Database>, branchId: string): Promise<string> {
  const branch = await findBranch(db, branchId);
  if (!branch) throw notFound("Branch", branchId);
  return branch.timezone;
}

/**
 * The branch's calendar for the statutory clock: its weekly hours and its days with other hours (closed days and
 * short days from `branch_closures`, issue 13), from 40 days before `from` on (a reclassified complaint's
 * receipt; reminders look back from the deadline).
 */
export async function complaintCalendar(db: Kysely<Database>, branchId: string, from: number): Promise<BranchCalendar> {
  const branch = await findBranch(db, branchId);
  if (!branch) throw notFound("Branch", branchId);
  const since = new Intl.DateTimeFormat("en-CA", { timeZone: branch.timezone }).format(from - 40 * 86_400_000);
  const rows = await db
    .selectFrom("branch_closures")
    .select(["day", "hours"])
    .where("branch_id", "=", branchId)
    .where("day", ">=", since)
    .execute();
  const special: Record<string, readonly [string, string] | null> = {};
  for (const r of rows) special[r.day] = r.hours ? (JSON.parse(r.hours) as [string, string]) : null;
  return { timeZone: branch.timezone, hours: branch.openingHours as WeeklyHours, special };
}

/**
 * Opens a complaint inside a transaction (staff, the survey, the rating pad): its clock starts now. The linked
 * visit's history gets a line naming it, so the visit's timeline shows it.
 */
export async function openComplaint(
  ctx: AppContext,
  tx: Tx,
  input: ComplaintInput & { source: ComplaintSource; surveyId?: string; createdBy: string | null },
  now: number,
): Promise<ComplaintTable> {
  const calendar = await complaintCalendar(tx, input.branchId, now);
  const id = ctx.newId();
  const row: ComplaintTable = {
    id,
    branch_id: input.branchId,
    ticket_id: input.ticketId ?? null,
    customer_id: input.customerId ?? null,
    survey_id: input.surveyId ?? null,
    source: input.source,
    category: input.category,
    severity: input.severity,
    description: input.description,
    status: "open",
    owner_id: null,
    received_at: now,
    due_at: decisionDueAt(now, input.severity, calendar),
    extended_at: null,
    extended_by: null,
    extension_reason: null,
    reminded_at: null,
    escalated_at: null,
    root_cause: null,
    reply: null,
    closed_at: null,
    closed_by: null,
    reopen_count: 0,
    reopen_token_hash: null,
    created_by: input.createdBy,
    version: 0,
    created_at: now,
    updated_at: now,
  };
  await tx.insertInto("complaints").values(row).execute();
  await note(tx, id, now, "recorded", input.createdBy, { source: input.source, severity: input.severity });
  if (input.ticketId) {
    const ticket = await tx
      .selectFrom("tickets")
      .select(["status"])
      .where("id", "=", input.ticketId)
      .executeTakeFirst();
    if (ticket)
      await recordTransition(tx, {
        ticketId: input.ticketId,
        branchId: input.branchId,
        action: "complaint",
        from: ticket.status,
        to: ticket.status,
        at: now,
        actorType: input.createdBy ? "user" : "system",
        actorId: input.createdBy,
        data: { complaintId: id, source: input.source },
      });
  }
  return row;
}

/** `POST /api/complaints`: a member of staff records a complaint. */
export async function recordComplaint(
  ctx: AppContext,
  who: Actor,
  input: ComplaintInput,
): Promise<{ id: string; status: "open"; dueAt: string; reference: string }> {
  const actor = requireRole(who, COMPLAINT_RECORDERS);
  requireBranchAccess(actor, input.branchId as BranchId, COMPLAINT_RECORDERS);
  if (!input.description.trim()) throw invalid("Describe the complaint.", undefined, "请填写投诉内容。");
  const db = ctx.store.db;
  if (input.ticketId) {
    const t = await db.selectFrom("tickets").select("branch_id").where("id", "=", input.ticketId).executeTakeFirst();
    if (!t || t.branch_id !== input.branchId)
      throw invalid("The ticket is not a visit of this branch.", { ticketId: input.ticketId }, "该号票不属于此网点。");
  }
  if (input.customerId) {
    const c = await db.selectFrom("customers").select("id").where("id", "=", input.customerId).executeTakeFirst();
    if (!c) throw invalid("No such customer.", { customerId: input.customerId }, "客户不存在。");
  }
  const now = ctx.clock();
  const row = await ctx.store.write(async (tx) => {
    const created = await openComplaint(ctx, tx, { ...input, source: "staff", createdBy: actor.id }, now);
    await audit(
      tx,
      actor,
      now,
      "complaint.record",
      { type: "complaint", id: created.id, branchId: input.branchId },
      {
        category: input.category,
        severity: input.severity,
        ticketId: input.ticketId ?? null,
      },
    );
    return created;
  });
  return { id: row.id, status: "open", dueAt: new Date(row.due_at).toISOString(), reference: referenceOf(row.id) };
}

async function loadComplaint(_ctx: AppContext, db: Kysely<Database>, id: string) {
  const row = await db.selectFrom("complaints").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Complaint", id);
  return row;
}

/** Applies a change to a complaint only if it is as read (its version); 409 when someone changed it meanwhile. */
function updateComplaint(tx: Tx, read: ComplaintTable, patch: Partial<Omit<ComplaintTable, "id" | "version">>) {
  return updateIfUnchanged(tx, "complaints", read, patch, { en: "complaint", zh: "投诉" });
}

/**
 * 409 when `userId` served the complaint's linked visit (called, recalled, started, completed or submitted its
 * ticket, or took or decided its review): a conflict of interest. Checked for the owner on assign and for whoever
 * closes, reclassifies or extends the complaint (`role` "actor"): none of them may be a party to the visit.
 */
async function requireNoConflict(
  db: Kysely<Database>,
  c: Pick<ComplaintTable, "ticket_id">,
  userId: string,
  role: "owner" | "actor",
): Promise<void> {
  if (!c.ticket_id) return;
  const sides = await ticketSides(db, c.ticket_id);
  if (!sides.servers.has(userId) && !sides.reviewers.has(userId)) return;
  if (role === "owner")
    throw conflict(
      "Conflict of interest: this person served the visit the complaint is about.",
      { userId, reason: "served_visit" },
      "利益冲突：此人办理过被投诉的业务，不能处理该投诉。",
    );
  throw conflict(
    "Conflict of interest: you served the visit the complaint is about; someone else must handle it.",
    { userId, reason: "served_visit" },
    "利益冲突：您办理过被投诉的业务，须由他人处理该投诉。",
  );
}

function requireOpen(c: ComplaintTable): void {
  if (c.status !== "open") throw conflict("The complaint is closed.", { status: c.status }, "该投诉已办结。");
}

/**
 * `POST /api/complaints/:id/assign {userId}`: the owner. 409 when that person served the linked visit (called,
 * started or completed its ticket, or reviewed it): a conflict of interest.
 */
export async function assignComplaint(
  ctx: AppContext,
  who: Actor,
  id: string,
  input: { userId: string },
): Promise<ComplaintSummary> {
  const actor = requireRole(who, COMPLAINT_HANDLERS);
  const c = await loadComplaint(ctx, ctx.store.db, id);
  requireBranchAccess(actor, c.branch_id as BranchId, COMPLAINT_HANDLERS);
  requireOpen(c);
  const user = await ctx.store.db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select(["users.id", "users.roles", "users.active"])
    .where("users.id", "=", input.userId)
    .where("memberships.branch_id", "=", c.branch_id)
    .executeTakeFirst();
  const roles = user ? (JSON.parse(user.roles) as Role[]) : [];
  if (user?.active !== 1 || !roles.some((r) => COMPLAINT_RECORDERS.includes(r)))
    throw invalid(
      "The owner must be an active member of staff of the complaint's branch.",
      { userId: input.userId },
      "处理人须为该网点的在职员工。",
    );
  await requireNoConflict(ctx.store.db, c, input.userId, "owner");
  const now = ctx.clock();
  const updated = await ctx.store.write(async (tx) => {
    const fresh = await loadComplaint(ctx, tx, id);
    requireOpen(fresh);
    await updateComplaint(tx, fresh, { owner_id: input.userId, updated_at: now });
    await note(tx, id, now, "assigned", actor.id, { ownerId: input.userId });
    await audit(
      tx,
      actor,
      now,
      "complaint.assign",
      { type: "complaint", id, branchId: c.branch_id },
      {
        ownerId: input.userId,
      },
    );
    return loadComplaint(ctx, tx, id);
  });
  return summaryOf(ctx.store.db, updated, now, await branchZone(ctx.store.db, c.branch_id), actor.id);
}

/** A member of staff the desk may give a complaint to (the assignment picker). */
export interface ComplaintOwnerCandidate {
  readonly id: string;
  readonly displayName: string;
  readonly staffNo: string;
  readonly roles: Role[];
  /** Served the linked visit (or reviewed it): assigning them is refused with 409 (conflict of interest). */
  readonly conflict: boolean;
  readonly current: boolean;
}

/**
 * `GET /api/complaints/:id/owners`: who may own the complaint, for the desk's picker: the active staff of the
 * complaint's branch in a role that handles customers (the rule `assignComplaint` checks), each marked when they
 * served the linked visit. Complaint handlers of that branch (admin everywhere); others 403.
 */
export async function complaintOwnerCandidates(
  ctx: AppContext,
  who: Actor,
  id: string,
): Promise<ComplaintOwnerCandidate[]> {
  const actor = requireRole(who, COMPLAINT_HANDLERS);
  const db = ctx.store.db;
  const c = await loadComplaint(ctx, db, id);
  requireBranchAccess(actor, c.branch_id as BranchId, COMPLAINT_HANDLERS);
  const [users, sides] = await Promise.all([
    db
      .selectFrom("users")
      .innerJoin("memberships", "memberships.user_id", "users.id")
      .select(["users.id", "users.display_name", "users.staff_no", "users.roles"])
      .where("memberships.branch_id", "=", c.branch_id)
      .where("users.active", "=", 1)
      .orderBy("users.display_name")
      .orderBy("users.id")
      .execute(),
    c.ticket_id ? ticketSides(db, c.ticket_id) : Promise.resolve(undefined),
  ]);
  return users
    .map((u) => ({ ...u, roleList: JSON.parse(u.roles) as Role[] }))
    .filter((u) => u.roleList.some((r) => COMPLAINT_RECORDERS.includes(r)))
    .map((u) => ({
      id: u.id,
      displayName: u.display_name,
      staffNo: u.staff_no,
      roles: u.roleList.filter((r) => COMPLAINT_RECORDERS.includes(r)),
      conflict: sides ? sides.servers.has(u.id) || sides.reviewers.has(u.id) : false,
      current: c.owner_id === u.id,
    }));
}

/** How to reach the complainant: the linked customer's channel, or the booking that brought the visit. */
async function contactOf(
  db: Tx,
  c: Pick<ComplaintTable, "customer_id" | "ticket_id">,
): Promise<{ channel: MessageChannel; recipient: string; lang: MessageLang; customerId: string | null } | undefined> {
  if (c.customer_id) {
    const customer = await db.selectFrom("customers").selectAll().where("id", "=", c.customer_id).executeTakeFirst();
    if (customer) {
      const email = customer.preferred_channel === "email" && customer.email;
      return {
        channel: email ? "email" : "sms",
        recipient: email ? (customer.email as string) : customer.phone_e164,
        lang: customer.lang === "en" ? "en" : "zh-CN",
        customerId: customer.id,
      };
    }
  }
  if (c.ticket_id) {
    const a = await db
      .selectFrom("appointments")
      .select(["customer_id", "customer_phone", "lang"])
      .where("ticket_id", "=", c.ticket_id)
      .executeTakeFirst();
    if (a)
      return {
        channel: "sms",
        recipient: a.customer_phone,
        lang: a.lang === "en" ? "en" : "zh-CN",
        customerId: a.customer_id,
      };
  }
  return undefined;
}

/**
 * `POST /api/complaints/:id/extend {reason}`: one extension of 30 days, approved by a senior (the branch
 * manager), and the complainant told through the outbox in the same transaction.
 */
export async function extendComplaint(
  ctx: AppContext,
  who: Actor,
  id: string,
  input: { reason: string },
): Promise<ComplaintSummary & { complainantNotified: boolean }> {
  const actor = requireRole(who, COMPLAINT_SENIORS);
  const c = await loadComplaint(ctx, ctx.store.db, id);
  requireBranchAccess(actor, c.branch_id as BranchId, COMPLAINT_SENIORS);
  requireOpen(c);
  await requireNoConflict(ctx.store.db, c, actor.id, "actor");
  if (c.extended_at !== null)
    throw conflict("The complaint has had its one extension.", undefined, "该投诉已延期过一次，不能再次延期。");
  const now = ctx.clock();
  const timeZone = await branchZone(ctx.store.db, c.branch_id);
  let notified = false;
  const updated = await ctx.store.write(async (tx) => {
    const fresh = await loadComplaint(ctx, tx, id);
    requireOpen(fresh);
    if (fresh.extended_at !== null)
      throw conflict("The complaint has had its one extension.", undefined, "该投诉已延期过一次，不能再次延期。");
    const dueAt = extendedDueAt(Number(fresh.due_at), await complaintCalendar(tx, fresh.branch_id, now));
    await updateComplaint(tx, fresh, {
      due_at: dueAt,
      extended_at: now,
      extended_by: actor.id,
      extension_reason: input.reason,
      // The new deadline has its own reminder and escalation.
      reminded_at: null,
      escalated_at: null,
      updated_at: now,
    });
    const contact = await contactOf(tx, fresh);
    if (contact) {
      await enqueueMessage(tx, {
        kind: "complaint.extended",
        channel: contact.channel,
        recipient: contact.recipient,
        lang: contact.lang,
        data: {
          reference: referenceOf(id),
          dueAt: new Date(dueAt).toISOString(),
          timeZone,
          reason: input.reason,
        },
        now,
        quietHours: { timeZone },
        branchId: fresh.branch_id,
        ...(contact.customerId ? { customerId: contact.customerId } : {}),
        relatedType: "complaint",
        relatedId: id,
        dedupeKey: `complaint.extended:${id}`,
      });
      notified = true;
    }
    await note(tx, id, now, "extended", actor.id, {
      reason: input.reason,
      days: EXTENSION_DAYS,
      dueAt: new Date(dueAt).toISOString(),
      complainantNotified: notified,
    });
    await audit(
      tx,
      actor,
      now,
      "complaint.extend",
      { type: "complaint", id, branchId: c.branch_id },
      {
        reason: input.reason,
        complainantNotified: notified,
      },
    );
    return loadComplaint(ctx, tx, id);
  });
  return { ...(await summaryOf(ctx.store.db, updated, now, timeZone, actor.id)), complainantNotified: notified };
}

/**
 * `POST /api/complaints/:id/severity {severity, reason}`: the complaint desk reclassifies an open complaint
 * (simple ↔ complex; online ones always arrive as simple). The statutory clock is computed again from the receipt
 * (or the last reopening) with the new severity's days, plus the extension if it had one; the reminder and
 * escalation are armed again for the new deadline. Noted in its history and audited. 400 without a reason or for
 * the severity it already has.
 */
export async function reclassifyComplaint(
  ctx: AppContext,
  who: Actor,
  id: string,
  input: { severity: Severity; reason: string },
): Promise<ComplaintSummary> {
  const actor = requireRole(who, COMPLAINT_HANDLERS);
  const c = await loadComplaint(ctx, ctx.store.db, id);
  requireBranchAccess(actor, c.branch_id as BranchId, COMPLAINT_HANDLERS);
  requireOpen(c);
  await requireNoConflict(ctx.store.db, c, actor.id, "actor");
  const reason = input.reason.trim();
  if ([...reason].length < 2)
    throw invalid("Say why the severity changes.", { field: "reason" }, "请说明调整投诉类型的理由。");
  if (!(input.severity in DECISION_DAYS))
    throw invalid("Severity is simple or complex.", { field: "severity" }, "投诉类型须为简易或复杂。");
  if (input.severity === c.severity)
    throw invalid(
      `The complaint is already ${c.severity}.`,
      { field: "severity", severity: c.severity },
      `该投诉已是${c.severity === "simple" ? "简易" : "复杂"}投诉。`,
    );
  const now = ctx.clock();
  const timeZone = await branchZone(ctx.store.db, c.branch_id);
  const updated = await ctx.store.write(async (tx) => {
    const fresh = await loadComplaint(ctx, tx, id);
    requireOpen(fresh);
    // The clock runs from the receipt, or from the last reopening (a reopened complaint is decided again).
    const reopened =
      Number(fresh.reopen_count) > 0
        ? await tx
            .selectFrom("complaint_notes")
            .select((eb) => eb.fn.max("at").as("at"))
            .where("complaint_id", "=", id)
            .where("action", "=", "reopened")
            .executeTakeFirst()
        : undefined;
    const from = reopened?.at != null ? Number(reopened.at) : Number(fresh.received_at);
    const calendar = await complaintCalendar(tx, fresh.branch_id, from);
    const base = decisionDueAt(from, input.severity, calendar);
    const dueAt = fresh.extended_at !== null ? extendedDueAt(base, calendar) : base;
    await updateComplaint(tx, fresh, {
      severity: input.severity,
      due_at: dueAt,
      reminded_at: null,
      escalated_at: null,
      updated_at: now,
    });
    const change = {
      from: fresh.severity,
      to: input.severity,
      reason,
      dueAt: new Date(dueAt).toISOString(),
      previousDueAt: new Date(Number(fresh.due_at)).toISOString(),
    };
    await note(tx, id, now, "reclassified", actor.id, change);
    await audit(tx, actor, now, "complaint.reclassify", { type: "complaint", id, branchId: c.branch_id }, change);
    return loadComplaint(ctx, tx, id);
  });
  return summaryOf(ctx.store.db, updated, now, timeZone, actor.id);
}

function mayHandle(actor: StaffActor, c: ComplaintTable): boolean {
  return canActInBranch(actor, c.branch_id as BranchId, COMPLAINT_HANDLERS) || c.owner_id === actor.id;
}

/**
 * `POST /api/complaints/:id/close {rootCause, reply}`: by its owner or the desk. 400 without a root cause or a
 * reply. The reply goes to the complainant with their further options and a link to reopen.
 */
export async function closeComplaint(
  ctx: AppContext,
  who: Actor,
  id: string,
  input: { rootCause?: string; reply?: string },
): Promise<ComplaintSummary & { complainantNotified: boolean }> {
  const actor = requireRole(who, COMPLAINT_RECORDERS);
  const rootCause = input.rootCause?.trim() ?? "";
  const reply = input.reply?.trim() ?? "";
  if (!rootCause)
    throw invalid("Closing a complaint needs its root cause.", { field: "rootCause" }, "办结投诉须填写根本原因。");
  if (!reply)
    throw invalid(
      "Closing a complaint needs the reply to the complainant.",
      { field: "reply" },
      "办结投诉须填写给投诉人的答复。",
    );
  const c = await loadComplaint(ctx, ctx.store.db, id);
  requireBranchAccess(actor, c.branch_id as BranchId, [...COMPLAINT_RECORDERS]);
  if (!mayHandle(actor, c))
    throw forbidden(
      "Only the complaint's owner or the complaint desk may close it.",
      "只有投诉处理人或投诉受理岗可以办结。",
    );
  requireOpen(c);
  await requireNoConflict(ctx.store.db, c, actor.id, "actor");
  const now = ctx.clock();
  const timeZone = await branchZone(ctx.store.db, c.branch_id);
  let notified = false;
  const updated = await ctx.store.write(async (tx) => {
    const fresh = await loadComplaint(ctx, tx, id);
    requireOpen(fresh);
    const contact = await contactOf(tx, fresh);
    const token = newToken();
    const withinDeadline = now <= Number(fresh.due_at);
    await updateComplaint(tx, fresh, {
      status: "closed",
      root_cause: rootCause,
      reply,
      closed_at: now,
      closed_by: actor.id,
      reopen_token_hash: sha256(token),
      updated_at: now,
    });
    if (contact) {
      const options = contact.lang === "en" ? FURTHER_OPTIONS.en : FURTHER_OPTIONS.zh;
      await enqueueMessage(tx, {
        kind: "complaint.closed",
        channel: contact.channel,
        recipient: contact.recipient,
        lang: contact.lang,
        data: { reference: referenceOf(id), reply: `${reply} ${options}`, reopenPath: `/complaint/${token}` },
        now,
        quietHours: { timeZone },
        branchId: fresh.branch_id,
        ...(contact.customerId ? { customerId: contact.customerId } : {}),
        relatedType: "complaint",
        relatedId: id,
      });
      notified = true;
    }
    await note(tx, id, now, "closed", actor.id, { withinDeadline, complainantNotified: notified });
    await audit(
      tx,
      actor,
      now,
      "complaint.close",
      { type: "complaint", id, branchId: c.branch_id },
      {
        withinDeadline,
        complainantNotified: notified,
      },
    );
    return loadComplaint(ctx, tx, id);
  });
  return { ...(await summaryOf(ctx.store.db, updated, now, timeZone, actor.id)), complainantNotified: notified };
}

async function reopen(
  _ctx: AppContext,
  tx: Tx,
  c: ComplaintTable,
  actorId: string | null,
  reason: string,
  now: number,
) {
  if (c.status !== "closed") throw conflict("The complaint is open.", { status: c.status }, "该投诉尚未办结。");
  const calendar = await complaintCalendar(tx, c.branch_id, now);
  await updateComplaint(tx, c, {
    status: "open",
    // A reopened complaint is decided again within its severity's days from the reopening.
    received_at: now,
    due_at: decisionDueAt(now, c.severity, calendar),
    extended_at: null,
    extended_by: null,
    extension_reason: null,
    reminded_at: null,
    escalated_at: null,
    closed_at: null,
    closed_by: null,
    reopen_token_hash: null,
    reopen_count: Number(c.reopen_count) + 1,
    updated_at: now,
  });
  await note(tx, c.id, now, "reopened", actorId, { reason, by: actorId ? "staff" : "complainant" });
}

/** `POST /api/public/complaints/reopen {token, reason}`: the complainant, from the link in the reply. */
export async function reopenByComplainant(
  ctx: AppContext,
  input: { token: string; reason: string },
): Promise<{ reference: string; status: "open"; dueAt: string }> {
  const now = ctx.clock();
  const row = await ctx.store.write(async (tx) => {
    const c = await tx
      .selectFrom("complaints")
      .selectAll()
      // The reply's link, or (filed online) the link given at filing.
      .where((eb) =>
        eb.or([eb("reopen_token_hash", "=", sha256(input.token)), eb("status_token_hash", "=", sha256(input.token))]),
      )
      .executeTakeFirst();
    if (!c) throw notFound("Complaint", "(link)");
    await reopen(ctx, tx, c, null, input.reason, now);
    return loadComplaint(ctx, tx, c.id);
  });
  return { reference: referenceOf(row.id), status: "open", dueAt: new Date(Number(row.due_at)).toISOString() };
}

/** `POST /api/complaints/:id/reopen {reason}`: staff reopen at the complainant's request by phone or in person. */
export async function reopenComplaint(
  ctx: AppContext,
  who: Actor,
  id: string,
  input: { reason: string },
): Promise<ComplaintSummary> {
  const actor = requireRole(who, COMPLAINT_HANDLERS);
  const c = await loadComplaint(ctx, ctx.store.db, id);
  requireBranchAccess(actor, c.branch_id as BranchId, COMPLAINT_HANDLERS);
  const now = ctx.clock();
  const updated = await ctx.store.write(async (tx) => {
    const fresh = await loadComplaint(ctx, tx, id);
    await reopen(ctx, tx, fresh, actor.id, input.reason, now);
    await audit(
      tx,
      actor,
      now,
      "complaint.reopen",
      { type: "complaint", id, branchId: c.branch_id },
      {
        reason: input.reason,
      },
    );
    return loadComplaint(ctx, tx, id);
  });
  return summaryOf(ctx.store.db, updated, now, await branchZone(ctx.store.db, c.branch_id), actor.id);
}

export interface ComplaintDetail extends ComplaintSummary {
  readonly notes: ReadonlyArray<{ at: string; action: string; actorId: string | null; data: unknown }>;
  /** The linked visit's timeline (the ticket's history), the complaint's evidence. */
  readonly visit: ReadonlyArray<{
    at: string;
    action: string;
    from: string | null;
    to: string;
    actorId: string | null;
  }>;
  readonly ticketNumber: string | null;
}

/** `GET /api/complaints/:id`. */
export async function getComplaint(ctx: AppContext, who: Actor, id: string): Promise<ComplaintDetail> {
  const actor = requireRole(who, COMPLAINT_RECORDERS);
  const db = ctx.store.db;
  const c = await loadComplaint(ctx, db, id);
  requireBranchAccess(actor, c.branch_id as BranchId, COMPLAINT_RECORDERS);
  if (!mayHandle(actor, c) && c.created_by !== actor.id) throw forbidden();
  const asTyped = readsComplaintAsTyped(c, actor.id);
  const names = (await complainantNames(db, [c])).get(c.id) ?? [];
  const [notes, visit, ticket] = await Promise.all([
    db.selectFrom("complaint_notes").selectAll().where("complaint_id", "=", id).orderBy("seq").execute(),
    c.ticket_id
      ? db.selectFrom("ticket_transitions").selectAll().where("ticket_id", "=", c.ticket_id).orderBy("id").execute()
      : Promise.resolve([]),
    c.ticket_id
      ? db.selectFrom("tickets").select("number").where("id", "=", c.ticket_id).executeTakeFirst()
      : Promise.resolve(undefined),
  ]);
  return {
    ...complaintSummary(c, ctx.clock(), await branchZone(db, c.branch_id), actor.id, names),
    ticketNumber: ticket?.number ?? null,
    notes: notes.map((n) => ({
      at: new Date(Number(n.at)).toISOString(),
      action: n.action,
      actorId: n.actor_id,
      data: n.data === null ? null : asTyped ? JSON.parse(n.data) : maskStringsIn(JSON.parse(n.data), names),
    })),
    visit: visit.map((v) => ({
      at: new Date(Number(v.at)).toISOString(),
      action: v.action,
      from: v.from_status,
      to: v.to_status,
      actorId: v.actor_id,
    })),
  };
}

/** `GET /api/branches/:branchId/complaints?status=`: the desk's list with clocks, most urgent first. */
export async function listComplaints(
  ctx: AppContext,
  who: Actor,
  branchId: string,
  status?: "open" | "closed",
): Promise<ComplaintSummary[]> {
  const actor = requireStaff(who);
  requireBranchAccess(actor, branchId as BranchId, COMPLAINT_RECORDERS);
  const desk = canActInBranch(actor, branchId as BranchId, COMPLAINT_HANDLERS);
  let q = ctx.store.db.selectFrom("complaints").selectAll().where("branch_id", "=", branchId);
  if (status) q = q.where("status", "=", status);
  // A teller sees the complaints they own or recorded; the desk sees all of the branch.
  if (!desk) q = q.where((eb) => eb.or([eb("owner_id", "=", actor.id), eb("created_by", "=", actor.id)]));
  const rows = await q.orderBy("due_at").limit(500).execute();
  const zone = await branchZone(ctx.store.db, branchId);
  const now = ctx.clock();
  const names = await complainantNames(ctx.store.db, rows);
  return rows
    .map((r) => complaintSummary(r, now, zone, actor.id, names.get(r.id)))
    .sort((a, b) => Number(a.status === "closed") - Number(b.status === "closed") || a.dueAt.localeCompare(b.dueAt));
}

/**
 * `GET /api/complaints/export.csv?from=&to=&branchId=`: every complaint received in [from, to) of the branches
 * the senior may see, one line each, for the regulator's periodic report. No personal data: the description and
 * reply stay in the bank.
 */
export async function exportComplaintsCsv(
  ctx: AppContext,
  who: Actor,
  input: { from: string; to: string; branchId?: string },
): Promise<string> {
  const actor = requireRole(who, COMPLAINT_SENIORS);
  const from = Date.parse(input.from);
  const to = Date.parse(input.to);
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from)
    throw invalid("Give a period: from before to (ISO dates).", input, "请给出起止日期（from 早于 to）。");
  let branchIds: string[] | null;
  if (input.branchId) {
    requireBranchAccess(actor, input.branchId as BranchId, COMPLAINT_SENIORS);
    branchIds = [input.branchId];
  } else if (actor.roles.includes("admin")) branchIds = null;
  else {
    if (!actor.roles.includes("branch_manager")) throw forbidden();
    branchIds = [...actor.branchIds];
  }
  let q = ctx.store.db
    .selectFrom("complaints")
    .innerJoin("branches", "branches.id", "complaints.branch_id")
    .selectAll("complaints")
    .select(["branches.code as branch_code", "branches.timezone as timezone"])
    .where("complaints.created_at", ">=", from)
    .where("complaints.created_at", "<", to);
  if (branchIds !== null) q = q.where("complaints.branch_id", "in", branchIds.length ? branchIds : [""]);
  // Complaints received in the same moment keep the order they were filed in (ids are time-ordered), so the file
  // reads the same on both databases and from one export to the next.
  const rows = await q.orderBy("complaints.created_at").orderBy("complaints.id").execute();
  // The latest reopening of each reopened complaint (its history's `reopened` lines).
  const reopenedIds = rows.filter((r) => Number(r.reopen_count) > 0).map((r) => r.id);
  const lastReopened = new Map<string, number>();
  for (const n of reopenedIds.length
    ? await ctx.store.db
        .selectFrom("complaint_notes")
        .select(["complaint_id", "at"])
        .where("complaint_id", "in", reopenedIds)
        .where("action", "=", "reopened")
        .execute()
    : [])
    lastReopened.set(n.complaint_id, Math.max(lastReopened.get(n.complaint_id) ?? 0, Number(n.at)));
  const header = [
    "reference",
    "branch",
    "received",
    "source",
    "category",
    "severity",
    "statutory_days",
    "extended",
    "due",
    "status",
    "closed",
    "days_to_close",
    "within_deadline",
    "root_cause",
    "reopened",
    "last_reopened",
  ];
  const day = (ms: number | null, tz: string) =>
    ms === null ? "" : new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(Number(ms));
  /** Branch-local calendar days from the day of `from` to the day of `to`, as the statutory clock counts them. */
  const daysBetween = (from: number, to: number, tz: string) =>
    Math.round((Date.parse(day(to, tz)) - Date.parse(day(from, tz))) / 86_400_000);
  // The root cause is free text: numbers and the complainant's names in it masked (the file leaves the bank).
  const names = await complainantNames(ctx.store.db, rows);
  const lines = rows.map((r) => {
    const closed = r.closed_at === null ? null : Number(r.closed_at);
    // The complaint was received once: `created_at` is its first receipt (`received_at` restarts the clock of a
    // reopened complaint), and the regulator's days to close count from it, reopenings included.
    const firstReceipt = Number(r.created_at);
    const reopenedAt = lastReopened.get(r.id);
    return [
      referenceOf(r.id),
      r.branch_code,
      day(firstReceipt, r.timezone),
      r.source,
      r.category,
      r.severity,
      DECISION_DAYS[r.severity] + (r.extended_at !== null ? EXTENSION_DAYS : 0),
      r.extended_at !== null ? "yes" : "no",
      day(Number(r.due_at), r.timezone),
      r.status,
      day(closed, r.timezone),
      closed === null ? "" : daysBetween(firstReceipt, closed, r.timezone),
      closed === null ? (ctx.clock() > Number(r.due_at) ? "no" : "") : closed <= Number(r.due_at) ? "yes" : "no",
      maskFreeText(r.root_cause ?? "", names.get(r.id)),
      Number(r.reopen_count),
      reopenedAt === undefined ? "" : day(reopenedAt, r.timezone),
    ]
      .map((v) => csvField(v))
      .join(",");
  });
  await ctx.store.write((tx) =>
    audit(
      tx,
      actor,
      ctx.clock(),
      "complaint.export",
      { type: "complaint", id: null, branchId: input.branchId ?? null },
      {
        from: input.from,
        to: input.to,
        rows: rows.length,
      },
    ),
  );
  return `\uFEFF${[header.join(","), ...lines].join("\r\n")}\r\n`;
}

/**
 * The clock's job (run by the job runner each round): for each open complaint of a branch that is open now
 * (its weekly hours, not a closed day), the reminder before the deadline and the escalation after it, each once
 * per deadline, noted in its history and sent (e-mail and SMS through the outbox) to the owner, or the branch's
 * managers, in each recipient's language (staffLangOf). Outside working hours nothing happens; the next round
 * inside them does it. Answers what it did.
 */
export async function sweepComplaintClocks(ctx: AppContext): Promise<{ reminded: number; escalated: number }> {
  const db = ctx.store.db;
  const now = ctx.clock();
  const open = await db
    .selectFrom("complaints")
    .select(["id", "branch_id", "due_at", "reminded_at", "escalated_at", "owner_id", "category"])
    .where("status", "=", "open")
    .where((eb) => eb.or([eb("reminded_at", "is", null), eb("escalated_at", "is", null)]))
    .execute();
  let reminded = 0;
  let escalated = 0;
  const branches = new Map<
    string,
    { zone: string; calendar: BranchCalendar; open: boolean; name: { zh: string; en: string } }
  >();
  for (const c of open) {
    let b = branches.get(c.branch_id);
    if (!b) {
      const branch = await findBranch(db, c.branch_id);
      if (!branch) continue;
      // Its real hours today: a closed day or a short day (branch_closures) counts, not only the weekly hours.
      const calendar = await complaintCalendar(db, c.branch_id, now);
      b = {
        name: { zh: branch.nameZh, en: branch.nameEn },
        zone: branch.timezone,
        calendar,
        open: inWorkingHours(now, calendar),
      };
      branches.set(c.branch_id, b);
    }
    if (!b.open) continue;
    const action = clockAction(
      {
        dueAt: Number(c.due_at),
        remindedAt: c.reminded_at === null ? null : Number(c.reminded_at),
        escalatedAt: c.escalated_at === null ? null : Number(c.escalated_at),
      },
      now,
      b.calendar,
    );
    if (!action) continue;
    const column = action === "remind" ? "reminded_at" : "escalated_at";
    // The owner is reminded (the branch's managers when it has none); the managers are told once it is past.
    const recipients = action === "remind" && c.owner_id ? [c.owner_id] : await branchManagers(db, c.branch_id);
    const contacts = await staffRecipients(db, recipients, c.branch_id);
    const kind = action === "remind" ? COMPLAINT_REMINDER_KIND : COMPLAINT_ESCALATION_KIND;
    const data = {
      reference: referenceOf(c.id),
      branch: b.name,
      category: c.category,
      dueAt: new Date(Number(c.due_at)).toISOString(),
      timeZone: b.zone,
      daysLeft: daysLeft(Number(c.due_at), now, b.zone),
      owned: c.owner_id !== null,
      path: `/complaints?id=${c.id}`,
    };
    const done = await ctx.store.write(async (tx) => {
      const r = await tx
        .updateTable("complaints")
        .set({ [column]: now, updated_at: now })
        .where("id", "=", c.id)
        .where("status", "=", "open")
        .where(column, "is", null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await note(tx, c.id, now, action === "remind" ? "reminded" : "escalated", null, {
        dueAt: new Date(Number(c.due_at)).toISOString(),
        daysLeft: daysLeft(Number(c.due_at), now, b.zone),
      });
      await enqueueStaffNotice(tx, contacts, {
        kind,
        data,
        now,
        dedupe: `${c.id}:${Number(c.due_at)}`,
        branchId: c.branch_id,
        relatedType: "complaint",
        relatedId: c.id,
      });
      return true;
    });
    if (done && action === "remind") reminded++;
    if (done && action === "escalate") escalated++;
  }
  return { reminded, escalated };
}
