import { localDay } from "../../domain/local-day.ts";
import { listBranches } from "../../store/branches.ts";
import type { TicketTable } from "../../store/schema.ts";
import { type TicketPatch, toTicket } from "../../store/tickets.ts";
import type { AppContext } from "../context.ts";
import { applyChange } from "../record.ts";
import { eventTicket } from "../views.ts";

const OPEN_STATUSES = ["waiting", "called", "serving", "parked"] as const;
/** Tickets read at a time: each is its own small write, so the writer is never held for long. */
const BATCH = 200;
/** On PostgreSQL, tickets closed at the same time (each a transaction on a pooled connection). */
const PG_SIDE_BY_SIDE = 4;

/**
 * Tickets of an earlier branch-local day that never finished (the customer left, the branch closed) are
 * cancelled with the outcome "day_closed", so that yesterday's line never reaches today's counters and the
 * counters are free in the morning. Runs batch after batch until no such ticket is left (or a batch closes
 * none: another instance is at it). Safe to run on every instance at once: each ticket moves only from the
 * status it was read in.
 */
export async function closePastDays(ctx: AppContext): Promise<number> {
  const now = ctx.clock();
  let closed = 0;
  for (const branch of await listBranches(ctx.store.db)) {
    const today = localDay(now, branch.timezone);
    for (;;) {
      const stale = await ctx.store.db
        .selectFrom("tickets")
        .selectAll()
        .where("branch_id", "=", branch.id)
        .where("day", "<", today)
        .where("status", "in", [...OPEN_STATUSES])
        .limit(BATCH)
        .execute();
      // A few side by side: on SQLite they share commits; on PostgreSQL each holds a pooled connection while it
      // waits its turn on the branch's event counter, and live requests must still find connections free.
      const done: boolean[] = [];
      const side = ctx.store.dialect === "sqlite" ? BATCH : PG_SIDE_BY_SIDE;
      for (let i = 0; i < stale.length; i += side)
        done.push(...(await Promise.all(stale.slice(i, i + side).map((row) => closeTicket(ctx, row, branch.id, now)))));
      const closedNow = done.filter(Boolean).length;
      closed += closedNow;
      if (stale.length < BATCH || closedNow === 0) break;
    }
  }
  return closed;
}

/** Cancels one ticket of a past day, if it is still as read. */
async function closeTicket(ctx: AppContext, row: TicketTable, branchId: string, now: number): Promise<boolean> {
  const patch: TicketPatch = { status: "cancelled", outcome: "day_closed", completed_at: now, updated_at: now };
  const ticket = toTicket({ ...row, ...patch, version: row.version + 1 });
  const event = await ctx.store.write((tx, afterCommit) =>
    applyChange(
      ctx,
      tx,
      afterCommit,
      "system",
      now,
      { read: row, patch, ...(row.counter_id ? { releasedCounterId: row.counter_id } : {}) },
      {
        ticketId: row.id,
        branchId,
        action: "cancel",
        from: row.status,
        to: "cancelled",
        data: { reason: "day_closed" },
        auditAction: "ticket.cancel",
        event: "ticket.cancelled",
        ticket: eventTicket(ticket, null),
      },
    ),
  );
  return event !== undefined;
}
