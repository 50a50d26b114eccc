import type { BranchId } from "../../domain/ids.ts";
import { checkTransition, type TicketAction } from "../../domain/ticket.ts";
import type { BranchEventType } from "../../realtime/branch-event.ts";
import { type Branch, findBranch } from "../../store/branches.ts";
import { type Counter, findCounter } from "../../store/counters.ts";
import type { Tx } from "../../store/store.ts";
import { findTicketRow, type Ticket, type TicketPatch, toTicket } from "../../store/tickets.ts";
import { BRANCH_READERS, requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden, notFound, TICKET_ACTION_ZH, TICKET_STATUS_ZH } from "../errors.ts";
import { applyChange } from "../record.ts";
import { eventTicket, type TicketView, ticketView, ticketViewNames, viewerIdOf } from "../views.ts";
import { releaseFromClosedCounter } from "./release-targets.ts";

/** Reads a counter once per action: the check of who may act and the event both need the ticket's counter. */
export type CounterLoader = (counterId: string) => Promise<Counter | undefined>;

export interface ActionEnv {
  readonly tx: Tx;
  readonly now: number;
  readonly branch: () => Promise<Branch>;
}

export interface ActionSpec {
  readonly action: TicketAction;
  readonly event: BranchEventType;
  /** Extra changes of this action, beyond the status; may throw to refuse (nothing is written then). */
  readonly change?: (ticket: Ticket, env: ActionEnv) => TicketPatch | Promise<TicketPatch>;
  /** Recorded with the transition and the audit line. */
  readonly details?: unknown;
  /** Replaces the usual check (lobby manager, or the teller at the ticket's counter). */
  readonly authorize?: (tx: Tx, actor: Actor, ticket: Ticket, counterById: CounterLoader) => Promise<void>;
  /**
   * Chooses the action from the ticket as read in the transaction (a completion of a business type that needs a
   * second review is a `submit-review`); `action` when absent.
   */
  readonly resolve?: (
    ticket: Ticket,
    env: ActionEnv,
  ) => Promise<{ action: TicketAction; event: BranchEventType }> | { action: TicketAction; event: BranchEventType };
}

/**
 * Whether the actor may act on this ticket: the lobby manager (and above) of its branch, or the teller
 * signed in at the counter that holds it. Everyone else in the branch may only look.
 */
export async function requireTicketActor(
  tx: Tx,
  actor: Actor,
  ticket: Ticket,
  counterById: CounterLoader = (id) => findCounter(tx, id),
): Promise<void> {
  requireBranchAccess(actor, ticket.branchId as BranchId, BRANCH_READERS);
  if (actor.type !== "user") throw forbidden();
  if (actor.roles.some((r) => TRIAGE_ROLES.includes(r))) return;
  if (actor.roles.includes("teller") && ticket.counterId) {
    const counter = await counterById(ticket.counterId);
    if (counter?.signedInUserId === actor.id) return;
  }
  throw forbidden(
    "Only the teller at this ticket's counter or the lobby manager may do this.",
    "只有该号票所在窗口的柜员或大堂经理可以执行此操作。",
  );
}

/** The state machine's refusal in Chinese: "A001号当前为“等候中”，不能办结。" */
function transitionZh(ticket: Ticket, action: TicketAction): string {
  const status = TICKET_STATUS_ZH[ticket.status] ?? ticket.status;
  return `${ticket.number}号当前为“${status}”，不能${TICKET_ACTION_ZH[action] ?? action}。`;
}

/**
 * The shape every ticket action shares: load, authorise, check the state machine, apply the change
 * only if nobody changed the ticket meanwhile, free the counter when the ticket leaves it, then record
 * the transition, the audit line and the branch event — all in one transaction.
 */
export async function applyTicketAction(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  spec: ActionSpec,
): Promise<TicketView> {
  const viewerId = viewerIdOf(actor);
  const done = await ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const stored = await findTicketRow(tx, ticketId);
    if (!stored) throw notFound("Ticket", ticketId);
    const ticket = toTicket(stored);
    const counters = new Map<string, Promise<Counter | undefined>>();
    const counterById: CounterLoader = (id) => {
      let counter = counters.get(id);
      if (!counter) {
        counter = findCounter(tx, id);
        counters.set(id, counter);
      }
      return counter;
    };
    await (spec.authorize ?? requireTicketActor)(tx, actor, ticket, counterById);
    // Only some actions need the branch's settings (no-show: the number of recalls): read it when asked.
    const branch = async (): Promise<Branch> => {
      const found = await findBranch(tx, ticket.branchId);
      if (!found) throw notFound("Branch", ticket.branchId);
      return found;
    };
    const { action, event } = spec.resolve
      ? await spec.resolve(ticket, { tx, now, branch })
      : { action: spec.action, event: spec.event };
    const check = checkTransition(ticket.status, action);
    if (!check.ok)
      throw conflict(
        `Ticket ${ticket.number}: ${check.reason}.`,
        { status: ticket.status },
        transitionZh(ticket, action),
      );
    const patch: TicketPatch = {
      ...(await spec.change?.(ticket, { tx, now, branch })),
      status: check.to,
      updated_at: now,
    };
    const stillAtCounter = check.to === "called" || check.to === "serving";
    const updated = toTicket({ ...stored, ...patch, version: stored.version + 1 });
    // Its number only, which this action does not change; the check above may already have read it.
    const counter = updated.counterId ? await counterById(updated.counterId) : undefined;
    const counterNumber = counter?.number ?? null;
    const released = ticket.counterId && !stillAtCounter ? ticket.counterId : undefined;
    const applied = await applyChange(
      ctx,
      tx,
      afterCommit,
      actor,
      now,
      { read: ticket, patch, ...(released ? { releasedCounterId: released } : {}) },
      {
        ticketId: ticket.id,
        branchId: ticket.branchId,
        action,
        from: ticket.status,
        to: check.to,
        data: spec.details,
        auditAction: `ticket.${action}`,
        auditDetails: spec.details,
        event,
        ticket: eventTicket(updated, counterNumber),
      },
    );
    if (!applied) {
      throw conflict(
        `Ticket ${ticket.number} was changed by someone else; reload and try again.`,
        undefined,
        `${ticket.number}号刚被他人修改，请刷新后重试。`,
      );
    }
    return { updated, counterNumber };
  });
  // The customer's names to mask in its free text, read after the write (whose statements are its own).
  const names = await ticketViewNames(ctx.store.db, [done.updated], viewerId);
  return ticketView(done.updated, done.counterNumber, { viewerId, names: names.get(done.updated.id) });
}

/**
 * After a ticket was sent to a counter: if that counter closed in the meantime (a close that committed while
 * this action ran, on PostgreSQL), the ticket goes to its business type's line instead, where the open counters
 * call it (see releaseFromClosedCounter). The action is committed by now and stands, so a failure here (the
 * database gone meanwhile) is logged rather than reported as the action's.
 */
export async function unlessCounterClosed(ctx: AppContext, view: TicketView): Promise<TicketView> {
  const counterId = view.targetCounterId;
  if (counterId === null || view.status !== "waiting") return view;
  try {
    const released = await releaseFromClosedCounter(ctx, { id: counterId, branchId: view.branchId });
    if (released === null) return view;
    if (released.includes(view.id)) return { ...view, targetCounterId: null };
    // The counter is closed but this release found nothing: the close's own release was first. Answer where
    // the ticket is now.
    const current = await findTicketRow(ctx.store.db, view.id);
    return current && current.target_counter_id === null ? { ...view, targetCounterId: null } : view;
  } catch (error) {
    console.error(`releasing ticket ${view.number} from counter ${counterId} failed`, error);
    return view;
  }
}
