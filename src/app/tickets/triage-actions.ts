import type { BranchId } from "../../domain/ids.ts";
import { localDay } from "../../domain/local-day.ts";
import type { PriorityClass } from "../../domain/ticket.ts";
import { findService } from "../../store/branches.ts";
import { findCounter } from "../../store/counters.ts";
import { listWaitingTickets } from "../../store/tickets.ts";
import { requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import type { TicketView } from "../views.ts";
import { applyTicketAction, unlessCounterClosed } from "./apply-action.ts";

export interface TransferInput {
  readonly serviceId?: string;
  readonly counterId?: string;
  readonly position: "first" | "last";
  /** For the next teller, shown when the ticket is called (kept with the transfer's history line). */
  readonly note?: string;
}

/**
 * Sends a ticket to another business type and/or a specific counter, at the front or the back of that
 * line. "First" places it just before the earliest ticket now waiting there, so it keeps its class.
 */
export function transferTicket(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: TransferInput,
): Promise<TicketView> {
  if (input.serviceId === undefined && input.counterId === undefined) {
    return Promise.reject(
      invalid(
        "Give serviceId, counterId or both: where should the ticket go?",
        undefined,
        "请填写 serviceId 或 counterId（或两者）：号票要转到哪里？",
      ),
    );
  }
  const transferred = applyTicketAction(ctx, actor, ticketId, {
    action: "transfer",
    event: "ticket.transferred",
    details: input,
    change: async (t, { tx, now }) => {
      const serviceId = input.serviceId ?? t.serviceId;
      if (input.serviceId !== undefined) {
        const service = await findService(tx, input.serviceId);
        if (!service || service.branchId !== t.branchId) throw notFound("Business type", input.serviceId);
        if (!service.active)
          throw invalid(
            `Business type ${service.code} is not offered at the moment.`,
            undefined,
            `业务类型 ${service.code} 暂停办理。`,
          );
      }
      if (input.counterId !== undefined) {
        const counter = await findCounter(tx, input.counterId);
        if (!counter || counter.branchId !== t.branchId) throw notFound("Counter", input.counterId);
        if (counter.state === "closed")
          throw conflict(`Counter ${counter.number} is closed.`, undefined, `${counter.number}号窗口已关闭。`);
      }
      let queuedAt = now;
      if (input.position === "first") {
        const line = (await listWaitingTickets(tx, t.branchId)).filter((w) =>
          input.counterId !== undefined ? w.targetCounterId === input.counterId : w.serviceId === serviceId,
        );
        const earliest = Math.min(now, ...line.map((w) => w.queuedAt));
        queuedAt = earliest - 1;
      }
      return {
        service_id: serviceId,
        target_counter_id: input.counterId ?? null,
        counter_id: null,
        queued_at: queuedAt,
        called_at: null,
        started_at: null,
        recall_count: 0,
      };
    },
  });
  return transferred.then((view) => unlessCounterClosed(ctx, view));
}

export function cancelTicket(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: { reason?: string },
): Promise<TicketView> {
  return applyTicketAction(ctx, actor, ticketId, {
    action: "cancel",
    event: "ticket.cancelled",
    details: input.reason === undefined ? undefined : { reason: input.reason },
    change: (_t, { now }) => ({ completed_at: now, outcome: "cancelled", notes: input.reason ?? null }),
  });
}

export type RedirectTarget = "self_service" | "vtm" | "other";

/** The lobby manager sends simple business to a self-service machine or smart teller, with the reason. */
export function redirectTicket(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: { reason: string; target: RedirectTarget },
): Promise<TicketView> {
  return applyTicketAction(ctx, actor, ticketId, {
    action: "redirect",
    event: "ticket.redirected",
    details: input,
    change: (_t, { now }) => ({
      completed_at: now,
      outcome: `redirected:${input.target}`,
      redirect_reason: input.reason,
    }),
  });
}

/** The lobby manager changes a waiting ticket's priority class (an elderly customer, a VIP recognised). */
export function changePriority(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: { priority: PriorityClass },
): Promise<TicketView> {
  return applyTicketAction(ctx, actor, ticketId, {
    action: "prioritize",
    event: "ticket.updated",
    details: input,
    change: () => ({ priority: input.priority }),
  });
}

/**
 * The lobby manager puts a no-show back in line: the customer came back after their calls. Today's tickets
 * only (yesterday's line is closed); at the back of its business type's line, or first when the manager says
 * so, as a transfer places it. Its recalls start again from nothing.
 */
export function requeueTicket(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: { position: "first" | "last" },
): Promise<TicketView> {
  return applyTicketAction(ctx, actor, ticketId, {
    action: "requeue",
    event: "ticket.requeued",
    details: input,
    authorize: async (_tx, who, ticket) => {
      requireBranchAccess(who, ticket.branchId as BranchId, TRIAGE_ROLES);
    },
    change: async (t, { tx, now, branch }) => {
      const { timezone } = await branch();
      if (t.day !== localDay(now, timezone))
        throw conflict(
          `Ticket ${t.number} is from ${t.day}; only today's no-shows can go back in line.`,
          { day: t.day },
          `${t.number}号不是今天的号票，只能让今天过号的客户重新排队。`,
        );
      let queuedAt = now;
      if (input.position === "first") {
        const line = (await listWaitingTickets(tx, t.branchId)).filter(
          (w) => w.serviceId === t.serviceId && w.targetCounterId === null,
        );
        queuedAt = Math.min(now, ...line.map((w) => w.queuedAt)) - 1;
      }
      return {
        counter_id: null,
        target_counter_id: null,
        queued_at: queuedAt,
        called_at: null,
        started_at: null,
        completed_at: null,
        recall_count: 0,
      };
    },
  });
}
