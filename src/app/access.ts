import type { BranchId } from "../domain/ids.ts";
import type { Actor, DeviceKind, Role, StaffActor } from "./actor.ts";
import { forbidden } from "./errors.ts";

/** Roles that may act in a branch they belong to; admin may act in every branch. */
export function canActInBranch(
  actor: Actor,
  branchId: BranchId,
  roles: readonly Role[],
  devices: readonly DeviceKind[] = [],
): boolean {
  if (actor.type === "device") return actor.branchId === branchId && devices.includes(actor.kind);
  if (actor.roles.includes("admin") && roles.includes("admin")) return true;
  return actor.branchIds.includes(branchId) && actor.roles.some((r) => roles.includes(r));
}

/** Throws 403 unless the actor holds one of `roles` in `branchId` (or is one of the device kinds there). */
export function requireBranchAccess(
  actor: Actor,
  branchId: BranchId,
  roles: readonly Role[],
  devices: readonly DeviceKind[] = [],
): void {
  if (!canActInBranch(actor, branchId, roles, devices)) throw forbidden();
}

export function requireStaff(actor: Actor): StaffActor {
  if (actor.type !== "user") throw forbidden("This action is for staff accounts only.", "此操作仅限员工账号。");
  return actor;
}

export function requireRole(actor: Actor, roles: readonly Role[]): StaffActor {
  const staff = requireStaff(actor);
  if (!staff.roles.some((r) => roles.includes(r))) throw forbidden();
  return staff;
}

/** Everyone who works in a branch and may read its live queue; auditors read the audit trail only. */
export const BRANCH_READERS: readonly Role[] = ["admin", "branch_manager", "lobby_manager", "teller", "back_office"];
/** Who reads the knowledge base: everyone who serves customers, at a branch or in the contact centre. */
export const KNOWLEDGE_READERS: readonly Role[] = [...BRANCH_READERS, "agent"];
export const TRIAGE_ROLES: readonly Role[] = ["admin", "branch_manager", "lobby_manager"];
export const CONFIG_ROLES: readonly Role[] = ["admin", "branch_manager"];

/**
 * Who reads every branch's analytics (summary, dashboard, league table, staff evaluation, exports, alerts):
 * admins, and head office, which reads them only (no tickets, counters or configuration) and belongs to no branch.
 */
export const EVERY_BRANCH_READERS: readonly Role[] = ["admin", "head_office"];

export function readsEveryBranch(actor: Actor): boolean {
  return actor.type === "user" && actor.roles.some((r) => EVERY_BRANCH_READERS.includes(r));
}

/** Throws 403 unless the actor reads every branch's figures or holds one of `roles` in `branchId`. */
export function requireBranchRead(actor: Actor, branchId: BranchId, roles: readonly Role[]): void {
  if (!readsEveryBranch(actor)) requireBranchAccess(actor, branchId, roles);
}
