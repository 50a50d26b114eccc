import type { BranchId } from "../../domain/ids.ts";
import type { Rating } from "../../domain/ticket.ts";
import type { Tx } from "../../store/store.ts";
import type { Ticket } from "../../store/tickets.ts";
import { requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden } from "../errors.ts";
import { recordPadRating } from "../surveys/surveys.ts";
import type { TicketView } from "../views.ts";
import { applyTicketAction } from "./apply-action.ts";

/**
 * The rating pad at a counter rates the ticket that counter served. A customer's rating given by word is
 * entered by the lobby manager (and above), in the audit trail like every staff action; never by the teller
 * who served the ticket, whose own satisfaction figure it is. A ticket is rated once.
 */
async function authorizeRating(_tx: Tx, actor: Actor, ticket: Ticket): Promise<void> {
  requireBranchAccess(actor, ticket.branchId as BranchId, [...TRIAGE_ROLES, "teller"], ["rating_pad"]);
  if (actor.type === "device") {
    if (actor.counterId === null || actor.counterId !== ticket.counterId) {
      throw forbidden("This rating pad belongs to another counter.", "此评价器属于其他窗口。");
    }
  } else if (!actor.roles.some((r) => TRIAGE_ROLES.includes(r))) {
    throw forbidden(
      "Tellers do not rate service: the customer rates on the counter's pad, or tells the lobby manager.",
      "柜员不能录入服务评价：请客户在窗口评价器上评价，或告知大堂经理代为录入。",
    );
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
    change: async (t, { tx, now }) => {
      // The pad's answer joins the visit's survey record; 不满意 opens a complaint.
      await recordPadRating(ctx, tx, t, input.rating, input.comment, now);
      return { rating: input.rating, rating_comment: input.comment ?? null };
    },
  });
}
