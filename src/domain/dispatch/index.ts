import { fifo } from "./fifo.ts";
import type { DispatchPolicy } from "./policy.ts";
import { createSmartPolicy, smart } from "./smart.ts";
import { strictPriority } from "./strict-priority.ts";
import { weightedWait } from "./weighted-wait.ts";

export type { DispatchContext, DispatchPolicy } from "./policy.ts";

/** Every shipped policy by the name a branch or counter is configured with. */
export const POLICIES = Object.freeze({
  fifo,
  "strict-priority": strictPriority,
  "weighted-wait": weightedWait,
  smart,
  /**
   * Issue 12's alarm-first order, for a branch that chooses it: fewer customers pass the alarm wait, but those
   * already past it wait longer (docs/dispatch.md has the measured trade). Not the default.
   */
  "smart-alarm-first": createSmartPolicy({ imminentFirstMinutes: 5, earlyAppointmentWeight: 2 }),
} satisfies Record<string, DispatchPolicy>);

export type PolicyName = keyof typeof POLICIES;
export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[];
/** Datang's own policy (see smart.ts and docs/dispatch.md): the simulator shows it beats the others on waits. */
export const DEFAULT_POLICY: PolicyName = "smart";

export function isPolicyName(name: string): name is PolicyName {
  return Object.hasOwn(POLICIES, name);
}

/** A stored policy name as a known one, or null (unset, or a name this version does not ship). */
export function knownPolicy(name: string | null): PolicyName | null {
  return name !== null && isPolicyName(name) ? name : null;
}

/** The counter's own policy when it has one, else the branch's. */
export function resolvePolicy(branchPolicy: PolicyName, counterPolicy: PolicyName | null): DispatchPolicy {
  return POLICIES[counterPolicy ?? branchPolicy];
}
