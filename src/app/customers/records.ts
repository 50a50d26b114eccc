/**
 * Customer records for staff (issue 14): search (masked), the profile, its changes, break-glass unmasking.
 *
 *   searchCustomers(ctx, actor, { phone?, name?, code? }) → masked matches (at most 20)
 *   customerProfile(ctx, actor, customerId, via) → the masked profile; records who looked at whom, when
 *   updateCustomer(ctx, actor, customerId, changes) → the profile after the change (audited: field names)
 *   unmaskCustomer(ctx, actor, customerId, { field, reason }) → the full value (audited with the reason)
 *
 * No staff answer carries a full phone, ID number, e-mail or name: the roles that work with customers see
 * them masked (王*明, 138****5678, first 6 and last 4 of an ID), and a full value is shown only through
 * `unmaskCustomer`, one field at a time, with a reason written to the audit trail (break-glass). Auditors
 * read the audit trail, not customers. Visits are those of the branches the member of staff works in.
 */

import type { Kysely, Selectable } from "kysely";
import { DateTime } from "luxon";
import { normalisePhone } from "../../domain/customers/phone.ts";
import { birthDateFromId, ruleSegments, SEGMENTS, type Segment, VIP_TIERS } from "../../domain/customers/records.ts";
import type { BranchId } from "../../domain/ids.ts";
import { restoreMasked } from "../../domain/personal-data/mask.ts";
import { maskCustomerPhone, maskIdentity, maskName } from "../../domain/personal-data/mask-customer.ts";
import {
  complaintsOfCustomer,
  prefixSearch,
  ratingsOfCustomer,
  ticketIdsOfCustomer,
} from "../../store/customer-records.ts";
import type { CustomerTable, Database } from "../../store/schema.ts";
import { requireRole } from "../access.ts";
import type { Actor, Role, StaffActor } from "../actor.ts";
import { referenceOf } from "../complaints/complaints.ts";
import type { AppContext } from "../context.ts";
import { forbidden, invalid, notFound } from "../errors.ts";
import { customerNames, maskedFor } from "../personal-data/free-text.ts";
import { audit } from "../record.ts";
import { CONSENT_DELIVERIES, coversOf } from "./identify.ts";

/** Roles that work with customers (search, profile, call card); auditors do not. */
export const CUSTOMER_ROLES: readonly Role[] = ["admin", "branch_manager", "lobby_manager", "teller", "back_office"];
/** Roles that may see a full value through break-glass. */
export const UNMASK_ROLES: readonly Role[] = ["admin", "branch_manager", "lobby_manager", "teller"];

export interface CustomerMatch {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly phone: string;
  readonly segments: string[];
  readonly vipTier: string | null;
  readonly anonymised: boolean;
}

export interface ConsentState {
  readonly purpose: string;
  readonly granted: boolean;
  /** Where it was given (web, kiosk, staff, phone, counter, chat). */
  readonly channel: string;
  readonly textVersion: string;
  readonly at: string;
  /** The ways of reaching the customer this answer is the current one for ("sms", "email", "call"). */
  readonly covers: string[];
}

export interface Visit {
  readonly ticketId: string;
  readonly branchId: string;
  readonly number: string;
  readonly day: string;
  readonly serviceId: string;
  readonly serviceNameZh: string;
  readonly serviceNameEn: string;
  readonly status: string;
  readonly issuedAt: string;
  readonly completedAt: string | null;
  readonly outcome: string | null;
  readonly rating: string | null;
  readonly needs: string | null;
  readonly products: string[];
  readonly recordOutcome: string | null;
  readonly reportId: string | null;
}

export interface CustomerComplaint {
  readonly id: string;
  readonly reference: string;
  readonly branchId: string;
  readonly ticketId: string | null;
  readonly source: string;
  readonly status: string;
  readonly category: string;
  readonly severity: string;
  readonly openedAt: string;
  readonly dueAt: string;
}

export interface CustomerRating {
  readonly surveyId: string;
  readonly ticketId: string;
  readonly branchId: string;
  readonly csat: string | null;
  readonly csatSource: string | null;
  readonly nps: number | null;
  readonly comment: string | null;
  readonly at: string;
  readonly complaintId: string | null;
}

/** A customer's complaints and ratings in the branches `canSee` allows (profile and call card). */
export async function feedbackOf(
  ctx: AppContext,
  customerId: string,
  canSee: (branchId: string) => boolean,
): Promise<{ complaints: CustomerComplaint[]; ratings: CustomerRating[] }> {
  const db = ctx.store.db;
  const ticketIds = await ticketIdsOfCustomer(db, customerId);
  const [complaints, ratings, names] = await Promise.all([
    complaintsOfCustomer(db, customerId, ticketIds),
    ratingsOfCustomer(db, customerId, ticketIds),
    customerNames(db, [customerId]),
  ]);
  // The customer's survey comments: free text, masked for every reader (numbers and their names).
  const text = maskedFor(names.get(customerId));
  return {
    complaints: complaints
      .filter((c) => canSee(c.branch_id))
      .map((c) => ({
        id: c.id,
        reference: referenceOf(c.id),
        branchId: c.branch_id,
        ticketId: c.ticket_id,
        source: c.source,
        status: c.status,
        category: c.category,
        severity: c.severity,
        openedAt: new Date(Number(c.received_at)).toISOString(),
        dueAt: new Date(Number(c.due_at)).toISOString(),
      })),
    ratings: ratings
      .filter((r) => canSee(r.branch_id))
      .map((r) => ({
        surveyId: r.id,
        ticketId: r.ticket_id,
        branchId: r.branch_id,
        csat: r.csat,
        csatSource: r.csat_source,
        nps: r.nps === null ? null : Number(r.nps),
        comment: text(r.comment),
        at: new Date(Number(r.answered_at ?? r.created_at)).toISOString(),
        complaintId: r.complaint_id,
      })),
  };
}

export interface AppointmentSummary {
  readonly id: string;
  readonly branchId: string;
  readonly serviceId: string;
  readonly start: string;
  readonly status: string;
  readonly ticketId: string | null;
  readonly branchNameZh: string;
  readonly branchNameEn: string;
  readonly serviceNameZh: string;
  readonly serviceNameEn: string;
}

/** A rating on the profile: with its branch's names. */
export interface ProfileRating extends CustomerRating {
  readonly branchNameZh: string;
  readonly branchNameEn: string;
}

/** A follow-up task of the customer on the profile (of the branches the member of staff works in). */
export interface ProfileFollowup {
  readonly id: string;
  readonly branchId: string;
  readonly ticketId: string;
  readonly serviceNameZh: string;
  readonly serviceNameEn: string;
  readonly purpose: string;
  readonly status: string;
  readonly outcome: string | null;
  readonly dueAt: string;
  readonly closedAt: string | null;
}

export interface CustomerProfile {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly phone: string;
  readonly idNumber: string | null;
  readonly email: string | null;
  readonly hasIdNumber: boolean;
  readonly birthYear: number | null;
  readonly anonymised: boolean;
  readonly mergedInto: string | null;
  readonly segments: Array<{ code: string; source: "staff" | "rule" }>;
  readonly vipTier: string | null;
  readonly preferences: { lang: string; channel: string; counter: string | null };
  readonly notes: string;
  readonly consents: ConsentState[];
  readonly visits: Visit[];
  readonly appointments: AppointmentSummary[];
  /** Complaints naming the customer or about their visits (of the branches the member of staff works in). */
  readonly complaints: CustomerComplaint[];
  /** Ratings of their visits: the counter's pad and the phone survey (CSAT, NPS, free text masked). */
  readonly ratings: ProfileRating[];
  /** Follow-up tasks of the customer in those branches, newest first (routes/followups.ts works them). */
  readonly followUps: ProfileFollowup[];
  readonly createdAt: string;
}

type Row = Selectable<CustomerTable>;

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

export function staffSegments(row: Pick<Row, "segments">): Segment[] {
  try {
    const list = JSON.parse(row.segments) as unknown;
    return Array.isArray(list) ? list.filter((s): s is Segment => SEGMENTS.includes(s as Segment)) : [];
  } catch {
    return [];
  }
}

export function segmentsOf(row: Row, now: number): Array<{ code: string; source: "staff" | "rule" }> {
  const day = DateTime.fromMillis(now, { zone: "Asia/Shanghai" }).toISODate() ?? "1970-01-01";
  const staff = staffSegments(row);
  const rules = ruleSegments({ birthDate: row.birth_date, idNumber: row.id_number }, day).filter(
    (s) => !staff.includes(s),
  );
  return [
    ...staff.map((code) => ({ code, source: "staff" as const })),
    ...rules.map((code) => ({ code, source: "rule" as const })),
  ];
}

export function matchOf(row: Row, now: number): CustomerMatch {
  return {
    id: row.id,
    code: row.code ?? "",
    name: maskName(row.name),
    phone: row.anonymised_at || row.merged_into ? "" : maskCustomerPhone(row.phone_e164),
    segments: segmentsOf(row, now).map((s) => s.code),
    vipTier: row.vip_tier,
    anonymised: row.anonymised_at !== null,
  };
}

export interface SearchInput {
  readonly phone?: string;
  readonly name?: string;
  readonly code?: string;
}

const LIMIT = 20;

/** The reads of a search (no access check, no audit): what the indexes of migration 018 serve. */
export async function findCustomers(
  db: AppContext["store"]["db"],
  input: SearchInput,
): Promise<{ rows: Row[]; criteria: Record<string, string> }> {
  if (input.phone !== undefined) {
    const digits = input.phone.replace(/[\s\-().]/g, "");
    if (!/^\+?\d{3,15}$/.test(digits))
      throw invalid("Give at least 3 digits of the phone number.", { field: "phone" }, "请输入手机号码至少 3 位数字。");
    const criteria = { phone: `${digits.length} digits` };
    const full = digits.length >= 11 ? normalisePhone(digits) : undefined;
    if (full?.ok) {
      const rows = await db.selectFrom("customers").selectAll().where("phone_e164", "=", full.e164).execute();
      return { rows, criteria };
    }
    const national = digits.replace(/^\+86/, "");
    const [starts, ends] = await Promise.all([
      prefixSearch(db, "phone_e164", digits.startsWith("+") ? digits : `+86${national}`, LIMIT),
      prefixSearch(db, "phone_rev", [...national].reverse().join(""), LIMIT),
    ]);
    const seen = new Set<string>();
    const rows = [...starts, ...ends].filter((r) => !seen.has(r.id) && seen.add(r.id)).slice(0, LIMIT);
    return { rows, criteria };
  }
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (!name) throw invalid("Give the start of a name.", { field: "name" }, "请输入姓名的开头。");
    return { rows: await prefixSearch(db, "name", name, LIMIT), criteria: { name: `${[...name].length} characters` } };
  }
  if (input.code !== undefined) {
    const code = input.code.trim().toUpperCase();
    if (code.length < 2)
      throw invalid("Give at least 2 characters of the code.", { field: "code" }, "请输入客户号至少 2 位。");
    return { rows: await prefixSearch(db, "code", code, LIMIT), criteria: { code } };
  }
  throw invalid("Search by phone, name or code.", { field: "phone" }, "请按手机号、姓名或客户号查询。");
}

export async function searchCustomers(ctx: AppContext, actor: Actor, input: SearchInput): Promise<CustomerMatch[]> {
  const staff = requireRole(actor, CUSTOMER_ROLES);
  const now = ctx.clock();
  const { rows, criteria } = await findCustomers(ctx.store.db, input);
  const branchId = await auditBranchFor(ctx.store.db, staff);
  // Searches are recorded (who searched by what kind of key, how many matched); the key itself is not.
  await ctx.store.write((tx) =>
    audit(
      tx,
      staff,
      now,
      "customer.search",
      { type: "customer", id: null, branchId },
      { ...criteria, matches: rows.length },
    ),
  );
  return rows.filter((r) => r.merged_into === null).map((r) => matchOf(r, now));
}

async function requireCustomer(ctx: AppContext, customerId: string): Promise<Row> {
  const row = await ctx.store.db.selectFrom("customers").selectAll().where("id", "=", customerId).executeTakeFirst();
  if (!row) throw notFound("Customer", customerId);
  return row;
}

export async function consentsOf(ctx: AppContext, customerId: string): Promise<ConsentState[]> {
  const rows = await ctx.store.db
    .selectFrom("customer_consents")
    .selectAll()
    .where("customer_id", "=", customerId)
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .execute();
  // Per purpose and way of reaching the customer, the latest answer about it; an answer current for several ways
  // is one entry listing them (the usual case: one entry per purpose).
  const latest = new Map<number, ConsentState & { covers: string[] }>();
  for (const purpose of new Set(rows.map((r) => r.purpose)))
    for (const way of CONSENT_DELIVERIES) {
      const r = rows.find((x) => x.purpose === purpose && coversOf(x.covers).includes(way));
      if (!r) continue;
      const entry = latest.get(r.id);
      if (entry) entry.covers.push(way);
      else
        latest.set(r.id, {
          purpose: r.purpose,
          granted: r.granted === 1,
          channel: r.channel,
          textVersion: r.text_version,
          at: new Date(r.at).toISOString(),
          covers: [way],
        });
    }
  return [...latest.values()];
}

/**
 * The branches a customer has been in touch with: of their visits (tickets), appointments and complaints (naming
 * them or about one of their visits), sorted. A customer no branch has met has none.
 */
export async function branchesOfCustomer(db: Kysely<Database>, customerId: string): Promise<string[]> {
  const ticketIds = await ticketIdsOfCustomer(db, customerId);
  const [tickets, appointments, complaints] = await Promise.all([
    ticketIds.length
      ? db.selectFrom("tickets").select("branch_id").where("id", "in", ticketIds).execute()
      : Promise.resolve([]),
    db.selectFrom("appointments").select("branch_id").where("customer_id", "=", customerId).execute(),
    db
      .selectFrom("complaints")
      .select("branch_id")
      .where((eb) =>
        ticketIds.length
          ? eb.or([eb("customer_id", "=", customerId), eb("ticket_id", "in", ticketIds)])
          : eb("customer_id", "=", customerId),
      )
      .execute(),
  ]);
  return [...new Set([...tickets, ...appointments, ...complaints].map((r) => r.branch_id))].sort();
}

/**
 * A customer's whole record (export, erasure) is for the admin, or for staff of a branch the customer has had a
 * visit, an appointment or a complaint with (`branchesOfCustomer`); anyone else gets 403. Answers the customer's
 * branches among the actor's (all of them for an admin).
 */
export async function requireCustomerOfMyBranches(
  db: Kysely<Database>,
  staff: StaffActor,
  customerId: string,
): Promise<string[]> {
  const branches = await branchesOfCustomer(db, customerId);
  if (staff.roles.includes("admin")) return branches;
  const mine = branches.filter((b) => staff.branchIds.includes(b as BranchId));
  if (mine.length === 0)
    throw forbidden(
      "This customer has no visit, appointment or complaint in your branches.",
      "该客户在您所属网点没有到访、预约或投诉记录，无权操作。",
    );
  return mine;
}

/**
 * The branch an audit line for a customer action is written under, so that a branch's auditor (who reads the
 * lines of their branches only) sees who looked at whom:
 * 1. a non-admin member of staff of exactly one branch: that branch (they act in its context);
 * 2. otherwise (the admin, head office, staff of several branches) the customer's branches the actor may act in
 *    (`branchesOfCustomer`; the admin: all of them), when exactly one;
 * 3. otherwise null: a bank-wide line, read by bank-wide auditors only (the customer is known to several of the
 *    actor's branches, or to none, or no customer is named, as in a search by someone of several branches).
 * A context the caller knows better (the call card: the ticket's branch) is passed as the audit's branch instead.
 */
export async function auditBranchFor(
  db: Kysely<Database>,
  staff: StaffActor,
  customerId?: string,
  customerBranches?: readonly string[],
): Promise<string | null> {
  if (!staff.roles.includes("admin") && staff.branchIds.length === 1) return staff.branchIds[0] as string;
  if (customerId === undefined) return null;
  const theirs = customerBranches ?? (await branchesOfCustomer(db, customerId));
  const candidates = staff.roles.includes("admin")
    ? theirs
    : theirs.filter((b) => staff.branchIds.includes(b as BranchId));
  return candidates.length === 1 ? (candidates[0] as string) : null;
}

/** Branches whose visits `staff` may see: all for an admin, else their own. */
function visibleBranches(staff: StaffActor): (branchId: string) => boolean {
  if (staff.roles.includes("admin")) return () => true;
  return (b) => staff.branchIds.includes(b as BranchId);
}

export async function visitsOf(
  ctx: AppContext,
  customerId: string,
  canSee: (branchId: string) => boolean,
): Promise<Visit[]> {
  const db = ctx.store.db;
  const ids = await ticketIdsOfCustomer(db, customerId);
  if (ids.length === 0) return [];
  const text = maskedFor((await customerNames(db, [customerId])).get(customerId));
  const tickets = await db
    .selectFrom("tickets")
    .innerJoin("services", "services.id", "tickets.service_id")
    .leftJoin("service_records", "service_records.ticket_id", "tickets.id")
    .leftJoin("service_reports", "service_reports.ticket_id", "tickets.id")
    .select([
      "tickets.id",
      "tickets.branch_id",
      "tickets.number",
      "tickets.day",
      "tickets.service_id",
      "services.name_zh",
      "services.name_en",
      "tickets.status",
      "tickets.issued_at",
      "tickets.completed_at",
      "tickets.outcome",
      "tickets.rating",
      "service_records.needs",
      "service_records.products",
      "service_records.outcome as record_outcome",
      "service_reports.id as report_id",
    ])
    .where("tickets.id", "in", ids)
    .orderBy("tickets.issued_at", "desc")
    .execute();
  return tickets
    .filter((t) => canSee(t.branch_id))
    .map((t) => ({
      ticketId: t.id,
      branchId: t.branch_id,
      number: t.number,
      day: t.day,
      serviceId: t.service_id,
      serviceNameZh: t.name_zh,
      serviceNameEn: t.name_en,
      status: t.status,
      issuedAt: new Date(t.issued_at).toISOString(),
      completedAt: iso(t.completed_at),
      // Free text the teller typed (the ticket's outcome, the service record's needs and outcome): masked here
      // for every reader, as GET /api/tickets/:id masks it for all but the serving teller (these lists are read
      // on profiles, call cards and the chat desk, never as the serving teller's own answer).
      outcome: text(t.outcome),
      rating: t.rating,
      needs: text(t.needs ?? null),
      products: t.products ? (JSON.parse(t.products) as string[]).map((p) => text(p)) : [],
      recordOutcome: text(t.record_outcome ?? null),
      reportId: t.report_id ?? null,
    }));
}

/** Records one look at a customer's record: who, whom, when, and through what (profile, call card, export). */
export async function recordView(
  ctx: AppContext,
  staff: StaffActor,
  customerId: string,
  via: string,
  branchId?: string | null,
): Promise<void> {
  const branch = branchId !== undefined ? branchId : await auditBranchFor(ctx.store.db, staff, customerId);
  await ctx.store.write((tx) =>
    audit(tx, staff, ctx.clock(), "customer.view", { type: "customer", id: customerId, branchId: branch }, { via }),
  );
}

export async function customerProfile(
  ctx: AppContext,
  actor: Actor,
  customerId: string,
  via = "profile",
): Promise<CustomerProfile> {
  const staff = requireRole(actor, CUSTOMER_ROLES);
  const row = await requireCustomer(ctx, customerId);
  const now = ctx.clock();
  const canSee = visibleBranches(staff);
  const db = ctx.store.db;
  const [consents, visits, feedback, appointments, followups] = await Promise.all([
    consentsOf(ctx, customerId),
    visitsOf(ctx, customerId, canSee),
    feedbackOf(ctx, customerId, canSee),
    db
      .selectFrom("appointments")
      .select(["id", "branch_id", "service_id", "start_at", "status", "ticket_id"])
      .where("customer_id", "=", customerId)
      .orderBy("start_at", "desc")
      .limit(50)
      .execute(),
    db
      .selectFrom("followups")
      .select(["id", "branch_id", "ticket_id", "service_id", "purpose", "status", "outcome", "due_at", "closed_at"])
      .where("customer_id", "=", customerId)
      .orderBy("created_at", "desc")
      .limit(50)
      .execute(),
  ]);
  const mine = {
    appointments: appointments.filter((a) => canSee(a.branch_id)),
    followups: followups.filter((f) => canSee(f.branch_id)),
  };
  const names = await namesOf(db, {
    branchIds: [...mine.appointments, ...feedback.ratings, ...mine.followups].map((x) =>
      "branchId" in x ? x.branchId : x.branch_id,
    ),
    serviceIds: [...mine.appointments, ...mine.followups].map((x) => x.service_id),
  });
  await recordView(ctx, staff, customerId, via);
  const masked = maskIdentity({
    name: row.name,
    // A merged record's phone is a placeholder (`merged:<id>`, see merge.ts), not a number to show.
    phone: row.anonymised_at || row.merged_into ? "" : row.phone_e164,
    idNumber: row.id_number,
    email: row.email,
  });
  const birth = row.birth_date ?? (row.id_number ? birthDateFromId(row.id_number) : null);
  return {
    id: row.id,
    code: row.code ?? "",
    name: masked.name,
    phone: masked.phone,
    idNumber: masked.idNumber,
    email: masked.email,
    hasIdNumber: row.id_number !== null,
    birthYear: birth ? Number(birth.slice(0, 4)) : null,
    anonymised: row.anonymised_at !== null,
    mergedInto: row.merged_into,
    segments: segmentsOf(row, now),
    vipTier: row.vip_tier,
    preferences: { lang: row.lang, channel: row.preferred_channel, counter: row.pref_counter },
    // Staff notes about the customer are free text: mobile and ID numbers typed into them are masked for every
    // reader (no role owns a customer the way a teller owns the ticket they serve); the customer's own phone and
    // ID number are behind break-glass (`unmaskCustomer`).
    notes: maskedFor((await customerNames(db, [row.id])).get(row.id))(row.notes),
    consents,
    visits,
    appointments: mine.appointments.map((a) => ({
      id: a.id,
      branchId: a.branch_id,
      serviceId: a.service_id,
      start: new Date(a.start_at).toISOString(),
      status: a.status,
      ticketId: a.ticket_id,
      ...names.branch(a.branch_id),
      ...names.service(a.service_id),
    })),
    complaints: feedback.complaints,
    ratings: feedback.ratings.map((r) => ({ ...r, ...names.branch(r.branchId) })),
    followUps: mine.followups.map((f) => ({
      id: f.id,
      branchId: f.branch_id,
      ticketId: f.ticket_id,
      ...names.service(f.service_id),
      purpose: f.purpose,
      status: f.status,
      outcome: f.outcome,
      dueAt: new Date(Number(f.due_at)).toISOString(),
      closedAt: iso(f.closed_at === null ? null : Number(f.closed_at)),
    })),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The names of the branches and business types a profile mentions, in both languages ("" when unknown). */
async function namesOf(db: Kysely<Database>, ids: { branchIds: string[]; serviceIds: string[] }) {
  const uniq = (xs: string[]) => [...new Set(xs)];
  const [branches, services] = await Promise.all([
    ids.branchIds.length
      ? db.selectFrom("branches").select(["id", "name_zh", "name_en"]).where("id", "in", uniq(ids.branchIds)).execute()
      : Promise.resolve([]),
    ids.serviceIds.length
      ? db.selectFrom("services").select(["id", "name_zh", "name_en"]).where("id", "in", uniq(ids.serviceIds)).execute()
      : Promise.resolve([]),
  ]);
  const b = new Map(branches.map((x) => [x.id, x]));
  const s = new Map(services.map((x) => [x.id, x]));
  return {
    branch: (id: string) => ({ branchNameZh: b.get(id)?.name_zh ?? "", branchNameEn: b.get(id)?.name_en ?? "" }),
    service: (id: string) => ({ serviceNameZh: s.get(id)?.name_zh ?? "", serviceNameEn: s.get(id)?.name_en ?? "" }),
  };
}

export interface CustomerChanges {
  readonly segments?: string[];
  readonly vipTier?: string | null;
  readonly prefCounter?: string | null;
  readonly lang?: "zh-CN" | "en";
  readonly preferredChannel?: "sms" | "email";
  readonly notes?: string;
  readonly idNumber?: string | null;
  readonly birthDate?: string | null;
  readonly name?: string;
}

export async function updateCustomer(
  ctx: AppContext,
  actor: Actor,
  customerId: string,
  changes: CustomerChanges,
): Promise<CustomerProfile> {
  const staff = requireRole(actor, ["admin", "branch_manager", "lobby_manager", "teller"]);
  const set: Partial<Record<string, string | number | null>> = {};
  if (changes.segments !== undefined) {
    const bad = changes.segments.filter((s) => !SEGMENTS.includes(s as Segment));
    if (bad.length)
      throw invalid(`Unknown segments: ${bad.join(", ")}.`, { field: "segments", allowed: SEGMENTS }, "客户分群无效。");
    set.segments = JSON.stringify([...new Set(changes.segments)]);
  }
  if (changes.vipTier !== undefined) {
    if (changes.vipTier !== null && !VIP_TIERS.includes(changes.vipTier as (typeof VIP_TIERS)[number]))
      throw invalid("Unknown VIP tier.", { field: "vipTier", allowed: VIP_TIERS }, "VIP 等级无效。");
    set.vip_tier = changes.vipTier;
  }
  if (changes.prefCounter !== undefined) set.pref_counter = changes.prefCounter;
  if (changes.lang !== undefined) set.lang = changes.lang;
  if (changes.preferredChannel !== undefined) set.preferred_channel = changes.preferredChannel;
  if (changes.notes !== undefined) set.notes = changes.notes;
  if (changes.name !== undefined) set.name = changes.name.trim();
  if (changes.idNumber !== undefined) {
    const v = changes.idNumber?.trim().toUpperCase() ?? null;
    if (v !== null && !/^[0-9A-Z]{6,30}$/.test(v))
      throw invalid("Not a valid ID number.", { field: "idNumber" }, "证件号码无效。");
    set.id_number = v;
  }
  if (changes.birthDate !== undefined) {
    if (changes.birthDate !== null && !DateTime.fromISO(changes.birthDate).isValid)
      throw invalid("Not a valid date.", { field: "birthDate" }, "日期无效。");
    set.birth_date = changes.birthDate;
  }
  await ctx.store.write(async (tx) => {
    const row = await tx
      .selectFrom("customers")
      .select(["id", "anonymised_at", "notes", "name"])
      .where("id", "=", customerId)
      .executeTakeFirst();
    if (!row) throw notFound("Customer", customerId);
    // The notes were shown masked: numbers still masked in the edit are the stored ones, kept as typed.
    if (typeof set.notes === "string") set.notes = restoreMasked(set.notes, row.notes, [row.name]);
    if (row.anonymised_at !== null)
      throw invalid("This record was anonymised.", { reason: "anonymised" }, "该客户记录已匿名化。");
    const now = ctx.clock();
    await tx
      .updateTable("customers")
      .set({ ...set, updated_at: now })
      .where("id", "=", customerId)
      .execute();
    // The audit line names the fields changed; personal values are not copied into the trail.
    await audit(
      tx,
      staff,
      now,
      "customer.update",
      { type: "customer", id: customerId, branchId: await auditBranchFor(tx, staff, customerId) },
      {
        fields: Object.keys(set),
      },
    );
  });
  return customerProfile(ctx, staff, customerId, "update");
}

export const UNMASK_FIELDS = ["phone", "idNumber", "name", "email"] as const;
export type UnmaskField = (typeof UNMASK_FIELDS)[number];

export async function unmaskCustomer(
  ctx: AppContext,
  actor: Actor,
  customerId: string,
  input: { field: UnmaskField; reason: string },
): Promise<{ field: UnmaskField; value: string | null }> {
  const staff = requireRole(actor, UNMASK_ROLES);
  const reason = input.reason.trim();
  if ([...reason].length < 4)
    throw invalid("Say why the full value is needed.", { field: "reason" }, "请填写查看完整信息的理由。");
  const row = await requireCustomer(ctx, customerId);
  const value =
    row.anonymised_at !== null
      ? null
      : input.field === "phone"
        ? row.phone_e164
        : input.field === "idNumber"
          ? row.id_number
          : input.field === "email"
            ? row.email
            : row.name;
  const branchId = await auditBranchFor(ctx.store.db, staff, customerId);
  await ctx.store.write((tx) =>
    audit(
      tx,
      staff,
      ctx.clock(),
      "customer.unmask",
      { type: "customer", id: customerId, branchId },
      {
        field: input.field,
        reason,
      },
    ),
  );
  return { field: input.field, value };
}
