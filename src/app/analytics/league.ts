/**
 * The fair branch league table (src/domain/analytics/league.ts): for each branch the caller may compare, its
 * actual waits over the days asked for beside the simulator's waits for the same branch's average day (its own
 * arrivals by hour, its own mix of business types at their standard service times, its own counters with their
 * skills, open in the hours they were open, its own no-show share, and its own customers' patience learned from
 * its walk-aways: without it the simulated line never shortens and the expectation runs far above any real
 * branch where customers leave), ranked by how far the actual waits beat or missed that.
 */
import { figuresOf } from "../../domain/analytics/figures.ts";
import {
  expectedDay,
  type LeagueInput,
  type LeagueRow,
  leagueTable,
  patienceMinutes,
} from "../../domain/analytics/league.ts";
import { emptyTally, mergeTally } from "../../domain/analytics/tally.ts";
import type { PolicyName } from "../../domain/dispatch/index.ts";
import type { ServiceId } from "../../domain/ids.ts";
import type { Scenario, ScenarioCounter } from "../../sim/scenario.ts";
import { simulate } from "../../sim/simulate.ts";
import { readOpenTimeByCounterHour, readRollups } from "../../store/analytics.ts";
import { type Branch, findBranch, listBranches, listServices } from "../../store/branches.ts";
import { listCounters } from "../../store/counters.ts";
import { readsEveryBranch } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { forbidden } from "../errors.ts";
import { checkRange } from "./summary.ts";

/** Simulated days per branch: their mean is the expectation. */
export const LEAGUE_REPLICATIONS = 4;
/** Service times of the expected day: lognormal around each business type's standard minutes. */
const SERVICE_CV = 0.6;

export interface League {
  readonly from: string;
  readonly to: string;
  readonly replications: number;
  readonly rows: ReadonlyArray<
    LeagueRow & {
      /** Where the expected day's counter hours came from: the counters' recorded open time, or all counters all day. */
      readonly staffing: "recorded" | "all_counters";
      readonly arrivedPerDay: number;
      /** What the expected day includes beside arrivals, mix and staffing: the branch's own no-show share… */
      readonly expectedNoShowShare: number | null;
      /** …and its customers' mean patience (minutes) learned from its walk-aways; null: none walked away. */
      readonly patienceMinutes: number | null;
      /** Walk-aways over arrivals, actual, beside the expected day's. */
      readonly actualWalkAwayShare: number | null;
      readonly expectedWalkAwayShare: number | null;
    }
  >;
}

/** Head office (admins) compare every branch; a branch manager the branches he manages. */
async function leagueBranches(ctx: AppContext, actor: Actor): Promise<string[]> {
  if (actor.type !== "user") throw forbidden();
  if (readsEveryBranch(actor)) return (await listBranches(ctx.store.db)).map((b) => b.id);
  if (actor.roles.includes("branch_manager")) return [...actor.branchIds];
  throw forbidden();
}

type Expectation = {
  meanWait: number;
  withinTarget: number;
  walkAwayShare: number;
  staffing: "recorded" | "all_counters";
} | null;

/**
 * Expectations already simulated, by everything they are made of (the branch's set-up and its average day): the
 * dashboard asks for the same range again and again, and a branch's past does not change between two asks.
 */
const simulated = new Map<string, Expectation>();
const MAX_CACHED = 500;

/** The expected mean wait and within-target share of a branch's average day, from the simulator; null if none. */
async function expectation(
  ctx: AppContext,
  branch: Branch,
  input: {
    days: number;
    arrivedByHour: number[];
    arrivedByService: Map<string, number>;
    openMsByCounterHour: Map<string, number[]>;
    noShowShare: number;
    /** The branch's customers' mean patience, minutes (exponential); null: nobody walks away. */
    patienceMinutes: number | null;
  },
): Promise<Expectation> {
  const [services, counters] = await Promise.all([
    listServices(ctx.store.db, branch.id),
    listCounters(ctx.store.db, branch.id),
  ]);
  const day = expectedDay(input);
  const hours = day.perHour.flatMap((n, h) => (n > 0 ? [h] : []));
  if (hours.length === 0) return null;
  const openMinute = (hours[0] ?? 0) * 60;
  const closeMinute = ((hours.at(-1) ?? 0) + 1) * 60;
  const scenarioCounters: ScenarioCounter[] = counters
    .filter((c) => c.skills.some((k) => k.weight > 0))
    .map((c) => ({
      id: c.id,
      kind: c.kind,
      skills: c.skills,
      intervals: day.intervals
        ? (day.intervals.get(c.id) ?? [])
        : [[openMinute, closeMinute] as readonly [number, number]],
      speed: 1,
    }))
    .filter((c) => c.intervals.length > 0);
  const mix = services
    .filter((s) => (input.arrivedByService.get(s.id) ?? 0) > 0)
    .map((s) => ({
      id: s.id as ServiceId,
      name: s.nameEn,
      share: input.arrivedByService.get(s.id) ?? 0,
      expectedMinutes: s.expectedMinutes,
      serviceTime: { dist: "lognormal" as const, meanMinutes: s.expectedMinutes, cv: SERVICE_CV },
      classMix: null,
    }));
  if (scenarioCounters.length === 0 || mix.length === 0) return null;
  const scenario: Scenario = {
    name: `${branch.code} expected`,
    source: "The branch's average day over the range: its arrivals, mix and counter hours.",
    openMinute,
    closeMinute,
    targetWaitMinutes: branch.targetWaitMinutes,
    alarmWaitMinutes: branch.alarmWaitMinutes,
    services: mix,
    classMix: [["normal", 1]],
    arrivals: { kind: "poisson", perHour: day.perHour },
    appointments: null,
    counters: scenarioCounters,
    patience: input.patienceMinutes === null ? null : { dist: "exponential", meanMinutes: input.patienceMinutes },
    noShowShare: input.noShowShare,
    noShowRecallMinutes: 1,
  };
  const key = JSON.stringify([scenario, branch.dispatchPolicy]);
  const cached = simulated.get(key);
  if (cached !== undefined) return cached;
  let wait = 0;
  let within = 0;
  let walkAways = 0;
  for (let seed = 1; seed <= LEAGUE_REPLICATIONS; seed++) {
    const report = simulate(scenario, { policy: branch.dispatchPolicy as PolicyName, seed, predictor: false });
    wait += report.meanWaitMinutes;
    // The simulator judges walk-aways as missing the target; the actual share is over called tickets only.
    within += report.served === 0 ? 1 : (report.withinTargetShare * (report.served + report.walkAways)) / report.served;
    walkAways += report.customers === 0 ? 0 : report.walkAways / report.customers;
  }
  const result: Expectation = {
    meanWait: Math.round((wait / LEAGUE_REPLICATIONS) * 10) / 10,
    withinTarget: Math.round((within / LEAGUE_REPLICATIONS) * 1000) / 1000,
    walkAwayShare: Math.round((walkAways / LEAGUE_REPLICATIONS) * 1000) / 1000,
    staffing: day.intervals ? "recorded" : "all_counters",
  };
  if (simulated.size >= MAX_CACHED) simulated.clear();
  simulated.set(key, result);
  return result;
}

export async function branchLeague(
  ctx: AppContext,
  actor: Actor,
  q: { readonly from: string; readonly to: string },
): Promise<League> {
  checkRange(q.from, q.to);
  const branchIds = await leagueBranches(ctx, actor);
  const range = { branchIds, from: q.from, to: q.to };
  const [days, hours, services, counterTime] = await Promise.all([
    readRollups(ctx.store.db, "day", range),
    readRollups(ctx.store.db, "hour", range),
    readRollups(ctx.store.db, "service", range),
    readOpenTimeByCounterHour(ctx.store.db, range),
  ]);
  const rows: Array<League["rows"][number]> = [];
  const inputs: LeagueInput[] = [];
  type Extra = Omit<League["rows"][number], keyof LeagueRow>;
  const extra = new Map<string, Extra>();
  for (const branchId of branchIds) {
    const branch = await findBranch(ctx.store.db, branchId);
    if (!branch) continue;
    const total = emptyTally();
    let dayCount = 0;
    for (const d of days) {
      if (d.branchId !== branchId) continue;
      mergeTally(total, d.tally);
      if (d.tally.arrived > 0) dayCount++;
    }
    const figures = figuresOf(total);
    const arrivedByHour = new Array<number>(24).fill(0);
    for (const h of hours)
      if (h.branchId === branchId) arrivedByHour[Number(h.key)] = (arrivedByHour[Number(h.key)] ?? 0) + h.tally.arrived;
    const arrivedByService = new Map<string, number>();
    for (const s of services)
      if (s.branchId === branchId) arrivedByService.set(s.key, (arrivedByService.get(s.key) ?? 0) + s.tally.arrived);
    const openMsByCounterHour = new Map<string, number[]>();
    for (const c of counterTime) {
      // A counter never open in the range (its hours all zero) staffs nothing: no recorded staffing is not "none".
      if (c.branchId !== branchId || c.openMs <= 0) continue;
      const list = openMsByCounterHour.get(c.counterId) ?? new Array<number>(24).fill(0);
      list[c.hour] = (list[c.hour] ?? 0) + c.openMs;
      openMsByCounterHour.set(c.counterId, list);
    }
    const noShowShare = total.called > 0 ? total.noShows / total.called : 0;
    const patience = patienceMinutes(total);
    const expected =
      total.called > 0
        ? await expectation(ctx, branch, {
            days: dayCount,
            arrivedByHour,
            arrivedByService,
            openMsByCounterHour,
            noShowShare,
            patienceMinutes: patience,
          })
        : null;
    inputs.push({
      branchId,
      code: branch.code,
      nameZh: branch.nameZh,
      nameEn: branch.nameEn,
      called: total.called,
      actualMeanWaitMinutes: figures.meanWaitMinutes,
      actualWithinTargetShare: figures.withinTargetShare,
      expectedMeanWaitMinutes: expected?.meanWait ?? null,
      expectedWithinTargetShare: expected?.withinTarget ?? null,
    });
    extra.set(branchId, {
      staffing: expected?.staffing ?? (openMsByCounterHour.size ? "recorded" : "all_counters"),
      arrivedPerDay: dayCount === 0 ? 0 : Math.round((total.arrived / dayCount) * 10) / 10,
      expectedNoShowShare: expected ? Math.round(noShowShare * 1000) / 1000 : null,
      patienceMinutes: expected ? patience : null,
      actualWalkAwayShare: figures.walkAwayShare,
      expectedWalkAwayShare: expected?.walkAwayShare ?? null,
    });
  }
  for (const row of leagueTable(inputs)) {
    const more = extra.get(row.branchId);
    if (more) rows.push({ ...row, ...more });
  }
  return { from: q.from, to: q.to, replications: LEAGUE_REPLICATIONS, rows };
}
