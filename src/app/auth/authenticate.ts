import type { BranchId, CounterId, DeviceId, UserId } from "../../domain/ids.ts";
import type { Revocation } from "../../realtime/revocations.ts";
import type { DeviceTable } from "../../store/schema.ts";
import type { DeviceActor, DeviceKind, StaffActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { loadStaff } from "./login.ts";
import { secretHash } from "./passwords.ts";

/** A device by its id, as the actor its token would authenticate as (in-process callers: the bench, tests). */
export async function deviceActor(ctx: AppContext, deviceId: string, ip = "10.0.0.9"): Promise<DeviceActor> {
  const row = await ctx.store.db.selectFrom("devices").selectAll().where("id", "=", deviceId).executeTakeFirstOrThrow();
  return toDeviceActor(row, ip);
}

/** A device row as the actor it acts as, from this address. */
export function toDeviceActor(row: DeviceTable, ip: string): DeviceActor {
  return {
    type: "device",
    id: row.id as DeviceId,
    kind: row.kind as DeviceKind,
    name: row.name,
    branchId: row.branch_id as BranchId,
    counterId: row.counter_id as CounterId | null,
    ip,
  };
}

/**
 * Credentials are looked up on every request, through a cache a few seconds long: a kiosk issuing
 * tickets all day should not cost a query per tap. A revocation, logout or deactivation clears the cache at
 * once on every instance (`revokeCredential`, through NOTIFY on PostgreSQL); the cache's lifetime only bounds
 * how long a credential outlives a revocation whose notice was lost (the database went down at that moment).
 */
const CACHE_MS = 3000;
const cache = new Map<string, { until: number; actor: StaffActor | DeviceActor | null }>();

function cached(key: string, now: number) {
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit;
  if (hit) cache.delete(key);
  return undefined;
}

function remember(key: string, now: number, actor: StaffActor | DeviceActor | null): void {
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { until: now + CACHE_MS, actor });
}

/** Forgets cached credentials, after a logout or a revocation on this instance. */
export function forgetCredential(secret: string): void {
  cache.delete(`s:${secretHash(secret)}`);
  cache.delete(`d:${secretHash(secret)}`);
}

export function forgetAllCredentials(): void {
  cache.clear();
  lookups.clear();
}

/** The id a session is stored under, from its token. */
export function sessionIdOf(token: string): string {
  return secretHash(token);
}

/**
 * After a credential's revocation committed: this instance forgets cached credentials and ends the streams opened
 * with it, and the other instances are told to do the same. A notice that cannot be sent (the database just went
 * away) is logged; the other instances' caches then expire within seconds.
 */
export async function revokeCredential(ctx: AppContext, revocation: Revocation): Promise<void> {
  forgetAllCredentials();
  ctx.revocations.publish(revocation);
  await ctx.fanout
    .announce(revocation)
    .catch((error: unknown) =>
      console.error(`Datang: could not tell other instances of a ${revocation.kind} revocation`, error),
    );
}

/**
 * Session lookups in flight, by cache key: requests of one session that miss the cache together (a rush of 200
 * bookings from one desk) share one lookup instead of each taking a connection from the pool.
 */
const lookups = new Map<string, Promise<StaffActor | null>>();

export async function authenticateSession(ctx: AppContext, token: string, ip: string): Promise<StaffActor | null> {
  const now = ctx.clock();
  const id = secretHash(token);
  const key = `s:${id}`;
  const hit = cached(key, now);
  if (hit) return hit.actor ? { ...(hit.actor as StaffActor), ip } : null;
  const pending = lookups.get(key);
  if (pending) {
    const actor = await pending;
    return actor ? { ...actor, ip } : null;
  }
  const lookup = (async () => {
    const session = await ctx.store.db
      .selectFrom("sessions")
      .select(["user_id", "expires_at"])
      .where("id", "=", id)
      .executeTakeFirst();
    const actor =
      session && Number(session.expires_at) > now
        ? ((await loadStaff(ctx, session.user_id as UserId, ip)) ?? null)
        : null;
    remember(key, now, actor);
    return actor;
  })();
  lookups.set(key, lookup);
  try {
    return await lookup;
  } finally {
    lookups.delete(key);
  }
}

export async function authenticateDevice(ctx: AppContext, token: string, ip: string): Promise<DeviceActor | null> {
  const now = ctx.clock();
  const key = `d:${secretHash(token)}`;
  const hit = cached(key, now);
  if (hit) return hit.actor ? { ...(hit.actor as DeviceActor), ip } : null;
  const row = await ctx.store.db
    .selectFrom("devices")
    .selectAll()
    .where("token_hash", "=", secretHash(token))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  const actor = row ? toDeviceActor(row, ip) : null;
  remember(key, now, actor);
  return actor;
}
