import type { CounterKind, Skill } from "../../domain/counter.ts";
import { isPolicyName } from "../../domain/dispatch/index.ts";
import type { BranchId } from "../../domain/ids.ts";
import { findBranch, listServices } from "../../store/branches.ts";
import type { Tx } from "../../store/store.ts";
import { CONFIG_ROLES, requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import { branchSetupChanged } from "../appointments/slot-state.ts";
import type { AppContext } from "../context.ts";
import { loadCounter } from "../counters/counter-access.ts";
import { type CounterView, counterView } from "../counters/counter-view.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { audit, emitEvent } from "../record.ts";
import { eventCounter } from "../views.ts";

export interface CounterInput {
  readonly number: number;
  readonly name?: string;
  readonly kind: CounterKind;
  readonly skills: readonly Skill[];
  readonly dispatchPolicy?: string | null;
}

async function validate(tx: Tx, branchId: string, input: Partial<CounterInput>): Promise<void> {
  if (input.dispatchPolicy != null && !isPolicyName(input.dispatchPolicy)) {
    throw invalid(
      `Unknown dispatch policy "${input.dispatchPolicy}".`,
      undefined,
      `未知叫号策略“${input.dispatchPolicy}”。`,
    );
  }
  if (input.skills) {
    const known = new Set((await listServices(tx, branchId)).map((s) => s.id as string));
    const unknown = input.skills.filter((s) => !known.has(s.serviceId)).map((s) => s.serviceId);
    if (unknown.length)
      throw invalid(
        "Skills name business types this branch does not have.",
        { unknown },
        "技能中含有本网点没有的业务类型。",
      );
    if (new Set(input.skills.map((s) => s.serviceId)).size !== input.skills.length) {
      throw invalid("A business type appears twice in the skills.", undefined, "技能中有重复的业务类型。");
    }
  }
}

async function requireFreeNumber(tx: Tx, branchId: string, number: number, exceptId?: string): Promise<void> {
  let q = tx.selectFrom("counters").select("id").where("branch_id", "=", branchId).where("number", "=", number);
  if (exceptId) q = q.where("id", "!=", exceptId);
  if (await q.executeTakeFirst())
    throw conflict(
      `Counter number ${number} already exists in this branch.`,
      undefined,
      `本网点已有 ${number} 号窗口。`,
    );
}

export function createCounter(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  input: CounterInput,
): Promise<CounterView> {
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const branch = await findBranch(tx, branchId);
    if (!branch) throw notFound("Branch", branchId);
    requireBranchAccess(actor, branch.id as BranchId, CONFIG_ROLES);
    await validate(tx, branch.id, input);
    await requireFreeNumber(tx, branch.id, input.number);
    const id = ctx.newId();
    await tx
      .insertInto("counters")
      .values({
        id,
        branch_id: branch.id,
        number: input.number,
        name: input.name ?? `${input.number}号窗口`,
        kind: input.kind,
        state: "closed",
        skills: JSON.stringify(input.skills),
        dispatch_policy: input.dispatchPolicy ?? null,
        signed_in_user_id: null,
        current_ticket_id: null,
        last_ticket_id: null,
        pause_reason: null,
        created_at: now,
      })
      .execute();
    await audit(tx, actor, now, "counter.create", { type: "counter", id, branchId: branch.id }, input);
    // Its skills add places to the slots of the business types it serves (here and on the other instances).
    await branchSetupChanged(tx, afterCommit, ctx, branch.id);
    const created = await loadCounter(tx, id);
    await emitEvent(ctx, tx, afterCommit, branch.id, "counter.updated", now, { counter: eventCounter(created) });
    return counterView(tx, created);
  });
}

export function updateCounter(
  ctx: AppContext,
  actor: Actor,
  counterId: string,
  patch: Partial<CounterInput>,
): Promise<CounterView> {
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const counter = await loadCounter(tx, counterId);
    requireBranchAccess(actor, counter.branchId, CONFIG_ROLES);
    await validate(tx, counter.branchId, patch);
    if (patch.number !== undefined) await requireFreeNumber(tx, counter.branchId, patch.number, counter.id);
    await tx
      .updateTable("counters")
      .set({
        ...(patch.number !== undefined && { number: patch.number }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.kind !== undefined && { kind: patch.kind }),
        ...(patch.skills !== undefined && { skills: JSON.stringify(patch.skills) }),
        ...(patch.dispatchPolicy !== undefined && { dispatch_policy: patch.dispatchPolicy }),
      })
      .where("id", "=", counter.id)
      .execute();
    const updated = await loadCounter(tx, counter.id);
    if (patch.skills !== undefined) await branchSetupChanged(tx, afterCommit, ctx, counter.branchId);
    await audit(
      tx,
      actor,
      now,
      "counter.update",
      { type: "counter", id: counter.id, branchId: counter.branchId },
      patch,
    );
    await emitEvent(ctx, tx, afterCommit, counter.branchId, "counter.updated", now, { counter: eventCounter(updated) });
    return counterView(tx, updated);
  });
}
