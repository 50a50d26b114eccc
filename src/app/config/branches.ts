import { DEFAULT_POLICY, isPolicyName } from "../../domain/dispatch/index.ts";
import type { BranchId } from "../../domain/ids.ts";
import { isValidTimeZone } from "../../domain/local-day.ts";
import { type Branch, findBranch, listBranches, type OpeningHours } from "../../store/branches.ts";
import { CONFIG_ROLES, readsEveryBranch, requireBranchAccess, requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import { branchSetupChanged } from "../appointments/slot-state.ts";
import type { AppContext } from "../context.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { audit, emitEvent } from "../record.ts";

export interface BranchInput {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly timezone?: string;
  readonly openingHours?: OpeningHours;
  readonly targetWaitMinutes?: number;
  readonly alarmWaitMinutes?: number;
  readonly maxRecalls?: number;
  readonly dispatchPolicy?: string;
  readonly noShowAfterSeconds?: number;
  readonly minRecallGapSeconds?: number;
}

/** Defaults from the source documents: target wait 15 min, alarm at 30 (the 30-minute regulatory maximum). */
export const BRANCH_DEFAULTS = {
  timezone: "Asia/Shanghai",
  targetWaitMinutes: 15,
  alarmWaitMinutes: 30,
  maxRecalls: 3,
  noShowAfterSeconds: 300,
  minRecallGapSeconds: 10,
  openingHours: {
    "1": ["09:00", "17:00"],
    "2": ["09:00", "17:00"],
    "3": ["09:00", "17:00"],
    "4": ["09:00", "17:00"],
    "5": ["09:00", "17:00"],
    "6": ["09:00", "16:00"],
    "0": null,
  } satisfies OpeningHours,
} as const;

function validate(b: Partial<BranchInput>, current?: Branch): void {
  if (b.timezone !== undefined && !isValidTimeZone(b.timezone))
    throw invalid(`Unknown time zone "${b.timezone}".`, undefined, `未知时区“${b.timezone}”。`);
  if (b.dispatchPolicy !== undefined && !isPolicyName(b.dispatchPolicy)) {
    throw invalid(`Unknown dispatch policy "${b.dispatchPolicy}".`, undefined, `未知叫号策略“${b.dispatchPolicy}”。`);
  }
  const target = b.targetWaitMinutes ?? current?.targetWaitMinutes ?? BRANCH_DEFAULTS.targetWaitMinutes;
  const alarm = b.alarmWaitMinutes ?? current?.alarmWaitMinutes ?? BRANCH_DEFAULTS.alarmWaitMinutes;
  if (alarm < target)
    throw invalid(
      "The alarm wait must not be shorter than the target wait.",
      { target, alarm },
      "告警等候时长不能短于目标等候时长。",
    );
}

/** Branches the actor may see: all for an admin and head office, its own for everyone else. */
export async function visibleBranches(ctx: AppContext, actor: Actor): Promise<Branch[]> {
  if (actor.type === "device") return listBranches(ctx.store.db, [actor.branchId]);
  if (readsEveryBranch(actor)) return listBranches(ctx.store.db);
  return listBranches(ctx.store.db, actor.branchIds);
}

export async function createBranch(ctx: AppContext, actor: Actor, input: BranchInput): Promise<Branch> {
  requireRole(actor, ["admin"]);
  validate(input);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const taken = await tx.selectFrom("branches").select("id").where("code", "=", input.code).executeTakeFirst();
    if (taken) throw conflict(`A branch with code ${input.code} exists.`, undefined, `网点编码 ${input.code} 已存在。`);
    const id = ctx.newId();
    await tx
      .insertInto("branches")
      .values({
        id,
        code: input.code,
        name_zh: input.nameZh,
        name_en: input.nameEn,
        timezone: input.timezone ?? BRANCH_DEFAULTS.timezone,
        opening_hours: JSON.stringify(input.openingHours ?? BRANCH_DEFAULTS.openingHours),
        target_wait_minutes: input.targetWaitMinutes ?? BRANCH_DEFAULTS.targetWaitMinutes,
        alarm_wait_minutes: input.alarmWaitMinutes ?? BRANCH_DEFAULTS.alarmWaitMinutes,
        max_recalls: input.maxRecalls ?? BRANCH_DEFAULTS.maxRecalls,
        dispatch_policy: input.dispatchPolicy ?? DEFAULT_POLICY,
        no_show_after_seconds: input.noShowAfterSeconds ?? BRANCH_DEFAULTS.noShowAfterSeconds,
        min_recall_gap_seconds: input.minRecallGapSeconds ?? BRANCH_DEFAULTS.minRecallGapSeconds,
        event_seq: 0,
        created_at: now,
      })
      .execute();
    await audit(tx, actor, now, "branch.create", { type: "branch", id, branchId: id }, input);
    const created = await findBranch(tx, id);
    if (!created) throw notFound("Branch", id);
    return created;
  });
}

export async function updateBranch(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  patch: Partial<BranchInput>,
): Promise<Branch> {
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const branch = await findBranch(tx, branchId);
    if (!branch) throw notFound("Branch", branchId);
    requireBranchAccess(actor, branch.id as BranchId, CONFIG_ROLES);
    validate(patch, branch);
    if (patch.code !== undefined && patch.code !== branch.code) {
      const taken = await tx.selectFrom("branches").select("id").where("code", "=", patch.code).executeTakeFirst();
      if (taken)
        throw conflict(`A branch with code ${patch.code} exists.`, undefined, `网点编码 ${patch.code} 已存在。`);
    }
    await tx
      .updateTable("branches")
      .set({
        ...(patch.code !== undefined && { code: patch.code }),
        ...(patch.nameZh !== undefined && { name_zh: patch.nameZh }),
        ...(patch.nameEn !== undefined && { name_en: patch.nameEn }),
        ...(patch.timezone !== undefined && { timezone: patch.timezone }),
        ...(patch.openingHours !== undefined && { opening_hours: JSON.stringify(patch.openingHours) }),
        ...(patch.targetWaitMinutes !== undefined && { target_wait_minutes: patch.targetWaitMinutes }),
        ...(patch.alarmWaitMinutes !== undefined && { alarm_wait_minutes: patch.alarmWaitMinutes }),
        ...(patch.maxRecalls !== undefined && { max_recalls: patch.maxRecalls }),
        ...(patch.dispatchPolicy !== undefined && { dispatch_policy: patch.dispatchPolicy }),
        ...(patch.noShowAfterSeconds !== undefined && { no_show_after_seconds: patch.noShowAfterSeconds }),
        ...(patch.minRecallGapSeconds !== undefined && { min_recall_gap_seconds: patch.minRecallGapSeconds }),
      })
      .where("id", "=", branch.id)
      .execute();
    // Opening hours and time zone shape every business type's slots (here and on the other instances).
    if (patch.openingHours !== undefined || patch.timezone !== undefined)
      await branchSetupChanged(tx, afterCommit, ctx, branch.id);
    await audit(tx, actor, now, "branch.update", { type: "branch", id: branch.id, branchId: branch.id }, patch);
    await emitEvent(ctx, tx, afterCommit, branch.id, "branch.updated", now, {});
    const updated = await findBranch(tx, branch.id);
    if (!updated) throw notFound("Branch", branch.id);
    return updated;
  });
}
