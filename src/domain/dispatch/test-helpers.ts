import type { DispatchCounter } from "../counter.ts";
import type { BranchId, CounterId, EpochMs, ServiceId, TicketId } from "../ids.ts";
import { MINUTE_MS } from "../ids.ts";
import type { PriorityClass, WaitingTicket } from "../ticket.ts";
import type { DispatchContext } from "./policy.ts";

export const BRANCH = "b1" as BranchId;
export const T0: EpochMs = 9 * 60 * MINUTE_MS;

let seq = 0;
/** A waiting ticket issued `minutesAgo` before `now`. */
export function ticket(
  service: string,
  issuedMinute: number,
  extra: { priority?: PriorityClass; appointmentMinute?: number; target?: string } = {},
): WaitingTicket {
  const at = T0 + issuedMinute * MINUTE_MS;
  return {
    id: `t${String(seq++).padStart(5, "0")}` as TicketId,
    branchId: BRANCH,
    serviceId: service as ServiceId,
    priority: extra.priority ?? "normal",
    issuedAt: at,
    queuedAt: at,
    appointmentAt: extra.appointmentMinute === undefined ? null : T0 + extra.appointmentMinute * MINUTE_MS,
    targetCounterId: (extra.target ?? null) as CounterId | null,
  };
}

export function counter(id: string, skills: Record<string, number>): DispatchCounter {
  return {
    id: id as CounterId,
    branchId: BRANCH,
    kind: "teller",
    skills: Object.entries(skills).map(([serviceId, weight]) => ({ serviceId: serviceId as ServiceId, weight })),
  };
}

export function context(minute: number, expected: Record<string, number> = {}): DispatchContext {
  return {
    now: T0 + minute * MINUTE_MS,
    targetWaitMinutes: 15,
    alarmWaitMinutes: 30,
    expectedMinutes: new Map(Object.entries(expected) as [ServiceId, number][]),
  };
}
