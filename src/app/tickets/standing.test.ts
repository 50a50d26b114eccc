import { describe, expect, it } from "vitest";
import type { BranchId, CounterId, ServiceId, TicketId } from "../../domain/ids.ts";
import { MINUTE_MS } from "../../domain/ids.ts";
import type { WaitingTicket } from "../../domain/ticket.ts";
import type { Branch, Service } from "../../store/branches.ts";
import type { Counter } from "../../store/counters.ts";
import type { Ticket } from "../../store/tickets.ts";
import { type BranchNow, predictBranch, standingOf } from "./standing.ts";

const NOW = Date.parse("2026-11-23T02:00:00Z");
const B = "b1" as BranchId;
const CASH = "cash" as ServiceId;
const TRANSFER = "transfer" as ServiceId;
const WEALTH = "wealth" as ServiceId;

const branch: Branch = {
  id: B,
  code: "T1",
  nameZh: "测试",
  nameEn: "Test",
  timezone: "Asia/Shanghai",
  openingHours: {},
  targetWaitMinutes: 15,
  alarmWaitMinutes: 30,
  maxRecalls: 3,
  dispatchPolicy: "smart",
  noShowAfterSeconds: 300,
  minRecallGapSeconds: 10,
};
const service = (id: ServiceId, minutes: number): Service => ({
  id,
  branchId: B,
  code: id,
  nameZh: id,
  nameEn: id,
  descriptionZh: "",
  descriptionEn: "",
  category: "cash",
  expectedMinutes: minutes,
  prefix: "A",
  needsReview: false,
  requiredDocuments: [],
  sortOrder: 0,
  active: true,
  opensAt: null,
  closesAt: null,
  ticketCutoff: null,
  dailyCap: null,
});
const counter = (n: number, extra: Partial<Counter> = {}): Counter => ({
  id: `c${n}` as CounterId,
  branchId: B,
  kind: "teller",
  skills: [
    { serviceId: CASH, weight: 1 },
    { serviceId: TRANSFER, weight: 1 },
  ],
  number: n,
  name: `Counter ${n}`,
  state: "open",
  dispatchPolicy: null,
  signedInUserId: null,
  currentTicketId: null,
  lastTicketId: null,
  pauseReason: null,
  ...extra,
});
const waiting = (id: string, serviceId: ServiceId, minutesAgo: number): WaitingTicket => ({
  id: id as TicketId,
  branchId: B,
  serviceId,
  priority: "normal",
  issuedAt: NOW - minutesAgo * MINUTE_MS,
  queuedAt: NOW - minutesAgo * MINUTE_MS,
  appointmentAt: null,
  targetCounterId: null,
});
const inService = (id: string, serviceId: ServiceId, startedMinutesAgo: number): Ticket => ({
  ...waiting(id, serviceId, startedMinutesAgo + 5),
  day: "2026-11-23",
  seq: 1,
  number: "A001",
  status: "serving",
  channel: "kiosk",
  counterId: "c1" as CounterId,
  calledAt: NOW - (startedMinutesAgo + 1) * MINUTE_MS,
  firstCalledAt: NOW - (startedMinutesAgo + 1) * MINUTE_MS,
  startedAt: NOW - startedMinutesAgo * MINUTE_MS,
  completedAt: null,
  recallCount: 0,
  outcome: null,
  notes: null,
  redirectReason: null,
  rating: null,
  ratingComment: null,
  servedBy: null,
  estimatedWaitMinutes: 0,
  idempotencyKey: null,
  version: 1,
});

function state(counters: Counter[], busy: Ticket[] = [], b: Branch = branch): BranchNow {
  const services = [service(CASH, 4), service(TRANSFER, 6), service(WEALTH, 20)];
  return {
    branch: b,
    services,
    counters,
    waiting: [],
    inService: busy,
    learned: {
      times: { byService: new Map(services.map((s) => [s.id, s.expectedMinutes])), byCounter: new Map() },
      arrivalsByHour: Array.from({ length: 24 }, () => new Map()),
      samples: 0,
    },
  };
}

const minutesOf = (s: BranchNow, line: WaitingTicket[], ticket: WaitingTicket) =>
  standingOf(s, line, ticket, predictBranch(s, line, NOW, ticket.id)).minutes;

describe("wait prediction in production", () => {
  it("counts what a busy counter's current service still takes", () => {
    const s = state([counter(1, { currentTicketId: "busy" as TicketId })], [inService("busy", CASH, 1)]);
    const t = waiting("t1", CASH, 0);
    expect(minutesOf(s, [t], t)).toBe(3);
  });

  it("assumes a little more of a service past its expected end, not none", () => {
    const s = state([counter(1, { currentTicketId: "busy" as TicketId })], [inService("busy", TRANSFER, 20)]);
    const t = waiting("t1", CASH, 0);
    // 20% of the transfer's 6 minutes: 1.2, shown as 1.
    expect(minutesOf(s, [t], t)).toBe(1);
  });

  it("follows the counters' own policy when they all override the branch's", () => {
    const transfer = waiting("t1", TRANSFER, 2);
    const cash = waiting("t2", CASH, 1);
    const line = [transfer, cash];
    // Branch smart: the cash customer goes first.
    expect(minutesOf(state([counter(1)]), line, cash)).toBe(0);
    // The only open counter calls first come, first served: the cash customer waits out the transfer.
    expect(minutesOf(state([counter(1, { dispatchPolicy: "fifo" })]), line, cash)).toBe(6);
    // An unknown stored name falls back to Datang's default.
    expect(minutesOf(state([counter(1)], [], { ...branch, dispatchPolicy: "gone" }), line, cash)).toBe(0);
  });

  it("flags a ticket no open counter serves, keeping the work of the type ahead at one counter as the guess", () => {
    const line = [waiting("w1", WEALTH, 10), waiting("w2", WEALTH, 5), waiting("w3", WEALTH, 0)];
    const s = state([counter(1), counter(2, { state: "paused" })]);
    const third = line[2] as WaitingTicket;
    expect(standingOf(s, line, third, predictBranch(s, line, NOW))).toEqual({
      position: 2,
      minutes: 40,
      noOpenCounter: true,
    });
  });
});
