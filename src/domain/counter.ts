import type { BranchId, CounterId, ServiceId } from "./ids.ts";

export const CounterKind = Object.freeze({
  teller: "teller",
  vip: "vip",
  wealth: "wealth",
  selfServiceHelper: "self_service_helper",
} as const);
export type CounterKind = (typeof CounterKind)[keyof typeof CounterKind];
export const COUNTER_KINDS: readonly CounterKind[] = Object.values(CounterKind);

export const CounterState = Object.freeze({ open: "open", paused: "paused", closed: "closed" } as const);
export type CounterState = (typeof CounterState)[keyof typeof CounterState];
export const COUNTER_STATES: readonly CounterState[] = Object.values(CounterState);

/** A business type a counter serves, and how much it prefers it (higher = preferred; 0 = not served). */
export interface Skill {
  readonly serviceId: ServiceId;
  readonly weight: number;
}

/** What dispatch needs to know about the counter that calls. */
export interface DispatchCounter {
  readonly id: CounterId;
  readonly branchId: BranchId;
  readonly kind: CounterKind;
  readonly skills: readonly Skill[];
}

export function skillWeight(counter: DispatchCounter, serviceId: ServiceId): number {
  for (const skill of counter.skills) if (skill.serviceId === serviceId) return skill.weight;
  return 0;
}
