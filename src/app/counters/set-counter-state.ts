import type { CounterState } from "../../domain/counter.ts";
import type { BranchId } from "../../domain/ids.ts";
import { releaseTicketsSentTo } from "../../store/tickets.ts";
import { requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden } from "../errors.ts";
import { audit, emitEvent } from "../record.ts";
import { recordReleased, releaseFromClosedCounter } from "../tickets/release-targets.ts";
import { eventCounter, viewerIdOf } from "../views.ts";
import { loadCounter } from "./counter-access.ts";
import { type CounterView, counterView } from "./counter-view.ts";

const EVENT = { open: "counter.opened", paused: "counter.paused", closed: "counter.closed" } as const;

/**
 * Opens, pauses (a break) or closes a counter. The lobby manager and above may do it for any counter of
 * the branch; the teller signed in there may pause and reopen their own. A counter serving a customer
 * cannot be closed, and a paused one keeps its current customer.
 */
export function setCounterState(
  ctx: AppContext,
  actor: Actor,
  counterId: string,
  state: CounterState,
  reason?: string,
): Promise<CounterView> {
  const changed = ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const counter = await loadCounter(tx, counterId);
    requireBranchAccess(actor, counter.branchId as BranchId, [...TRIAGE_ROLES, "teller"]);
    if (actor.type !== "user") throw forbidden();
    const manager = actor.roles.some((r) => TRIAGE_ROLES.includes(r));
    if (!manager && (counter.signedInUserId !== actor.id || state === "closed")) {
      throw forbidden(
        "A teller may pause and reopen only the counter they are signed in at.",
        "柜员只能暂停或重开自己签到的窗口。",
      );
    }
    if (state === "closed" && counter.currentTicketId !== null) {
      throw conflict(
        `Counter ${counter.number} still has a ticket; it cannot close now.`,
        undefined,
        `${counter.number}号窗口还有客户未办结，暂不能关闭。`,
      );
    }
    // Tickets sent to this counter go back to their business type's line: nobody would call them here.
    // Before the counter's row: call-next locks a ticket and then its counter, and taking the two the
    // other way round would deadlock with it on PostgreSQL. Recorded after it (the events come last).
    const released = state === "closed" ? await releaseTicketsSentTo(tx, counter, now, { onlyIfClosed: false }) : [];
    let update = tx
      .updateTable("counters")
      .set({
        state,
        pause_reason: state === "paused" ? (reason ?? null) : null,
        // Closing ends the teller's session at the counter.
        ...(state === "closed" ? { signed_in_user_id: null } : {}),
      })
      .where("id", "=", counter.id);
    // A call-next committed since the read would leave a called ticket at a closed counter: refuse instead.
    if (state === "closed") update = update.where("current_ticket_id", "is", null);
    if ((await update.executeTakeFirst()).numUpdatedRows !== 1n) {
      throw conflict(
        `Counter ${counter.number} was just given a ticket; it cannot close now.`,
        undefined,
        `${counter.number}号窗口刚刚分到号票，暂不能关闭。`,
      );
    }
    await recordReleased(ctx, tx, afterCommit, counter, released, now);
    const updated = await loadCounter(tx, counter.id);
    await audit(
      tx,
      actor,
      now,
      `counter.${state}`,
      { type: "counter", id: counter.id, branchId: counter.branchId },
      reason ? { reason } : undefined,
    );
    await emitEvent(ctx, tx, afterCommit, counter.branchId, EVENT[state], now, { counter: eventCounter(updated) });
    return counterView(tx, updated, viewerIdOf(actor));
  });
  if (state !== "closed") return changed;
  // A transfer or resume that checked this counter before the close committed may send a ticket here after
  // the release above: released again once the close is committed (see releaseFromClosedCounter).
  // The close is committed and stands, so a failure here (the database gone meanwhile) is logged, not reported.
  return changed.then(async (view) => {
    await releaseFromClosedCounter(ctx, view).catch((error: unknown) =>
      console.error(`releasing tickets from closed counter ${view.number} failed`, error),
    );
    return view;
  });
}
