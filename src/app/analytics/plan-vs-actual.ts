/**
 * Plan against actual for one branch-day: per hour, the counters the planner recommends for that day (built, as
 * the planner always is, from the same weekdays before it) beside the counters actually open (counter hours open
 * in that hour, from the counters' state changes), with the arrivals expected and seen and the mean wait.
 */
import { figuresOf } from "../../domain/analytics/figures.ts";
import type { BranchId } from "../../domain/ids.ts";
import { readCounterTime, readRollups } from "../../store/analytics.ts";
import { requireBranchRead, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { dayPlanOf } from "../planning/day-plan.ts";

export interface PlanActualHour {
  readonly hour: number;
  readonly expectedArrivals: number;
  readonly recommendedCounters: number;
  /** Counter hours open in the hour: 2.5 means two counters all hour and a third half of it. */
  readonly actualCounters: number;
  readonly arrived: number;
  readonly meanWaitMinutes: number | null;
  readonly withinTargetShare: number | null;
}

export interface PlanAgainstActual {
  readonly branchId: string;
  readonly day: string;
  /** Where the plan's demand came from: the branch's history or a shipped scenario. */
  readonly planSource: "history" | "scenario";
  readonly recommendedCounterHours: number;
  readonly actualCounterHours: number;
  readonly hours: readonly PlanActualHour[];
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

export async function planAgainstActual(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  day: string | undefined,
): Promise<PlanAgainstActual> {
  // The branch's planners read it, and head office (every branch, read only); the plan checks the day's form.
  requireBranchRead(actor, branchId as BranchId, TRIAGE_ROLES);
  const plan = await dayPlanOf(ctx, branchId, { date: day });
  const range = { branchIds: [branchId], from: plan.date, to: plan.date };
  const [rollups, counterTime] = await Promise.all([
    readRollups(ctx.store.db, "hour", range),
    readCounterTime(ctx.store.db, range, "hour"),
  ]);
  const hours: PlanActualHour[] = [];
  for (let hour = 0; hour < 24; hour++) {
    const planned = plan.hours.find((h) => h.hour === hour);
    const openMs = counterTime.filter((c) => c.hour === hour).reduce((s, c) => s + c.openMs, 0);
    const tally = rollups.find((r) => Number(r.key) === hour)?.tally;
    const figures = tally ? figuresOf(tally) : null;
    const expectedArrivals = round1(plan.arrivalsByHour[hour] ?? 0);
    const recommendedCounters = planned?.recommendedCounters ?? 0;
    if (expectedArrivals === 0 && recommendedCounters === 0 && openMs === 0 && !figures?.arrived) continue;
    hours.push({
      hour,
      expectedArrivals,
      recommendedCounters,
      actualCounters: round1(openMs / 3_600_000),
      arrived: figures?.arrived ?? 0,
      meanWaitMinutes: figures?.meanWaitMinutes ?? null,
      withinTargetShare: figures?.withinTargetShare ?? null,
    });
  }
  return {
    branchId,
    day: plan.date,
    planSource: plan.source,
    recommendedCounterHours: hours.reduce((s, h) => s + h.recommendedCounters, 0),
    actualCounterHours: round1(hours.reduce((s, h) => s + h.actualCounters, 0)),
    hours,
  };
}
