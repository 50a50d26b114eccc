import { type DispatchCounter, skillWeight } from "./counter.ts";
import { byLinePosition } from "./dispatch/eligibility.ts";
import type { ServiceId } from "./ids.ts";
import { PRIORITY_RANK, type WaitingTicket } from "./ticket.ts";

export interface WaitEstimateInput {
  /** Every ticket waiting in the branch, including the one estimated. */
  readonly waiting: readonly WaitingTicket[];
  readonly ticket: WaitingTicket;
  /** Open counters (paused and closed ones serve nobody). */
  readonly openCounters: readonly DispatchCounter[];
  readonly expectedMinutes: ReadonlyMap<ServiceId, number>;
  /** Used when a business type has no expected time. */
  readonly defaultMinutes?: number;
}

export interface WaitEstimate {
  /** People of the same business type ahead in line: what the ticket and the live page show. */
  readonly position: number;
  readonly minutes: number;
}

/** Whether `other` is ahead of `ticket` in its line: a higher class, or the same class and earlier. */
function isAhead(other: WaitingTicket, ticket: WaitingTicket): boolean {
  const rank = PRIORITY_RANK[other.priority] - PRIORITY_RANK[ticket.priority];
  return rank < 0 || (rank === 0 && byLinePosition(other, ticket) < 0);
}

/**
 * A first, simple estimate: the work ahead of the ticket in the counters that can serve its type,
 * shared among those counters. Counted work includes other types those counters also serve, in
 * proportion to the share of their counters the two types have in common.
 */
export function estimateWait(input: WaitEstimateInput): WaitEstimate {
  const { ticket, openCounters, expectedMinutes } = input;
  const fallback = input.defaultMinutes ?? 5;
  const serving = openCounters.filter((c) => skillWeight(c, ticket.serviceId) > 0);
  let position = 0;
  let workMinutes = 0;
  for (const other of input.waiting) {
    if (other.id === ticket.id || !isAhead(other, ticket)) continue;
    if (other.serviceId === ticket.serviceId) position++;
    const shared =
      serving.length === 0
        ? Number(other.serviceId === ticket.serviceId)
        : serving.filter((c) => skillWeight(c, other.serviceId) > 0).length / serving.length;
    workMinutes += shared * (expectedMinutes.get(other.serviceId) ?? fallback);
  }
  const minutes = Math.round(workMinutes / Math.max(1, serving.length));
  return { position, minutes };
}
