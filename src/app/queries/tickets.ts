import type { BranchId } from "../../domain/ids.ts";
import type { TicketStatus } from "../../domain/ticket.ts";
import { findCounter } from "../../store/counters.ts";
import { findTicket, toTicket, toWaitingTicket } from "../../store/tickets.ts";
import { BRANCH_READERS, requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { notFound } from "../errors.ts";
import {
  cachedBranchNow,
  predictBranch,
  standingOf,
  ticketStanding,
  type WaitUnknownReason,
  waitEstimate,
} from "../tickets/standing.ts";
import { type TicketView, ticketView, viewerIdOf } from "../views.ts";

export async function getTicket(ctx: AppContext, actor: Actor, ticketId: string): Promise<TicketView> {
  const t = await findTicket(ctx.store.db, ticketId);
  if (!t) throw notFound("Ticket", ticketId);
  requireBranchAccess(actor, t.branchId as BranchId, BRANCH_READERS);
  const counter = t.counterId ? await findCounter(ctx.store.db, t.counterId) : undefined;
  if (t.status !== "waiting") return ticketView(t, counter?.number ?? null, { viewerId: viewerIdOf(actor) });
  const standing = await ticketStanding(ctx.store.db, ctx.lines, toWaitingTicket(t), ctx.clock());
  const wait = waitEstimate(standing).estimatedWaitMinutes;
  return ticketView(t, null, { position: standing.position, estimatedWaitMinutes: wait, viewerId: viewerIdOf(actor) });
}

/** What the customer's phone shows: the ticket's number and standing, no personal data, nothing of others. */
export interface PublicTicket {
  readonly id: string;
  readonly number: string;
  readonly status: TicketStatus;
  readonly branchId: string;
  readonly branchNameZh: string;
  readonly branchNameEn: string;
  readonly serviceId: string;
  readonly serviceNameZh: string;
  readonly serviceNameEn: string;
  readonly issuedAt: string;
  readonly calledAt: string | null;
  readonly counterNumber: number | null;
  readonly recallCount: number;
  readonly position: number;
  /** Null when no open counter serves the ticket's business type (`waitUnknownReason` says so). */
  readonly estimatedWaitMinutes: number | null;
  readonly waitUnknownReason: WaitUnknownReason | null;
}

export async function publicTicket(ctx: AppContext, ticketId: string): Promise<PublicTicket> {
  const row = await ctx.store.db
    .selectFrom("tickets")
    .select("branch_id")
    .where("id", "=", ticketId)
    .executeTakeFirst();
  const view = row && (await publicTicketsOfBranch(ctx, row.branch_id, [ticketId])).get(ticketId);
  if (!view) throw notFound("Ticket", ticketId);
  return view;
}

/**
 * The public views of several tickets of one branch, with one prediction for the whole line: every phone
 * following a ticket of the branch is refreshed by one computation per branch event, not one each.
 */
export async function publicTicketsOfBranch(
  ctx: AppContext,
  branchId: string,
  ticketIds: readonly string[],
): Promise<Map<string, PublicTicket>> {
  const views = new Map<string, PublicTicket>();
  if (ticketIds.length === 0) return views;
  const db = ctx.store.db;
  const now = ctx.clock();
  const [rows, state] = await Promise.all([
    db.selectFrom("tickets").selectAll().where("branch_id", "=", branchId).where("id", "in", ticketIds).execute(),
    cachedBranchNow(db, ctx.lines, branchId, now),
  ]);
  if (!state) return views;
  const tickets = rows.map(toTicket);
  const waitingIds = tickets.filter((t) => t.status === "waiting").map((t) => t.id);
  // One ticket (a page load): stop the replay at it. Several (the phones of a branch): replay the line once.
  const predicted =
    waitingIds.length === 0
      ? new Map()
      : predictBranch(state, state.waiting, now, waitingIds.length === 1 ? waitingIds[0] : undefined);
  const services = new Map(state.services.map((s) => [s.id as string, s]));
  const counters = new Map(state.counters.map((c) => [c.id as string, c]));
  for (const t of tickets) {
    const standing =
      t.status === "waiting"
        ? standingOf(state, state.waiting, toWaitingTicket(t), predicted)
        : { position: 0, minutes: 0, noOpenCounter: false };
    const service = services.get(t.serviceId);
    const showCounter = t.status === "called" || t.status === "serving";
    views.set(t.id, {
      id: t.id,
      number: t.number,
      status: t.status,
      branchId: t.branchId,
      branchNameZh: state.branch.nameZh,
      branchNameEn: state.branch.nameEn,
      serviceId: t.serviceId,
      serviceNameZh: service?.nameZh ?? "",
      serviceNameEn: service?.nameEn ?? "",
      issuedAt: new Date(t.issuedAt).toISOString(),
      calledAt: t.calledAt === null ? null : new Date(t.calledAt).toISOString(),
      counterNumber: showCounter && t.counterId ? (counters.get(t.counterId)?.number ?? null) : null,
      recallCount: t.recallCount,
      position: standing.position,
      ...waitEstimate(standing),
    });
  }
  return views;
}
