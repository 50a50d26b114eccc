import { type DispatchCounter, skillWeight } from "../counter.ts";
import type { WaitingTicket } from "../ticket.ts";

/**
 * Tickets this counter may serve at all: the business type is one of its skills (weight > 0), and the
 * ticket is not reserved for another counter. A ticket sent to this counter is eligible whatever its type.
 * Every policy starts here, so none can serve out of skill.
 */
export function eligibleTickets(waiting: readonly WaitingTicket[], counter: DispatchCounter): WaitingTicket[] {
  return waiting.filter((t) =>
    t.targetCounterId === null ? skillWeight(counter, t.serviceId) > 0 : t.targetCounterId === counter.id,
  );
}

/** Picks the minimum under `compare`; ties keep the first. Avoids sorting the whole line for one ticket. */
export function pickBest<T>(items: readonly T[], compare: (a: T, b: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || compare(item, best) < 0) best = item;
  return best;
}

/** Earlier line position first; equal positions by id so that every instance decides the same way. */
export function byLinePosition(a: WaitingTicket, b: WaitingTicket): number {
  return a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
