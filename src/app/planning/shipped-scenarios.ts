import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseScenario, type Scenario } from "../../sim/scenario.ts";
import { PROJECT_ROOT } from "../project-root.ts";

/**
 * The scenarios shipped in examples/ that a plan may fall back on. A fixed list mapped to fixed files: the name
 * a client sends never becomes a path.
 */
const FILES = Object.freeze({
  weekday: "weekday.json",
  payday: "payday.json",
  "wealth-branch": "wealth-branch.json",
} as const);

export type ShippedScenarioName = keyof typeof FILES;
export const SHIPPED_SCENARIOS = Object.keys(FILES) as ShippedScenarioName[];
export const DEFAULT_SCENARIO: ShippedScenarioName = "weekday";

const loaded = new Map<ShippedScenarioName, Scenario>();

/** A shipped scenario, read and validated once per process. */
export function shippedScenario(name: ShippedScenarioName): Scenario {
  let s = loaded.get(name);
  if (!s) {
    s = parseScenario(JSON.parse(readFileSync(join(PROJECT_ROOT, "examples", FILES[name]), "utf8")));
    loaded.set(name, s);
  }
  return s;
}
