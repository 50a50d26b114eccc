/**
 * "What does keeping a share of counter time for appointments do to walk-in waits?" The planning day's
 * customers are simulated twice on the same random streams: as they come today, and with `share` of each
 * hour's counter capacity booked by appointments. The model: every kept slot is booked (up to the hour's
 * expected customers) by a customer who would otherwise have walked in that hour, so walk-in arrivals fall by
 * as many; booked customers check in 0–10 minutes early and 5% do not come. The figures compared are the
 * walk-ins' own (every class but `appointment`).
 */
import { DEFAULT_POLICY, knownPolicy } from "../../domain/dispatch/index.ts";
import type { BranchId } from "../../domain/ids.ts";
import { hourlyDemand } from "../../sim/planner.ts";
import type { SimulationReport, WaitFigures } from "../../sim/report.ts";
import type { Scenario } from "../../sim/scenario.ts";
import { simulate } from "../../sim/simulate.ts";
import { findBranch } from "../../store/branches.ts";
import { CONFIG_ROLES, requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { planningScenario } from "./branch-scenario.ts";
import type { ShippedScenarioName } from "./shipped-scenarios.ts";
import { MAX_SIMULATED_CUSTOMERS } from "./simulate-what-if.ts";

export interface AppointmentShareInput {
  /** Share of each hour's counter capacity kept for appointments, 0…1. */
  readonly share: number;
  readonly date?: string;
  readonly scenario?: ShippedScenarioName;
  readonly seed?: number;
}

export interface WalkInFigures {
  readonly customers: number;
  readonly meanWaitMinutes: number;
  readonly withinTargetShare: number;
  readonly walkAways: number;
  readonly overAlarm: number;
}

export interface AppointmentShareResult {
  readonly branchId: string;
  readonly date: string;
  readonly source: "history" | "scenario";
  readonly scenario: string;
  readonly share: number;
  readonly seed: number;
  readonly targetWaitMinutes: number;
  /** Appointments booked in each hour (0–23) under the share. */
  readonly appointmentsPerHour: number[];
  readonly baseline: WalkInFigures;
  readonly withShare: WalkInFigures & {
    readonly appointments: { readonly booked: number; readonly missed: number; readonly onTimeShare: number };
  };
}

/** The walk-ins' figures: every class but appointment holders, weighted by customers. */
export function walkInFigures(report: SimulationReport): WalkInFigures {
  const classes = Object.entries(report.byClass)
    .filter(([name]) => name !== "appointment")
    .map(([, f]) => f as WaitFigures);
  const customers = classes.reduce((s, f) => s + f.customers, 0);
  const weighted = (pick: (f: WaitFigures) => number) =>
    customers === 0 ? 0 : classes.reduce((s, f) => s + pick(f) * f.customers, 0) / customers;
  return {
    customers,
    meanWaitMinutes: Math.round(weighted((f) => f.meanWaitMinutes) * 100) / 100,
    withinTargetShare: Math.round(weighted((f) => f.withinTargetShare) * 1000) / 1000,
    walkAways: classes.reduce((s, f) => s + f.walkAways, 0),
    overAlarm: classes.reduce((s, f) => s + f.overAlarm, 0),
  };
}

/** The day with `share` of each hour's capacity booked by customers who would otherwise have walked in. */
export function withAppointmentShare(base: Scenario, share: number): { scenario: Scenario; perHour: number[] } {
  if (base.arrivals.kind !== "poisson")
    throw invalid(
      "This day's customers are a fixed list; the share needs a planned day.",
      undefined,
      "当天客户为固定名单，无法按比例模拟预约。",
    );
  const totalShare = base.services.reduce((s, x) => s + x.share, 0);
  const aht = totalShare > 0 ? base.services.reduce((s, x) => s + x.share * x.expectedMinutes, 0) / totalShare : 0;
  const demand = hourlyDemand({ ...base, appointments: null }).arrivals;
  const perHour = new Array<number>(24).fill(0);
  const rates = [...base.arrivals.perHour];
  for (let h = 0; h < 24; h++) {
    const mid = h * 60 + 30;
    const open = base.counters.filter((c) => c.intervals.some(([from, to]) => from <= mid && mid < to)).length;
    const capacity = aht > 0 ? (open * 60) / aht : 0;
    const expected = demand[h] ?? 0;
    const booked = Math.min(Math.floor(capacity * share), Math.floor(expected));
    perHour[h] = booked;
    if (expected > 0) rates[h] = (rates[h] ?? 0) * (1 - booked / expected);
  }
  return {
    perHour,
    scenario: {
      ...base,
      arrivals: { kind: "poisson", perHour: rates },
      appointments: {
        perHour,
        serviceMix: base.services.filter((s) => s.share > 0).map((s) => [s.id, s.share] as const),
        arriveEarlyMinutes: [0, 10],
        noShowShare: 0.05,
      },
    },
  };
}

export async function simulateAppointmentShare(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  input: AppointmentShareInput,
): Promise<AppointmentShareResult> {
  requireBranchAccess(actor, branchId as BranchId, CONFIG_ROLES);
  if (!Number.isFinite(input.share) || input.share < 0 || input.share > 1)
    throw invalid("share must be from 0 to 1.", { field: "share" }, "share 须在 0 到 1 之间。");
  const branch = await findBranch(ctx.store.db, branchId);
  if (!branch) throw notFound("Branch", branchId);
  const policy = knownPolicy(branch.dispatchPolicy) ?? DEFAULT_POLICY;
  const seed = input.seed ?? 1;
  const day = await planningScenario(ctx.store.db, branch, ctx.clock(), input);
  const base: Scenario = { ...day.scenario, appointments: null };
  const expected = hourlyDemand(base).arrivals.reduce((s, a) => s + a, 0);
  if (expected > MAX_SIMULATED_CUSTOMERS)
    throw invalid(
      `This day expects about ${Math.round(expected)} customers; the simulator takes at most ${MAX_SIMULATED_CUSTOMERS}.`,
      undefined,
      `当天预计约 ${Math.round(expected)} 位客户，模拟最多支持 ${MAX_SIMULATED_CUSTOMERS} 位。`,
    );
  const shared = withAppointmentShare(base, input.share);
  // Waits only: the wait predictor's own error is not what this panel asks about.
  const before = simulate(base, { policy, seed, predictor: false });
  const after = simulate(shared.scenario, { policy, seed, predictor: false });
  return {
    branchId: branch.id,
    date: day.date,
    source: day.source === "history" ? "history" : "scenario",
    scenario: day.scenario.name,
    share: input.share,
    seed,
    targetWaitMinutes: base.targetWaitMinutes,
    appointmentsPerHour: shared.perHour,
    baseline: walkInFigures(before),
    withShare: {
      ...walkInFigures(after),
      appointments: {
        booked: after.appointments.booked,
        missed: after.appointments.missed,
        onTimeShare: Math.round(after.appointments.onTimeShare * 1000) / 1000,
      },
    },
  };
}
