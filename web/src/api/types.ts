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
 * The list as given, if it names every member of the union and nothing else; a type error otherwise: a member
 * added on the server fails the web's type check where its list is declared (the server's own lists are runtime
 * values, kept out of the bundle).
 */
const complete =
  <Union extends string>() =>
  <const List extends readonly Union[]>(
    list: List & ([Union] extends [List[number]] ? unknown : { missing: Exclude<Union, List[number]> }),
  ): List =>
    list;

export const PRIORITIES = complete<Priority>()([
  "normal",
  "vip1",
  "vip2",
  "vip3",
  "elderly",
  "disabled",
  "pregnant",
  "appointment",
]);
export const ROLES = complete<Role>()(["admin", "branch_manager", "lobby_manager", "teller", "back_office", "auditor"]);
export const DEVICE_KINDS = complete<DeviceKind>()(["kiosk", "display", "rating_pad"]);
export const COUNTER_KINDS = complete<CounterKind>()(["teller", "vip", "wealth", "self_service_helper"]);
export const SERVICE_CATEGORIES = complete<ServiceCategory>()([
  "cash",
  "non_cash",
  "account",
  "wealth",
  "corporate",
  "payment",
  "other",
]);
export const DISPATCH_POLICIES = complete<DispatchPolicy>()(["smart", "fifo", "strict-priority", "weighted-wait"]);
export const SHIPPED_SCENARIOS = complete<ShippedScenario>()(["weekday", "payday", "wealth-branch"]);
