import { findCounter } from "../../store/counters.ts";
import { findTicketRow, toTicket } from "../../store/tickets.ts";
import { listUnansweredCalls } from "../../store/unanswered-calls.ts";
import type { AppContext } from "../context.ts";
import { applyChange } from "../record.ts";
import { eventTicket } from "../views.ts";

/**
 * Housekeeping: a called customer who has not come within the branch's automatic no-show time after the latest
 * call is marked no-show by the system, and the counter is free for the next. Each ticket is re-read and changed
 * in a transaction of its own with the same guarded update as the staff actions (status and version as read):
 * when a teller starts, recalls or marks the ticket meanwhile, or another instance's housekeeping got there
 * first, nothing is written. Answers the numbers marked.
 */
export async function expireUnansweredCalls(ctx: AppContext): Promise<string[]> {
  const marked: string[] = [];
  for (const candidate of await listUnansweredCalls(ctx.store.db, ctx.clock())) {
    const number = await ctx.store.write(async (tx, afterCommit) => {
      const now = ctx.clock();
      const stored = await findTicketRow(tx, candidate.id);
      if (!stored || stored.status !== "called" || stored.called_at === null) return null;
      // A recall since the read moved the call: the customer's time starts again.
      if (now - Number(stored.called_at) < candidate.afterSeconds * 1000) return null;
      const ticket = toTicket(stored);
      const counter = ticket.counterId ? await findCounter(tx, ticket.counterId) : undefined;
      const patch = { status: "no_show", completed_at: now, updated_at: now } as const;
      const updated = toTicket({ ...stored, ...patch, version: stored.version + 1 });
      const applied = await applyChange(
        ctx,
        tx,
        afterCommit,
        "system",
        now,
        { read: ticket, patch, ...(ticket.counterId ? { releasedCounterId: ticket.counterId } : {}) },
        {
          ticketId: ticket.id,
          branchId: ticket.branchId,
          action: "no-show",
          from: "called",
          to: "no_show",
          data: { automatic: true, afterSeconds: candidate.afterSeconds },
          auditAction: "ticket.no-show",
          event: "ticket.no_show",
          ticket: eventTicket(updated, counter?.number ?? null),
        },
      );
      return applied ? ticket.number : null;
    });
    if (number !== null) marked.push(number);
  }
  return marked;
}
