import { localDay } from "../../domain/local-day.ts";
import { listBranches } from "../../store/branches.ts";
import { releaseCurrentTicket } from "../../store/counters.ts";
import { recordTransition, type TicketPatch, toTicket, updateTicketFrom } from "../../store/tickets.ts";
import type { AppContext } from "../context.ts";
import { emitEvent } from "../record.ts";
import { eventTicket } from "../views.ts";

const OPEN_STATUSES = ["waiting", "called", "serving", "parked"] as const;
/** Tickets closed per branch and run: bounded so one run never holds the writer for long. */
const BATCH = 200;

/**
 * Tickets of an earlier branch-local day that never finished (the customer left, the branch closed) are
 * cancelled with the outcome "day_closed", so that yesterday's line never reaches today's counters and the
 * counters are free in the morning. Safe to run on every instance at once: each ticket moves only from the
 * status it was read in.
 */
export async function closePastDays(ctx: AppContext): Promise<number> {
  const now = ctx.clock();
  let closed = 0;
  for (const branch of await listBranches(ctx.store.db)) {
    const today = localDay(now, branch.timezone);
    const stale = await ctx.store.db
      .selectFrom("tickets")
      .selectAll()
      .where("branch_id", "=", branch.id)
      .where("day", "<", today)
      .where("status", "in", [...OPEN_STATUSES])
      .limit(BATCH)
      .execute();
    for (const row of stale) {
      const done = await ctx.store.write(async (tx, afterCommit) => {
        const patch: TicketPatch = { status: "cancelled", outcome: "day_closed", completed_at: now, updated_at: now };
        if (!(await updateTicketFrom(tx, row, patch))) return false;
        if (row.counter_id) await releaseCurrentTicket(tx, row.counter_id, row.id);
        await recordTransition(tx, {
          ticketId: row.id,
          branchId: branch.id,
          action: "cancel",
          from: row.status,
          to: "cancelled",
          at: now,
          actorType: "system",
          actorId: null,
          data: { reason: "day_closed" },
        });
        const ticket = toTicket({ ...row, ...patch, version: row.version + 1 });
        await emitEvent(ctx, tx, afterCommit, branch.id, "ticket.cancelled", now, {
          ticket: eventTicket(ticket, null),
        });
        return true;
      });
      if (done) closed++;
    }
  }
  return closed;
}
