import type { Skill } from "../domain/counter.ts";
import type { PolicyName } from "../domain/dispatch/index.ts";
import { erlangRecommendedCounters, offeredLoad } from "../domain/erlang.ts";
import type { CounterId } from "../domain/ids.ts";
import type { Scenario, ScenarioCounter } from "./scenario.ts";
import { simulate } from "./simulate.ts";

export interface DayPlanOptions {
  readonly policy: PolicyName;
  readonly seed: number;
  /** Service level to reach in every hour: `targetShare` called within `targetMinutes`. */
  readonly targetShare: number;
  readonly targetMinutes: number;
  /** Simulated days per check (seeds seed, seed+1, …): one day of one branch is too noisy to judge an hour. */
  readonly replications?: number;
  /** How many times the simulator may add a counter to the hours still short. */
  readonly rounds?: number;
  /** The counters the branch has: no hour is planned with more; an hour that needs more says so. */
  readonly maxCounters?: number;
}

export interface HourPlan {
  readonly hour: number;
  /** Expected customers arriving in the hour (walk-ins and appointment check-ins). */
  readonly arrivals: number;
  readonly ahtMinutes: number;
  readonly offeredLoad: number;
  /** What Erlang C alone recommends. */
  readonly erlangCounters: number;
  /** What the simulator confirms reaches the target, with the branch's classes, skills and policy. */
  readonly recommendedCounters: number;
  readonly simulatedWithinTargetShare: number;
  readonly simulatedMeanWaitMinutes: number;
  /** The load needs more counters than the branch has (`maxCounters`): even all of them miss the target. */
  readonly needsMoreCounters: boolean;
}

export interface DayPlan {
  readonly scenario: string;
  readonly policy: PolicyName;
  readonly targetShare: number;
  readonly targetMinutes: number;
  readonly hours: readonly HourPlan[];
  readonly erlangCounterHours: number;
  readonly recommendedCounterHours: number;
  /** Whether every hour reached the target within the allowed rounds. */
  readonly confirmed: boolean;
  /** The most counters an hour was planned with (the branch's), or null without a limit. */
  readonly maxCounters: number | null;
  /** Hours whose load needs more counters than the branch has. */
  readonly hoursNeedingMore: readonly number[];
}

/** Expected arrivals and the mean configured service minutes for each hour of the day (index 0–23). */
export function hourlyDemand(scenario: Scenario): { arrivals: number[]; ahtMinutes: number[] } {
  const arrivals = new Array<number>(24).fill(0);
  const work = new Array<number>(24).fill(0);
  const minutesOf = new Map(scenario.services.map((s) => [s.id, s.expectedMinutes]));
  if (scenario.arrivals.kind === "poisson") {
    const total = scenario.services.reduce((s, x) => s + x.share, 0);
    const aht = total > 0 ? scenario.services.reduce((s, x) => s + x.share * x.expectedMinutes, 0) / total : 0;
    scenario.arrivals.perHour.forEach((rate, h) => {
      // Arrivals only come while the doors are open.
      const open =
        Math.max(0, Math.min((h + 1) * 60, scenario.closeMinute) - Math.max(h * 60, scenario.openMinute)) / 60;
      arrivals[h] = (arrivals[h] ?? 0) + rate * open;
      work[h] = (work[h] ?? 0) + rate * open * aht;
    });
  } else {
    for (const c of scenario.arrivals.customers) {
      const h = Math.min(23, Math.floor(c.minute / 60));
      arrivals[h] = (arrivals[h] ?? 0) + 1;
      work[h] = (work[h] ?? 0) + (c.serviceMinutes ?? minutesOf.get(c.serviceId) ?? 5);
    }
  }
  const appts = scenario.appointments;
  if (appts) {
    const total = appts.serviceMix.reduce((s, [, w]) => s + w, 0);
    const aht = appts.serviceMix.reduce((s, [id, w]) => s + w * (minutesOf.get(id) ?? 5), 0) / total;
    appts.perHour.forEach((n, h) => {
      const shows = n * (1 - appts.noShowShare);
      arrivals[h] = (arrivals[h] ?? 0) + shows;
      work[h] = (work[h] ?? 0) + shows * aht;
    });
  }
  return { arrivals, ahtMinutes: arrivals.map((a, h) => (a > 0 ? (work[h] ?? 0) / a : 0)) };
}

/**
 * The scenario staffed with `perHour[h]` counters in hour h: the first N of the scenario's counters, in its
 * order (so the branch's own mix of specialist and flexible windows is kept), plus flexible counters serving
 * every type when N exceeds them. Breaks are dropped: an hour's head-count already says who is there.
 */
export function withCountersPerHour(scenario: Scenario, perHour: readonly number[]): Scenario {
  const flexSkills: Skill[] = scenario.services.map((s) => ({ serviceId: s.id, weight: 1 }));
  const most = Math.max(0, ...perHour);
  const pool: ScenarioCounter[] = [];
  for (let i = 0; i < most; i++) {
    const base = scenario.counters[i];
    pool.push(
      base ?? {
        id: `extra-${i + 1 - scenario.counters.length}` as CounterId,
        kind: "teller",
        skills: flexSkills,
        intervals: [],
        speed: 1,
      },
    );
  }
  const counters = pool.map((c, i): ScenarioCounter => {
    const intervals: [number, number][] = [];
    for (let h = 0; h < 24; h++) {
      if ((perHour[h] ?? 0) <= i) continue;
      const from = h * 60;
      const last = intervals[intervals.length - 1];
      if (last && last[1] === from) last[1] = from + 60;
      else intervals.push([from, from + 60]);
    }
    return { ...c, intervals };
  });
  return { ...scenario, counters: counters.filter((c) => c.intervals.length > 0) };
}

/** "What if we open `count` more flexible counters from `fromMinute` to `toMinute`": the scenario with them. */
export function withExtraCounters(scenario: Scenario, count: number, fromMinute: number, toMinute: number): Scenario {
  const skills: Skill[] = scenario.services.map((s) => ({ serviceId: s.id, weight: 1 }));
  const extra: ScenarioCounter[] = [];
  for (let i = 1; i <= count; i++)
    extra.push({
      id: `extra-${i}` as CounterId,
      kind: "teller",
      skills,
      intervals: [[fromMinute, toMinute]],
      speed: 1,
    });
  return { ...scenario, counters: [...scenario.counters, ...extra] };
}

/** Per hour: the service level over the replications, judged by the hour customers arrived in. */
function simulatedHours(scenario: Scenario, options: DayPlanOptions): { within: number[]; mean: number[] } {
  const reps = options.replications ?? 5;
  const judged = new Array<number>(24).fill(0);
  const inTarget = new Array<number>(24).fill(0);
  const waitSum = new Array<number>(24).fill(0);
  const served = new Array<number>(24).fill(0);
  const staffed = { ...scenario, targetWaitMinutes: options.targetMinutes };
  for (let k = 0; k < reps; k++) {
    const r = simulate(staffed, { policy: options.policy, seed: options.seed + k, predictor: false });
    for (const h of r.byHour) {
      const n = h.served + h.walkAways;
      judged[h.hour] = (judged[h.hour] ?? 0) + n;
      inTarget[h.hour] = (inTarget[h.hour] ?? 0) + h.withinTargetShare * n;
      waitSum[h.hour] = (waitSum[h.hour] ?? 0) + h.meanWaitMinutes * h.served;
      served[h.hour] = (served[h.hour] ?? 0) + h.served;
    }
  }
  return {
    within: judged.map((n, h) => (n > 0 ? (inTarget[h] ?? 0) / n : 1)),
    mean: served.map((n, h) => (n > 0 ? (waitSum[h] ?? 0) / n : 0)),
  };
}

/**
 * A day plan: Erlang C per hour as the first answer, then the simulator runs the day with that staffing and the
 * branch's real structure (classes, skills, the policy, breaks between hours) and adds a counter to each hour
 * still short of the target, until every hour reaches it. The result is the staffing the simulator confirms.
 */
export function planDay(scenario: Scenario, options: DayPlanOptions): DayPlan {
  const { arrivals, ahtMinutes } = hourlyDemand(scenario);
  const load = arrivals.map((a, h) => offeredLoad(a, ahtMinutes[h] ?? 0));
  const erlang = load.map((a, h) =>
    erlangRecommendedCounters(a, ahtMinutes[h] ?? 1, options.targetShare, options.targetMinutes),
  );
  const cap = options.maxCounters ?? Number.POSITIVE_INFINITY;
  // Never more than the branch has: an hour Erlang C wants more of is planned with all of them.
  const staffing = erlang.map((n) => Math.min(n, cap));
  let check = simulatedHours(withCountersPerHour(scenario, staffing), options);
  let confirmed = false;
  for (let round = 0; round < (options.rounds ?? 8); round++) {
    const short = staffing.map((n, h) => n > 0 && (check.within[h] ?? 1) < options.targetShare);
    // Hours already at the branch's limit cannot be given another counter: they are reported, not grown.
    const growable = short.map((s, h) => s && (staffing[h] ?? 0) < cap);
    if (!short.includes(true)) {
      confirmed = true;
      break;
    }
    if (!growable.includes(true)) break;
    growable.forEach((s, h) => {
      if (s) staffing[h] = (staffing[h] ?? 0) + 1;
    });
    check = simulatedHours(withCountersPerHour(scenario, staffing), options);
  }
  if (!confirmed) confirmed = staffing.every((n, h) => n === 0 || (check.within[h] ?? 1) >= options.targetShare);
  const needsMore = staffing.map((n, h) => n > 0 && n >= cap && (check.within[h] ?? 1) < options.targetShare);
  const hours: HourPlan[] = [];
  for (let h = 0; h < 24; h++) {
    if ((arrivals[h] ?? 0) <= 0) continue;
    hours.push({
      hour: h,
      arrivals: Math.round((arrivals[h] ?? 0) * 10) / 10,
      ahtMinutes: Math.round((ahtMinutes[h] ?? 0) * 100) / 100,
      offeredLoad: Math.round((load[h] ?? 0) * 100) / 100,
      erlangCounters: erlang[h] ?? 0,
      recommendedCounters: staffing[h] ?? 0,
      simulatedWithinTargetShare: Math.round((check.within[h] ?? 1) * 1000) / 1000,
      simulatedMeanWaitMinutes: Math.round((check.mean[h] ?? 0) * 100) / 100,
      needsMoreCounters: needsMore[h] ?? false,
    });
  }
  return {
    scenario: scenario.name,
    policy: options.policy,
    targetShare: options.targetShare,
    targetMinutes: options.targetMinutes,
    hours,
    erlangCounterHours: erlang.reduce((s, n) => s + n, 0),
    recommendedCounterHours: staffing.reduce((s, n) => s + n, 0),
    confirmed,
    maxCounters: Number.isFinite(cap) ? cap : null,
    hoursNeedingMore: hours.filter((h) => h.needsMoreCounters).map((h) => h.hour),
  };
}
