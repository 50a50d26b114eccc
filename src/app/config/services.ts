import type { BranchId } from "../../domain/ids.ts";
import { NO_RULES, rulesProblem, type ServiceRules } from "../../domain/opening/service-rules.ts";
import { findBranch, findService, type Service } from "../../store/branches.ts";
import type { Tx } from "../../store/store.ts";
import { CONFIG_ROLES, requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import { setupChanged } from "../appointments/slot-state.ts";
import type { AppContext } from "../context.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { audit, emitEvent } from "../record.ts";

export const SERVICE_CATEGORIES = ["cash", "non_cash", "account", "wealth", "corporate", "payment", "other"] as const;

export interface ServiceInput {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly descriptionZh?: string;
  readonly descriptionEn?: string;
  readonly category: (typeof SERVICE_CATEGORIES)[number];
  readonly expectedMinutes: number;
  readonly prefix: string;
  readonly needsReview?: boolean;
  readonly requiredDocuments?: readonly string[];
  readonly sortOrder?: number;
  readonly active?: boolean;
  /** Opening rules: "HH:MM" branch-local or null for none; a daily cap of numbers or null. */
  readonly opensAt?: string | null;
  readonly closesAt?: string | null;
  readonly ticketCutoff?: string | null;
  readonly dailyCap?: number | null;
}

/** Refuses opening rules that contradict each other (closing before opening, a cut-off outside the hours). */
function requireSensibleRules(rules: ServiceRules): void {
  const problem = rulesProblem(rules);
  if (problem === "opens_after_closing")
    throw invalid("opensAt must be before closesAt.", { field: "opensAt" }, "开始时间须早于结束时间。");
  if (problem === "cutoff_outside_hours")
    throw invalid(
      "ticketCutoff must be after opensAt and not after closesAt.",
      { field: "ticketCutoff" },
      "取号截止时间须晚于开始时间，且不晚于结束时间。",
    );
}

function mergedRules(before: ServiceRules, patch: Partial<ServiceInput>): ServiceRules {
  return {
    opensAt: patch.opensAt === undefined ? before.opensAt : patch.opensAt,
    closesAt: patch.closesAt === undefined ? before.closesAt : patch.closesAt,
    ticketCutoff: patch.ticketCutoff === undefined ? before.ticketCutoff : patch.ticketCutoff,
    dailyCap: patch.dailyCap === undefined ? before.dailyCap : patch.dailyCap,
  };
}

async function requireUnique(tx: Tx, branchId: string, field: "code" | "prefix", value: string, exceptId?: string) {
  let q = tx.selectFrom("services").select("id").where("branch_id", "=", branchId).where(field, "=", value);
  if (exceptId) q = q.where("id", "!=", exceptId);
  if (await q.executeTakeFirst())
    throw conflict(
      `Another business type of this branch already uses ${field} ${value}.`,
      undefined,
      `本网点已有其他业务类型使用${field === "code" ? "编码" : "号票前缀"} ${value}。`,
    );
}

export function createService(ctx: AppContext, actor: Actor, branchId: string, input: ServiceInput): Promise<Service> {
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const branch = await findBranch(tx, branchId);
    if (!branch) throw notFound("Branch", branchId);
    requireBranchAccess(actor, branch.id as BranchId, CONFIG_ROLES);
    await requireUnique(tx, branch.id, "code", input.code);
    await requireUnique(tx, branch.id, "prefix", input.prefix);
    const rules = mergedRules(NO_RULES, input);
    requireSensibleRules(rules);
    const id = ctx.newId();
    await tx
      .insertInto("services")
      .values({
        id,
        branch_id: branch.id,
        code: input.code,
        name_zh: input.nameZh,
        name_en: input.nameEn,
        description_zh: input.descriptionZh ?? "",
        description_en: input.descriptionEn ?? "",
        category: input.category,
        expected_minutes: input.expectedMinutes,
        prefix: input.prefix,
        needs_review: input.needsReview ? 1 : 0,
        required_documents: JSON.stringify(input.requiredDocuments ?? []),
        sort_order: input.sortOrder ?? 0,
        active: input.active === false ? 0 : 1,
        created_at: now,
        opens_at: rules.opensAt,
        closes_at: rules.closesAt,
        ticket_cutoff: rules.ticketCutoff,
        daily_cap: rules.dailyCap,
      })
      .execute();
    await audit(tx, actor, now, "service.create", { type: "service", id, branchId: branch.id }, input);
    await emitEvent(ctx, tx, afterCommit, branch.id, "branch.updated", now, {});
    const created = await findService(tx, id);
    if (!created) throw notFound("Business type", id);
    return created;
  });
}

export function updateService(
  ctx: AppContext,
  actor: Actor,
  serviceId: string,
  patch: Partial<ServiceInput>,
): Promise<Service> {
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const service = await findService(tx, serviceId);
    if (!service) throw notFound("Business type", serviceId);
    requireBranchAccess(actor, service.branchId, CONFIG_ROLES);
    if (patch.code !== undefined) await requireUnique(tx, service.branchId, "code", patch.code, service.id);
    if (patch.prefix !== undefined) await requireUnique(tx, service.branchId, "prefix", patch.prefix, service.id);
    requireSensibleRules(mergedRules(service, patch));
    await tx
      .updateTable("services")
      .set({
        ...(patch.code !== undefined && { code: patch.code }),
        ...(patch.nameZh !== undefined && { name_zh: patch.nameZh }),
        ...(patch.nameEn !== undefined && { name_en: patch.nameEn }),
        ...(patch.descriptionZh !== undefined && { description_zh: patch.descriptionZh }),
        ...(patch.descriptionEn !== undefined && { description_en: patch.descriptionEn }),
        ...(patch.category !== undefined && { category: patch.category }),
        ...(patch.expectedMinutes !== undefined && { expected_minutes: patch.expectedMinutes }),
        ...(patch.prefix !== undefined && { prefix: patch.prefix }),
        ...(patch.needsReview !== undefined && { needs_review: patch.needsReview ? 1 : 0 }),
        ...(patch.requiredDocuments !== undefined && { required_documents: JSON.stringify(patch.requiredDocuments) }),
        ...(patch.sortOrder !== undefined && { sort_order: patch.sortOrder }),
        ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }),
        ...(patch.opensAt !== undefined && { opens_at: patch.opensAt }),
        ...(patch.closesAt !== undefined && { closes_at: patch.closesAt }),
        ...(patch.ticketCutoff !== undefined && { ticket_cutoff: patch.ticketCutoff }),
        ...(patch.dailyCap !== undefined && { daily_cap: patch.dailyCap }),
      })
      .where("id", "=", service.id)
      .execute();
    // Its minutes and whether it is offered shape its slots (here and on the other instances).
    await setupChanged(tx, afterCommit, ctx, service.branchId, service.id);
    await audit(
      tx,
      actor,
      now,
      "service.update",
      { type: "service", id: service.id, branchId: service.branchId },
      patch,
    );
    await emitEvent(ctx, tx, afterCommit, service.branchId, "branch.updated", now, {});
    const updated = await findService(tx, service.id);
    if (!updated) throw notFound("Business type", service.id);
    return updated;
  });
}
