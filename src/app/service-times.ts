import type { Kysely } from "kysely";
import type { CounterId, EpochMs, ServiceId } from "../domain/ids.ts";
import { MINUTE_MS } from "../domain/ids.ts";
import { localDay, localHour } from "../domain/local-day.ts";
import { learnServiceTimes, type ServiceSample, type ServiceTimes } from "../domain/predictor.ts";
import type { Database } from "../store/schema.ts";

/** A month of services: enough for the shrinkage to trust a type, recent enough to follow a new product or teller. */
export const LEARNING_DAYS = 30;
/** Learned times move slowly (they average a month); five minutes stale costs nothing and keeps issuing cheap. */
export const LEARNED_TTL_MS = 5 * MINUTE_MS;
/** Bounds a cache miss on a very busy branch: the latest tickets are the ones that matter. */
const MAX_ROWS = 20_000;
/** Fewer whole days than this and an hourly arrival profile is mostly noise: the predictor goes without one. */
const MIN_FORECAST_DAYS = 3;

/** What a branch's recent history tells the predictor. */
export interface LearnedBranch {
  readonly times: ServiceTimes;
  /** Index = local hour (0–23): expected walk-in arrivals per hour by type; all empty when history is too short. */
  readonly arrivalsByHour: readonly ReadonlyMap<ServiceId, number>[];
  /** Completed services the times were learned from. */
  readonly samples: number;
}

/** One ticket of the learning window, as the history query returns it. */
export interface HistoryRow {
  readonly service_id: string;
  readonly counter_id: string | null;
  readonly day: string;
  readonly priority: string;
  readonly issued_at: number | string;
  readonly started_at: number | string | null;
  readonly completed_at: number | string | null;
}

/**
 * The tickets of the learning window, newest first. One statement for both uses (service samples and arrivals),
 * so a cache miss costs one range read of the (branch, issued_at) index. Times may arrive as strings: callers use Number().
 */
export function listHistoryRows(db: Kysely<Database>, branchId: string, since: EpochMs): Promise<HistoryRow[]> {
  return db
    .selectFrom("tickets")
    .select(["service_id", "counter_id", "day", "priority", "issued_at", "started_at", "completed_at"])
    .where("branch_id", "=", branchId)
    .where("issued_at", ">=", since)
    .orderBy("issued_at", "desc")
    .limit(MAX_ROWS)
    .execute();
}

/**
 * Pure: completed services become samples (started → completed, per type and counter); walk-ins of whole past
 * days become an hourly arrival profile (today is partial, so it would pull the averages down).
 */
export function historyFromRows(
  rows: readonly HistoryRow[],
  timeZone: string,
  today: string,
): { samples: ServiceSample[]; arrivalsByHour: Map<ServiceId, number>[] } {
  const samples: ServiceSample[] = [];
  const counts = Array.from({ length: 24 }, () => new Map<ServiceId, number>());
  const days = new Set<string>();
  for (const r of rows) {
    if (r.started_at !== null && r.completed_at !== null) {
      const minutes = (Number(r.completed_at) - Number(r.started_at)) / MINUTE_MS;
      if (minutes >= 0) {
        samples.push({
          serviceId: r.service_id as ServiceId,
          counterId: r.counter_id as CounterId | null,
          minutes,
        });
      }
    }
    // Appointments are booked, not forecast: the predictor sees them once they check in.
    if (r.day === today || r.priority === "appointment") continue;
    days.add(r.day);
    const m = counts[localHour(Number(r.issued_at), timeZone)] as Map<ServiceId, number>;
    const id = r.service_id as ServiceId;
    m.set(id, (m.get(id) ?? 0) + 1);
  }
  const arrivalsByHour =
    days.size < MIN_FORECAST_DAYS
      ? counts.map(() => new Map<ServiceId, number>())
      : counts.map((m) => new Map([...m].map(([id, n]) => [id, n / days.size] as const)));
  return { samples, arrivalsByHour };
}

interface CacheEntry {
  readonly loadedAt: EpochMs;
  readonly samples: readonly ServiceSample[];
  readonly arrivalsByHour: readonly ReadonlyMap<ServiceId, number>[];
  /** The configured minutes the times were learned with: a manager's change re-learns at once, without a query. */
  priorKey: string;
  learned: LearnedBranch;
}

/**
 * Per-branch memory of learned service times. In process and per instance: every instance learns the same
 * figures from the same history, so there is nothing to share. Keyed by branch id (ids are globally unique).
 */
const cache = new Map<string, CacheEntry>();
/** One history read per branch at a time: a burst of issues at expiry waits for the same read. */
const loading = new Map<string, Promise<CacheEntry>>();

export interface LearnInput {
  readonly branchId: string;
  readonly timeZone: string;
  /** Configured minutes per type: the prior. */
  readonly expectedMinutes: ReadonlyMap<ServiceId, number>;
  readonly now: EpochMs;
}

/** Learned service times and the arrival profile of a branch, from the cache or from its last month of tickets. */
export async function learnedForBranch(db: Kysely<Database>, input: LearnInput): Promise<LearnedBranch> {
  const priorKey = [...input.expectedMinutes].map(([id, m]) => `${id}=${m}`).join(",");
  let entry = cache.get(input.branchId);
  if (!entry || input.now - entry.loadedAt > LEARNED_TTL_MS || input.now < entry.loadedAt) {
    let pending = loading.get(input.branchId);
    if (!pending) {
      pending = loadEntry(db, input, priorKey).finally(() => loading.delete(input.branchId));
      loading.set(input.branchId, pending);
    }
    // Requests share one load; if it failed, this request tries once more on its own.
    entry = await pending.catch(() => loadEntry(db, input, priorKey));
    cache.set(input.branchId, entry);
  }
  if (entry.priorKey !== priorKey) {
    entry.learned = { ...entry.learned, times: learnServiceTimes(entry.samples, input.expectedMinutes) };
    entry.priorKey = priorKey;
  }
  return entry.learned;
}

async function loadEntry(db: Kysely<Database>, input: LearnInput, priorKey: string): Promise<CacheEntry> {
  const rows = await listHistoryRows(db, input.branchId, input.now - LEARNING_DAYS * 24 * 60 * MINUTE_MS);
  const { samples, arrivalsByHour } = historyFromRows(rows, input.timeZone, localDay(input.now, input.timeZone));
  return {
    loadedAt: input.now,
    samples,
    arrivalsByHour,
    priorKey,
    learned: { times: learnServiceTimes(samples, input.expectedMinutes), arrivalsByHour, samples: samples.length },
  };
}

/** Drops what was learned (a branch's history was rewritten, or a test wants a cold start). */
export function forgetLearned(branchId?: string): void {
  if (branchId === undefined) cache.clear();
  else cache.delete(branchId);
}
