import type { Kysely } from "kysely";
import type { BranchId } from "../../domain/ids.ts";
import { orderReviews, reviewWaitMinutes } from "../../domain/reviews/queue.ts";
import type { TicketStatus } from "../../domain/ticket.ts";
import { findCounter } from "../../store/counters.ts";
import { listOpenReviews, meanReviewMinutes, reviewLevels } from "../../store/reviews.ts";
import type { Database } from "../../store/schema.ts";
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
import { type TicketView, ticketView, ticketViewNames, viewerIdOf } from "../views.ts";

export async function getTicket(ctx: AppContext, actor: Actor, ticketId: string): Promise<TicketView> {
  const t = await findTicket(ctx.store.db, ticketId);
  if (!t) throw notFound("Ticket", ticketId);
  requireBranchAccess(actor, t.branchId as BranchId, BRANCH_READERS);
  const viewerId = viewerIdOf(actor);
  const [counter, names] = await Promise.all([
    t.counterId ? findCounter(ctx.store.db, t.counterId) : undefined,
    ticketViewNames(ctx.store.db, [t], viewerId).then((m) => m.get(t.id)),
  ]);
  if (t.status !== "waiting") return ticketView(t, counter?.number ?? null, { viewerId, names });
  const standing = await ticketStanding(ctx.store.db, ctx.lines, toWaitingTicket(t), ctx.clock());
  const wait = waitEstimate(standing).estimatedWaitMinutes;
  return ticketView(t, null, { position: standing.position, estimatedWaitMinutes: wait, viewerId, names });
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
  /** In the back office's review (status in_review): "awaiting review, about N minutes"; null otherwise. */
  readonly reviewWaitMinutes: number | null;
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
  const reviewWaits = tickets.some((t) => t.status === "in_review")
    ? await reviewWaitsOf(db, branchId, now)
    : new Map<string, number>();
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
      reviewWaitMinutes: t.status === "in_review" ? (reviewWaits.get(t.id) ?? null) : null,
    });
  }
  return views;
}

/**
 * Minutes each ticket in review still waits, about: the reviews ahead of it in the branch's queue order and its
 * own, at the branch's recent mean review time (the queue's target without history), less what it has waited.
 */
async function reviewWaitsOf(db: Kysely<Database>, branchId: string, now: number): Promise<Map<string, number>> {
  const [open, levels, mean] = await Promise.all([
    listOpenReviews(db, [branchId]),
    reviewLevels(db, branchId),
    meanReviewMinutes(db, branchId),
  ]);
  const waits = new Map<string, number>();
  if (!levels) return waits;
  const lv = { targetMinutes: levels.targetMinutes, alarmMinutes: levels.alarmMinutes };
  const ordered = orderReviews(
    open.map((r) => ({
      id: r.id,
      ticketId: r.ticket_id,
      branchId: r.branch_id,
      serviceId: r.service_id,
      priority: r.priority,
      submittedAt: Number(r.submitted_at),
    })),
    levels.policy,
    lv,
    now,
  );
  ordered.forEach((r, ahead) => {
    waits.set(
      r.ticketId,
      reviewWaitMinutes({
        ahead,
        meanReviewMinutes: mean,
        targetMinutes: levels.targetMinutes,
        waitedMs: now - r.submittedAt,
      }),
    );
  });
  return waits;
}
