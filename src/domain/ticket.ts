import type { BranchId, CounterId, EpochMs, ServiceId, TicketId } from "./ids.ts";

export const TicketStatus = Object.freeze({
  waiting: "waiting",
  called: "called",
  serving: "serving",
  done: "done",
  noShow: "no_show",
  cancelled: "cancelled",
  redirected: "redirected",
  parked: "parked",
  /** Completed at the counter and waiting for the back office's second review (前台受理、后台复核). */
  inReview: "in_review",
} as const);
export type TicketStatus = (typeof TicketStatus)[keyof typeof TicketStatus];
export const TICKET_STATUSES: readonly TicketStatus[] = Object.values(TicketStatus);

/** Statuses that end a visit (a no-show may only be put back in line the same day, by the lobby manager). */
export const FINAL_STATUSES: ReadonlySet<TicketStatus> = new Set(["done", "no_show", "cancelled", "redirected"]);

export const PriorityClass = Object.freeze({
  normal: "normal",
  vip1: "vip1",
  vip2: "vip2",
  vip3: "vip3",
  elderly: "elderly",
  disabled: "disabled",
  pregnant: "pregnant",
  appointment: "appointment",
} as const);
export type PriorityClass = (typeof PriorityClass)[keyof typeof PriorityClass];
export const PRIORITY_CLASSES: readonly PriorityClass[] = Object.values(PriorityClass);

/** Care classes get precedence for reasons of decency, not of value. */
export const CARE_CLASSES: ReadonlySet<PriorityClass> = new Set(["elderly", "disabled", "pregnant"]);

/**
 * Rank used by strict-priority (lower is served first) and weight used by weighted-wait.
 * VIP tiers: vip3 is the highest tier. Care classes sit with the middle VIP tier so that an elderly
 * customer never waits behind a low-tier VIP.
 */
export const PRIORITY_RANK: Readonly<Record<PriorityClass, number>> = Object.freeze({
  appointment: 0,
  vip3: 1,
  elderly: 2,
  disabled: 2,
  pregnant: 2,
  vip2: 2,
  vip1: 3,
  normal: 4,
});
export const PRIORITY_WEIGHT: Readonly<Record<PriorityClass, number>> = Object.freeze({
  appointment: 3,
  vip3: 3,
  elderly: 2,
  disabled: 2,
  pregnant: 2,
  vip2: 2,
  vip1: 1.5,
  normal: 1,
});

export const TicketAction = Object.freeze({
  call: "call",
  recall: "recall",
  start: "start",
  complete: "complete",
  noShow: "no-show",
  transfer: "transfer",
  park: "park",
  resume: "resume",
  cancel: "cancel",
  redirect: "redirect",
  prioritize: "prioritize",
  rate: "rate",
  requeue: "requeue",
  submitReview: "submit-review",
  approve: "approve",
  reject: "reject",
  rejectRequeue: "reject-requeue",
} as const);
export type TicketAction = (typeof TicketAction)[keyof typeof TicketAction];

/**
 * The state machine in one table: which statuses each action accepts and where it leads.
 * `transfer` puts the ticket back in line (waiting) under another business type or counter.
 * `resume` returns a parked ticket to the line (the teller calls it again when ready).
 * `requeue` puts a no-show back in line: the customer came back, and the lobby manager lets them wait again.
 * `submit-review` is the completion of a business type that needs a second review: the ticket leaves the
 * counter and waits for the back office; `approve` completes it; `reject` sends it back to the counter that
 * served it (serving again when that counter is free, else `reject-requeue`: first in that counter's line).
 * `rate` keeps the status (null): the pad rates a ticket done or in review.
 */
const TRANSITIONS: Readonly<
  Record<TicketAction, { readonly from: readonly TicketStatus[]; readonly to: TicketStatus | null }>
> = Object.freeze({
  call: { from: ["waiting"], to: "called" },
  recall: { from: ["called"], to: "called" },
  start: { from: ["called"], to: "serving" },
  complete: { from: ["serving"], to: "done" },
  "no-show": { from: ["called"], to: "no_show" },
  transfer: { from: ["waiting", "called", "serving", "parked"], to: "waiting" },
  park: { from: ["called", "serving"], to: "parked" },
  resume: { from: ["parked"], to: "waiting" },
  cancel: { from: ["waiting", "called", "parked"], to: "cancelled" },
  redirect: { from: ["waiting", "called"], to: "redirected" },
  prioritize: { from: ["waiting"], to: "waiting" },
  rate: { from: ["done", "in_review"], to: null },
  requeue: { from: ["no_show"], to: "waiting" },
  "submit-review": { from: ["serving"], to: "in_review" },
  approve: { from: ["in_review"], to: "done" },
  reject: { from: ["in_review"], to: "serving" },
  "reject-requeue": { from: ["in_review"], to: "waiting" },
});

export type TransitionCheck =
  | { readonly ok: true; readonly to: TicketStatus }
  | { readonly ok: false; readonly reason: string };

/** Whether `action` may be applied to a ticket in `status`, and the status it leads to. */
export function checkTransition(status: TicketStatus, action: TicketAction): TransitionCheck {
  const rule = TRANSITIONS[action];
  if (rule.from.includes(status)) return { ok: true, to: rule.to ?? status };
  return { ok: false, reason: `cannot ${action} a ticket that is ${status} (allowed from: ${rule.from.join(", ")})` };
}

export type Rating = "satisfied" | "neutral" | "dissatisfied";
export const RATINGS: readonly Rating[] = ["satisfied", "neutral", "dissatisfied"];

/** What dispatch and estimates need to know about a ticket that waits. */
export interface WaitingTicket {
  readonly id: TicketId;
  readonly branchId: BranchId;
  readonly serviceId: ServiceId;
  readonly priority: PriorityClass;
  /** When the customer took the ticket: the customer's wait is measured from here. */
  readonly issuedAt: EpochMs;
  /**
   * Position key in the line. Equals issuedAt normally; a transfer "last in line" sets it to the
   * transfer time, "first in line" to just before the earliest ticket waiting for that type.
   */
  readonly queuedAt: EpochMs;
  readonly appointmentAt: EpochMs | null;
  /** Sent to one counter by the lobby manager or a transfer: only that counter may call it. */
  readonly targetCounterId: CounterId | null;
}

/** Ticket number shown to customers: prefix and a zero-padded daily sequence (A001 … A999, A1000). */
export function formatTicketNumber(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(3, "0")}`;
}
