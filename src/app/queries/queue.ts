import type { BranchId, TicketId } from "../../domain/ids.ts";
import { MINUTE_MS } from "../../domain/ids.ts";
import { localDay } from "../../domain/local-day.ts";
import type { TicketStatus, WaitingTicket } from "../../domain/ticket.ts";
import { listWaitingTickets, toTicket } from "../../store/tickets.ts";
import { BRANCH_READERS, requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { type CounterView, counterView } from "../counters/counter-view.ts";
import { notFound } from "../errors.ts";
import { issuedTodayByPrefix, type ServiceAvailability, serviceAvailability } from "../tickets/service-availability.ts";
import { loadBranchNow, predictBranch, standingOf, type WaitUnknownReason, waitEstimate } from "../tickets/standing.ts";
import { type TicketView, ticketView, ticketViewNames, viewerIdOf } from "../views.ts";

export interface QueueSnapshot {
  readonly branchId: string;
  readonly at: string;
  readonly targetWaitMinutes: number;
  readonly alarmWaitMinutes: number;
  readonly services: ReadonlyArray<{
    serviceId: string;
    code: string;
    prefix: string;
    waiting: number;
    longestWaitMinutes: number;
    /** For a ticket taken now; null with the reason when no open counter serves the type. */
    estimatedWaitMinutes: number | null;
    waitUnknownReason: WaitUnknownReason | null;
    /** Numbers handed out today (the daily cap counts these). */
    issuedToday: number;
    /** Whether a ticket can be taken now, and if not why (opening hours, cut-off, daily cap, inactive). */
    availability: ServiceAvailability;
  }>;
  readonly counters: readonly CounterView[];
  readonly waiting: ReadonlyArray<TicketView & { waitedMinutes: number; position: number }>;
  readonly recentCalls: ReadonlyArray<{
    ticketId: string;
    number: string;
    serviceId: string;
    counterId: string;
    counterNumber: number;
    calledAt: string;
    status: TicketStatus;
  }>;
}

/**
 * The branch now: every waiting ticket with its wait and estimate, per-queue counts, counters and the
 * latest calls. Staff see counters with teller names; a display device gets the same shape, and its
 * page shows only numbers.
 */
export async function queueSnapshot(ctx: AppContext, actor: Actor, branchId: string): Promise<QueueSnapshot> {
  requireBranchAccess(actor, branchId as BranchId, BRANCH_READERS, ["display", "kiosk"]);
  const db = ctx.store.db;
  const now = ctx.clock();
  const state = await loadBranchNow(db, branchId, now);
  if (!state) throw notFound("Branch", branchId);
  const { branch, services, counters } = state;
  const today = localDay(now, branch.timezone);
  const [waitingTickets, issuedByPrefix, called] = await Promise.all([
    listWaitingTickets(db, branchId),
    issuedTodayByPrefix(db, branchId, today),
    // Today's calls only: the (branch, day, number) index bounds the read to one day however old the branch.
    db
      .selectFrom("tickets")
      .selectAll()
      .where("branch_id", "=", branchId)
      .where("day", "=", today)
      .where("called_at", "is not", null)
      .where("counter_id", "is not", null)
      .orderBy("called_at", "desc")
      .limit(10)
      .execute(),
  ]);
  const waiting = state.waiting;
  const byNumber = new Map(counters.map((c) => [c.id as string, c.number]));
  const predicted = predictBranch(state, waiting, now);
  const estimates = new Map(waiting.map((w) => [w.id as string, standingOf(state, waiting, w, predicted)]));
  const viewerId = viewerIdOf(actor);
  const names = await ticketViewNames(db, waitingTickets, viewerId);
  const waitingViews = waitingTickets.map((t) => {
    const e = estimates.get(t.id);
    return {
      ...ticketView(t, null, {
        viewerId,
        names: names.get(t.id),
        estimatedWaitMinutes: e ? waitEstimate(e).estimatedWaitMinutes : 0,
        position: e?.position ?? 0,
      }),
      position: e?.position ?? 0,
      waitedMinutes: Math.floor((now - t.issuedAt) / MINUTE_MS),
    };
  });
  return {
    branchId: branch.id,
    at: new Date(now).toISOString(),
    targetWaitMinutes: branch.targetWaitMinutes,
    alarmWaitMinutes: branch.alarmWaitMinutes,
    services: services.map((s) => {
      const mine = waitingViews.filter((w) => w.serviceId === s.id);
      const newcomer: WaitingTicket = {
        id: `~new-${s.id}` as TicketId,
        branchId: branch.id,
        serviceId: s.id,
        priority: "normal",
        issuedAt: now,
        queuedAt: now,
        appointmentAt: null,
        targetCounterId: null,
      };
      const line = [...waiting, newcomer];
      const forNewcomer = predictBranch(state, line, now, newcomer.id);
      const issuedToday = issuedByPrefix.get(s.prefix) ?? 0;
      return {
        serviceId: s.id,
        code: s.code,
        prefix: s.prefix,
        waiting: mine.length,
        longestWaitMinutes: mine.reduce((m, w) => Math.max(m, w.waitedMinutes), 0),
        ...waitEstimate(standingOf(state, line, newcomer, forNewcomer)),
        issuedToday,
        availability: serviceAvailability(s, branch.timezone, now, issuedToday),
      };
    }),
    counters: await Promise.all(counters.map((c) => counterView(db, c, viewerIdOf(actor)))),
    waiting: waitingViews,
    recentCalls: called.map(toTicket).map((t) => ({
      ticketId: t.id,
      number: t.number,
      serviceId: t.serviceId,
      counterId: t.counterId as string,
      counterNumber: byNumber.get(t.counterId as string) ?? 0,
      calledAt: new Date(t.calledAt as number).toISOString(),
      status: t.status,
    })),
  };
}
