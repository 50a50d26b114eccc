/**
 * `npm run bench:sim`: prints ONE JSON line. Throughput (customers simulated per second, predictor off and on) and
 * the policy table for every shipped scenario, every policy on the same random streams (same seeds), averaged
 * over REPLICATIONS days, with the targets for `smart` checked against `fifo`.
 */
import { POLICY_NAMES, type PolicyName } from "../src/domain/dispatch/index.ts";
import { loadScenarioFile } from "../src/sim/commands.ts";
import type { SimulationReport } from "../src/sim/report.ts";
import type { Scenario } from "../src/sim/scenario.ts";
import { simulate } from "../src/sim/simulate.ts";

const ALL_SCENARIOS = ["worked-example", "weekday", "payday", "wealth-branch"];
// A short search may run a subset: BENCH_SIM_SCENARIOS=wealth-branch and/or BENCH_SIM_POLICIES=fifo,smart (comma lists;
// unknown names are an error). The figures in README.md and docs/dispatch.md come from the full run (no filter).
function subset<T extends string>(variable: string, all: readonly T[]): T[] {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === "") return [...all];
  const names = raw.split(",").map((x) => x.trim());
  const unknown = names.filter((x) => !all.includes(x as T));
  if (unknown.length > 0) throw new Error(`${variable}: unknown ${unknown.join(", ")} (known: ${all.join(", ")})`);
  return names as T[];
}
const SCENARIOS = subset("BENCH_SIM_SCENARIOS", ALL_SCENARIOS);
const POLICIES_RUN = subset("BENCH_SIM_POLICIES", POLICY_NAMES);
// Simulated days per scenario and policy; 300 by default (BENCH_SIM_DAYS=30 for a quick look). Policies are compared
// on the same days, but one day's mean wait still differs between two policies by about 10% (weekday, standard
// deviation of the paired difference), so over 30 days a 2% criterion sits inside the noise (standard error 1.8%)
// and over 300 days it does not (0.6%); fifo's wealth-branch alarm count ranges 17–38 over ten blocks of 30 days.
const REPLICATIONS = Math.max(1, Number(process.env.BENCH_SIM_DAYS ?? 300) || 300);

interface Row {
  meanWaitMinutes: number;
  p95WaitMinutes: number;
  maxWaitMinutes: number;
  withinTargetShare: number;
  overAlarm: number;
  walkAways: number;
  /** Minutes past the alarm summed over everyone called after it, and calls after 1.5× the alarm (45 min). */
  minutesPastAlarm: number;
  waitsPastOneAndHalfAlarm: number;
  /** Appointment holders called within the grace of their slot (or of their check-in when late). */
  appointmentsOnTimeShare: number;
  predictorMedianAbsErrorMinutes: number;
}

// Issue 12: the default `smart` is alarm-first (SmartParameters.imminentFirstMinutes 5, early appointment holders
// weighed 2); `smart-classic` is the order it replaced. The classic row is measured on the same days, so that the
// default's gain (waits past the alarm) and cost (minutes past it) can be compared, and the criterion checked:
// no scenario's mean or p95 more than 2% above the classic's, the wealth branch's waits past the alarm at most fifo's.
const CLASSIC: PolicyName = "smart-classic";

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

function table(scenario: Scenario, policy: PolicyName): Row {
  const reps = scenario.arrivals.kind === "poisson" ? REPLICATIONS : 1;
  const runs: SimulationReport[] = [];
  const alarm = scenario.alarmWaitMinutes;
  let minutesPastAlarm = 0;
  let waitsPastOneAndHalfAlarm = 0;
  let booked = 0;
  let onTime = 0;
  for (let seed = 1; seed <= reps; seed++) {
    const report = simulate(scenario, {
      policy,
      seed,
      onOutcomes: (customers, outcomes) => {
        for (const c of customers) {
          const o = outcomes[c.index];
          if (o === undefined || o.callMs < 0 || c.noShow) continue;
          const wait = (o.callMs - c.arrivalMs) / 60_000;
          if (wait > alarm) minutesPastAlarm += wait - alarm;
          if (wait > 1.5 * alarm) waitsPastOneAndHalfAlarm++;
        }
      },
    });
    runs.push(report);
    const served = report.appointments.booked - report.appointments.missed;
    booked += served;
    onTime += report.appointments.onTimeShare * served;
  }
  const avg = (f: (r: SimulationReport) => number): number => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  return {
    meanWaitMinutes: round(avg((r) => r.meanWaitMinutes)),
    p95WaitMinutes: round(avg((r) => r.p95WaitMinutes)),
    maxWaitMinutes: round(Math.max(...runs.map((r) => r.maxWaitMinutes))),
    withinTargetShare: round(
      avg((r) => r.withinTargetShare),
      4,
    ),
    overAlarm: runs.reduce((s, r) => s + r.overAlarm, 0),
    walkAways: runs.reduce((s, r) => s + r.walkAways, 0),
    minutesPastAlarm: Math.round(minutesPastAlarm),
    waitsPastOneAndHalfAlarm,
    appointmentsOnTimeShare: round(booked > 0 ? onTime / booked : 1, 4),
    predictorMedianAbsErrorMinutes: round(avg((r) => r.predictor.medianAbsErrorMinutes)),
  };
}

function throughput(scenarios: readonly Scenario[], predictor: boolean, seconds: number): number {
  let customers = 0;
  const start = performance.now();
  let seed = 1000;
  while (performance.now() - start < seconds * 1000) {
    for (const s of scenarios)
      for (const policy of POLICIES_RUN) customers += simulate(s, { policy, seed, predictor }).customers;
    seed++;
  }
  return Math.round(customers / ((performance.now() - start) / 1000));
}

const scenarios = SCENARIOS.map((name) => loadScenarioFile(`examples/${name}.json`));
const perScenario: Record<string, Record<string, Row>> = {};
const targets: Record<string, Record<string, boolean | number>> = {};
for (const s of scenarios) {
  const rows: Record<string, Row> = {};
  for (const policy of POLICIES_RUN) rows[policy] = table(s, policy);
  perScenario[s.name] = rows;
  const smart = rows.smart;
  const fifo = rows.fifo;
  if (smart === undefined || fifo === undefined) continue; // the targets compare smart with fifo
  if (s.name === "weekday" || s.name === "payday")
    targets[s.name] = {
      meanRatioToFifo: round(smart.meanWaitMinutes / fifo.meanWaitMinutes, 3),
      meanAtMost075Fifo: smart.meanWaitMinutes <= 0.75 * fifo.meanWaitMinutes,
      p95AtMostFifo: smart.p95WaitMinutes <= fifo.p95WaitMinutes,
      noAlarmWhereFifoHasNone: fifo.overAlarm > 0 || smart.overAlarm === 0,
      predictorErrorShareOfMean: round(smart.predictorMedianAbsErrorMinutes / smart.meanWaitMinutes, 3),
      predictorErrorAtMost25pct: smart.predictorMedianAbsErrorMinutes <= 0.25 * smart.meanWaitMinutes,
    };
  // Issue 12: smart against the classic order it replaced (mean and p95 within 2%), and the wealth branch's waits
  // past the alarm against fifo's.
  const classic = rows[CLASSIC];
  const againstClassic: Record<string, number | boolean> =
    classic === undefined
      ? {}
      : {
          meanRatioToClassic: round(smart.meanWaitMinutes / classic.meanWaitMinutes, 3),
          p95RatioToClassic: round(smart.p95WaitMinutes / classic.p95WaitMinutes, 3),
          meanAndP95Within2pctOfClassic:
            smart.meanWaitMinutes <= 1.02 * classic.meanWaitMinutes &&
            smart.p95WaitMinutes <= 1.02 * classic.p95WaitMinutes,
        };
  if (s.name === "weekday" || s.name === "payday") targets[s.name] = { ...targets[s.name], ...againstClassic };
  if (s.name === "wealth-branch") {
    targets[s.name] = {
      smartOverAlarm: smart.overAlarm,
      fifoOverAlarm: fifo.overAlarm,
      smartAlarmAtMostFifo: smart.overAlarm <= fifo.overAlarm,
      ...(classic === undefined ? {} : { classicOverAlarm: classic.overAlarm }),
      ...againstClassic,
    };
  }
}
const poisson = scenarios.filter((s) => s.arrivals.kind === "poisson");
const customersPerSecond = throughput(poisson, false, 3);
const customersPerSecondWithPredictor = throughput(poisson, true, 3);
console.log(
  JSON.stringify({
    bench: "sim",
    replications: REPLICATIONS,
    customersPerSecond,
    customersPerSecondWithPredictor,
    throughputTargetMet: customersPerSecond >= 500_000,
    targets,
    scenarios: perScenario,
  }),
);
