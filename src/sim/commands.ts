import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { DEFAULT_POLICY, isPolicyName, POLICY_NAMES, type PolicyName } from "../domain/dispatch/index.ts";
import { erlangPlan } from "../domain/erlang.ts";
import { formatComparison, formatReport } from "./format.ts";
import { planDay } from "./planner.ts";
import { parseScenario, type Scenario, ScenarioError } from "./scenario.ts";
import { simulate } from "./simulate.ts";

/** A usage problem: printed with the usage line, exit code 2. */
class UsageError extends Error {}

const SIMULATE_USAGE = `usage: datang simulate <scenario.json> [--policy ${POLICY_NAMES.join("|")}] [--seed N] [--compare] [--json] [--no-predictor]
       datang simulate --db PATH|postgres://URL --branch CODE --day YYYY-MM-DD [--policy P] [--compare] [--json] [--no-predictor]
         (replays a real branch-day from the database; DATABASE_URL works in place of --db)`;
const PLAN_USAGE = `usage: datang plan --arrivals-per-hour N --aht-min M [--counters C] [--target 80/10] [--json]
       datang plan --scenario <scenario.json> [--policy P] [--seed N] [--target 80/15] [--json]`;

interface Flags {
  readonly positional: string[];
  readonly values: Map<string, string>;
  readonly switches: Set<string>;
}

function parseFlags(argv: readonly string[], valued: readonly string[], switches: readonly string[]): Flags {
  const out: Flags = { positional: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) {
      out.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    if (switches.includes(name)) out.switches.add(name);
    else if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      out.values.set(name, value);
    } else throw new UsageError(`unknown option --${name}`);
  }
  return out;
}

function numberFlag(flags: Flags, name: string, fallback?: number): number {
  const raw = flags.values.get(name);
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number (got "${raw}")`);
  return n;
}

function policyFlag(flags: Flags): PolicyName {
  const p = flags.values.get("policy") ?? DEFAULT_POLICY;
  if (!isPolicyName(p)) throw new UsageError(`unknown policy "${p}" (known: ${POLICY_NAMES.join(", ")})`);
  return p;
}

/** "80/10": 80% within 10 minutes. */
function targetFlag(flags: Flags, fallback: string): { share: number; minutes: number } {
  const raw = flags.values.get("target") ?? fallback;
  const m = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(raw);
  const share = m ? Number(m[1]) / 100 : Number.NaN;
  if (!m || !(share > 0 && share < 1))
    throw new UsageError(`--target must be like 80/10 (80% within 10 min), got "${raw}"`);
  return { share, minutes: Number(m[2]) };
}

/** Reads and validates a scenario file; a CSV trace it names is read relative to it. */
export function loadScenarioFile(path: string): Scenario {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read scenario ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError([`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`]);
  }
  return parseScenario(json, (rel) => readFileSync(resolve(dirname(full), rel), "utf8"));
}

function report(e: unknown, usage: string): number {
  if (e instanceof UsageError) {
    console.error(`error: ${e.message}\n${usage}`);
    return 2;
  }
  if (e instanceof ScenarioError) {
    console.error(e.message);
    return 1;
  }
  throw e;
}

export async function runSimulateCommand(argv: readonly string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, ["policy", "seed", "db", "branch", "day"], ["compare", "json", "no-predictor"]);
    const [path, ...extra] = flags.positional;
    if (flags.values.has("branch") || flags.values.has("day") || flags.values.has("db")) {
      if (path !== undefined) throw new UsageError("give a scenario file or --branch and --day, not both");
      return await runReplay(flags);
    }
    if (path === undefined) throw new UsageError("a scenario file is required");
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const seed = numberFlag(flags, "seed", 1);
    const scenario = loadScenarioFile(path);
    const predictor = !flags.switches.has("no-predictor");
    if (flags.switches.has("compare")) {
      if (flags.values.has("policy")) throw new UsageError("--compare runs every policy; drop --policy");
      const reports = POLICY_NAMES.map((policy) => simulate(scenario, { policy, seed, predictor }));
      console.log(flags.switches.has("json") ? JSON.stringify(reports) : formatComparison(reports));
      return 0;
    }
    const result = simulate(scenario, { policy: policyFlag(flags), seed, predictor });
    console.log(flags.switches.has("json") ? JSON.stringify(result) : formatReport(result));
    return 0;
  } catch (e) {
    return report(e, SIMULATE_USAGE);
  }
}

/**
 * `datang simulate --db … --branch SH001 --day 2026-11-23`: the real day's customers through the simulator, next to
 * what happened. The database modules load only here, so a scenario file never opens one.
 */
async function runReplay(flags: Flags): Promise<number> {
  const branch = flags.values.get("branch");
  const day = flags.values.get("day");
  if (branch === undefined || day === undefined) throw new UsageError("a replay needs both --branch and --day");
  const location = flags.values.get("db") ?? process.env.DATABASE_URL;
  if (!location) throw new UsageError("a replay needs --db PATH|postgres://URL (or DATABASE_URL)");
  const { isCalendarDate, loadReplayDay, simulateReplay } = await import("../app/planning/replay-day.ts");
  const { AppError } = await import("../app/errors.ts");
  if (!isCalendarDate(day)) throw new UsageError(`--day must be a calendar date YYYY-MM-DD (got "${day}")`);
  const { isPostgresUrl, openStore } = await import("../store/connect.ts");
  if (!isPostgresUrl(location) && !existsSync(location)) throw new UsageError(`no database at ${location}`);
  const compare = flags.switches.has("compare");
  if (compare && flags.values.has("policy")) throw new UsageError("--compare runs every policy; drop --policy");
  const policy = policyFlag(flags);
  const seed = numberFlag(flags, "seed", 1);
  const predictor = !flags.switches.has("no-predictor");
  const store = openStore(location);
  try {
    const replay = await loadReplayDay(store.db, branch, day);
    const a = replay.actual;
    const json = flags.switches.has("json");
    if (!json)
      console.log(
        `${replay.branchCode} on ${replay.date}, as it happened: ${a.tickets} tickets (${a.served} served, ${a.noShows} no-shows, ${a.cancelled} cancelled, ${a.redirected} redirected, ${a.unfinished} unfinished); wait mean ${a.meanWaitMinutes.toFixed(1)} min, p90 ${a.p90WaitMinutes.toFixed(1)}, max ${a.maxWaitMinutes.toFixed(1)}, ${(a.withinTargetShare * 100).toFixed(0)}% within target\n`,
      );
    if (compare) {
      const reports = POLICY_NAMES.map((p) => ({
        ...simulateReplay(replay, { policy: p, seed, predictor }),
        actual: a,
      }));
      console.log(json ? JSON.stringify(reports) : formatComparison(reports));
    } else {
      const result = simulateReplay(replay, { policy, seed, predictor });
      console.log(json ? JSON.stringify({ ...result, actual: a }) : formatReport(result));
    }
    return 0;
  } catch (e) {
    if (e instanceof AppError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    await store.close();
  }
}

export async function runPlanCommand(argv: readonly string[]): Promise<number> {
  try {
    const flags = parseFlags(
      argv,
      ["arrivals-per-hour", "aht-min", "counters", "target", "scenario", "policy", "seed"],
      ["json"],
    );
    if (flags.positional.length > 0) throw new UsageError(`unexpected argument "${flags.positional[0]}"`);
    const json = flags.switches.has("json");
    const scenarioPath = flags.values.get("scenario");
    if (scenarioPath !== undefined) {
      const scenario = loadScenarioFile(scenarioPath);
      const target = targetFlag(flags, `80/${scenario.targetWaitMinutes}`);
      const plan = planDay(scenario, {
        policy: policyFlag(flags),
        seed: numberFlag(flags, "seed", 1),
        targetShare: target.share,
        targetMinutes: target.minutes,
      });
      if (json) console.log(JSON.stringify(plan));
      else {
        console.log(
          `day plan for ${plan.scenario} (${plan.policy}, target ${target.share * 100}% within ${target.minutes} min)`,
        );
        console.log("hour  arrivals  AHT   load  erlang  confirmed  sim-within  sim-mean");
        for (const h of plan.hours)
          console.log(
            `${String(h.hour).padStart(2, "0")}:00 ${h.arrivals.toFixed(0).padStart(8)} ${h.ahtMinutes.toFixed(1).padStart(5)} ${h.offeredLoad.toFixed(2).padStart(6)} ${String(h.erlangCounters).padStart(7)} ${String(h.recommendedCounters).padStart(10)} ${(h.simulatedWithinTargetShare * 100).toFixed(0).padStart(10)}% ${h.simulatedMeanWaitMinutes.toFixed(1).padStart(9)}`,
          );
        console.log(`counter-hours: erlang ${plan.erlangCounterHours}, confirmed ${plan.recommendedCounterHours}`);
      }
      return 0;
    }
    const target = targetFlag(flags, "80/10");
    const aht = numberFlag(flags, "aht-min");
    if (aht <= 0) throw new UsageError("--aht-min must be greater than 0");
    const arrivals = numberFlag(flags, "arrivals-per-hour");
    const load = (arrivals / 60) * aht;
    const counters = Math.round(numberFlag(flags, "counters", Math.max(1, Math.ceil(load))));
    const result = erlangPlan({
      arrivalsPerHour: arrivals,
      ahtMinutes: aht,
      counters,
      targetShare: target.share,
      targetMinutes: target.minutes,
    });
    if (json) console.log(JSON.stringify(result));
    else
      console.log(
        [
          `offered load        ${result.offeredLoad.toFixed(2)} Erlangs on ${counters} counters (utilisation ${(result.utilization * 100).toFixed(0)}%)`,
          `P(wait)             ${(result.probabilityOfWaiting * 100).toFixed(1)}%`,
          `average wait        ${result.averageWaitMinutes.toFixed(2)} min`,
          `service level       ${(result.serviceLevel * 100).toFixed(1)}% within ${target.minutes} min`,
          `recommended         ${result.recommendedCounters} counters for ${target.share * 100}/${target.minutes}`,
        ].join("\n"),
      );
    return 0;
  } catch (e) {
    return report(e, PLAN_USAGE);
  }
}
