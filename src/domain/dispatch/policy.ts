import type { DispatchCounter } from "../counter.ts";
import type { EpochMs, ServiceId } from "../ids.ts";
import type { WaitingTicket } from "../ticket.ts";

/** Branch facts a policy may weigh. Everything a policy knows arrives here: it reads no clock and no database. */
export interface DispatchContext {
  readonly now: EpochMs;
  /** Target wait (service level) and alarm wait, in minutes. */
  readonly targetWaitMinutes: number;
  readonly alarmWaitMinutes: number;
  /** Expected service minutes per business type (configured, or learned from history). */
  readonly expectedMinutes: ReadonlyMap<ServiceId, number>;
  /** The branch's open counters (the caller among them), busy or free; absent where the caller does not know them. */
  readonly openCounters?: readonly DispatchCounter[];
}

/**
 * A dispatch policy: given the tickets waiting in the branch, the counter that calls and the moment,
 * the ticket that counter should serve next, or undefined. Pure: the same arguments give the same answer,
 * so production, tests and the simulator all run the very same decision.
 */
export type DispatchPolicy = (
  waiting: readonly WaitingTicket[],
  counter: DispatchCounter,
  context: DispatchContext,
) => WaitingTicket | undefined;
