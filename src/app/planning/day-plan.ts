import { DEFAULT_POLICY, isPolicyName } from "../../domain/dispatch/index.ts";
import type { BranchId } from "../../domain/ids.ts";
import { type DayPlan, hourlyDemand, planDay } from "../../sim/planner.ts";
import { findBranch } from "../../store/branches.ts";
import { requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { planningScenario } from "./branch-scenario.ts";
import type { ShippedScenarioName } from "./shipped-scenarios.ts";

/** The service level a plan aims at: 80% called within the branch's target wait, the usual call-centre goal. */
export const PLAN_TARGET_SHARE = 0.8;
/** Simulated days per check: one day is too noisy to judge an hour, five keep a plan well under a second. */
const REPLICATIONS = 5;

export interface DayPlanQuery {
  readonly date?: string;
  readonly scenario?: ShippedScenarioName;
}

export interface BranchDayPlan extends DayPlan {
  readonly branchId: string;
  readonly date: string;
  readonly source: "history" | "scenario";
  readonly historyDays: number;
  /** Expected arrivals per hour of the day (index 0–23). */
  readonly arrivalsByHour: readonly number[];
}

/**
 * Arrivals and recommended counters per hour for a day: Erlang C first, then the simulator with the branch's
 * classes, skills and policy confirms or adds counters (`planDay`). Managers and the lobby manager read it.
 */
export async function branchDayPlan(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  query: DayPlanQuery,
): Promise<BranchDayPlan> {
  requireBranchAccess(actor, branchId as BranchId, TRIAGE_ROLES);
  return dayPlanOf(ctx, branchId, query);
}

/** The day plan without an access check: for callers that checked it themselves (plan against actual). */
export async function dayPlanOf(ctx: AppContext, branchId: string, query: DayPlanQuery): Promise<BranchDayPlan> {
  const branch = await findBranch(ctx.store.db, branchId);
  if (!branch) throw notFound("Branch", branchId);
  const day = await planningScenario(ctx.store.db, branch, ctx.clock(), query);
  const policy = isPolicyName(branch.dispatchPolicy) ? branch.dispatchPolicy : DEFAULT_POLICY;
  const plan = planDay(day.scenario, {
    policy,
    seed: 1,
    targetShare: PLAN_TARGET_SHARE,
    targetMinutes: day.scenario.targetWaitMinutes,
    replications: REPLICATIONS,
    maxCounters: day.branchCounters,
  });
  return {
    ...plan,
    branchId: branch.id,
    date: day.date,
    source: day.source,
    historyDays: day.historyDays,
    arrivalsByHour: hourlyDemand(day.scenario).arrivals.map((a) => Math.round(a * 10) / 10),
  };
}
