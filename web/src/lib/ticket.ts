import type { PublicTicket, Ticket } from "../api/types.ts";

/**
 * People ahead of this ticket. docs/API.md calls the field `position`; the server counts it from zero
 * (0 = next in line), so it is the number of people ahead.
 */
export function peopleAhead(ticket: Pick<Ticket | PublicTicket, "position">): number {
  return Math.max(0, Number(ticket.position ?? 0));
}
