import type { Kysely } from "kysely";
import type { WaitingTicket } from "../../domain/ticket.ts";
import { estimateWait, type WaitEstimate } from "../../domain/wait-estimate.ts";
import { listServices } from "../../store/branches.ts";
import { listCounters } from "../../store/counters.ts";
import type { Database } from "../../store/schema.ts";
import { listWaitingTickets, toWaitingTicket } from "../../store/tickets.ts";

/**
 * Where a waiting ticket stands now: people ahead of it in its line and the estimated wait, from the
 * branch's waiting tickets, its open counters and the business types' expected minutes.
 * `ticket` may be one not yet stored (at issue time).
 */
export async function ticketStanding(db: Kysely<Database>, ticket: WaitingTicket): Promise<WaitEstimate> {
  const [stored, counters, services] = await Promise.all([
    listWaitingTickets(db, ticket.branchId),
    listCounters(db, ticket.branchId),
    listServices(db, ticket.branchId),
  ]);
  const waiting = stored.filter((t) => t.id !== ticket.id).map(toWaitingTicket);
  waiting.push(ticket);
  return estimateWait({
    waiting,
    ticket,
    openCounters: counters.filter((c) => c.state === "open"),
    expectedMinutes: new Map(services.map((s) => [s.id, s.expectedMinutes])),
  });
}
