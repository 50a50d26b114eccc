import { skillWeight } from "../counter.ts";
import { MINUTE_MS } from "../ids.ts";
import { PRIORITY_WEIGHT, type WaitingTicket } from "../ticket.ts";
import { byLinePosition, eligibleTickets, pickBest } from "./eligibility.ts";
import type { DispatchPolicy } from "./policy.ts";

/**
 * Rank by time in line × counter weight × priority-class weight; any ticket already past the alarm wait
 * goes first (longest wait first among those). Tickets sent to this counter come before all others.
 */
export const weightedWait: DispatchPolicy = (waiting, counter, context) => {
  const alarmMs = context.alarmWaitMinutes * MINUTE_MS;
  const score = (t: WaitingTicket): number =>
    Math.max(1, context.now - t.queuedAt) * skillWeight(counter, t.serviceId) * PRIORITY_WEIGHT[t.priority];
  const overAlarm = (t: WaitingTicket): boolean => context.now - t.issuedAt >= alarmMs;
  return pickBest(eligibleTickets(waiting, counter), (a, b) => {
    const targeted = Number(b.targetCounterId === counter.id) - Number(a.targetCounterId === counter.id);
    if (targeted !== 0) return targeted;
    const alarm = Number(overAlarm(b)) - Number(overAlarm(a));
    if (alarm !== 0) return alarm;
    if (overAlarm(a)) return a.issuedAt - b.issuedAt || byLinePosition(a, b);
    // A targeted ticket has weight 0 for a counter lacking the skill; the targeted tie-break handled it above.
    return score(b) - score(a) || byLinePosition(a, b);
  });
};
