/**
 * Follow-up tasks (issue 14, C7). A business type may want the customer called back N days after it was done
 * (loans, wealth products): when a ticket of it is completed for a customer (identified on the ticket, or the
 * appointment it came from), the job runner creates a follow-up task assigned to a customer manager (the
 * appointment's named manager, else the customer's own manager, else nobody: the branch manager assigns it),
 * due at the close of business of a day the branch opens (the complaint clock's calendar). The assignee is reminded before the due date and the branch manager told after
 * it, through the outbox, inside working hours. The assignee records the outcome (done, no answer, declined)
 * and may book a follow-up appointment from it (the staff booking use case).
 *
 * A marketing follow-up (a product offer, a call) contacts the customer only with their current marketing consent
 * covering calls (the latest marketing answer about calls) and
 * within the frequency cap (marketing contacts per customer per window of days); otherwise 409. A contact is
 * counted once per follow-up, when its outcome is recorded or an appointment is booked from it.
 *
 * Customer data in every answer is masked (name, phone); the full phone is had through the customers'
 * break-glass route, as everywhere else.
 */
import type { Kysely } from "kysely";
import {
  afterNoAnswer,
  type BranchCalendar,
  DEFAULT_POLICY,
  daysToDue,
  type FollowupOutcome,
  type FollowupPolicy,
  type FollowupPurpose,
  type FollowupResult,
  followupClockAction,
  followupDueAt,
  MAX_ATTEMPTS_LIMIT,
  MAX_DAYS,
  marketingAllowed,
} from "../../domain/followups/rules.ts";
import type { BranchId } from "../../domain/ids.ts";
import { maskCustomerPhone, maskName } from "../../domain/personal-data/mask-customer.ts";
import { findBranch } from "../../store/branches.ts";
import { customerIdOfTicket } from "../../store/customer-records.ts";
import type { Database, FollowupTable } from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";
import { BRANCH_READERS, CONFIG_ROLES, canActInBranch, requireBranchAccess, requireRole } from "../access.ts";
import type { Actor, Role, StaffActor } from "../actor.ts";
import { bookAppointment } from "../appointments/book.ts";
import { complaintCalendar } from "../complaints/complaints.ts";
import type { AppContext } from "../context.ts";
import { currentConsent } from "../customers/identify.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import type { ScheduledJob } from "../messages/runner.ts";
import { customerNames, freeTextFor } from "../personal-data/free-text.ts";
import { audit } from "../record.ts";
import { branchManagers, enqueueStaffNotice, staffRecipients } from "../staff-notices.ts";
import { updateIfUnchanged } from "../versioned-update.ts";

/** Staff who may hold and work follow-ups (customer managers are staff of these roles). */
export const FOLLOWUP_WORKERS: readonly Role[] = BRANCH_READERS;
/** Who sees every follow-up of the branch and assigns them. */
export const FOLLOWUP_LEADS: readonly Role[] = CONFIG_ROLES;

export const FOLLOWUP_REMINDER_KIND = "followup.reminder";
export const FOLLOWUP_ESCALATION_KIND = "followup.escalated";

export interface FollowupView {
  readonly id: string;
  readonly branchId: string;
  readonly ticketId: string;
  readonly ticketNumber: string | null;
  readonly serviceId: string;
  readonly serviceNameZh: string;
  readonly serviceNameEn: string;
  readonly purpose: FollowupPurpose;
  readonly status: "open" | "closed";
  readonly customer: {
    readonly id: string;
    readonly code: string | null;
    readonly name: string;
    readonly phone: string;
  };
  readonly assigneeId: string | null;
  readonly assigneeName: string | null;
  readonly assignedVia: string | null;
  readonly dueAt: string;
  readonly daysLeft: number;
  readonly overdue: boolean;
  readonly remindedAt: string | null;
  readonly escalatedAt: string | null;
  readonly contactedAt: string | null;
  /** The last outcome recorded: "no_answer" on an open follow-up means another attempt is scheduled. */
  readonly outcome: FollowupResult | null;
  readonly note: string | null;
  /** Attempts without an answer so far, and how many the policy allows before "unreachable". */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly appointment: {
    readonly id: string;
    readonly code: string;
    readonly start: string;
    readonly status: string;
  } | null;
  readonly closedAt: string | null;
  readonly createdAt: string;
  /** For a marketing follow-up: whether the customer may be contacted now (consent and cap), and why not. */
  readonly marketing: {
    readonly consent: boolean;
    readonly contactsInWindow: number;
    readonly cap: number;
    readonly windowDays: number;
    readonly allowed: boolean;
  } | null;
}

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

// ---------------------------------------------------------------------------------------------- settings

export async function loadPolicy(db: Kysely<Database>): Promise<FollowupPolicy> {
  const row = await db.selectFrom("followup_policy").selectAll().where("id", "=", "global").executeTakeFirst();
  if (!row) return DEFAULT_POLICY;
  return {
    marketingCap: Number(row.marketing_cap),
    windowDays: Number(row.marketing_window_days),
    reminderDays: Number(row.reminder_days),
    maxAttempts: row.max_attempts === null ? DEFAULT_POLICY.maxAttempts : Number(row.max_attempts),
  };
}

export interface FollowupRuleView {
  readonly serviceId: string;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly active: boolean;
  readonly days: number | null;
  readonly purpose: FollowupPurpose | null;
}

export interface FollowupSettings {
  readonly policy: FollowupPolicy;
  readonly rules: readonly FollowupRuleView[];
}

/** `GET /api/branches/:branchId/followup-settings`: every business type of the branch with its rule, and the cap. */
export async function getFollowupSettings(ctx: AppContext, who: Actor, branchId: string): Promise<FollowupSettings> {
  requireBranchAccess(who, branchId as BranchId, FOLLOWUP_LEADS);
  const db = ctx.store.db;
  const rows = await db
    .selectFrom("services")
    .leftJoin("followup_rules", "followup_rules.service_id", "services.id")
    .select([
      "services.id",
      "services.code",
      "services.name_zh",
      "services.name_en",
      "services.sort_order",
      "followup_rules.days",
      "followup_rules.purpose",
      "followup_rules.active",
    ])
    .where("services.branch_id", "=", branchId)
    .orderBy("services.sort_order")
    .orderBy("services.code")
    .execute();
  return {
    policy: await loadPolicy(db),
    rules: rows.map((r) => ({
      serviceId: r.id,
      code: r.code,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      active: r.active === 1,
      days: r.days === null ? null : Number(r.days),
      purpose: (r.purpose as FollowupPurpose | null) ?? null,
    })),
  };
}

/**
 * `PUT /api/services/:serviceId/followup-rule {active, days, purpose}`: a branch manager of the service's branch
 * (or admin). Switching a rule on starts it from now: tickets completed before are not followed up.
 */
export async function setFollowupRule(
  ctx: AppContext,
  who: Actor,
  serviceId: string,
  input: { active: boolean; days: number; purpose: FollowupPurpose },
): Promise<FollowupRuleView> {
  const db = ctx.store.db;
  const service = await db.selectFrom("services").selectAll().where("id", "=", serviceId).executeTakeFirst();
  if (!service) throw notFound("Service", serviceId);
  const actor = requireRole(who, FOLLOWUP_LEADS);
  requireBranchAccess(actor, service.branch_id as BranchId, FOLLOWUP_LEADS);
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > MAX_DAYS)
    throw invalid(
      `days must be a whole number from 1 to ${MAX_DAYS}.`,
      { field: "days" },
      `天数须为 1 至 ${MAX_DAYS} 的整数。`,
    );
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    const existing = await tx
      .selectFrom("followup_rules")
      .selectAll()
      .where("service_id", "=", serviceId)
      .executeTakeFirst();
    const enabledAt = existing && existing.active === 1 && input.active ? Number(existing.enabled_at) : now;
    const row = {
      days: input.days,
      purpose: input.purpose,
      active: input.active ? 1 : 0,
      enabled_at: enabledAt,
      updated_by: actor.id,
      updated_at: now,
    };
    if (existing) await tx.updateTable("followup_rules").set(row).where("service_id", "=", serviceId).execute();
    else
      await tx
        .insertInto("followup_rules")
        .values({ service_id: serviceId, ...row })
        .execute();
    await audit(
      tx,
      actor,
      now,
      "followup.rule",
      { type: "service", id: serviceId, branchId: service.branch_id },
      { active: input.active, days: input.days, purpose: input.purpose },
    );
  });
  return {
    serviceId,
    code: service.code,
    nameZh: service.name_zh,
    nameEn: service.name_en,
    active: input.active,
    days: input.days,
    purpose: input.purpose,
  };
}

/**
 * `PUT /api/followup-policy {marketingCap, windowDays, reminderDays, maxAttempts?}`: admin (the cap is the
 * bank's). Without `maxAttempts` the current one stays.
 */
export async function setFollowupPolicy(
  ctx: AppContext,
  who: Actor,
  body: Omit<FollowupPolicy, "maxAttempts"> & { maxAttempts?: number },
): Promise<FollowupPolicy> {
  const actor = requireRole(who, ["admin"]);
  const input: FollowupPolicy = {
    ...body,
    maxAttempts: body.maxAttempts ?? (await loadPolicy(ctx.store.db)).maxAttempts,
  };
  const whole = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  if (
    !whole(input.marketingCap, 0, 100) ||
    !whole(input.windowDays, 1, 365) ||
    !whole(input.reminderDays, 0, 30) ||
    !whole(input.maxAttempts, 1, MAX_ATTEMPTS_LIMIT)
  )
    throw invalid(
      `marketingCap 0–100, windowDays 1–365, reminderDays 0–30 and maxAttempts 1–${MAX_ATTEMPTS_LIMIT}, whole numbers.`,
      undefined,
      `营销次数上限 0–100、统计天数 1–365、提前提醒天数 0–30、联系尝试次数 1–${MAX_ATTEMPTS_LIMIT}，均为整数。`,
    );
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    const row = {
      marketing_cap: input.marketingCap,
      marketing_window_days: input.windowDays,
      reminder_days: input.reminderDays,
      max_attempts: input.maxAttempts,
      updated_by: actor.id,
      updated_at: now,
    };
    const r = await tx.updateTable("followup_policy").set(row).where("id", "=", "global").executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0)
      await tx
        .insertInto("followup_policy")
        .values({ id: "global", ...row })
        .execute();
    await audit(tx, actor, now, "followup.policy", { type: "followup_policy", id: "global", branchId: null }, input);
  });
  return input;
}

/** Whether `userId` is an active member of staff of the branch in a role that works follow-ups. */
async function isWorker(db: Kysely<Database>, branchId: string, userId: string): Promise<boolean> {
  const user = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select(["users.roles", "users.active"])
    .where("users.id", "=", userId)
    .where("memberships.branch_id", "=", branchId)
    .executeTakeFirst();
  if (user?.active !== 1) return false;
  return (JSON.parse(user.roles) as Role[]).some((r) => FOLLOWUP_WORKERS.includes(r));
}

/**
 * `PUT /api/customers/:customerId/manager {userId}`: the customer's own manager (null: none), whom their
 * follow-ups go to when the appointment named nobody. A branch manager names staff of a branch they manage.
 */
export async function setCustomerManager(
  ctx: AppContext,
  who: Actor,
  customerId: string,
  input: { userId: string | null },
): Promise<{ customerId: string; managerUserId: string | null }> {
  const actor = requireRole(who, FOLLOWUP_LEADS);
  const db = ctx.store.db;
  const customer = await db.selectFrom("customers").select("id").where("id", "=", customerId).executeTakeFirst();
  if (!customer) throw notFound("Customer", customerId);
  if (input.userId !== null) {
    const branches = await db
      .selectFrom("memberships")
      .select("branch_id")
      .where("user_id", "=", input.userId)
      .execute();
    const ok = [];
    for (const b of branches)
      if (
        canActInBranch(actor, b.branch_id as BranchId, FOLLOWUP_LEADS) &&
        (await isWorker(db, b.branch_id, input.userId))
      )
        ok.push(b.branch_id);
    if (ok.length === 0)
      throw invalid(
        "The customer manager must be an active member of staff of a branch you manage.",
        { field: "userId" },
        "客户经理须为您所管理网点的在职员工。",
      );
  }
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    await tx.deleteFrom("customer_managers").where("customer_id", "=", customerId).execute();
    if (input.userId !== null)
      await tx
        .insertInto("customer_managers")
        .values({ customer_id: customerId, user_id: input.userId, set_by: actor.id, set_at: now })
        .execute();
    await audit(
      tx,
      actor,
      now,
      "customer.manager",
      { type: "customer", id: customerId, branchId: null },
      { managerUserId: input.userId },
    );
  });
  return { customerId, managerUserId: input.userId };
}

// ---------------------------------------------------------------------------------------------- creation

/**
 * The branch's calendar around `from`: the complaint clock's (weekly hours, closed and short days), so a follow-up
 * is due at the close of business of a day the branch opens. Undefined for a branch that no longer exists.
 */
async function calendarOf(db: Kysely<Database>, branchId: string, from: number): Promise<BranchCalendar | undefined> {
  if (!(await findBranch(db, branchId))) return undefined;
  return complaintCalendar(db, branchId, from);
}

/**
 * The job: every ticket done since its business type's rule was switched on, with a customer and no follow-up
 * yet, gets one. Safe on several instances at once (one follow-up per ticket: a unique key). Answers how many
 * it created.
 */
export async function createDueFollowups(ctx: AppContext, limit = 50): Promise<number> {
  const db = ctx.store.db;
  const candidates = await db
    .selectFrom("tickets")
    .innerJoin("followup_rules", "followup_rules.service_id", "tickets.service_id")
    .select([
      "tickets.id",
      "tickets.branch_id",
      "tickets.service_id",
      "tickets.completed_at",
      "followup_rules.days",
      "followup_rules.purpose",
    ])
    .where("followup_rules.active", "=", 1)
    .where("tickets.status", "=", "done")
    .whereRef("tickets.completed_at", ">=", "followup_rules.enabled_at")
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("followups").select("followups.id").whereRef("followups.ticket_id", "=", "tickets.id"))),
    )
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom("ticket_customers")
            .select("ticket_customers.ticket_id")
            .whereRef("ticket_customers.ticket_id", "=", "tickets.id"),
        ),
        eb.exists(
          eb
            .selectFrom("appointments")
            .select("appointments.id")
            .whereRef("appointments.ticket_id", "=", "tickets.id")
            .where("appointments.customer_id", "is not", null),
        ),
      ]),
    )
    .orderBy("tickets.completed_at")
    .limit(limit)
    .execute();
  let created = 0;
  const calendars = new Map<string, BranchCalendar | undefined>();
  for (const t of candidates) {
    const customerId = await customerIdOfTicket(db, t.id);
    if (!customerId) continue;
    if (!calendars.has(t.branch_id)) calendars.set(t.branch_id, await calendarOf(db, t.branch_id, ctx.clock()));
    const calendar = calendars.get(t.branch_id);
    if (!calendar) continue;
    const completedAt = Number(t.completed_at ?? ctx.clock());
    // The assignee: the appointment's named manager, else the customer's own manager, each only while they
    // still work follow-ups in this branch; else nobody (the branch manager assigns).
    const appointment = await db
      .selectFrom("appointments")
      .select("manager_user_id")
      .where("ticket_id", "=", t.id)
      .executeTakeFirst();
    const own = await db
      .selectFrom("customer_managers")
      .select("user_id")
      .where("customer_id", "=", customerId)
      .executeTakeFirst();
    let assignee: string | null = null;
    let via: string | null = null;
    if (appointment?.manager_user_id && (await isWorker(db, t.branch_id, appointment.manager_user_id))) {
      assignee = appointment.manager_user_id;
      via = "appointment";
    } else if (own && (await isWorker(db, t.branch_id, own.user_id))) {
      assignee = own.user_id;
      via = "customer";
    }
    const now = ctx.clock();
    const row: FollowupTable = {
      id: ctx.newId(),
      branch_id: t.branch_id,
      customer_id: customerId,
      ticket_id: t.id,
      service_id: t.service_id,
      purpose: t.purpose === "marketing" ? "marketing" : "service",
      status: "open",
      assignee_id: assignee,
      assigned_by: null,
      assigned_via: via,
      due_at: followupDueAt(completedAt, Number(t.days), calendar),
      reminded_at: null,
      escalated_at: null,
      contacted_at: null,
      outcome: null,
      note: null,
      attempts: 0,
      appointment_id: null,
      closed_at: null,
      closed_by: null,
      version: 0,
      created_at: now,
      updated_at: now,
    };
    const inserted = await ctx.store.write((tx) =>
      tx
        .insertInto("followups")
        .values(row)
        .onConflict((oc) => oc.column("ticket_id").doNothing())
        .returning("id")
        .executeTakeFirst(),
    );
    if (inserted) created++;
  }
  return created;
}

// ---------------------------------------------------------------------------------------------- reads

async function marketingContacts(db: Kysely<Database>, customerId: string, since: number, except?: string) {
  let q = db
    .selectFrom("followups")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("customer_id", "=", customerId)
    .where("purpose", "=", "marketing")
    .where("contacted_at", ">=", since);
  if (except) q = q.where("id", "!=", except);
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

/**
 * The follow-ups as `viewerId` sees them. The note is free text: as typed to the assignee who contacts the
 * customer and wrote it; numbers and the customer's names masked for everyone else (src/app/personal-data).
 */
async function views(ctx: AppContext, rows: readonly FollowupTable[], viewerId: string): Promise<FollowupView[]> {
  if (rows.length === 0) return [];
  const db = ctx.store.db;
  const uniq = <T>(xs: T[]) => [...new Set(xs)];
  const customerIds = uniq(rows.map((r) => r.customer_id));
  const names = await customerNames(
    db,
    rows.filter((r) => r.note !== null && r.assignee_id !== viewerId).map((r) => r.customer_id),
  );
  const [customers, services, tickets, users, appointments] = await Promise.all([
    db
      .selectFrom("customers")
      .select(["id", "code", "name", "phone_e164", "anonymised_at"])
      .where("id", "in", customerIds)
      .execute(),
    db
      .selectFrom("services")
      .select(["id", "name_zh", "name_en"])
      .where("id", "in", uniq(rows.map((r) => r.service_id)))
      .execute(),
    db
      .selectFrom("tickets")
      .select(["id", "number"])
      .where("id", "in", uniq(rows.map((r) => r.ticket_id)))
      .execute(),
    db
      .selectFrom("users")
      .select(["id", "display_name"])
      .where("id", "in", uniq(rows.map((r) => r.assignee_id ?? "")))
      .execute(),
    db
      .selectFrom("appointments")
      .select(["id", "code", "start_at", "status"])
      .where("id", "in", uniq(rows.map((r) => r.appointment_id ?? "")))
      .execute(),
  ]);
  const byId = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x]));
  const c = byId(customers);
  const s = byId(services);
  const tk = byId(tickets);
  const u = byId(users);
  const ap = byId(appointments);
  const now = ctx.clock();
  const policy = await loadPolicy(db);
  const since = now - policy.windowDays * 86_400_000;
  const zones = new Map<string, string>();
  const out: FollowupView[] = [];
  for (const r of rows) {
    let zone = zones.get(r.branch_id);
    if (zone === undefined) {
      zone = (await findBranch(db, r.branch_id))?.timezone ?? "Asia/Shanghai";
      zones.set(r.branch_id, zone);
    }
    const customer = c.get(r.customer_id);
    const appointment = r.appointment_id ? ap.get(r.appointment_id) : undefined;
    let marketing: FollowupView["marketing"] = null;
    if (r.purpose === "marketing") {
      const consent = (await currentConsent(db, r.customer_id, "marketing", "call")) === true;
      const contactsInWindow = await marketingContacts(db, r.customer_id, since, r.id);
      marketing = {
        consent,
        contactsInWindow,
        cap: policy.marketingCap,
        windowDays: policy.windowDays,
        allowed: marketingAllowed(consent, r.contacted_at !== null ? 0 : contactsInWindow, policy).ok,
      };
    }
    const due = Number(r.due_at);
    out.push({
      id: r.id,
      branchId: r.branch_id,
      ticketId: r.ticket_id,
      ticketNumber: tk.get(r.ticket_id)?.number ?? null,
      serviceId: r.service_id,
      serviceNameZh: s.get(r.service_id)?.name_zh ?? "",
      serviceNameEn: s.get(r.service_id)?.name_en ?? "",
      purpose: r.purpose,
      status: r.status,
      customer: {
        id: r.customer_id,
        code: customer?.code ?? null,
        name: customer && !customer.anonymised_at ? maskName(customer.name) : "",
        phone: customer && !customer.anonymised_at ? maskCustomerPhone(customer.phone_e164) : "",
      },
      assigneeId: r.assignee_id,
      assigneeName: r.assignee_id ? (u.get(r.assignee_id)?.display_name ?? null) : null,
      assignedVia: r.assigned_via,
      dueAt: new Date(due).toISOString(),
      daysLeft: daysToDue(due, now, zone),
      overdue: r.status === "open" && now > due,
      remindedAt: iso(r.reminded_at),
      escalatedAt: iso(r.escalated_at),
      contactedAt: iso(r.contacted_at),
      outcome: (r.outcome as FollowupResult | null) ?? null,
      note: freeTextFor(r.assignee_id === viewerId, names.get(r.customer_id))(r.note),
      attempts: Number(r.attempts ?? 0),
      maxAttempts: policy.maxAttempts,
      appointment: appointment
        ? {
            id: appointment.id,
            code: appointment.code,
            start: new Date(Number(appointment.start_at)).toISOString(),
            status: appointment.status,
          }
        : null,
      closedAt: iso(r.closed_at),
      createdAt: new Date(Number(r.created_at)).toISOString(),
      marketing,
    });
  }
  return out;
}

function isLead(actor: StaffActor, branchId: string): boolean {
  return canActInBranch(actor, branchId as BranchId, FOLLOWUP_LEADS);
}

/**
 * `GET /api/branches/:branchId/followups?scope=mine|branch&status=&dueBefore=`: a customer manager's own
 * follow-ups, or (branch managers) all of the branch, open ones by due date first.
 */
export async function listFollowups(
  ctx: AppContext,
  who: Actor,
  branchId: string,
  query: { scope?: "mine" | "branch"; status?: "open" | "closed"; dueBefore?: string },
): Promise<FollowupView[]> {
  const actor = requireRole(who, FOLLOWUP_WORKERS);
  requireBranchAccess(actor, branchId as BranchId, FOLLOWUP_WORKERS);
  const scope = query.scope ?? "mine";
  if (scope === "branch" && !isLead(actor, branchId))
    throw forbidden(
      "Only the branch manager sees every follow-up of the branch.",
      "只有网点负责人可查看本网点全部回访任务。",
    );
  let q = ctx.store.db.selectFrom("followups").selectAll().where("branch_id", "=", branchId);
  if (scope === "mine") q = q.where("assignee_id", "=", actor.id);
  if (query.status) q = q.where("status", "=", query.status);
  if (query.dueBefore !== undefined) {
    const before = Date.parse(query.dueBefore);
    if (Number.isNaN(before))
      throw invalid("dueBefore is not a date.", { field: "dueBefore" }, "dueBefore 不是有效日期。");
    q = q.where("due_at", "<", before);
  }
  const rows = await q.orderBy("due_at").limit(500).execute();
  const list = await views(ctx, rows, actor.id);
  return list.sort(
    (a, b) => Number(a.status === "closed") - Number(b.status === "closed") || a.dueAt.localeCompare(b.dueAt),
  );
}

async function loadFollowup(db: Kysely<Database>, id: string): Promise<FollowupTable> {
  const row = await db.selectFrom("followups").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Follow-up", id);
  return row;
}

/** The actor may work this follow-up: its assignee, or a lead of its branch. */
function requireWorker(who: Actor, f: FollowupTable): StaffActor {
  const actor = requireRole(who, FOLLOWUP_WORKERS);
  requireBranchAccess(actor, f.branch_id as BranchId, FOLLOWUP_WORKERS);
  if (f.assignee_id !== actor.id && !isLead(actor, f.branch_id))
    throw forbidden(
      "Only the follow-up's assignee or the branch manager may work it.",
      "只有回访任务的负责人或网点负责人可以处理。",
    );
  return actor;
}

/** `GET /api/followups/:followupId`. */
export async function getFollowup(ctx: AppContext, who: Actor, id: string): Promise<FollowupView> {
  requireRole(who, FOLLOWUP_WORKERS);
  const f = await loadFollowup(ctx.store.db, id);
  const actor = requireWorker(who, f);
  const [view] = await views(ctx, [f], actor.id);
  return view as FollowupView;
}

/** `GET /api/customers/:customerId/followups`: the customer's follow-ups in the caller's branches (profile). */
export async function customerFollowups(
  ctx: AppContext,
  who: Actor,
  customerId: string,
): Promise<{ items: FollowupView[]; managerUserId: string | null; managerName: string | null }> {
  const actor = requireRole(who, FOLLOWUP_WORKERS);
  const branches = actor.roles.includes("admin") ? null : [...actor.branchIds];
  let q = ctx.store.db.selectFrom("followups").selectAll().where("customer_id", "=", customerId);
  if (branches !== null) q = q.where("branch_id", "in", branches.length ? branches : [""]);
  const rows = await q.orderBy("created_at", "desc").limit(200).execute();
  const manager = await ctx.store.db
    .selectFrom("customer_managers")
    .innerJoin("users", "users.id", "customer_managers.user_id")
    .select(["users.id", "users.display_name"])
    .where("customer_managers.customer_id", "=", customerId)
    .executeTakeFirst();
  return {
    items: await views(ctx, rows, actor.id),
    managerUserId: manager?.id ?? null,
    managerName: manager?.display_name ?? null,
  };
}

// ---------------------------------------------------------------------------------------------- actions

function requireOpen(f: FollowupTable): void {
  if (f.status !== "open") throw conflict("The follow-up is closed.", { status: f.status }, "该回访任务已完成。");
}

function updateFollowup(tx: Tx, read: FollowupTable, patch: Partial<FollowupTable>) {
  return updateIfUnchanged(tx, "followups", read, patch, { en: "follow-up", zh: "回访任务" });
}

/** 409 unless a marketing follow-up may contact its customer now (consent, cap); nothing for service ones. */
async function requireMarketingAllowed(db: Kysely<Database>, f: FollowupTable, now: number): Promise<void> {
  if (f.purpose !== "marketing") return;
  const policy = await loadPolicy(db);
  const consent = await currentConsent(db, f.customer_id, "marketing", "call");
  // A follow-up already counted (an appointment booked from it) does not count again when its outcome is recorded.
  const contacts =
    f.contacted_at !== null
      ? 0
      : await marketingContacts(db, f.customer_id, now - policy.windowDays * 86_400_000, f.id);
  const verdict = marketingAllowed(consent, contacts, policy);
  if (verdict.ok) return;
  if (verdict.reason === "no_consent")
    throw conflict(
      "The customer has not agreed to marketing contact: this follow-up offers a product and may not contact them.",
      { reason: "no_marketing_consent" },
      "客户未同意接收营销信息：此回访为产品营销，不能联系客户。",
    );
  throw conflict(
    `The customer has had ${contacts} marketing contact(s) in the last ${policy.windowDays} days, the most allowed is ${policy.marketingCap}.`,
    { reason: "marketing_cap", contacts, cap: policy.marketingCap, windowDays: policy.windowDays },
    `该客户近 ${policy.windowDays} 天内已接受 ${contacts} 次营销联系，已达上限 ${policy.marketingCap} 次。`,
  );
}

/** `POST /api/followups/:followupId/assign {userId}`: the branch manager gives it to a customer manager. */
export async function assignFollowup(
  ctx: AppContext,
  who: Actor,
  id: string,
  input: { userId: string },
): Promise<FollowupView> {
  const actor = requireRole(who, FOLLOWUP_LEADS);
  const f = await loadFollowup(ctx.store.db, id);
  requireBranchAccess(actor, f.branch_id as BranchId, FOLLOWUP_LEADS);
  requireOpen(f);
  if (!(await isWorker(ctx.store.db, f.branch_id, input.userId)))
    throw invalid(
      "The assignee must be an active member of staff of the follow-up's branch.",
      { field: "userId" },
      "负责人须为该网点的在职员工。",
    );
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    const fresh = await loadFollowup(tx, id);
    requireOpen(fresh);
    // A new assignee gets their own reminder.
    await updateFollowup(tx, fresh, {
      assignee_id: input.userId,
      assigned_by: actor.id,
      assigned_via: "staff",
      reminded_at: fresh.assignee_id === input.userId ? fresh.reminded_at : null,
      updated_at: now,
    });
    await audit(
      tx,
      actor,
      now,
      "followup.assign",
      { type: "followup", id, branchId: f.branch_id },
      { assigneeId: input.userId, previous: fresh.assignee_id },
    );
  });
  return getFollowup(ctx, who, id);
}

/**
 * `POST /api/followups/:followupId/outcome {outcome, note}`: done or declined closes the task. No answer
 * schedules another attempt (due at the end of the branch's next working day, the reminder and escalation
 * armed again) until the policy's attempts are used up; the last one closes it as "unreachable".
 * A marketing follow-up: 409 without the customer's marketing consent or past the cap.
 */
export async function recordFollowupOutcome(
  ctx: AppContext,
  who: Actor,
  id: string,
  input: { outcome: FollowupOutcome; note?: string },
): Promise<FollowupView> {
  requireRole(who, FOLLOWUP_WORKERS);
  const f = await loadFollowup(ctx.store.db, id);
  const actor = requireWorker(who, f);
  requireOpen(f);
  const now = ctx.clock();
  // Read before the write: on SQLite a read through the store inside a write would wait for that write.
  const [policy, calendar] = await Promise.all([loadPolicy(ctx.store.db), calendarOf(ctx.store.db, f.branch_id, now)]);
  await ctx.store.write(async (tx) => {
    const fresh = await loadFollowup(tx, id);
    requireOpen(fresh);
    await requireMarketingAllowed(tx, fresh, now);
    const attempts = Number(fresh.attempts ?? 0) + (input.outcome === "no_answer" ? 1 : 0);
    const next =
      input.outcome === "no_answer" && calendar ? afterNoAnswer(attempts, policy.maxAttempts, now, calendar) : null;
    const note = input.note?.trim() || null;
    const contacted = fresh.contacted_at ?? now;
    if (next?.retry) {
      await updateFollowup(tx, fresh, {
        outcome: "no_answer",
        note,
        attempts,
        due_at: next.dueAt,
        reminded_at: null,
        escalated_at: null,
        contacted_at: contacted,
        updated_at: now,
      });
    } else {
      const result: FollowupResult = input.outcome === "no_answer" ? "unreachable" : input.outcome;
      await updateFollowup(tx, fresh, {
        status: "closed",
        outcome: result,
        note,
        attempts,
        contacted_at: contacted,
        closed_at: now,
        closed_by: actor.id,
        updated_at: now,
      });
    }
    await audit(
      tx,
      actor,
      now,
      "followup.outcome",
      { type: "followup", id, branchId: f.branch_id },
      {
        outcome: input.outcome,
        purpose: f.purpose,
        attempts,
        ...(next?.retry ? { nextDueAt: new Date(next.dueAt).toISOString() } : {}),
        ...(input.outcome === "no_answer" && !next?.retry ? { closedAs: "unreachable" } : {}),
      },
    );
  });
  return getFollowup(ctx, who, id);
}

/**
 * `POST /api/followups/:followupId/appointment {start, serviceId?}`: books the follow-up appointment for the
 * customer with the staff booking use case (its rules, slots and messages), naming the follow-up's assignee
 * (or the caller) as the customer manager. 409 when one booked from it is still pending, and for a marketing
 * follow-up without consent or past the cap.
 */
export async function bookFollowupAppointment(
  ctx: AppContext,
  who: Actor,
  id: string,
  input: { start: string; serviceId?: string },
): Promise<FollowupView> {
  requireRole(who, FOLLOWUP_WORKERS);
  const db = ctx.store.db;
  const f = await loadFollowup(db, id);
  const actor = requireWorker(who, f);
  requireOpen(f);
  if (f.appointment_id) {
    const a = await db
      .selectFrom("appointments")
      .select("status")
      .where("id", "=", f.appointment_id)
      .executeTakeFirst();
    if (a && (a.status === "booked" || a.status === "checked_in"))
      throw conflict(
        "An appointment booked from this follow-up is still pending.",
        { reason: "already_booked", appointmentId: f.appointment_id },
        "已从该回访任务预约，预约尚未完成。",
      );
  }
  const now = ctx.clock();
  await requireMarketingAllowed(db, f, now);
  const customer = await db.selectFrom("customers").selectAll().where("id", "=", f.customer_id).executeTakeFirst();
  if (!customer || customer.anonymised_at !== null)
    throw conflict("The customer's record is no longer there.", { reason: "customer_gone" }, "客户记录已不存在。");
  const serviceId = input.serviceId ?? f.service_id;
  const service = await db.selectFrom("services").select("branch_id").where("id", "=", serviceId).executeTakeFirst();
  if (!service || service.branch_id !== f.branch_id)
    throw invalid(
      "That business type is not one of the follow-up's branch.",
      { field: "serviceId" },
      "该业务不属于此网点。",
    );
  const booked = await bookAppointment(ctx, actor, {
    branchId: f.branch_id,
    serviceId,
    start: input.start,
    name: customer.name,
    phone: customer.phone_e164,
    ...(customer.email ? { email: customer.email } : {}),
    lang: customer.lang,
    managerUserId: f.assignee_id ?? actor.id,
  });
  await ctx.store.write(async (tx) => {
    const fresh = await loadFollowup(tx, id);
    await updateFollowup(tx, fresh, {
      appointment_id: booked.id,
      contacted_at: fresh.contacted_at ?? now,
      updated_at: now,
    });
    await audit(
      tx,
      actor,
      now,
      "followup.book",
      { type: "followup", id, branchId: f.branch_id },
      { appointmentId: booked.id, start: booked.start },
    );
  });
  return getFollowup(ctx, who, id);
}

// ---------------------------------------------------------------------------------------------- the clock

/**
 * The job: for each open follow-up of a branch that is open now, the reminder to its assignee before the due
 * date and the escalation to the branch's managers after it, each once, by e-mail and SMS through the outbox
 * (to whoever has a contact), in each recipient's language (staffLangOf). Answers what it did.
 */
export async function sweepFollowupClocks(ctx: AppContext): Promise<{ reminded: number; escalated: number }> {
  const db = ctx.store.db;
  const now = ctx.clock();
  const policy = await loadPolicy(db);
  const open = await db
    .selectFrom("followups")
    .selectAll()
    .where("status", "=", "open")
    .where((eb) => eb.or([eb("reminded_at", "is", null), eb("escalated_at", "is", null)]))
    .execute();
  const calendars = new Map<string, BranchCalendar | undefined>();
  let reminded = 0;
  let escalated = 0;
  for (const f of open) {
    if (!calendars.has(f.branch_id)) calendars.set(f.branch_id, await calendarOf(db, f.branch_id, now));
    const calendar = calendars.get(f.branch_id);
    if (!calendar) continue;
    const action = followupClockAction(
      {
        dueAt: Number(f.due_at),
        assigneeId: f.assignee_id,
        remindedAt: f.reminded_at === null ? null : Number(f.reminded_at),
        escalatedAt: f.escalated_at === null ? null : Number(f.escalated_at),
      },
      now,
      calendar,
      policy.reminderDays,
    );
    if (!action) continue;
    const recipients = action === "remind" && f.assignee_id ? [f.assignee_id] : await branchManagers(db, f.branch_id);
    const [branch, service, ticket, customer] = await Promise.all([
      findBranch(db, f.branch_id),
      db.selectFrom("services").select(["name_zh", "name_en"]).where("id", "=", f.service_id).executeTakeFirst(),
      db.selectFrom("tickets").select("number").where("id", "=", f.ticket_id).executeTakeFirst(),
      db.selectFrom("customers").select(["name", "anonymised_at"]).where("id", "=", f.customer_id).executeTakeFirst(),
    ]);
    const contacts = await staffRecipients(db, recipients, f.branch_id);
    const column = action === "remind" ? "reminded_at" : "escalated_at";
    const kind = action === "remind" ? FOLLOWUP_REMINDER_KIND : FOLLOWUP_ESCALATION_KIND;
    const data = {
      branch: branch ? { zh: branch.nameZh, en: branch.nameEn } : "",
      service: service ? { zh: service.name_zh, en: service.name_en } : "",
      number: ticket?.number ?? "",
      customer: customer && !customer.anonymised_at ? maskName(customer.name) : "",
      dueAt: new Date(Number(f.due_at)).toISOString(),
      timeZone: calendar.timeZone,
      daysLeft: daysToDue(Number(f.due_at), now, calendar.timeZone),
      assigned: f.assignee_id !== null,
      path: `/followups?id=${f.id}`,
    };
    const done = await ctx.store.write(async (tx) => {
      const r = await tx
        .updateTable("followups")
        .set({ [column]: now, updated_at: now })
        .where("id", "=", f.id)
        .where("status", "=", "open")
        .where(column, "is", null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await enqueueStaffNotice(tx, contacts, {
        kind,
        data,
        now,
        dedupe: `${f.id}:${Number(f.due_at)}`,
        branchId: f.branch_id,
        relatedType: "followup",
        relatedId: f.id,
      });
      return true;
    });
    if (done && action === "remind") reminded++;
    if (done && action === "escalate") escalated++;
  }
  return { reminded, escalated };
}

/** The follow-ups' scheduled jobs (app/messages/runner.ts), safe on several instances at once. */
export const FOLLOWUP_JOBS: readonly ScheduledJob[] = [
  // Completed tickets of business types that want a follow-up get their task within seconds.
  { name: "followups.create", everyMs: 5_000, run: (ctx) => createDueFollowups(ctx) },
  // Reminders before the due date and escalations after it, inside working hours.
  { name: "followups.clock", everyMs: 60_000, run: sweepFollowupClocks },
];
