import type { BranchId, UserId } from "../../domain/ids.ts";
import { insertAudit } from "../../store/audit.ts";
import type { Role, StaffActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { AppError, unauthorized } from "../errors.ts";
import { decoyHash, newSecret, secretHash, verifyPassword } from "./passwords.ts";

/** Failures allowed before each further one locks the account for a doubling delay (capped). */
const FREE_FAILURES = 3;
const MAX_LOCK_SECONDS = 300;

/**
 * Failed attempts for unknown usernames, per address: a guesser is slowed down without a user row to lock.
 * An address's count is forgotten an hour after its last failure, and the table never holds more than
 * `maxAddresses`: when full, the addresses whose last failure is oldest make room (a flood of addresses cannot
 * grow the server's memory).
 */
export class AddressFailures {
  readonly #entries = new Map<string, { count: number; until: number; last: number }>();
  constructor(
    readonly maxAddresses = 10_000,
    readonly forgetAfterMs = 60 * 60_000,
  ) {}

  /** Until when the address must wait (0: it may try now). */
  lockedUntil(ip: string, now: number): number {
    const entry = this.#entries.get(ip);
    if (!entry) return 0;
    if (now - entry.last > this.forgetAfterMs) {
      this.#entries.delete(ip);
      return 0;
    }
    return entry.until > now ? entry.until : 0;
  }

  fail(ip: string, now: number): void {
    let entry = this.#entries.get(ip);
    if (entry && now - entry.last > this.forgetAfterMs) entry = undefined;
    const next = { count: (entry?.count ?? 0) + 1, until: entry?.until ?? 0, last: now };
    if (next.count > FREE_FAILURES) next.until = now + lockSeconds(next.count) * 1000;
    // Re-inserted, so the map's order is the order of last failures: the oldest come first.
    this.#entries.delete(ip);
    this.#entries.set(ip, next);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxAddresses) break;
      this.#entries.delete(oldest);
    }
  }

  succeed(ip: string): void {
    this.#entries.delete(ip);
  }

  get size(): number {
    return this.#entries.size;
  }
}

const unknownUserFailures = new AddressFailures();

export interface LoginResult {
  readonly user: StaffActor;
  readonly sessionToken: string;
  readonly expiresAt: number;
}

function tooMany(retryAfterSeconds: number): AppError {
  return new AppError(
    429,
    "too_many_requests",
    "Too many failed sign-ins; wait and try again.",
    { retryAfterSeconds },
    "登录失败次数过多，请稍后再试。",
  );
}

/**
 * Checks the password and opens a session. Every attempt is audited; a failure counts against the
 * account and, past a few, locks it for a delay that doubles each time. The password is never logged.
 */
export async function login(
  ctx: AppContext,
  input: { username: string; password: string; ip: string },
): Promise<LoginResult> {
  const now = ctx.clock();
  const ipLock = unknownUserFailures.lockedUntil(input.ip, now);
  if (ipLock > now) throw tooMany(Math.ceil((ipLock - now) / 1000));
  const user = await ctx.store.db
    .selectFrom("users")
    .selectAll()
    .where("username", "=", input.username)
    .executeTakeFirst();
  if (user && Number(user.locked_until) > now) throw tooMany(Math.ceil((Number(user.locked_until) - now) / 1000));

  const ok = user
    ? user.active === 1 && (await verifyPassword(input.password, user.password_hash))
    : await verifyPassword(input.password, await decoyHash()).then(() => false);
  // Sign-ins are filed under the user's (first) branch so that the branch's auditor sees them.
  const membership = user
    ? await ctx.store.db.selectFrom("memberships").select("branch_id").where("user_id", "=", user.id).executeTakeFirst()
    : undefined;
  const auditBase = {
    at: now,
    actorType: "user",
    // An unknown "username" may be a password typed into the wrong box: it is not kept.
    actorName: user ? user.username : null,
    entityType: "user",
    branchId: membership?.branch_id ?? null,
    ip: input.ip,
  };

  if (!ok) {
    if (!user) unknownUserFailures.fail(input.ip, now);
    const lockedMeanwhile = await ctx.store.write(async (tx) => {
      await insertAudit(tx, {
        ...auditBase,
        actorId: user?.id ?? null,
        action: "auth.login_failed",
        entityId: user?.id ?? null,
      });
      if (!user) return 0;
      // Counted in the database, not from the row read above: parallel guesses each count.
      const row = await tx
        .updateTable("users")
        .set((eb) => ({ failed_logins: eb("failed_logins", "+", 1) }))
        .where("id", "=", user.id)
        .returning(["failed_logins", "locked_until"])
        .executeTakeFirstOrThrow();
      if (Number(row.locked_until) > now) return Number(row.locked_until);
      if (row.failed_logins > FREE_FAILURES) {
        const lockedUntil = now + lockSeconds(row.failed_logins) * 1000;
        await tx.updateTable("users").set({ locked_until: lockedUntil }).where("id", "=", user.id).execute();
      }
      return 0;
    });
    // Another attempt locked the account while this one was checked: answer as a locked account does.
    if (lockedMeanwhile > now) throw tooMany(Math.ceil((lockedMeanwhile - now) / 1000));
    throw unauthorized("Wrong username or password.", "用户名或密码错误。");
  }
  if (!user) throw unauthorized("Wrong username or password.", "用户名或密码错误。");

  unknownUserFailures.succeed(input.ip);
  const token = newSecret("dts");
  const expiresAt = now + ctx.settings.sessionTtlMs;
  const lockedMeanwhile = await ctx.store.write(async (tx) => {
    // Parallel wrong guesses may have locked the account while this password was checked: a right guess
    // then gets the same answer as a wrong one would, so a burst of guesses cannot tell which was right.
    const current = await tx.selectFrom("users").select("locked_until").where("id", "=", user.id).executeTakeFirst();
    if (current && Number(current.locked_until) > now) return Number(current.locked_until);
    await tx.updateTable("users").set({ failed_logins: 0, locked_until: 0 }).where("id", "=", user.id).execute();
    await tx
      .insertInto("sessions")
      .values({ id: secretHash(token), user_id: user.id, created_at: now, expires_at: expiresAt, ip: input.ip })
      .execute();
    await insertAudit(tx, { ...auditBase, actorId: user.id, action: "auth.login", entityId: user.id });
    return 0;
  });
  if (lockedMeanwhile > now) throw tooMany(Math.ceil((lockedMeanwhile - now) / 1000));
  const staff = await loadStaff(ctx, user.id as UserId, input.ip);
  if (!staff) throw unauthorized();
  return { user: staff, sessionToken: token, expiresAt };
}

function lockSeconds(failures: number): number {
  return Math.min(MAX_LOCK_SECONDS, 2 ** (failures - FREE_FAILURES - 1));
}

export async function loadStaff(ctx: AppContext, userId: UserId, ip: string): Promise<StaffActor | undefined> {
  const user = await ctx.store.db
    .selectFrom("users")
    .select(["id", "username", "display_name", "roles", "active"])
    .where("id", "=", userId)
    .executeTakeFirst();
  if (user?.active !== 1) return undefined;
  const memberships = await ctx.store.db
    .selectFrom("memberships")
    .select("branch_id")
    .where("user_id", "=", userId)
    .execute();
  return {
    type: "user",
    id: user.id as UserId,
    username: user.username,
    displayName: user.display_name,
    roles: JSON.parse(user.roles) as Role[],
    branchIds: memberships.map((m) => m.branch_id as BranchId),
    ip,
  };
}

export async function logout(ctx: AppContext, actor: StaffActor, sessionToken: string): Promise<void> {
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    await tx.deleteFrom("sessions").where("id", "=", secretHash(sessionToken)).execute();
    await insertAudit(tx, {
      at: now,
      actorType: "user",
      actorId: actor.id,
      actorName: actor.username,
      action: "auth.logout",
      entityType: "user",
      entityId: actor.id,
      branchId: null,
      ip: actor.ip,
    });
  });
}
