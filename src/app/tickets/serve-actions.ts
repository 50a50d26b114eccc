import { findCounter } from "../../store/counters.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict } from "../errors.ts";
import { submitForReview } from "../reviews/submit.ts";
import { afterServiceDone } from "../surveys/surveys.ts";
import type { TicketView } from "../views.ts";
import { applyTicketAction, unlessCounterClosed } from "./apply-action.ts";

/**
 * Re-announces a called ticket on the display; counts towards the no-show threshold. Refused within the
 * branch's least gap since the previous call: each recall is a real announcement the customer could answer,
 * so three presses in two seconds cannot unlock a no-show. The check reads the ticket's own call time, and the
 * update is guarded by the ticket's version, so two instances cannot both let a recall through.
 */
export function recallTicket(ctx: AppContext, actor: Actor, ticketId: string): Promise<TicketView> {
  return applyTicketAction(ctx, actor, ticketId, {
    action: "recall",
    event: "ticket.recalled",
    change: async (t, { now, branch }) => {
      const { minRecallGapSeconds } = await branch();
      const since = t.calledAt === null ? Number.POSITIVE_INFINITY : now - t.calledAt;
      if (since < minRecallGapSeconds * 1000) {
        const retryAfterSeconds = Math.ceil((minRecallGapSeconds * 1000 - since) / 1000);
        throw conflict(
          `Ticket ${t.number} was called ${Math.floor(since / 1000)} s ago; recall it again in ${retryAfterSeconds} s, when the customer has had time to come.`,
          { retryAfterSeconds, minRecallGapSeconds },
          `${t.number}号刚刚呼叫过，请 ${retryAfterSeconds} 秒后再重呼，给客户留出到窗口的时间。`,
        );
      }
      return { recall_count: t.recallCount + 1, called_at: now };
    },
  });
}

/** The customer has arrived at the counter: service begins. */
export function startService(ctx: AppContext, actor: Actor, ticketId: string): Promise<TicketView> {
  return applyTicketAction(ctx, actor, ticketId, {
    action: "start",
    event: "ticket.started",
    change: (_t, { now }) => ({ started_at: now }),
  });
}

export interface CompleteInput {
  readonly outcome?: string;
  readonly notes?: string;
}

/**
 * The teller completes the service. For a business type that needs a second review, the completion is a
 * `submit-review`: the ticket leaves the counter as `in_review` and joins the branch's review queue (nobody who
 * reviewed it before may submit it: four eyes). Otherwise it is done, and the survey follows.
 */
export function completeService(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: CompleteInput,
): Promise<TicketView> {
  let review = false;
  return applyTicketAction(ctx, actor, ticketId, {
    action: "complete",
    event: "ticket.completed",
    details: input.outcome === undefined ? undefined : { outcome: input.outcome },
    resolve: async (t, { tx }) => {
      const service = await tx
        .selectFrom("services")
        .select("needs_review")
        .where("id", "=", t.serviceId)
        .executeTakeFirst();
      review = service?.needs_review === 1;
      return review
        ? { action: "submit-review", event: "ticket.review_submitted" }
        : { action: "complete", event: "ticket.completed" };
    },
    change: async (t, { tx, now }) => {
      if (review) await submitForReview(ctx, tx, actor, t, now);
      else await afterServiceDone(ctx, tx, t, now);
      return {
        completed_at: now,
        outcome: input.outcome ?? "served",
        notes: input.notes ?? t.notes,
      };
    },
  });
}

/** After the branch's number of recalls, a customer who did not come is marked no-show. */
export function markNoShow(ctx: AppContext, actor: Actor, ticketId: string): Promise<TicketView> {
  return applyTicketAction(ctx, actor, ticketId, {
    action: "no-show",
    event: "ticket.no_show",
    change: async (t, { now, branch }) => {
      const { maxRecalls } = await branch();
      if (t.recallCount < maxRecalls) {
        throw conflict(
          `Ticket ${t.number} has been recalled ${t.recallCount} of ${maxRecalls} times; recall it before marking a no-show.`,
          { recallCount: t.recallCount, maxRecalls: maxRecalls },
          `${t.number}号仅重呼了 ${t.recallCount} 次（需重呼 ${maxRecalls} 次），请先重呼再标记过号。`,
        );
      }
      return { completed_at: now };
    },
  });
}

/** Sets a called or serving ticket aside (the customer fetches a document); it leaves the counter free. */
export function parkTicket(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: { reason?: string },
): Promise<TicketView> {
  return applyTicketAction(ctx, actor, ticketId, {
    action: "park",
    event: "ticket.parked",
    details: input.reason === undefined ? undefined : { reason: input.reason },
  });
}

/**
 * A parked ticket goes back to the front of the line of the counter that parked it; if that counter has
 * closed meanwhile, to the front of its business type's line, where the open counters can call it.
 */
export function resumeTicket(ctx: AppContext, actor: Actor, ticketId: string): Promise<TicketView> {
  const resumed = applyTicketAction(ctx, actor, ticketId, {
    action: "resume",
    event: "ticket.resumed",
    change: async (t, { tx }) => {
      const counter = t.counterId === null ? undefined : await findCounter(tx, t.counterId);
      return { target_counter_id: counter && counter.state !== "closed" ? counter.id : null, counter_id: null };
    },
  });
  return resumed.then((view) => unlessCounterClosed(ctx, view));
}
