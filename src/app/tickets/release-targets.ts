import { findCounter } from "../../store/counters.ts";
import { recordTransition, releaseTargetsOfClosedCounter, toTicket } from "../../store/tickets.ts";
import type { AppContext } from "../context.ts";
import { emitEvent } from "../record.ts";
import { eventTicket } from "../views.ts";

/**
 * Tickets waiting for a counter that has closed go to their business type's line, each with a history line
 * (by the system, "counter_closed") and a `ticket.transferred` event, so displays and every instance's line
 * follow. Answers the ids of the tickets released.
 *
 * Closing a counter releases what is sent to it in its own transaction. On PostgreSQL, though, a transfer or
 * a resume that found the counter open just before the close committed can commit its ticket to the closed
 * counter after that release (READ COMMITTED; locking the counter there would take it before the ticket,
 * against the order call-next takes them, and deadlock). So both sides call this once they have committed:
 * its read of the counter and its write see everything committed before them, and whichever side commits
 * last sees the other's commit, so the ticket is released either way. The read comes first and is plain, so
 * that a ticket sent to an open counter (nearly always) costs no second write.
 */
export async function releaseFromClosedCounter(
  ctx: AppContext,
  counter: { readonly id: string; readonly branchId: string },
): Promise<string[]> {
  if ((await findCounter(ctx.store.db, counter.id))?.state !== "closed") return [];
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const released = await releaseTargetsOfClosedCounter(tx, counter.branchId, counter.id, now);
    for (const row of released) {
      await recordTransition(tx, {
        ticketId: row.id,
        branchId: counter.branchId,
        action: "transfer",
        from: "waiting",
        to: "waiting",
        at: now,
        actorType: "system",
        actorId: null,
        data: { reason: "counter_closed", counterId: counter.id },
      });
      await emitEvent(ctx, tx, afterCommit, counter.branchId, "ticket.transferred", now, {
        ticket: eventTicket(toTicket(row), null),
      });
    }
    return released.map((row) => row.id);
  });
}
