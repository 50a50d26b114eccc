import { listBranches } from "../../store/branches.ts";
import { findCounter } from "../../store/counters.ts";
import type { TicketTable } from "../../store/schema.ts";
import type { AfterCommit, Tx } from "../../store/store.ts";
import { releaseTicketsSentTo, toTicket } from "../../store/tickets.ts";
import type { AppContext } from "../context.ts";
import { recordChange } from "../record.ts";
import { eventTicket } from "../views.ts";

/**
 * Records tickets just released from a closed counter: a history line each (by the system, "counter_closed")
 * and a `ticket.transferred` event, so displays and every instance's line follow. Call it after the write
 * has locked everything else it locks: the event takes the branch's event counter, which comes last.
 */
export async function recordReleased(
  ctx: AppContext,
  tx: Tx,
  afterCommit: AfterCommit,
  counter: { readonly id: string; readonly branchId: string },
  released: readonly TicketTable[],
  now: number,
): Promise<void> {
  for (const row of released)
    await recordChange(ctx, tx, afterCommit, "system", now, {
      ticketId: row.id,
      branchId: counter.branchId,
      action: "transfer",
      from: "waiting",
      to: "waiting",
      data: { reason: "counter_closed", counterId: counter.id },
      auditAction: "ticket.transfer",
      event: "ticket.transferred",
      ticket: eventTicket(toTicket(row), null),
    });
}

/**
 * Tickets waiting for a counter that has closed go to their business type's line (recorded as above).
 * Answers the ids released, or null when the counter is not closed (then nothing is written).
 *
 * Closing a counter releases what is sent to it in its own transaction. On PostgreSQL, though, a transfer or
 * a resume that found the counter open just before the close committed can commit its ticket to the closed
 * counter after that release (READ COMMITTED; locking the counter there would take it before the ticket,
 * against the order call-next takes them, and deadlock). So both sides call this once they have committed:
 * its read of the counter and its write see everything committed before them, and whichever side commits
 * last sees the other's commit, so the ticket is released either way. The read comes first and is plain, so
 * that a ticket sent to an open counter (nearly always) costs no second write. Housekeeping also runs it for
 * every closed counter with tickets still sent to it, should one of these calls have failed.
 */
export async function releaseFromClosedCounter(
  ctx: AppContext,
  counter: { readonly id: string; readonly branchId: string },
): Promise<string[] | null> {
  if ((await findCounter(ctx.store.db, counter.id))?.state !== "closed") return null;
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const released = await releaseTicketsSentTo(tx, counter, now, { onlyIfClosed: true });
    await recordReleased(ctx, tx, afterCommit, counter, released, now);
    return released.map((row) => row.id);
  });
}

/** Housekeeping: every closed counter that still has tickets waiting for it releases them. Answers how many. */
export async function releaseAllClosedCounters(ctx: AppContext): Promise<number> {
  let released = 0;
  for (const branch of await listBranches(ctx.store.db)) {
    const stuck = await ctx.store.db
      .selectFrom("tickets")
      .innerJoin("counters", "counters.id", "tickets.target_counter_id")
      .select("counters.id")
      .distinct()
      .where("tickets.branch_id", "=", branch.id)
      .where("tickets.status", "=", "waiting")
      .where("counters.state", "=", "closed")
      .execute();
    for (const { id } of stuck)
      released += (await releaseFromClosedCounter(ctx, { id, branchId: branch.id }))?.length ?? 0;
  }
  return released;
}
