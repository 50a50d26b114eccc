import { insertReview, reviewsOfTicket } from "../../store/reviews.ts";
import type { Tx } from "../../store/store.ts";
import type { Ticket } from "../../store/tickets.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { requireNotReviewer } from "./reviews.ts";

/**
 * Puts a completed ticket in its branch's review queue (inside the completion's transaction): a new round per
 * completion. The teller is who served it (the ticket's `served_by`, else whoever completed it).
 */
export async function submitForReview(ctx: AppContext, tx: Tx, actor: Actor, t: Ticket, now: number): Promise<void> {
  await requireNotReviewer(tx, actor, t.id);
  const rounds = await reviewsOfTicket(tx, t.id);
  await insertReview(tx, {
    id: ctx.newId(),
    ticket_id: t.id,
    branch_id: t.branchId,
    service_id: t.serviceId,
    counter_id: t.counterId,
    teller_id: t.servedBy ?? actor.id,
    priority: t.priority,
    round: rounds.length + 1,
    status: "pending",
    submitted_at: now,
    taken_by: null,
    taken_at: null,
    decided_by: null,
    decided_at: null,
    reason: null,
    alarmed_at: null,
  });
}
