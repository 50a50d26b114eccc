import type { CounterKind } from "../counter.ts";
import { DEFAULT_POLICY, knownPolicy, POLICIES } from "../dispatch/index.ts";
import type { BranchId, CounterId, EpochMs, ServiceId, TicketId } from "../ids.ts";
import { MINUTE_MS } from "../ids.ts";
import type { PriorityClass, WaitingTicket } from "../ticket.ts";

/** A review waiting in a queue: what ordering it needs. */
export interface PendingReview {
  readonly id: string;
  readonly ticketId: string;
  readonly branchId: string;
  readonly serviceId: string;
  readonly priority: PriorityClass;
  readonly submittedAt: EpochMs;
}

/** A review queue's own service level: minutes a review should wait at most, and after which the lobby is warned. */
export interface ReviewLevels {
  readonly targetMinutes: number;
  readonly alarmMinutes: number;
}

/**
 * The queue in the order a reviewer takes it: the branch's dispatch policy, run as if the reviewer were a counter
 * with every business type of the queue as an equal skill, the review's wait measured from its submission, and
 * the review queue's own target and alarm. The policy picks the first; the rest follow by picking again.
 */
export function orderReviews<R extends PendingReview>(
  pending: readonly R[],
  policyName: string | null,
  levels: ReviewLevels,
  now: EpochMs,
): R[] {
  const policy = POLICIES[knownPolicy(policyName) ?? DEFAULT_POLICY];
  const byId = new Map(pending.map((r) => [r.id, r]));
  let left: WaitingTicket[] = pending.map((r) => ({
    // The review's own id stands in for the ticket's: one ticket has at most one review pending.
    id: r.id as TicketId,
    branchId: r.branchId as BranchId,
    serviceId: r.serviceId as ServiceId,
    priority: r.priority,
    issuedAt: r.submittedAt,
    queuedAt: r.submittedAt,
    appointmentAt: null,
    targetCounterId: null,
  }));
  const reviewer = {
    id: "review-desk" as CounterId,
    branchId: (pending[0]?.branchId ?? "") as BranchId,
    kind: "teller" as CounterKind,
    skills: [...new Set(pending.map((r) => r.serviceId))].map((serviceId) => ({
      serviceId: serviceId as ServiceId,
      weight: 1,
    })),
  };
  const expectedMinutes = new Map<ServiceId, number>();
  const context = {
    now,
    targetWaitMinutes: levels.targetMinutes,
    alarmWaitMinutes: levels.alarmMinutes,
    expectedMinutes,
  };
  const ordered: R[] = [];
  while (left.length > 0) {
    const next = policy(left, reviewer, context) ?? left[0];
    if (!next) break;
    const review = byId.get(next.id);
    if (review) ordered.push(review);
    left = left.filter((t) => t.id !== next.id);
  }
  return ordered;
}

/** Whether a review has waited past its queue's alarm. */
export function pastAlarm(review: Pick<PendingReview, "submittedAt">, levels: ReviewLevels, now: EpochMs): boolean {
  return now - review.submittedAt >= levels.alarmMinutes * MINUTE_MS;
}

/**
 * "About N minutes" for the customer's page: the reviews ahead of this one and this one, each taking the
 * branch's recent mean review time (the queue's target when there is no history yet), less the time it has
 * waited already; at least one minute while it waits.
 */
export function reviewWaitMinutes(input: {
  readonly ahead: number;
  readonly meanReviewMinutes: number | null;
  readonly targetMinutes: number;
  readonly waitedMs: number;
}): number {
  const each = input.meanReviewMinutes ?? input.targetMinutes;
  const total = (input.ahead + 1) * each - input.waitedMs / MINUTE_MS;
  return Math.max(1, Math.ceil(total));
}
