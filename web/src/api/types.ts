/**
 * Client-side view of the shapes in docs/API.md. Fields the guide does not pin down are optional, so the
 * pages degrade instead of crashing when the server omits them.
 */
export type TicketStatus =
  | "waiting"
  | "called"
  | "serving"
  | "done"
  | "no_show"
  | "cancelled"
  | "redirected"
  | "parked";
export type Priority = "normal" | "vip1" | "vip2" | "vip3" | "elderly" | "disabled" | "pregnant" | "appointment";
export const PRIORITIES: readonly Priority[] = [
  "normal",
  "vip1",
  "vip2",
  "vip3",
  "elderly",
  "disabled",
  "pregnant",
  "appointment",
];
export type CounterState = "open" | "paused" | "closed";
export type Rating = "satisfied" | "neutral" | "dissatisfied";
export type Role = "admin" | "branch_manager" | "lobby_manager" | "teller" | "back_office" | "auditor";
export const ROLES: readonly Role[] = ["admin", "branch_manager", "lobby_manager", "teller", "back_office", "auditor"];
export type DeviceKind = "kiosk" | "display" | "rating_pad";
export const SERVICE_CATEGORIES = ["cash", "non_cash", "account", "wealth", "corporate", "payment", "other"] as const;
export type DispatchPolicy = string;
export const DISPATCH_POLICIES: readonly DispatchPolicy[] = ["smart", "fifo", "strict-priority", "weighted-wait"];

export interface Ticket {
  readonly id: string;
  readonly branchId: string;
  readonly serviceId: string;
  readonly number: string;
  readonly day?: string;
  readonly priority: Priority;
  readonly status: TicketStatus;
  readonly counterId: string | null;
  readonly counterNumber: number | string | null;
  readonly targetCounterId?: string | null;
  readonly issuedAt: string;
  readonly queuedAt?: string | null;
  readonly calledAt?: string | null;
  readonly startedAt?: string | null;
  readonly completedAt?: string | null;
  readonly recallCount?: number;
  readonly appointmentAt?: string | null;
  readonly outcome?: string | null;
  readonly notes?: string | null;
  readonly redirectReason?: string | null;
  readonly rating?: Rating | null;
  readonly ratingComment?: string | null;
  readonly channel?: string;
  readonly position?: number;
  readonly estimatedWaitMinutes?: number | null;
}

export interface Service {
  readonly id: string;
  readonly branchId: string;
  readonly code?: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly descriptionZh?: string;
  readonly descriptionEn?: string;
  readonly category?: string;
  readonly expectedMinutes: number;
  readonly prefix: string;
  readonly needsReview?: boolean;
  readonly requiredDocuments?: readonly string[];
  readonly sortOrder?: number;
  readonly active?: boolean;
}

export interface Skill {
  readonly serviceId: string;
  readonly weight: number;
}

export interface Counter {
  readonly id: string;
  readonly branchId: string;
  readonly number: number | string;
  readonly name?: string | null;
  readonly kind?: string;
  readonly state: CounterState;
  readonly skills?: readonly Skill[];
  readonly dispatchPolicy?: DispatchPolicy | null;
  readonly pauseReason?: string | null;
  /** Staff information: shown on consoles and the counter's own rating pad, never on public screens. */
  readonly signedInUser?: { readonly id: string; readonly displayName: string; readonly staffNo: string } | null;
  readonly currentTicket?: Ticket | null;
  readonly lastTicket?: Ticket | null;
  /** `GET /api/counters/:id` only: tickets this counter parked and nobody resumed yet, oldest first. */
  readonly parkedTickets?: readonly Ticket[];
}

export interface Branch {
  readonly id: string;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly timezone?: string;
  readonly dispatchPolicy: DispatchPolicy;
  readonly targetWaitMinutes: number;
  readonly alarmWaitMinutes: number;
  readonly maxRecalls?: number;
}

export interface User {
  readonly id: string;
  readonly username: string;
  readonly displayName?: string;
  readonly name?: string;
  readonly role?: Role;
  readonly roles?: readonly Role[];
  readonly branchIds?: readonly string[];
  readonly staffNo?: string | null;
  readonly staffNumber?: string | null;
  readonly active?: boolean;
  readonly [extra: string]: unknown;
}

export interface Device {
  readonly id: string;
  readonly branchId: string;
  readonly kind: DeviceKind;
  readonly name?: string;
  readonly counterId?: string | null;
  readonly revokedAt?: string | null;
  readonly [extra: string]: unknown;
}

export interface QueueService {
  readonly serviceId: string;
  readonly prefix?: string;
  readonly waiting: number;
  readonly longestWaitMinutes: number;
  readonly estimatedWaitMinutes: number;
}

export interface RecentCall {
  readonly ticketId?: string;
  readonly id?: string;
  readonly number: string;
  readonly counterNumber: number | string | null;
  readonly counterId?: string | null;
  readonly serviceId?: string;
  readonly calledAt?: string;
  readonly at?: string;
}

export interface QueueSnapshot {
  readonly branchId: string;
  readonly at: string;
  readonly targetWaitMinutes?: number;
  readonly alarmWaitMinutes?: number;
  readonly services: readonly QueueService[];
  readonly counters: readonly Counter[];
  readonly waiting: readonly (Ticket & { readonly waitedMinutes?: number })[];
  readonly recentCalls: readonly RecentCall[];
}

export interface TodayStats {
  readonly issued: number;
  readonly served: number;
  readonly waiting: number;
  readonly noShow: number;
  readonly averageWaitMinutes: number | null;
  readonly withinTargetShare: number | null;
  readonly ratings?: Partial<Record<Rating, number>>;
  /** Share of ratings that are "satisfied"; null without ratings. */
  readonly satisfaction?: number | null;
}

/** The ticket as the event stream shows it: no personal data. */
export interface EventTicket {
  readonly id: string;
  readonly number: string;
  readonly serviceId: string;
  readonly status: TicketStatus;
  readonly priority: Priority;
  readonly counterId: string | null;
  readonly counterNumber: number | string | null;
  readonly recallCount: number;
}

export interface BranchEvent {
  readonly seq: number;
  readonly type: string;
  readonly at: string;
  readonly branchId: string;
  readonly ticket?: EventTicket;
  readonly counter?: { readonly id: string; readonly number: number | string; readonly state: CounterState };
}

export interface PublicTicket {
  readonly id: string;
  readonly number: string;
  readonly status: TicketStatus;
  readonly serviceId?: string;
  readonly serviceNameZh?: string;
  readonly serviceNameEn?: string;
  readonly branchNameZh?: string;
  readonly branchNameEn?: string;
  readonly recallCount?: number;
  readonly position?: number | null;
  readonly estimatedWaitMinutes?: number | null;
  readonly counterNumber?: number | string | null;
  readonly issuedAt?: string;
  readonly calledAt?: string | null;
  readonly [extra: string]: unknown;
}

export type Me =
  | { readonly user: User; readonly device?: undefined }
  | { readonly device: Device; readonly user?: undefined };

export type { BranchDayPlan as DayPlan } from "../../../src/app/planning/day-plan.ts";
// The planner's and simulator's answers are the server's own types, imported (types only, nothing bundled).
export type { HourPlan } from "../../../src/sim/planner.ts";
export type { SimulationReport, WaitFigures } from "../../../src/sim/report.ts";
export const SHIPPED_SCENARIOS = ["weekday", "payday", "wealth-branch"] as const;
export type ShippedScenario = (typeof SHIPPED_SCENARIOS)[number];

export type { WhatIfResult } from "../../../src/app/planning/simulate-what-if.ts";
