/**
 * The shapes the server sends, as the server's own types: each is the type of the JSON a route returns (dates
 * already ISO strings, ids plain strings, branded on some). Imports are type-only, so nothing of src/ enters the
 * bundle; the lists below are the UI's own runtime copies, checked against the server's unions.
 */
import type { DeviceActor, DeviceKind, Role, StaffActor } from "../../../src/app/actor.ts";
import type { createDevice } from "../../../src/app/config/devices.ts";
import type { ServiceInput } from "../../../src/app/config/services.ts";
import type { CounterView } from "../../../src/app/counters/counter-view.ts";
import type { ShippedScenarioName } from "../../../src/app/planning/shipped-scenarios.ts";
import type { QueueSnapshot } from "../../../src/app/queries/queue.ts";
import type { CounterKind } from "../../../src/domain/counter.ts";
import type { PolicyName } from "../../../src/domain/dispatch/index.ts";
import type { PriorityClass } from "../../../src/domain/ticket.ts";

export type { DeviceKind, Role } from "../../../src/app/actor.ts";
export type { DeviceView } from "../../../src/app/config/devices.ts";
export type { UserView } from "../../../src/app/config/users.ts";
export type { CounterView as Counter } from "../../../src/app/counters/counter-view.ts";
export type { BranchDayPlan as DayPlan } from "../../../src/app/planning/day-plan.ts";
export type { WhatIfResult } from "../../../src/app/planning/simulate-what-if.ts";
export type { QueueSnapshot } from "../../../src/app/queries/queue.ts";
export type { PublicTicket } from "../../../src/app/queries/tickets.ts";
export type { TodayStats } from "../../../src/app/queries/today-stats.ts";
export type { TicketView as Ticket } from "../../../src/app/views.ts";
export type { CounterKind, CounterState } from "../../../src/domain/counter.ts";
export type { Rating, TicketStatus } from "../../../src/domain/ticket.ts";
export type { BranchEvent, EventTicket } from "../../../src/realtime/branch-event.ts";
// The planner's and simulator's answers.
export type { HourPlan } from "../../../src/sim/planner.ts";
export type { SimulationReport, WaitFigures } from "../../../src/sim/report.ts";
export type { Branch, Service } from "../../../src/store/branches.ts";

export type Priority = PriorityClass;
export type DispatchPolicy = PolicyName;
export type ServiceCategory = ServiceInput["category"];
export type ShippedScenario = ShippedScenarioName;
export type Skill = CounterView["skills"][number];
export type QueueService = QueueSnapshot["services"][number];
export type RecentCall = QueueSnapshot["recentCalls"][number];

/** The signed-in staff member, as `/api/auth/login` and `/api/auth/me` send it (the actor without its address). */
export type User = Omit<StaffActor, "ip">;
/** The paired device, as `/api/auth/me` and `/api/devices/pair` send it (the actor without its address). */
export type Device = Omit<DeviceActor, "ip">;
/** `POST /api/branches/:branchId/devices`: the new device and its token, shown only in this answer. */
export type CreatedDevice = Awaited<ReturnType<typeof createDevice>>;
/** `/api/auth/me`: a staff member or a paired device. */
export type Me =
  | { readonly user: User; readonly device?: undefined }
  | { readonly device: Device; readonly user?: undefined };

/**
 * `List` itself when it names every member of `Union`, else never: a member added on the server fails the web's
 * type check where its list is declared (the server's own lists are runtime values, kept out of the bundle).
 */
type Complete<Union, List extends readonly Union[]> = [Union] extends [List[number]] ? List : never;

const priorities = [
  "normal",
  "vip1",
  "vip2",
  "vip3",
  "elderly",
  "disabled",
  "pregnant",
  "appointment",
] as const satisfies readonly Priority[];
export const PRIORITIES: Complete<Priority, typeof priorities> = priorities;

const roles = [
  "admin",
  "branch_manager",
  "lobby_manager",
  "teller",
  "back_office",
  "auditor",
] as const satisfies readonly Role[];
export const ROLES: Complete<Role, typeof roles> = roles;

const deviceKinds = ["kiosk", "display", "rating_pad"] as const satisfies readonly DeviceKind[];
export const DEVICE_KINDS: Complete<DeviceKind, typeof deviceKinds> = deviceKinds;

const counterKinds = ["teller", "vip", "wealth", "self_service_helper"] as const satisfies readonly CounterKind[];
export const COUNTER_KINDS: Complete<CounterKind, typeof counterKinds> = counterKinds;

const categories = [
  "cash",
  "non_cash",
  "account",
  "wealth",
  "corporate",
  "payment",
  "other",
] as const satisfies readonly ServiceCategory[];
export const SERVICE_CATEGORIES: Complete<ServiceCategory, typeof categories> = categories;

const policies = ["smart", "fifo", "strict-priority", "weighted-wait"] as const satisfies readonly DispatchPolicy[];
export const DISPATCH_POLICIES: Complete<DispatchPolicy, typeof policies> = policies;

const scenarios = ["weekday", "payday", "wealth-branch"] as const satisfies readonly ShippedScenario[];
export const SHIPPED_SCENARIOS: Complete<ShippedScenario, typeof scenarios> = scenarios;
