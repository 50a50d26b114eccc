import { skillWeight } from "../counter.ts";
import { PRIORITY_RANK } from "../ticket.ts";
import { byLinePosition, eligibleTickets, pickBest } from "./eligibility.ts";
import type { DispatchPolicy } from "./policy.ts";

/**
 * The order the leading open-source queue system uses, as a chain of tie-breakers: tickets sent to this
 * counter, then appointment time (appointments first, earliest slot first), then the counter's weight for
 * the business type (higher first), then priority class, then arrival.
 */
export const strictPriority: DispatchPolicy = (waiting, counter) =>
  pickBest(eligibleTickets(waiting, counter), (a, b) => {
    const targeted = Number(b.targetCounterId === counter.id) - Number(a.targetCounterId === counter.id);
    if (targeted !== 0) return targeted;
    const aAppt = a.appointmentAt ?? Number.POSITIVE_INFINITY;
    const bAppt = b.appointmentAt ?? Number.POSITIVE_INFINITY;
    if (aAppt !== bAppt) return aAppt < bAppt ? -1 : 1;
    const weight = skillWeight(counter, b.serviceId) - skillWeight(counter, a.serviceId);
    if (weight !== 0) return weight;
    const rank = PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
    return rank !== 0 ? rank : byLinePosition(a, b);
  });
