import { findCounter } from "../../store/counters.ts";
import { listOpenReviews, reviewLevels } from "../../store/reviews.ts";
import { findTicket, recordTransition } from "../../store/tickets.ts";
import type { AppContext } from "../context.ts";
import { emitEvent } from "../record.ts";
import { eventTicket } from "../views.ts";
import { overdue } from "./reviews.ts";

/**
 * The job runner's round: every review waiting past its branch's review alarm warns the lobby once (a
 * `review.overdue` branch event carrying the ticket, no personal data) and leaves a line in the ticket's
 * history. Answers how many warned.
 */
export async function sweepReviewAlarms(ctx: AppContext): Promise<number> {
  const db = ctx.store.db;
  const now = ctx.clock();
  const open = await listOpenReviews(db, null);
  const levels = new Map<string, number>();
  let warned = 0;
  for (const r of open) {
    let alarm = levels.get(r.branch_id);
    if (alarm === undefined) {
      alarm = (await reviewLevels(db, r.branch_id))?.alarmMinutes ?? Number.POSITIVE_INFINITY;
      levels.set(r.branch_id, alarm);
    }
    if (!overdue(r, alarm, now)) continue;
    const ticket = await findTicket(db, r.ticket_id);
    if (!ticket) continue;
    const counter = ticket.counterId ? await findCounter(db, ticket.counterId) : undefined;
    const did = await ctx.store.write(async (tx, afterCommit) => {
      const u = await tx
        .updateTable("reviews")
        .set({ alarmed_at: now })
        .where("id", "=", r.id)
        .where("alarmed_at", "is", null)
        .where("status", "in", ["pending", "taken"])
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) return false;
      await recordTransition(tx, {
        ticketId: r.ticket_id,
        branchId: r.branch_id,
        action: "review-overdue",
        from: ticket.status,
        to: ticket.status,
        at: now,
        actorType: "system",
        actorId: null,
        data: { reviewId: r.id, waitedMs: now - Number(r.submitted_at), alarmMinutes: alarm },
      });
      await emitEvent(ctx, tx, afterCommit, r.branch_id, "review.overdue", now, {
        ticket: eventTicket(ticket, counter?.number ?? null),
      });
      return true;
    });
    if (did) warned++;
  }
  return warned;
}
