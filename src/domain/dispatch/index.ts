import { fifo } from "./fifo.ts";
import type { DispatchPolicy } from "./policy.ts";
import { ALARM_FIRST, createSmartPolicy, smartClassic } from "./smart.ts";
import { strictPriority } from "./strict-priority.ts";
import { weightedWait } from "./weighted-wait.ts";

export type { DispatchContext, DispatchPolicy } from "./policy.ts";

/** Every shipped policy by the name a branch or counter is configured with. */
export const POLICIES = Object.freeze({
  fifo,
  "strict-priority": strictPriority,
  "weighted-wait": weightedWait,
  /**
   * Datang's default (issue 12): the cμ order with its guarantees, alarm first (tickets about to pass the alarm
   * before those already past it, for up to 10 minutes) and appointment holders in the branch early weighed 2.
   * Half as many customers pass the alarm as under the classic order on the weekday and payday, fewer than fifo's
   * on the wealth branch, means and p95 no worse; those already past it wait longer (docs/dispatch.md).
   */
  smart: createSmartPolicy(ALARM_FIRST),
  /**
   * The smart order before issue 12's decision (stored as "smart" until migration 051), for a branch that would
   * rather shorten the longest waits than lower the number of waits past the alarm.
   */
  "smart-classic": smartClassic,
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
