import type { BranchId } from "../../domain/ids.ts";
import { findBranch, findService } from "../../store/branches.ts";
import { findCounter } from "../../store/counters.ts";
import { findTicket, toWaitingTicket } from "../../store/tickets.ts";
import { BRANCH_READERS, requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { ticketStanding } from "../tickets/standing.ts";
import { type TicketView, ticketView } from "../views.ts";

export async function getTicket(ctx: AppContext, actor: Actor, ticketId: string): Promise<TicketView> {
  const t = await findTicket(ctx.store.db, ticketId);
  if (!t) throw notFound("Ticket", ticketId);
  requireBranchAccess(actor, t.branchId as BranchId, BRANCH_READERS);
  const counter = t.counterId ? await findCounter(ctx.store.db, t.counterId) : undefined;
  if (t.status !== "waiting") return ticketView(t, counter?.number ?? null);
  const standing = await ticketStanding(ctx.store.db, ctx.lines, toWaitingTicket(t), ctx.clock());
  return ticketView(t, null, { position: standing.position, estimatedWaitMinutes: standing.minutes });
}

/** What the customer's phone shows: the ticket's number and standing, no personal data, nothing of others. */
export interface PublicTicket {
  readonly id: string;
  readonly number: string;
  readonly status: string;
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
  readonly estimatedWaitMinutes: number;
}

export async function publicTicket(ctx: AppContext, ticketId: string): Promise<PublicTicket> {
  const db = ctx.store.db;
  const t = await findTicket(db, ticketId);
  if (!t) throw notFound("Ticket", ticketId);
  const [branch, service, counter] = await Promise.all([
    findBranch(db, t.branchId),
    findService(db, t.serviceId),
    t.counterId ? findCounter(db, t.counterId) : undefined,
  ]);
  const standing =
    t.status === "waiting"
      ? await ticketStanding(db, ctx.lines, toWaitingTicket(t), ctx.clock())
      : { position: 0, minutes: 0 };
  const showCounter = t.status === "called" || t.status === "serving";
  return {
    id: t.id,
    number: t.number,
    status: t.status,
    branchId: t.branchId,
    branchNameZh: branch?.nameZh ?? "",
    branchNameEn: branch?.nameEn ?? "",
    serviceId: t.serviceId,
    serviceNameZh: service?.nameZh ?? "",
    serviceNameEn: service?.nameEn ?? "",
    issuedAt: new Date(t.issuedAt).toISOString(),
    calledAt: t.calledAt === null ? null : new Date(t.calledAt).toISOString(),
    counterNumber: showCounter ? (counter?.number ?? null) : null,
    recallCount: t.recallCount,
    position: standing.position,
    estimatedWaitMinutes: standing.minutes,
  };
}
