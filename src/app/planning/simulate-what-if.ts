import { DEFAULT_POLICY, knownPolicy, type PolicyName } from "../../domain/dispatch/index.ts";
import type { BranchId } from "../../domain/ids.ts";
import { hourlyDemand, withCountersPerHour, withExtraCounters } from "../../sim/planner.ts";
import type { SimulationReport } from "../../sim/report.ts";
import type { Scenario } from "../../sim/scenario.ts";
import { simulate } from "../../sim/simulate.ts";
import { findBranch } from "../../store/branches.ts";
import { CONFIG_ROLES, requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { planningScenario } from "./branch-scenario.ts";
import { replayDayOf, simulateReplay } from "./replay-day.ts";
import type { ShippedScenarioName } from "./shipped-scenarios.ts";

/**
 * A day with more expected customers than this is refused: the simulator does about half a million customers a
 * second without prediction, but a request must stay well under two seconds whatever the branch.
 */
export const MAX_SIMULATED_CUSTOMERS = 20_000;
/** Above this many customers the predictor's error is not measured: its look-ahead is quadratic in the line. */
export const MAX_PREDICTED_CUSTOMERS = 1_500;

export interface WhatIfInput {
  /** Counters open in each hour of the day (24 numbers), instead of the baseline's. */
  readonly countersPerHour?: readonly number[];
  /** Or: this many more flexible counters between two times "HH:MM". */
  readonly extraCounters?: { readonly count: number; readonly from: string; readonly to: string };
  /** The policy to try; the branch's when absent. */
  readonly policy?: PolicyName;
  readonly seed?: number;
  /** The shipped scenario to use when the branch has too little history. */
  readonly scenario?: ShippedScenarioName;
  readonly date?: string;
  /**
   * Start from this real day of the branch ("YYYY-MM-DD") instead of today's plan: its customers at their issue
   * times with their real service minutes, and the counters that served them (`replay-day.ts`).
   */
  readonly replayDay?: string;
}

export interface WhatIfResult {
  readonly branchId: string;
  readonly date: string;
  /** history: recent same weekdays; scenario: a shipped scenario; replay: the real day `replayDay`. */
  readonly source: "history" | "scenario" | "replay";
  readonly scenario: string;
  readonly seed: number;
  /** Today's plan: the baseline day with the branch's counters and policy. */
  readonly baseline: SimulationReport;
  /** The same customers (same seed, same random streams) with the changed counters or policy. */
  readonly whatIf: SimulationReport;
}

const minuteOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
};

function changed(base: Scenario, input: WhatIfInput): Scenario {
  if (input.countersPerHour !== undefined && input.extraCounters !== undefined) {
    throw invalid(
      "Give either countersPerHour or extraCounters, not both.",
      undefined,
      "countersPerHour 与 extraCounters 只能填一个。",
    );
  }
  if (input.countersPerHour !== undefined) {
    if (input.countersPerHour.length !== 24)
      throw invalid(
        "countersPerHour needs one number for each of the 24 hours.",
        undefined,
        "countersPerHour 需要为 24 个小时各给一个数。",
      );
    return withCountersPerHour(base, input.countersPerHour);
  }
  if (input.extraCounters !== undefined) {
    const from = minuteOf(input.extraCounters.from);
    const to = minuteOf(input.extraCounters.to);
    if (to <= from)
      throw invalid(
        "extraCounters.to must be after extraCounters.from.",
        undefined,
        "extraCounters.to 必须晚于 extraCounters.from。",
      );
    return withExtraCounters(base, input.extraCounters.count, from, to);
  }
  return base;
}

/**
 * "What if we open more counters, or call with another policy?": the simulator runs the baseline day and the
 * changed one on the same random streams, so the difference is the change's alone. Branch managers only.
 */
export async function simulateWhatIf(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  input: WhatIfInput,
): Promise<WhatIfResult> {
  requireBranchAccess(actor, branchId as BranchId, CONFIG_ROLES);
  const branch = await findBranch(ctx.store.db, branchId);
  if (!branch) throw notFound("Branch", branchId);
  const branchPolicy = knownPolicy(branch.dispatchPolicy) ?? DEFAULT_POLICY;
  const seed = input.seed ?? 1;
  if (input.replayDay !== undefined) {
    if (input.date !== undefined && input.date !== input.replayDay)
      throw invalid(
        "Give replayDay or date, not both: a replay is of the day it names.",
        undefined,
        "replayDay 与 date 只能填一个：回放的就是 replayDay 那一天。",
      );
    const replay = await replayDayOf(ctx.store.db, branch, input.replayDay, "id");
    const customers = replay.pins.length;
    if (customers > MAX_SIMULATED_CUSTOMERS)
      throw invalid(
        `This day had ${customers} customers; the simulator takes at most ${MAX_SIMULATED_CUSTOMERS}.`,
        undefined,
        `当天有 ${customers} 位客户，模拟最多支持 ${MAX_SIMULATED_CUSTOMERS} 位。`,
      );
    const predictor = customers <= MAX_PREDICTED_CUSTOMERS;
    return {
      branchId: branch.id,
      date: replay.date,
      source: "replay",
      scenario: replay.scenario.name,
      seed,
      baseline: simulateReplay(replay, { policy: branchPolicy, seed, predictor }),
      whatIf: simulateReplay(
        replay,
        { policy: input.policy ?? branchPolicy, seed, predictor },
        changed(replay.scenario, input),
      ),
    };
  }
  const day = await planningScenario(ctx.store.db, branch, ctx.clock(), input);
  const whatIfScenario = changed(day.scenario, input);
  const expected = hourlyDemand(day.scenario).arrivals.reduce((s, a) => s + a, 0);
  if (expected > MAX_SIMULATED_CUSTOMERS) {
    throw invalid(
      `This day expects about ${Math.round(expected)} customers; the simulator takes at most ${MAX_SIMULATED_CUSTOMERS}.`,
      undefined,
      `当天预计约 ${Math.round(expected)} 位客户，模拟最多支持 ${MAX_SIMULATED_CUSTOMERS} 位。`,
    );
  }
  const predictor = expected <= MAX_PREDICTED_CUSTOMERS;
  return {
    branchId: branch.id,
    date: day.date,
    source: day.source,
    scenario: day.scenario.name,
    seed,
    baseline: simulate(day.scenario, { policy: branchPolicy, seed, predictor }),
    whatIf: simulate(whatIfScenario, { policy: input.policy ?? branchPolicy, seed, predictor }),
  };
}
