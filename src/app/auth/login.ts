import type { Kysely, Selectable } from "kysely";
import type { BranchId, UserId } from "../../domain/ids.ts";
import { insertAudit } from "../../store/audit.ts";
import {
  deleteLimitRow,
  deleteStaleLimitRows,
  incrementLimitRow,
  type LimitRow,
  lockLimitRows,
  readLimitRows,
  saveLimitRow,
  upsertLimitRow,
} from "../../store/login-limits.ts";
import type { Database, UserTable } from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";
import type { Role, StaffActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { AppError, unauthorized } from "../errors.ts";
import { PoolBusy } from "./hash-pool.ts";
import { decoyHash, hashPool, newSecret, secretHash, verifyPassword } from "./passwords.ts";

/**
 * Sign-in limits. Each attempt is counted as a failure BEFORE its password is hashed (and forgiven when it
 * turns out right), so parallel guesses cannot all slip past a limit while their hashes run. Three counts, each
 * locking for a delay that doubles with every further failure (1 s up to 5 min) once its free failures are used:
 * - per username and address: a stranger's guesses from one address lock that address out of that account,
 *   never the owner at another;
 * - per address, whatever the username: a sprayer of many usernames (generous: a branch's staff may share
 *   one address behind NAT);
 * - per username, whatever the address: a slower limit against guessing from many addresses. It does not
 *   apply at addresses where that username signed in successfully in the last 30 days.
 * The counts live in the database (`login_limits`, src/store/login-limits.ts), so every instance on one
 * PostgreSQL counts the same attempts: a guesser gains nothing from spreading over instances. An attempt reads
 * and updates its rows in one transaction that holds them (PostgreSQL: FOR UPDATE), so concurrent attempts on
 * any instance count one after another.
 * Known and unknown usernames go through the same counts, the same answers and the same work (one write before
 * the hash, one after): a 429 or the time an answer takes says nothing about whether the username exists.
 */
const PAIR_FREE_FAILURES = 3;
const ADDRESS_FREE_FAILURES = 10;
const ACCOUNT_FREE_FAILURES = 30;
const MAX_LOCK_SECONDS = 300;
/** A count is forgotten an hour after its last failure. */
const FORGET_MS = 60 * 60_000;
const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60_000;
const HOUR_MS = 60 * 60_000;
/** Failed sign-ins of unknown usernames written to the audit trail per clock hour; the rest are only counted. */
export const UNKNOWN_AUDIT_SAMPLE = 20;
/** How often (at most) an instance deletes forgotten counts, during an attempt. */
const SWEEP_EVERY_MS = 10 * 60_000;

/** The keys of one attempt's counts. Usernames are told apart regardless of case (see users.ts): so are counts. */
function limitKeys(name: string, ip: string) {
  return { pair: `p:${name}\n${ip}`, address: `a:${ip}`, account: `n:${name}`, known: `k:${name}\n${ip}` };
}
const UNKNOWN_TOTAL_KEY = "t:unknown";
const unknownHourKey = (now: number): string => `u:${Math.floor(now / HOUR_MS)}`;

function nameKey(username: string): string {
  return username.normalize("NFKC").toLowerCase();
}

const lastSweep = new WeakMap<AppContext, number>();

/** The three counts of an attempt as its rows hold them now (a count over an hour old starts from nothing). */
function currentCounts(
  keys: ReturnType<typeof limitKeys>,
  rows: ReadonlyMap<string, LimitRow>,
  known: LimitRow | undefined,
  now: number,
) {
  const accountApplies = known === undefined || now - known.last_at > KNOWN_ADDRESS_MS;
  const counts = [
    { key: keys.pair, free: PAIR_FREE_FAILURES, applies: true },
    { key: keys.address, free: ADDRESS_FREE_FAILURES, applies: true },
    { key: keys.account, free: ACCOUNT_FREE_FAILURES, applies: accountApplies },
  ].map((c) => {
    const row = rows.get(c.key);
    const live = row && row.failures > 0 && now - row.last_at <= FORGET_MS ? row : undefined;
    return { ...c, failures: live?.failures ?? 0, lockedUntil: live?.locked_until ?? 0 };
  });
  const lockedUntil = Math.max(...counts.map((c) => (c.applies && c.lockedUntil > now ? c.lockedUntil : 0)));
  return { counts, lockedUntil };
}

/**
 * Counts one attempt against the limits, or answers until when it must wait (nothing counted then).
 * 0: counted, go on and check the password. A locked attempt is answered from a plain read, without a write:
 * during a flood from one address almost every attempt is, and none of them then takes a turn on the write
 * path that ticket issue waits for. An attempt that may go on is counted in a write that reads its rows again
 * under lock, so concurrent attempts count one after another.
 */
async function countAttempt(ctx: AppContext, name: string, ip: string, now: number): Promise<number> {
  const keys = limitKeys(name, ip);
  const seen = await readLimitRows(ctx.store.db, [keys.pair, keys.address, keys.account, keys.known]);
  const before = currentCounts(keys, seen, seen.get(keys.known), now);
  if (before.lockedUntil > now) return before.lockedUntil;
  const sweep = now - (lastSweep.get(ctx) ?? 0) >= SWEEP_EVERY_MS;
  if (sweep) lastSweep.set(ctx, now);
  return ctx.store.write(async (tx) => {
    if (sweep) {
      await deleteStaleLimitRows(tx, [
        { prefix: "p:", before: now - FORGET_MS },
        { prefix: "a:", before: now - FORGET_MS },
        { prefix: "n:", before: now - FORGET_MS },
        { prefix: "u:", before: now - 2 * HOUR_MS },
        { prefix: "k:", before: now - KNOWN_ADDRESS_MS },
      ]);
    }
    const rows = await lockLimitRows(tx, [keys.pair, keys.address, keys.account], now);
    const known = (await readLimitRows(tx, [keys.known])).get(keys.known);
    const { counts, lockedUntil } = currentCounts(keys, rows, known, now);
    if (lockedUntil > now) return lockedUntil;
    for (const c of counts) {
      const failures = c.failures + 1;
      const until = failures > c.free ? now + lockSeconds(failures - c.free) * 1000 : c.lockedUntil;
      await saveLimitRow(tx, { key: c.key, failures, locked_until: until, last_at: now });
    }
    return 0;
  });
}

/** Takes back an attempt that was counted but never checked (the database failed meanwhile), keeping any lock. */
async function forgiveAttempt(ctx: AppContext, name: string, ip: string, now: number): Promise<void> {
  const keys = limitKeys(name, ip);
  await ctx.store.write(async (tx) => {
    const rows = await lockLimitRows(tx, [keys.pair, keys.address, keys.account], now);
    for (const row of rows.values()) await saveLimitRow(tx, { ...row, failures: Math.max(0, row.failures - 1) });
  });
}

/**
 * A right password, inside the sign-in's write: this address's count for the account starts again, the
 * attempt's failure is taken back from the others, and the address becomes known to the account.
 */
async function attemptSucceeded(tx: Tx, name: string, ip: string, now: number): Promise<void> {
  const keys = limitKeys(name, ip);
  const rows = await lockLimitRows(tx, [keys.address, keys.account], now);
  for (const row of rows.values()) await saveLimitRow(tx, { ...row, failures: Math.max(0, row.failures - 1) });
  await deleteLimitRow(tx, keys.pair);
  await upsertLimitRow(tx, { key: keys.known, failures: 0, locked_until: 0, last_at: now });
}

/** Failed sign-ins of unknown usernames: all of them, and in this clock hour. */
export async function unknownUsernameFailures(
  db: Kysely<Database>,
  now: number,
): Promise<{ total: number; inHour: number }> {
  const rows = await readLimitRows(db, [UNKNOWN_TOTAL_KEY, unknownHourKey(now)]);
  return {
    total: rows.get(UNKNOWN_TOTAL_KEY)?.failures ?? 0,
    inHour: rows.get(unknownHourKey(now))?.failures ?? 0,
  };
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

/** The answer to a sign-in that finds the hashing queue full. */
export function busy(): AppError {
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
  const name = nameKey(input.username);

  let user: Selectable<UserTable> | undefined;
  let ok: boolean;
  let release: () => void;
  try {
    // A place among the hashes running or queued, taken before anything else: a flood is refused here, at
    // the cost of a counter in memory, without a database write or a hash.
    release = hashPool.admit();
  } catch (error) {
    if (error instanceof PoolBusy) throw busy();
    throw error;
  }
  try {
    const lockedUntil = await countAttempt(ctx, name, input.ip, now);
    if (lockedUntil > now) throw tooMany(Math.ceil((lockedUntil - now) / 1000));
    try {
      user = await ctx.store.db
        .selectFrom("users")
        .selectAll()
        .where("username", "=", input.username)
        .executeTakeFirst();
      ok = user
        ? (await verifyPassword(input.password, user.password_hash)) && user.active === 1
        : await verifyPassword(input.password, await decoyHash()).then(() => false);
    } catch (error) {
      // Not checked (the database or a hashing thread failed): not a failure of this caller's.
      await forgiveAttempt(ctx, name, input.ip, now).catch(() => {});
      if (error instanceof PoolBusy) throw busy();
      throw error;
    }
  } finally {
    release();
  }
  // Sign-ins are filed under the user's (first) branch so that the branch's auditor sees them. Asked for an
  // unknown username too (an id no user has), so that both take the same steps.
  const membership = await ctx.store.db
    .selectFrom("memberships")
    .select("branch_id")
    .where("user_id", "=", user?.id ?? "")
    .executeTakeFirst();
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
    // One write either way: the audit line of a real account's failure, or the count of unknown usernames'
    // failures (with an audit line for the first ones of each hour).
    await ctx.store.write(async (tx) => {
      if (known) {
        await insertAudit(tx, { ...auditBase, actorId: known.id, action: "auth.login_failed", entityId: known.id });
        return;
      }
      const total = await incrementLimitRow(tx, UNKNOWN_TOTAL_KEY, now);
      const inHour = await incrementLimitRow(tx, unknownHourKey(now), now);
      if (inHour <= UNKNOWN_AUDIT_SAMPLE) {
        await insertAudit(tx, {
          ...auditBase,
          actorId: null,
          action: "auth.login_failed",
          entityId: null,
          details: { unknownUsername: true, unknownFailuresThisHour: inHour, unknownFailuresTotal: total },
        });
      }
    });
    throw wrongPassword();
  }

  const signedIn = user;
  const token = newSecret("dts");
  const expiresAt = now + ctx.settings.sessionTtlMs;
  await ctx.store.write(async (tx) => {
    await attemptSucceeded(tx, name, input.ip, now);
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
