/**
 * Erlang C: the M/M/c queue behind classic staffing. Poisson arrivals, exponential service, c identical
 * counters serving one line in order. A branch is not exactly that (classes, skills, breaks), which is why
 * the day plan is checked against the simulator; for one interval it is the standard first answer.
 */

export interface ErlangInput {
  readonly arrivalsPerHour: number;
  /** Average handling time in minutes. */
  readonly ahtMinutes: number;
  readonly counters: number;
  /** Service-level target: `share` of customers called within `withinMinutes`. */
  readonly targetShare: number;
  readonly targetMinutes: number;
}

export interface ErlangResult {
  readonly probabilityOfWaiting: number;
  readonly averageWaitMinutes: number;
  readonly serviceLevel: number;
  readonly counters: number;
  /** Fewest counters whose service level reaches the target share. */
  readonly recommendedCounters: number;
  /** Offered load in Erlangs (busy counters on average). */
  readonly offeredLoad: number;
  readonly utilization: number;
}

/** Offered load in Erlangs: arrivals per minute × minutes each. */
export function offeredLoad(arrivalsPerHour: number, ahtMinutes: number): number {
  return (arrivalsPerHour / 60) * ahtMinutes;
}

/**
 * Erlang B by its stable recursion B(0)=1, B(n)=a·B(n−1)/(n + a·B(n−1)): no factorials, so it works for
 * hundreds of counters without overflow.
 */
export function erlangB(counters: number, load: number): number {
  let b = 1;
  for (let n = 1; n <= counters; n++) b = (load * b) / (n + load * b);
  return b;
}

/** Probability an arrival has to wait (Erlang C). 1 when the counters cannot keep up (load ≥ counters). */
export function erlangC(counters: number, load: number): number {
  if (load <= 0) return 0;
  if (counters <= load) return 1;
  const b = erlangB(counters, load);
  return (counters * b) / (counters - load * (1 - b));
}

/** Mean wait in minutes over all arrivals (those who do not wait included). Infinite when overloaded. */
export function erlangAverageWait(counters: number, load: number, ahtMinutes: number): number {
  if (load <= 0) return 0;
  if (counters <= load) return Number.POSITIVE_INFINITY;
  return (erlangC(counters, load) * ahtMinutes) / (counters - load);
}

/** Share of arrivals called within `withinMinutes`: 1 − C·e^(−(c−a)·t/AHT). */
export function erlangServiceLevel(counters: number, load: number, ahtMinutes: number, withinMinutes: number): number {
  if (load <= 0) return 1;
  if (counters <= load) return 0;
  return 1 - erlangC(counters, load) * Math.exp((-(counters - load) * withinMinutes) / ahtMinutes);
}

/** Fewest counters reaching `targetShare` within `targetMinutes` (at least one when anyone arrives). */
export function erlangRecommendedCounters(
  load: number,
  ahtMinutes: number,
  targetShare: number,
  targetMinutes: number,
): number {
  if (load <= 0) return 0;
  let c = Math.max(1, Math.floor(load) + 1);
  // Erlang B carried forward one counter at a time (B(c) = a·B(c−1) / (c + a·B(c−1))): linear in the answer,
  // where recomputing it for every candidate was quadratic and took a second for a large load.
  let b = erlangB(c, load);
  for (;;) {
    const waitShare = (c * b) / (c - load * (1 - b));
    if (1 - waitShare * Math.exp((-(c - load) * targetMinutes) / ahtMinutes) >= targetShare) return c;
    c++;
    b = (load * b) / (c + load * b);
  }
}

/** The whole interval answer that `datang plan` prints. */
export function erlangPlan(input: ErlangInput): ErlangResult {
  const load = offeredLoad(input.arrivalsPerHour, input.ahtMinutes);
  return {
    probabilityOfWaiting: erlangC(input.counters, load),
    averageWaitMinutes: erlangAverageWait(input.counters, load, input.ahtMinutes),
    serviceLevel: erlangServiceLevel(input.counters, load, input.ahtMinutes, input.targetMinutes),
    counters: input.counters,
    recommendedCounters: erlangRecommendedCounters(load, input.ahtMinutes, input.targetShare, input.targetMinutes),
    offeredLoad: load,
    utilization: input.counters > 0 ? Math.min(1, load / input.counters) : 1,
  };
}
