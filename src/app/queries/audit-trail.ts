import { type AuditEntry, listAudit } from "../../store/audit.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { forbidden } from "../errors.ts";

/** Auditors read the trail of their branches (an auditor without branches reads everything), admins everything. */
export async function auditTrail(
  ctx: AppContext,
  actor: Actor,
  filter: { branchId?: string; beforeId?: number; limit?: number },
): Promise<Array<AuditEntry & { id: number }>> {
  const staff = requireRole(actor, ["auditor", "admin"]);
  const unrestricted = staff.roles.includes("admin") || staff.branchIds.length === 0;
  let branchIds: readonly string[] | undefined = filter.branchId === undefined ? undefined : [filter.branchId];
  if (!unrestricted) {
    if (filter.branchId !== undefined && !staff.branchIds.includes(filter.branchId as never)) throw forbidden();
    branchIds ??= staff.branchIds;
  }
  return listAudit(ctx.store.db, { branchIds, beforeId: filter.beforeId, limit: Math.min(filter.limit ?? 100, 1000) });
}
