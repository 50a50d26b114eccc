import type { PriorityClass, Rating, TicketStatus } from "../domain/ticket.ts";
import type { EventTicket } from "../realtime/branch-event.ts";
import type { Counter } from "../store/counters.ts";
import type { Ticket } from "../store/tickets.ts";

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A ticket as staff see it through the API. */
export interface TicketView {
  readonly id: string;
  readonly branchId: string;
  readonly serviceId: string;
  readonly number: string;
  readonly day: string;
  readonly priority: PriorityClass;
  readonly status: TicketStatus;
  readonly channel: string;
  readonly counterId: string | null;
  readonly counterNumber: number | null;
  readonly targetCounterId: string | null;
  readonly issuedAt: string;
  readonly queuedAt: string;
  readonly calledAt: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly recallCount: number;
  readonly appointmentAt: string | null;
  readonly outcome: string | null;
  readonly notes: string | null;
  readonly redirectReason: string | null;
  readonly rating: Rating | null;
  readonly ratingComment: string | null;
  /** Null when no open counter serves the ticket's business type: no wait is promised (`waitUnknownReason`). */
  readonly estimatedWaitMinutes: number | null;
  readonly waitUnknownReason: "no_open_counter" | null;
  readonly position?: number;
}

export function ticketView(
  t: Ticket,
  counterNumber: number | null,
  extra?: { position?: number; estimatedWaitMinutes?: number | null },
): TicketView {
  return {
    id: t.id,
    branchId: t.branchId,
    serviceId: t.serviceId,
    number: t.number,
    day: t.day,
    priority: t.priority,
    status: t.status,
    channel: t.channel,
    counterId: t.counterId,
    counterNumber,
    targetCounterId: t.targetCounterId,
    issuedAt: new Date(t.issuedAt).toISOString(),
    queuedAt: new Date(t.queuedAt).toISOString(),
    calledAt: iso(t.calledAt),
    startedAt: iso(t.startedAt),
    completedAt: iso(t.completedAt),
    recallCount: t.recallCount,
    appointmentAt: iso(t.appointmentAt),
    outcome: t.outcome,
    notes: t.notes,
    redirectReason: t.redirectReason,
    rating: t.rating,
    ratingComment: t.ratingComment,
    ...(extra?.estimatedWaitMinutes === undefined
      ? { estimatedWaitMinutes: t.estimatedWaitMinutes, waitUnknownReason: null }
      : extra.estimatedWaitMinutes === null
        ? { estimatedWaitMinutes: null, waitUnknownReason: "no_open_counter" as const }
        : { estimatedWaitMinutes: extra.estimatedWaitMinutes, waitUnknownReason: null }),
    ...(extra?.position === undefined ? {} : { position: extra.position }),
  };
}

export function eventTicket(t: Ticket, counterNumber: number | null): EventTicket {
  return {
    id: t.id,
    number: t.number,
    serviceId: t.serviceId,
    status: t.status,
    priority: t.priority,
    counterId: t.counterId,
    counterNumber,
    recallCount: t.recallCount,
    targetCounterId: t.targetCounterId,
    issuedAt: new Date(t.issuedAt).toISOString(),
    queuedAt: new Date(t.queuedAt).toISOString(),
    calledAt: iso(t.calledAt),
    startedAt: iso(t.startedAt),
    appointmentAt: iso(t.appointmentAt),
  };
}

export function eventCounter(c: Counter): { id: string; number: number; state: Counter["state"] } {
  return { id: c.id, number: c.number, state: c.state };
}
