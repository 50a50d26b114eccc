import type { CounterState } from "../domain/counter.ts";
import type { PriorityClass, TicketStatus } from "../domain/ticket.ts";

export const BRANCH_EVENT_TYPES = [
  "ticket.issued",
  "ticket.called",
  "ticket.recalled",
  "ticket.started",
  "ticket.completed",
  "ticket.no_show",
  "ticket.transferred",
  "ticket.parked",
  "ticket.resumed",
  "ticket.requeued",
  "ticket.cancelled",
  "ticket.redirected",
  "ticket.rated",
  "ticket.updated",
  "ticket.review_submitted",
  "ticket.review_approved",
  "ticket.review_rejected",
  "review.overdue",
  "counter.opened",
  "counter.paused",
  "counter.closed",
  "counter.updated",
  "branch.updated",
  // A customer with a named customer manager checked in (the "digital reception desk"): the manager's screen shows it.
  "appointment.arrived",
] as const;
export type BranchEventType = (typeof BRANCH_EVENT_TYPES)[number];

/** What an event tells about a ticket: enough for displays, never a name or a phone number. */
export interface EventTicket {
  readonly id: string;
  readonly number: string;
  readonly serviceId: string;
  readonly status: TicketStatus;
  readonly priority: PriorityClass;
  readonly counterId: string | null;
  readonly counterNumber: number | null;
  readonly recallCount: number;
  /** Line facts (ISO times), so that every instance can keep the branch's line in memory from events alone. */
  readonly targetCounterId: string | null;
  readonly issuedAt: string;
  readonly queuedAt: string;
  readonly calledAt: string | null;
  readonly startedAt: string | null;
  readonly appointmentAt: string | null;
}

export interface EventCounter {
  readonly id: string;
  readonly number: number;
  readonly state: CounterState;
}

export interface BranchEvent {
  /** Increasing per branch: the SSE id a client resumes from. */
  readonly seq: number;
  readonly type: BranchEventType;
  /** ISO 8601 time. */
  readonly at: string;
  readonly branchId: string;
  readonly ticket?: EventTicket;
  readonly counter?: EventCounter;
  readonly appointment?: EventAppointment;
}

/** An arrival for a customer manager: the booking code and the ticket, never the customer's name or phone. */
export interface EventAppointment {
  readonly id: string;
  readonly code: string;
  readonly serviceId: string;
  /** The appointment's time (ISO 8601 with the branch's offset). */
  readonly start: string;
  /** The staff user named as the customer's manager. */
  readonly managerUserId: string;
  readonly ticketId: string;
  readonly ticketNumber: string;
}
