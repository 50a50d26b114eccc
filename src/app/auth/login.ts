import type { Selectable } from "kysely";
import type { BranchId, UserId } from "../../domain/ids.ts";
import { insertAudit } from "../../store/audit.ts";
import type { UserTable } from "../../store/schema.ts";
import type { Role, StaffActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { AppError, unauthorized } from "../errors.ts";
import { PoolBusy } from "./hash-pool.ts";
import { decoyHash, hashPool, newSecret, secretHash, verifyPassword } from "./passwords.ts";

/**
 * Sign-in limits. Each attempt is counted as a failure BEFORE its password is hashed (and forgiven when it
 * turns out right), so parallel guesses cannot all slip past a limit while their hashes run. Three counts,
 * kept in this process's memory, each locking for a delay that doubles with every further failure (1 s up
 * to 5 min) once its free failures are used up:
 * - per username and address: a stranger's guesses from one address lock that address out of that account,
 *   never the owner at another;
 * - per address, whatever the username: a sprayer of many usernames (generous: a branch's staff may share
 *   one address behind NAT);
 * - per username, whatever the address: a slower limit against guessing from many addresses. It does not
 *   apply at addresses where that username signed in successfully in the last 30 days.
 * Known and unknown usernames go through the same counts and answers: a 429 says nothing about whether the
 * username exists. With several instances each counts its own attempts (a guesser gains a factor of the
 * instance count, and no instance's database carries an attacker's writes).
 */
const PAIR_FREE_FAILURES = 3;
const ADDRESS_FREE_FAILURES = 10;
const ACCOUNT_FREE_FAILURES = 30;
const MAX_LOCK_SECONDS = 300;
const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60_000;
/** Failed sign-ins of unknown usernames written to the audit trail per hour; the rest are only counted. */
const UNKNOWN_AUDIT_SAMPLE = 20;

/**
 * Failure counts by key (an address, a username, or both), each forgotten `forgetAfterMs` after its last
 * failure. The table never holds more than `maxKeys`: when full, the keys whose last failure is oldest make
 * room (a flood of addresses or names cannot grow the server's memory).
 */
export class FailureCounts {
  readonly #entries = new Map<string, { count: number; until: number; last: number }>();
  constructor(
    readonly freeFailures = PAIR_FREE_FAILURES,
    readonly maxKeys = 10_000,
    readonly forgetAfterMs = 60 * 60_000,
  ) {}

  /** Until when the key must wait (0: it may try now). */
  lockedUntil(key: string, now: number): number {
    const entry = this.#entries.get(key);
    if (!entry) return 0;
    if (now - entry.last > this.forgetAfterMs) {
      this.#entries.delete(key);
      return 0;
    }
    return entry.until > now ? entry.until : 0;
  }

  fail(key: string, now: number): void {
    let entry = this.#entries.get(key);
    if (entry && now - entry.last > this.forgetAfterMs) entry = undefined;
    const next = { count: (entry?.count ?? 0) + 1, until: entry?.until ?? 0, last: now };
    if (next.count > this.freeFailures) next.until = now + lockSeconds(next.count - this.freeFailures) * 1000;
    // Re-inserted, so the map's order is the order of last failures: the oldest come first.
    this.#entries.delete(key);
    this.#entries.set(key, next);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxKeys) break;
      this.#entries.delete(oldest);
    }
  }

  /** Takes back one counted failure (an attempt that was counted but never checked), keeping any lock. */
  forgive(key: string): void {
    const entry = this.#entries.get(key);
    if (entry) entry.count = Math.max(0, entry.count - 1);
  }

  succeed(key: string): void {
    this.#entries.delete(key);
  }

  count(key: string): number {
    return this.#entries.get(key)?.count ?? 0;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Failed sign-ins of unknown usernames: counted, and a bounded sample per hour kept in the audit trail. */
export interface UnknownUsernameFailures {
  /** Since this process started. */
  total: number;
  /** Start of the current hour's sample and how many fell in it. */
  hourStart: number;
  inHour: number;
}

export class LoginLimits {
  readonly pairs = new FailureCounts(PAIR_FREE_FAILURES);
  readonly addresses = new FailureCounts(ADDRESS_FREE_FAILURES);
  readonly accounts = new FailureCounts(ACCOUNT_FREE_FAILURES);
  /** Per username, the addresses it signed in from (at most 8 each, newest kept) and when. */
  readonly #knownAddresses = new Map<string, Map<string, number>>();
  readonly unknown: UnknownUsernameFailures = { total: 0, hourStart: 0, inHour: 0 };

  /** Until when this attempt must wait (0: it may try now). */
  lockedUntil(name: string, ip: string, now: number): number {
    const known = this.#knownAddresses.get(name)?.get(ip);
    const accountApplies = known === undefined || now - known > KNOWN_ADDRESS_MS;
    return Math.max(
      this.pairs.lockedUntil(pairKey(name, ip), now),
      this.addresses.lockedUntil(ip, now),
      accountApplies ? this.accounts.lockedUntil(name, now) : 0,
    );
  }

  fail(name: string, ip: string, now: number): void {
    this.pairs.fail(pairKey(name, ip), now);
    this.addresses.fail(ip, now);
    this.accounts.fail(name, now);
  }

  forgive(name: string, ip: string): void {
    this.pairs.forgive(pairKey(name, ip));
    this.addresses.forgive(ip);
    this.accounts.forgive(name);
  }

  /** A right password: this address's count for the account starts again, and the address becomes known to it. */
  succeed(name: string, ip: string, now: number): void {
    this.pairs.succeed(pairKey(name, ip));
    this.addresses.forgive(ip);
    this.accounts.forgive(name);
    let known = this.#knownAddresses.get(name);
    if (!known) {
      if (this.#knownAddresses.size >= 10_000) this.#knownAddresses.clear();
      known = new Map();
      this.#knownAddresses.set(name, known);
    }
    known.delete(ip);
    known.set(ip, now);
    for (const oldest of known.keys()) {
      if (known.size <= 8) break;
      known.delete(oldest);
    }
  }

  /** Counts a failed sign-in of an unknown username; true when it belongs in this hour's audit sample. */
  sampleUnknown(now: number): boolean {
    this.unknown.total++;
    if (now - this.unknown.hourStart >= 60 * 60_000) {
      this.unknown.hourStart = now;
      this.unknown.inHour = 0;
    }
    this.unknown.inHour++;
    return this.unknown.inHour <= UNKNOWN_AUDIT_SAMPLE;
  }
}

function pairKey(name: string, ip: string): string {
  return `${name}\n${ip}`;
}

/** Usernames are told apart regardless of case (see users.ts): their counts are too. */
function nameKey(username: string): string {
  return username.normalize("NFKC").toLowerCase();
}

const limitsByContext = new WeakMap<AppContext, LoginLimits>();

/** The sign-in limits of an app context (one per server). */
export function loginLimits(ctx: AppContext): LoginLimits {
  let limits = limitsByContext.get(ctx);
  if (!limits) {
    limits = new LoginLimits();
    limitsByContext.set(ctx, limits);
  }
  return limits;
}

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

function busy(): AppError {
  return new AppError(
    429,
    "too_many_requests",
    "Too many sign-ins at once; try again in a moment.",
    { retryAfterSeconds: 1 },
    "同时登录的请求过多，请稍后再试。",
  );
}

const wrongPassword = () => unauthorized("Wrong username or password.", "用户名或密码错误。");

/**
 * Checks the password and opens a session. The attempt is counted against the limits before the password is
 * hashed; a right password is forgiven. Failures of real accounts and successes are audited; failures of
 * unknown usernames are counted, with a bounded sample audited. The password is never logged.
 */
export async function login(
  ctx: AppContext,
  input: { username: string; password: string; ip: string },
): Promise<LoginResult> {
  const now = ctx.clock();
  const limits = loginLimits(ctx);
  const name = nameKey(input.username);
  const lockedUntil = limits.lockedUntil(name, input.ip, now);
  if (lockedUntil > now) throw tooMany(Math.ceil((lockedUntil - now) / 1000));
  limits.fail(name, input.ip, now);

  let user: Selectable<UserTable> | undefined;
  let ok: boolean;
  let release: (() => void) | undefined;
  try {
    // A place among the hashes running or queued, taken before the database is asked anything: a flood is
    // refused here, at the cost of a counter.
    release = hashPool.admit();
    user = await ctx.store.db.selectFrom("users").selectAll().where("username", "=", input.username).executeTakeFirst();
    ok = user
      ? (await verifyPassword(input.password, user.password_hash)) && user.active === 1
      : await verifyPassword(input.password, await decoyHash()).then(() => false);
  } catch (error) {
    // Not checked (hashing saturated, or the database failed): not a failure of this caller's.
    limits.forgive(name, input.ip);
    if (error instanceof PoolBusy) throw busy();
    throw error;
  } finally {
    release?.();
  }
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

  if (!ok || !user) {
    const known = user;
    if (known) {
      await ctx.store.write((tx) =>
        insertAudit(tx, { ...auditBase, actorId: known.id, action: "auth.login_failed", entityId: known.id }),
      );
    } else if (limits.sampleUnknown(now)) {
      const { total, inHour } = limits.unknown;
      await ctx.store.write((tx) =>
        insertAudit(tx, {
          ...auditBase,
          actorId: null,
          action: "auth.login_failed",
          entityId: null,
          details: { unknownUsername: true, unknownFailuresThisHour: inHour, unknownFailuresTotal: total },
        }),
      );
    }
    throw wrongPassword();
  }

  limits.succeed(name, input.ip, now);
  const signedIn = user;
  const token = newSecret("dts");
  const expiresAt = now + ctx.settings.sessionTtlMs;
  await ctx.store.write(async (tx) => {
    await tx
      .insertInto("sessions")
      .values({ id: secretHash(token), user_id: signedIn.id, created_at: now, expires_at: expiresAt, ip: input.ip })
      .execute();
    await insertAudit(tx, { ...auditBase, actorId: signedIn.id, action: "auth.login", entityId: signedIn.id });
  });
  const staff = await loadStaff(ctx, signedIn.id as UserId, input.ip);
  if (!staff) throw unauthorized();
  return { user: staff, sessionToken: token, expiresAt };
}

/** The lock after the n-th failure beyond the free ones: 1 s, 2 s, 4 s … up to five minutes. */
function lockSeconds(beyondFree: number): number {
  return Math.min(MAX_LOCK_SECONDS, 2 ** Math.min(beyondFree - 1, 20));
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
