import type { BranchId } from "../../domain/ids.ts";
import { requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden } from "../errors.ts";
import { audit, emitEvent } from "../record.ts";
import { eventCounter } from "../views.ts";
import { loadCounter } from "./counter-access.ts";
import { type CounterView, counterView } from "./counter-view.ts";

/** A teller takes a counter: one teller per counter, one counter per teller. Signing in opens a closed counter. */
export function signIn(ctx: AppContext, actor: Actor, counterId: string): Promise<CounterView> {
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const counter = await loadCounter(tx, counterId);
    requireBranchAccess(actor, counter.branchId as BranchId, ["teller"]);
    if (actor.type !== "user") throw forbidden();
    if (counter.signedInUserId === actor.id) return counterView(tx, counter, actor.id);
    if (counter.signedInUserId !== null)
      throw conflict(
        `Counter ${counter.number} is taken by another teller.`,
        undefined,
        `${counter.number}号窗口已由其他柜员签到。`,
      );
    const elsewhere = await tx
      .selectFrom("counters")
      .select("number")
      .where("signed_in_user_id", "=", actor.id)
      .executeTakeFirst();
    if (elsewhere)
      throw conflict(
        `You are signed in at counter ${elsewhere.number}; sign out there first.`,
        undefined,
        `您已在${elsewhere.number}号窗口签到，请先在那里签退。`,
      );
    const taken = await tx
      .updateTable("counters")
      .set({ signed_in_user_id: actor.id, state: counter.state === "closed" ? "open" : counter.state })
      .where("id", "=", counter.id)
      .where("signed_in_user_id", "is", null)
      .executeTakeFirst();
    if (taken.numUpdatedRows !== 1n)
      throw conflict(
        `Counter ${counter.number} was just taken by another teller.`,
        undefined,
        `${counter.number}号窗口刚被其他柜员签到。`,
      );
    const updated = await loadCounter(tx, counter.id);
    await audit(tx, actor, now, "counter.sign_in", { type: "counter", id: counter.id, branchId: counter.branchId });
    const type = counter.state === "closed" ? "counter.opened" : "counter.updated";
    await emitEvent(ctx, tx, afterCommit, counter.branchId, type, now, { counter: eventCounter(updated) });
    return counterView(tx, updated, actor.id);
  });
}

/** The teller leaves; a counter still holding a called or serving ticket cannot be left. */
export function signOut(ctx: AppContext, actor: Actor, counterId: string): Promise<CounterView> {
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const counter = await loadCounter(tx, counterId);
    requireBranchAccess(actor, counter.branchId as BranchId, [...TRIAGE_ROLES, "teller"]);
    if (actor.type !== "user") throw forbidden();
    const isManager = actor.roles.some((r) => TRIAGE_ROLES.includes(r));
    if (counter.signedInUserId !== actor.id && !isManager)
      throw forbidden("You are not signed in at this counter.", "您未在此窗口签到。");
    if (counter.signedInUserId === null) return counterView(tx, counter, actor.id);
    if (counter.currentTicketId !== null) {
      throw conflict(
        `Counter ${counter.number} still has a ticket; complete, park or transfer it first.`,
        undefined,
        `${counter.number}号窗口还有客户未办结，请先办结、挂起或转移。`,
      );
    }
    const left = await tx
      .updateTable("counters")
      .set({ signed_in_user_id: null })
      .where("id", "=", counter.id)
      .where("current_ticket_id", "is", null)
      .executeTakeFirst();
    if (left.numUpdatedRows !== 1n)
      throw conflict(
        `Counter ${counter.number} was just given a ticket; finish it first.`,
        undefined,
        `${counter.number}号窗口刚刚分到号票，请先办理完毕。`,
      );
    const updated = await loadCounter(tx, counter.id);
    await audit(tx, actor, now, "counter.sign_out", { type: "counter", id: counter.id, branchId: counter.branchId });
    await emitEvent(ctx, tx, afterCommit, counter.branchId, "counter.updated", now, { counter: eventCounter(updated) });
    return counterView(tx, updated, actor.id);
  });
}
