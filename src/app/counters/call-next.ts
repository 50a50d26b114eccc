import { DEFAULT_POLICY, type DispatchContext, knownPolicy, resolvePolicy } from "../../domain/dispatch/index.ts";
import type { WaitingTicket } from "../../domain/ticket.ts";
import { findDispatchSettings } from "../../store/branches.ts";
import { assignCurrentTicket, type Counter, listCounters } from "../../store/counters.ts";
import { listWaitingForDispatch } from "../../store/live-tickets.ts";
import type { AfterCommit, Tx } from "../../store/store.ts";
import { claimWaitingTicket, findTicket, type Ticket } from "../../store/tickets.ts";
import type { Actor, StaffActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { COUNTER_STATE_ZH, conflict, notFound, TICKET_STATUS_ZH } from "../errors.ts";
import { recordChange } from "../record.ts";
import { eventTicket, type TicketView, ticketView } from "../views.ts";
import { loadCounter, requireSignedInTeller } from "./counter-access.ts";

/** A counter can take a ticket only while open and free. */
function requireReadyCounter(counter: Counter): void {
  if (counter.state !== "open")
    throw conflict(
      `Counter ${counter.number} is ${counter.state}; open it to call tickets.`,
      undefined,
      `${counter.number}号窗口当前为${COUNTER_STATE_ZH[counter.state] ?? counter.state}状态，请先开放窗口再叫号。`,
    );
  if (counter.currentTicketId !== null) {
    throw conflict(
      `Counter ${counter.number} still has a ticket; complete, park or transfer it first.`,
      { currentTicketId: counter.currentTicketId },
      `${counter.number}号窗口还有客户未办结，请先办结、挂起或转移。`,
    );
  }
}

/**
 * The teller asks for the next customer: the branch's (or the counter's own) dispatch policy chooses
 * among the waiting tickets, and the choice is claimed with a conditional update. If another counter
 * claimed that ticket first (PostgreSQL, another instance), the policy is asked again without it, so
 * a ticket is never called twice and a counter never gets "nothing" while something it serves waits.
 */
export function callNext(ctx: AppContext, actor: Actor, counterId: string): Promise<TicketView | null> {
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const counter = await loadCounter(tx, counterId);
    const teller = requireSignedInTeller(actor, counter);
    requireReadyCounter(counter);
    const settings = await findDispatchSettings(tx, counter.branchId);
    if (!settings) throw notFound("Branch", counter.branchId);
    const policy = resolvePolicy(
      knownPolicy(settings.dispatchPolicy) ?? DEFAULT_POLICY,
      knownPolicy(counter.dispatchPolicy),
    );
    const context: DispatchContext = {
      now,
      targetWaitMinutes: settings.targetWaitMinutes,
      alarmWaitMinutes: settings.alarmWaitMinutes,
      expectedMinutes: settings.expectedMinutes,
      // Open counters: `smart` lets a counter leave business to those that prefer it (specialist counters).
      openCounters: (await listCounters(tx, counter.branchId)).filter((c) => c.state === "open"),
    };
    // First pass: tickets another transaction holds this instant are passed over (on PostgreSQL); last resort:
    // wait for those, in the policy's order again, so that a counter is told "nothing" only when nothing waits.
    let candidates: WaitingTicket[] = await listWaitingForDispatch(tx, counter.branchId);
    const passedOver: WaitingTicket[] = [];
    for (const ifLocked of ["skip", "wait"] as const) {
      for (;;) {
        const choice = policy(candidates, counter, context);
        if (!choice) break;
        const called = await claimWaitingTicket(tx, choice.id, counter.id, teller.id, now, ifLocked);
        if (called) return finishCall(ctx, tx, afterCommit, teller, counter, called, now, "call-next");
        candidates = candidates.filter((t) => t.id !== choice.id);
        passedOver.push(choice);
      }
      candidates = passedOver.splice(0);
    }
    return null;
  });
}

/** The teller calls one particular waiting ticket of the branch (a customer the lobby manager points out). */
export function callTicket(ctx: AppContext, actor: Actor, counterId: string, ticketId: string): Promise<TicketView> {
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const counter = await loadCounter(tx, counterId);
    const teller = requireSignedInTeller(actor, counter);
    requireReadyCounter(counter);
    const ticket = await findTicket(tx, ticketId);
    if (!ticket || ticket.branchId !== counter.branchId) throw notFound("Ticket", ticketId);
    if (ticket.targetCounterId !== null && ticket.targetCounterId !== counter.id) {
      throw conflict(
        `Ticket ${ticket.number} is reserved for another counter.`,
        undefined,
        `${ticket.number}号已指定由其他窗口办理。`,
      );
    }
    const called = await claimWaitingTicket(tx, ticket.id, counter.id, teller.id, now, "wait");
    if (!called) {
      throw conflict(
        `Ticket ${ticket.number} is ${ticket.status}, not waiting.`,
        { status: ticket.status },
        `${ticket.number}号当前为“${TICKET_STATUS_ZH[ticket.status] ?? ticket.status}”，不在等候中。`,
      );
    }
    return finishCall(ctx, tx, afterCommit, teller, counter, called, now, "call");
  });
}

async function finishCall(
  ctx: AppContext,
  tx: Tx,
  afterCommit: AfterCommit,
  teller: StaffActor,
  counter: Counter,
  ticket: Ticket,
  now: number,
  how: "call-next" | "call",
): Promise<TicketView> {
  const ticketId = ticket.id;
  if (!(await assignCurrentTicket(tx, counter.id, ticketId))) {
    // Another request gave this counter a ticket meanwhile: refuse; the whole transaction rolls back.
    throw conflict(
      `Counter ${counter.number} was given another ticket at the same moment.`,
      undefined,
      `${counter.number}号窗口同时分到了另一张号票。`,
    );
  }
  await recordChange(ctx, tx, afterCommit, teller, now, {
    ticketId,
    branchId: counter.branchId,
    action: "call",
    from: "waiting",
    to: "called",
    data: { counterId: counter.id, how },
    auditAction: `ticket.${how}`,
    auditDetails: { counterId: counter.id },
    event: "ticket.called",
    ticket: eventTicket(ticket, counter.number),
  });
  return ticketView(ticket, counter.number, { viewerId: teller.id });
}
