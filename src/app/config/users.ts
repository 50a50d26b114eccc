import type { Kysely } from "kysely";
import type { BranchId } from "../../domain/ids.ts";
import type { Database } from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";
import { requireRole } from "../access.ts";
import type { Actor, Role, StaffActor } from "../actor.ts";
import { forgetAllCredentials, revokeCredential } from "../auth/authenticate.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";

export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly staffNo: string;
  readonly roles: readonly Role[];
  readonly branchIds: readonly string[];
  readonly active: boolean;
  /** The staff member's own contact for notices (a wait past the alarm reaches branch managers): null when none. */
  readonly email: string | null;
  readonly phone: string | null;
}

export interface UserInput {
  readonly username: string;
  readonly displayName: string;
  readonly staffNo?: string;
  readonly password: string;
  readonly roles: readonly Role[];
  readonly branchIds: readonly string[];
  readonly active?: boolean;
  /** Empty string or null: none. */
  readonly email?: string | null;
  readonly phone?: string | null;
}

/** An empty contact is no contact. */
const contact = (value: string | null | undefined): string | null => (value ? value.trim() || null : null);

export const MIN_PASSWORD_LENGTH = 8;

/**
 * An admin manages everyone. A branch manager manages the staff of their own branches, and may not hand
 * out roles above their own (admin, auditor, head office) nor place anyone in a branch they do not run.
 */
function requireManageable(manager: StaffActor, roles: readonly Role[], branchIds: readonly string[]): void {
  if (manager.roles.includes("admin")) return;
  if (roles.some((r) => r === "admin" || r === "auditor" || r === "head_office"))
    throw forbidden(
      "Only an admin grants the admin, auditor or head office role.",
      "只有系统管理员能授予管理员、审计员或总行角色。",
    );
  if (branchIds.some((b) => !manager.branchIds.includes(b as BranchId))) {
    throw forbidden("You may only manage staff of your own branches.", "您只能管理本人所属网点的员工。");
  }
}

/**
 * Staff who belong to no branch are the admin's alone: a branch manager neither creates them nor takes over
 * one (resets its password, moves it into their own branch).
 */
function requireInSomeBranch(manager: StaffActor, branchIds: readonly string[]): void {
  if (manager.roles.includes("admin") || branchIds.length > 0) return;
  throw forbidden("Staff who belong to no branch are managed by an admin.", "不属于任何网点的员工由系统管理员管理。");
}

async function loadUserView(tx: Kysely<Database>, id: string): Promise<UserView> {
  const u = await tx.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  if (!u) throw notFound("User", id);
  const m = await tx.selectFrom("memberships").select("branch_id").where("user_id", "=", id).execute();
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    staffNo: u.staff_no,
    roles: JSON.parse(u.roles) as Role[],
    branchIds: m.map((r) => r.branch_id),
    active: u.active === 1,
    email: u.email ?? null,
    phone: u.phone ?? null,
  };
}

async function requireBranchesExist(tx: Tx, branchIds: readonly string[]): Promise<void> {
  if (branchIds.length === 0) return;
  const found = await tx.selectFrom("branches").select("id").where("id", "in", branchIds).execute();
  if (found.length !== new Set(branchIds).size)
    throw invalid("Some branch ids do not exist.", { branchIds }, "部分网点不存在。");
}

export async function listUsers(ctx: AppContext, actor: Actor): Promise<UserView[]> {
  const manager = requireRole(actor, ["admin", "branch_manager"]);
  const db = ctx.store.db;
  let q = db.selectFrom("users").select("id").orderBy("username");
  if (!manager.roles.includes("admin")) {
    if (manager.branchIds.length === 0) return [];
    q = q.where("id", "in", db.selectFrom("memberships").select("user_id").where("branch_id", "in", manager.branchIds));
  }
  const ids = await q.execute();
  return Promise.all(ids.map((r) => loadUserView(db, r.id)));
}

/**
 * A username is taken when another user's differs from it only by case (`Admin` and `admin`): two accounts
 * that read the same on a screen or in the audit trail would be a gift to an impostor.
 */
async function requireUsernameFree(db: Kysely<Database>, username: string, except?: string): Promise<void> {
  let q = db
    .selectFrom("users")
    .select("username")
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()));
  if (except !== undefined) q = q.where("id", "<>", except);
  const taken = await q.executeTakeFirst();
  if (taken) {
    throw conflict(
      `Username ${username} is taken${taken.username === username ? "" : ` (as ${taken.username})`}.`,
      { existing: taken.username },
      `用户名 ${username} 已被占用${taken.username === username ? "" : `（已有 ${taken.username}）`}。`,
    );
  }
}

export async function createUser(ctx: AppContext, actor: Actor, input: UserInput): Promise<UserView> {
  const manager = requireRole(actor, ["admin", "branch_manager"]);
  requireManageable(manager, input.roles, input.branchIds);
  requireInSomeBranch(manager, input.branchIds);
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw invalid(
      `Passwords have at least ${MIN_PASSWORD_LENGTH} characters.`,
      undefined,
      `密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符。`,
    );
  const passwordHash = await hashPassword(input.password);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    await requireUsernameFree(tx, input.username);
    await requireBranchesExist(tx, input.branchIds);
    const id = ctx.newId();
    await tx
      .insertInto("users")
      .values({
        id,
        username: input.username,
        display_name: input.displayName,
        staff_no: input.staffNo ?? "",
        password_hash: passwordHash,
        roles: JSON.stringify([...new Set(input.roles)]),
        active: input.active === false ? 0 : 1,
        failed_logins: 0,
        locked_until: 0,
        created_at: now,
        email: contact(input.email),
        phone: contact(input.phone),
      })
      .execute();
    for (const b of new Set(input.branchIds))
      await tx.insertInto("memberships").values({ user_id: id, branch_id: b }).execute();
    const { password: _secret, ...details } = input;
    await audit(tx, manager, now, "user.create", { type: "user", id, branchId: input.branchIds[0] ?? null }, details);
    return loadUserView(tx, id);
  });
}

export async function updateUser(
  ctx: AppContext,
  actor: Actor,
  userId: string,
  patch: Partial<UserInput>,
): Promise<UserView> {
  const manager = requireRole(actor, ["admin", "branch_manager"]);
  if (patch.password !== undefined && patch.password.length < MIN_PASSWORD_LENGTH) {
    throw invalid(
      `Passwords have at least ${MIN_PASSWORD_LENGTH} characters.`,
      undefined,
      `密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符。`,
    );
  }
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  const result = await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const current = await loadUserView(tx, userId);
    requireManageable(manager, current.roles, current.branchIds);
    requireInSomeBranch(manager, current.branchIds);
    requireManageable(manager, patch.roles ?? [], patch.branchIds ?? []);
    if (patch.branchIds !== undefined) requireInSomeBranch(manager, patch.branchIds);
    if (patch.username !== undefined && patch.username !== current.username) {
      await requireUsernameFree(tx, patch.username, userId);
    }
    if (patch.branchIds) await requireBranchesExist(tx, patch.branchIds);
    const fields = {
      ...(patch.username !== undefined && { username: patch.username }),
      ...(patch.displayName !== undefined && { display_name: patch.displayName }),
      ...(patch.staffNo !== undefined && { staff_no: patch.staffNo }),
      ...(patch.roles !== undefined && { roles: JSON.stringify([...new Set(patch.roles)]) }),
      ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }),
      ...(patch.email !== undefined && { email: contact(patch.email) }),
      ...(patch.phone !== undefined && { phone: contact(patch.phone) }),
      ...(passwordHash !== undefined && { password_hash: passwordHash, failed_logins: 0, locked_until: 0 }),
    };
    // A patch of the branches alone changes no column of the user's row (an empty SET is no SQL at all).
    if (Object.keys(fields).length > 0) await tx.updateTable("users").set(fields).where("id", "=", userId).execute();
    if (patch.branchIds) {
      await tx.deleteFrom("memberships").where("user_id", "=", userId).execute();
      for (const b of new Set(patch.branchIds))
        await tx.insertInto("memberships").values({ user_id: userId, branch_id: b }).execute();
    }
    // A deactivated user or a changed password ends the user's sessions.
    if (patch.active === false || passwordHash !== undefined)
      await tx.deleteFrom("sessions").where("user_id", "=", userId).execute();
    const { password: _secret, ...details } = patch;
    await audit(
      tx,
      manager,
      now,
      "user.update",
      { type: "user", id: userId, branchId: current.branchIds[0] ?? null },
      {
        ...details,
        ...(passwordHash ? { passwordChanged: true } : {}),
      },
    );
    return loadUserView(tx, userId);
  });
  // A deactivated user's (or changed password's) sessions are gone: their streams end too, on every instance.
  if (patch.active === false || patch.password !== undefined) await revokeCredential(ctx, { kind: "user", id: userId });
  else forgetAllCredentials();
  return result;
}
