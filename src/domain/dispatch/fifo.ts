import { byLinePosition, eligibleTickets, pickBest } from "./eligibility.ts";
import type { DispatchPolicy } from "./policy.ts";

/** First in, first out among the tickets the counter may serve. Tickets sent to this counter come first. */
export const fifo: DispatchPolicy = (waiting, counter) => {
  const eligible = eligibleTickets(waiting, counter);
  return pickBest(
    eligible,
    (a, b) =>
      Number(b.targetCounterId === counter.id) - Number(a.targetCounterId === counter.id) || byLinePosition(a, b),
  );
};
