import { type DispatchCounter, skillWeight } from "./counter.ts";
import { POLICIES, type PolicyName } from "./dispatch/index.ts";
import type { DispatchContext } from "./dispatch/policy.ts";
import { type CounterId, type EpochMs, MINUTE_MS, type ServiceId, type TicketId } from "./ids.ts";
import type { WaitingTicket } from "./ticket.ts";

// ---------------------------------------------------------------------------------------------------------------
// Service times learned from history
// ---------------------------------------------------------------------------------------------------------------

/** One completed service: how long the counter spent on it. */
export interface ServiceSample {
  readonly serviceId: ServiceId;
  readonly counterId: CounterId | null;
  readonly minutes: number;
}

/** Expected service minutes per business type, and per counter where that counter has enough history. */
export interface ServiceTimes {
  readonly byService: ReadonlyMap<ServiceId, number>;
  readonly byCounter: ReadonlyMap<CounterId, ReadonlyMap<ServiceId, number>>;
}

export interface LearnOptions {
  /** The configured time counts as this many services: ten is about a morning of one type, enough to outweigh it. */
  readonly priorWeight?: number;
  /** A counter gets its own time after this many services of a type: fewer are mostly noise of who came. */
  readonly minCounterSamples?: number;
  /** Samples longer than this multiple of the prior are capped: a forgotten "complete" click is not a service. */
  readonly capMultiple?: number;
  /** Used for a type with no configured time. */
  readonly defaultMinutes?: number;
}

interface Tally {
  n: number;
  sum: number;
}

/**
 * Incremental form of `learnServiceTimes`, for callers that see services one by one (the simulator, a server
 * keeping a running estimate). Estimates are a shrinkage mean: (priorWeight·prior + Σ samples) / (priorWeight + n).
 * The mean, not the median, because waits add up service times and the sum follows the mean.
 */
export function createServiceTimeLearner(prior: ReadonlyMap<ServiceId, number>, options: LearnOptions = {}) {
  const priorWeight = options.priorWeight ?? 10;
  const minCounterSamples = options.minCounterSamples ?? 30;
  const capMultiple = options.capMultiple ?? 5;
  const defaultMinutes = options.defaultMinutes ?? 5;
  const byService = new Map<ServiceId, Tally>();
  const byCounter = new Map<CounterId, Map<ServiceId, Tally>>();
  let cached: ServiceTimes | undefined;

  const priorOf = (s: ServiceId): number => prior.get(s) ?? defaultMinutes;
  const add = (sample: ServiceSample): void => {
    const minutes = Math.min(Math.max(0, sample.minutes), priorOf(sample.serviceId) * capMultiple);
    bump(byService, sample.serviceId, minutes);
    if (sample.counterId !== null) {
      let m = byCounter.get(sample.counterId);
      if (!m) {
        m = new Map();
        byCounter.set(sample.counterId, m);
      }
      bump(m, sample.serviceId, minutes);
    }
    cached = undefined;
  };
  const estimates = (): ServiceTimes => {
    if (cached) return cached;
    const service = new Map<ServiceId, number>(prior);
    for (const [s, t] of byService) service.set(s, (priorWeight * priorOf(s) + t.sum) / (priorWeight + t.n));
    const counter = new Map<CounterId, ReadonlyMap<ServiceId, number>>();
    for (const [c, m] of byCounter) {
      const own = new Map<ServiceId, number>();
      for (const [s, t] of m) {
        if (t.n < minCounterSamples) continue;
        // Shrunk toward the branch-wide time of the type, not the configured one: that is the better prior by now.
        const base = service.get(s) ?? priorOf(s);
        own.set(s, (priorWeight * base + t.sum) / (priorWeight + t.n));
      }
      if (own.size > 0) counter.set(c, own);
    }
    cached = { byService: service, byCounter: counter };
    return cached;
  };
  return { add, estimates };
}

function bump<K>(map: Map<K, Tally>, key: K, minutes: number): void {
  const t = map.get(key);
  if (t) {
    t.n++;
    t.sum += minutes;
  } else map.set(key, { n: 1, sum: minutes });
}

/** Service times learned from completed services, with the configured minutes as the prior. */
export function learnServiceTimes(
  samples: readonly ServiceSample[],
  prior: ReadonlyMap<ServiceId, number>,
  options: LearnOptions = {},
): ServiceTimes {
  const learner = createServiceTimeLearner(prior, options);
  for (const s of samples) learner.add(s);
  return learner.estimates();
}

// ---------------------------------------------------------------------------------------------------------------
// Wait prediction
// ---------------------------------------------------------------------------------------------------------------

/** An open counter, with the minutes its current service is expected still to take (0 or absent when free). */
export interface PredictorCounter extends DispatchCounter {
  readonly remainingMinutes?: number;
}

export interface PredictInput {
  /** Every ticket waiting in the branch. */
  readonly waiting: readonly WaitingTicket[];
  /** Open counters only: paused and closed ones call nobody. */
  readonly openCounters: readonly PredictorCounter[];
  /** Expected minutes per type (configured, or `learnServiceTimes(...).byService`). */
  readonly expectedMinutes: ReadonlyMap<ServiceId, number>;
  /** Per-counter times where history allows (`learnServiceTimes(...).byCounter`). */
  readonly counterMinutes?: ReadonlyMap<CounterId, ReadonlyMap<ServiceId, number>>;
  /** The policy the branch's counters use. */
  readonly policy: PolicyName;
  readonly now: EpochMs;
  readonly targetWaitMinutes: number;
  readonly alarmWaitMinutes: number;
  /** Used for a type with no expected time. */
  readonly defaultMinutes?: number;
  /**
   * Expected walk-in arrivals per hour by type. When given, the look-ahead adds them as a steady stream, so a
   * policy that lets newcomers pass (short business first, VIP) is predicted with them passing.
   */
  readonly arrivalsPerHour?: ReadonlyMap<ServiceId, number>;
  /** Stop as soon as this ticket's call is predicted (issue time: only the new ticket's estimate is needed). */
  readonly onlyTicket?: TicketId;
}

/**
 * predictWaits(input) → Map<TicketId, minutes | null>: for each waiting ticket, the expected minutes from `now`
 * until it is called; null when no open counter can serve it.
 *
 * It replays the branch forward on expected times with the production policy itself: the counter that frees
 * first calls whom the policy picks at that moment, and so on. So the prediction follows the policy's real
 * order (classes, short business first, the alarm tier, skills) instead of a position × average guess.
 * Cost: O(n²) policy work for n waiting tickets, fine for a branch line.
 */
export function predictWaits(input: PredictInput): Map<TicketId, number | null> {
  const policy = POLICIES[input.policy];
  const fallback = input.defaultMinutes ?? 5;
  const result = new Map<TicketId, number | null>();
  const remaining: WaitingTicket[] = input.waiting.slice();
  const realLeft = new Set<TicketId>();
  for (const t of remaining) realLeft.add(t.id);

  const minutesAt = (counter: DispatchCounter, serviceId: ServiceId): number =>
    input.counterMinutes?.get(counter.id)?.get(serviceId) ?? input.expectedMinutes.get(serviceId) ?? fallback;

  const freeAt: number[] = input.openCounters.map((c) => input.now + Math.max(0, c.remainingMinutes ?? 0) * MINUTE_MS);
  const alive: boolean[] = input.openCounters.map(() => true);

  // Virtual newcomers, generated lazily one type at a time in time order.
  const streams = [...(input.arrivalsPerHour ?? new Map<ServiceId, number>())]
    // A type no open counter serves would only pile up in the look-ahead.
    .filter(([serviceId, perHour]) => perHour > 0 && input.openCounters.some((c) => skillWeight(c, serviceId) > 0))
    .map(([serviceId, perHour]) => ({ serviceId, gap: (60 / perHour) * MINUTE_MS, next: input.now }));
  for (const s of streams) s.next += s.gap;
  let virtualSeq = 0;
  const admitUntil = (time: number): void => {
    for (const s of streams) {
      while (s.next <= time) {
        remaining.push({
          id: `~${virtualSeq++}` as TicketId,
          branchId: input.waiting[0]?.branchId ?? ("" as WaitingTicket["branchId"]),
          serviceId: s.serviceId,
          priority: "normal",
          issuedAt: s.next,
          queuedAt: s.next,
          appointmentAt: null,
          targetCounterId: null,
        });
        s.next += s.gap;
      }
    }
  };
  const nextVirtual = (): number => {
    let min = Number.POSITIVE_INFINITY;
    for (const s of streams) if (s.next < min) min = s.next;
    return min;
  };

  const context: { -readonly [K in keyof DispatchContext]: DispatchContext[K] } = {
    now: input.now,
    targetWaitMinutes: input.targetWaitMinutes,
    alarmWaitMinutes: input.alarmWaitMinutes,
    expectedMinutes: input.expectedMinutes,
    openCounters: input.openCounters,
  };
  // A guard against a look-ahead that never ends (virtual arrivals outpacing the counters): a day at most.
  const horizon = input.now + 24 * 60 * MINUTE_MS;

  // Bounds the look-ahead when newcomers outpace the counters: the real tickets are long called by then.
  let steps = 50 * remaining.length + 500;
  while (realLeft.size > 0 && steps-- > 0) {
    let ci = -1;
    for (let i = 0; i < freeAt.length; i++) if (alive[i] && (ci < 0 || (freeAt[i] ?? 0) < (freeAt[ci] ?? 0))) ci = i;
    if (ci < 0) break;
    const counter = input.openCounters[ci] as PredictorCounter;
    const t = freeAt[ci] as number;
    if (t > horizon) break;
    admitUntil(t);
    context.now = t;
    const pick = policy(remaining, counter, context);
    if (pick === undefined) {
      // Nothing it may serve now: it waits for the next newcomer, or is done for the look-ahead.
      const next = nextVirtual();
      if (Number.isFinite(next)) freeAt[ci] = next;
      else alive[ci] = false;
      continue;
    }
    remaining.splice(remaining.indexOf(pick), 1);
    if (realLeft.delete(pick.id)) {
      result.set(pick.id, (t - input.now) / MINUTE_MS);
      if (pick.id === input.onlyTicket) return result;
    }
    freeAt[ci] = t + minutesAt(counter, pick.serviceId) * MINUTE_MS;
  }
  for (const id of realLeft) result.set(id, null);
  return result;
}
