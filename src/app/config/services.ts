import type { BranchId } from "../../domain/ids.ts";
import { findBranch, findService, type Service } from "../../store/branches.ts";
import type { Tx } from "../../store/store.ts";
import { CONFIG_ROLES, requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, notFound } from "../errors.ts";
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
      })
      .where("id", "=", service.id)
      .execute();
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
