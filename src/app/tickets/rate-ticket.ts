import type { BranchId } from "../../domain/ids.ts";
import type { Rating } from "../../domain/ticket.ts";
import { findCounter } from "../../store/counters.ts";
import type { Tx } from "../../store/store.ts";
import type { Ticket } from "../../store/tickets.ts";
import { requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden } from "../errors.ts";
import type { TicketView } from "../views.ts";
import { applyTicketAction } from "./apply-action.ts";

/**
 * The rating pad at a counter rates the ticket that counter served; the teller there may enter a rating
 * the customer gave by word. A ticket is rated once.
 */
async function authorizeRating(tx: Tx, actor: Actor, ticket: Ticket): Promise<void> {
  requireBranchAccess(actor, ticket.branchId as BranchId, [...TRIAGE_ROLES, "teller"], ["rating_pad"]);
  if (actor.type === "device") {
    if (actor.counterId === null || actor.counterId !== ticket.counterId) {
      throw forbidden("This rating pad belongs to another counter.", "此评价器属于其他窗口。");
    }
  } else if (!actor.roles.some((r) => TRIAGE_ROLES.includes(r))) {
    const counter = ticket.counterId ? await findCounter(tx, ticket.counterId) : undefined;
    if (counter?.signedInUserId !== actor.id)
      throw forbidden("Only the counter that served this ticket may rate it.", "只有办理该号票的窗口才能评价。");
  }
  if (ticket.rating !== null)
    throw conflict(`Ticket ${ticket.number} is already rated.`, undefined, `${ticket.number}号已评价过。`);
}

export function rateTicket(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: { rating: Rating; comment?: string },
): Promise<TicketView> {
  return applyTicketAction(ctx, actor, ticketId, {
    action: "rate",
    event: "ticket.rated",
    details: { rating: input.rating },
    authorize: authorizeRating,
    change: () => ({ rating: input.rating, rating_comment: input.comment ?? null }),
  });
}
