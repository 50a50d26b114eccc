/**
 * The customer of a ticket (issue 14): identification at the kiosk or by staff, and the counter's call card.
 *
 *   identifyAtKiosk(ctx, kiosk, ticketId, { phone, otp }) → the masked customer; the kiosk of the ticket's
 *     branch, with a one-time code sent by POST /api/public/otp (the same codes as online booking).
 *   attachCustomer(ctx, staff, ticketId, { customerId } | { phone, name? }) → the masked customer (lobby
 *     manager, teller, branch manager, admin of the ticket's branch); audited.
 *   queueCustomers(ctx, staff, branchId) → which of the branch's unfinished tickets have a customer, with the
 *     customer's segments only (no name, phone or id): what the lobby page marks on its list after a reload.
 *   callCard(ctx, staff, ticketId) → what the counter sees of the ticket's customer: masked identity,
 *     segments, consents, last visits, open complaints, the form answers and documents; records the view.
 *
 * Identification is never required: a walk-in ticket without a customer is served as before.
 */
import type { BranchId } from "../../domain/ids.ts";
import { maskCustomerPhone, maskName } from "../../domain/personal-data/mask-customer.ts";
import { FINAL_STATUSES, type TicketStatus } from "../../domain/ticket.ts";
import { customerIdOfTicket } from "../../store/customer-records.ts";
import type { Tx } from "../../store/store.ts";
import { findTicket } from "../../store/tickets.ts";
import { BRANCH_READERS, requireBranchAccess } from "../access.ts";
import type { Actor, Role } from "../actor.ts";
import { type TicketAnswers, ticketAnswers } from "../appointments/queries.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { customerNames, maskedFor } from "../personal-data/free-text.ts";
import { audit } from "../record.ts";
import { findOrCreateCustomer } from "./identify.ts";
import { checkOtp, verifyOtp } from "./otp.ts";
import {
  type ConsentState,
  consentsOf,
  feedbackOf,
  matchOf,
  recordView,
  segmentsOf,
  type Visit,
  visitsOf,
} from "./records.ts";

export const ATTACH_ROLES: readonly Role[] = ["admin", "branch_manager", "lobby_manager", "teller"];

export interface TicketCustomer {
  readonly ticketId: string;
  readonly customerId: string;
  readonly code: string;
  readonly name: string;
  readonly phone: string;
  readonly method: string;
}

const FINISHED: ReadonlySet<string> = FINAL_STATUSES;

async function openTicket(ctx: AppContext, ticketId: string) {
  const ticket = await findTicket(ctx.store.db, ticketId);
  if (!ticket) throw notFound("Ticket", ticketId);
  return ticket;
}

export async function attach(
  tx: Tx,
  ticket: { id: string; branchId: string },
  customerId: string,
  method: string,
  by: string | null,
  now: number,
) {
  await tx
    .insertInto("ticket_customers")
    .values({
      ticket_id: ticket.id,
      customer_id: customerId,
      branch_id: ticket.branchId,
      method,
      attached_by: by,
      attached_at: now,
    })
    .onConflict((oc) =>
      oc.column("ticket_id").doUpdateSet({ customer_id: customerId, method, attached_by: by, attached_at: now }),
    )
    .execute();
}

async function answer(ctx: AppContext, ticketId: string, customerId: string, method: string): Promise<TicketCustomer> {
  const row = await ctx.store.db
    .selectFrom("customers")
    .selectAll()
    .where("id", "=", customerId)
    .executeTakeFirstOrThrow();
  const m = matchOf(row, ctx.clock());
  return { ticketId, customerId, code: m.code, name: m.name, phone: m.phone, method };
}

export async function identifyAtKiosk(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: { phone: string; otp: string },
): Promise<TicketCustomer> {
  const ticket = await openTicket(ctx, ticketId);
  if (actor.type !== "device" || actor.kind !== "kiosk" || actor.branchId !== ticket.branchId) throw forbidden();
  if (FINISHED.has(ticket.status))
    throw conflict("This ticket is finished.", { status: ticket.status }, "该号票已结束。");
  // Its own transaction: a wrong code counts a try even though nothing else is written.
  await checkOtp(ctx, { phone: input.phone, code: input.otp });
  const customerId = await ctx.store.write(async (tx) => {
    await verifyOtp(tx, ctx, { phone: input.phone, code: input.otp });
    const customer = await findOrCreateCustomer(tx, ctx, { phone: input.phone });
    const now = ctx.clock();
    await attach(tx, ticket, customer.id, "otp", null, now);
    await audit(
      tx,
      actor,
      now,
      "ticket.identify",
      { type: "ticket", id: ticket.id, branchId: ticket.branchId },
      {
        customerId: customer.id,
        method: "otp",
      },
    );
    return customer.id;
  });
  return answer(ctx, ticketId, customerId, "otp");
}

export async function attachCustomer(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: { customerId?: string; phone?: string; name?: string },
): Promise<TicketCustomer> {
  const ticket = await openTicket(ctx, ticketId);
  requireBranchAccess(actor, ticket.branchId as BranchId, ATTACH_ROLES);
  if (FINISHED.has(ticket.status))
    throw conflict("This ticket is finished.", { status: ticket.status }, "该号票已结束。");
  if ((input.customerId === undefined) === (input.phone === undefined))
    throw invalid(
      "Give either a customer or a phone number.",
      { field: "customerId" },
      "请指定客户或手机号码（二选一）。",
    );
  const customerId = await ctx.store.write(async (tx) => {
    let id: string;
    if (input.customerId !== undefined) {
      const row = await tx
        .selectFrom("customers")
        .select(["id", "anonymised_at", "merged_into"])
        .where("id", "=", input.customerId)
        .executeTakeFirst();
      if (!row) throw notFound("Customer", input.customerId);
      if (row.anonymised_at !== null || row.merged_into !== null)
        throw conflict("This customer record is no longer in use.", { reason: "inactive" }, "该客户记录已停用。");
      id = row.id;
    } else {
      id = (await findOrCreateCustomer(tx, ctx, { phone: input.phone as string, name: input.name })).id;
    }
    const now = ctx.clock();
    await attach(tx, ticket, id, "staff", actor.id, now);
    await audit(
      tx,
      actor,
      now,
      "ticket.identify",
      { type: "ticket", id: ticket.id, branchId: ticket.branchId },
      {
        customerId: id,
        method: "staff",
      },
    );
    return id;
  });
  return answer(ctx, ticketId, customerId, "staff");
}

export interface QueueCustomer {
  readonly ticketId: string;
  /** How the customer came to the ticket: "otp" (kiosk), "staff" (lobby, counter) or "appointment". */
  readonly method: string;
  readonly segments: string[];
}

/** Statuses of a ticket still in the branch's hands today (the lobby's lists). */
const UNFINISHED: readonly TicketStatus[] = ["waiting", "called", "serving", "parked", "in_review"];

/**
 * `GET /api/branches/:branchId/queue/customers`: the branch's unfinished tickets that have a customer, attached
 * (kiosk or staff) or checked in from an appointment booked for one, each with only the customer's segments
 * (elderly, small business, VIP: what the call card shows these roles too). No name, phone, code or customer id:
 * the lobby needs to know a ticket is someone's, not whose. Not a view of a profile, so not recorded as one.
 */
export async function queueCustomers(ctx: AppContext, actor: Actor, branchId: string): Promise<QueueCustomer[]> {
  requireBranchAccess(actor, branchId as BranchId, BRANCH_READERS);
  const db = ctx.store.db;
  const [attached, booked] = await Promise.all([
    db
      .selectFrom("ticket_customers")
      .innerJoin("tickets", "tickets.id", "ticket_customers.ticket_id")
      .select(["ticket_customers.ticket_id", "ticket_customers.customer_id", "ticket_customers.method"])
      .where("tickets.branch_id", "=", branchId)
      .where("tickets.status", "in", UNFINISHED)
      .execute(),
    db
      .selectFrom("appointments")
      .innerJoin("tickets", "tickets.id", "appointments.ticket_id")
      .select(["appointments.ticket_id", "appointments.customer_id"])
      .where("tickets.branch_id", "=", branchId)
      .where("tickets.status", "in", UNFINISHED)
      .where("appointments.customer_id", "is not", null)
      .execute(),
  ]);
  const byTicket = new Map<string, { customerId: string; method: string }>();
  for (const b of booked)
    byTicket.set(b.ticket_id as string, { customerId: b.customer_id as string, method: "appointment" });
  // One attached to the ticket wins over the booking's (customerIdOfTicket reads them in that order).
  for (const a of attached) byTicket.set(a.ticket_id, { customerId: a.customer_id, method: a.method });
  if (byTicket.size === 0) return [];
  const ids = [...new Set([...byTicket.values()].map((v) => v.customerId))];
  const rows = await db.selectFrom("customers").selectAll().where("id", "in", ids).execute();
  const now = ctx.clock();
  const segments = new Map(rows.map((r) => [r.id, r.anonymised_at ? [] : segmentsOf(r, now).map((s) => s.code)]));
  return [...byTicket.entries()]
    .map(([ticketId, v]) => ({ ticketId, method: v.method, segments: segments.get(v.customerId) ?? [] }))
    .sort((a, b) => (a.ticketId < b.ticketId ? -1 : 1));
}

export interface CallCard {
  readonly ticketId: string;
  readonly customer: {
    readonly id: string;
    readonly code: string;
    readonly name: string;
    readonly phone: string;
    readonly segments: Array<{ code: string; source: "staff" | "rule" }>;
    readonly vipTier: string | null;
    readonly preferences: { lang: string; channel: string; counter: string | null };
    readonly consents: ConsentState[];
    readonly notes: string;
  } | null;
  readonly lastVisits: Visit[];
  /** The customer's open complaints (of the branches the member of staff works in). */
  readonly openComplaints: Array<{ id: string; category: string; status: string; dueAt: string }>;
  readonly answers: TicketAnswers;
}

export async function callCard(ctx: AppContext, actor: Actor, ticketId: string): Promise<CallCard> {
  const ticket = await openTicket(ctx, ticketId);
  requireBranchAccess(actor, ticket.branchId as BranchId, BRANCH_READERS);
  if (actor.type !== "user") throw forbidden();
  const answers = await ticketAnswers(ctx, actor, ticketId);
  const customerId = await customerIdOfTicket(ctx.store.db, ticketId);
  const row = customerId
    ? await ctx.store.db.selectFrom("customers").selectAll().where("id", "=", customerId).executeTakeFirst()
    : undefined;
  if (!row) return { ticketId, customer: null, lastVisits: [], openComplaints: [], answers };
  const now = ctx.clock();
  const canSee = (b: string) => actor.roles.includes("admin") || actor.branchIds.includes(b as BranchId);
  const [consents, visits, feedback] = await Promise.all([
    consentsOf(ctx, row.id),
    visitsOf(ctx, row.id, canSee),
    feedbackOf(ctx, row.id, canSee),
  ]);
  await recordView(ctx, actor, row.id, "call_card", ticket.branchId);
  return {
    ticketId,
    customer: {
      id: row.id,
      code: row.code ?? "",
      name: maskName(row.name),
      phone: row.anonymised_at ? "" : maskCustomerPhone(row.phone_e164),
      segments: segmentsOf(row, now),
      vipTier: row.vip_tier,
      preferences: { lang: row.lang, channel: row.preferred_channel, counter: row.pref_counter },
      consents,
      // Masked as on the profile (records.ts): the counter needs the remark, not a number typed into it.
      notes: maskedFor((await customerNames(ctx.store.db, [row.id])).get(row.id))(row.notes),
    },
    lastVisits: visits.filter((v) => v.ticketId !== ticketId).slice(0, 5),
    openComplaints: feedback.complaints
      .filter((c) => c.status === "open")
      .map((c) => ({ id: c.id, category: c.category, status: c.status, dueAt: c.dueAt })),
    answers,
  };
}
