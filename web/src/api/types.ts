/**
 * The shapes the server sends, taken from the client generated from its OpenAPI document (`schema.ts`, written
 * by `npm run gen:api`): a field the server adds, renames or drops changes these types, and the pages that use
 * them fail the type check. Only the live events (Server-Sent Events, not part of the REST document) are still
 * the server's own type. The lists below are the UI's own runtime copies, checked against the document's unions.
 */
import type { components, operations } from "./schema.ts";

type Schemas = components["schemas"];
/** The JSON body of an operation's success answer (by its operationId). */
export type Answer<Op extends keyof operations, Status extends number = 200> = operations[Op]["responses"] extends {
  readonly [S in Status]: { readonly content: { readonly "application/json": infer Body } };
}
  ? Body
  : never;
/** The JSON body an operation takes. */
export type RequestBody<Op extends keyof operations> = operations[Op] extends {
  readonly requestBody?: { readonly content: { readonly "application/json": infer Body } };
}
  ? Body
  : never;

export type { BranchEvent, EventTicket } from "../../../src/realtime/branch-event.ts";

export type Ticket = Schemas["Ticket"];
export type Branch = Schemas["Branch"];
export type Service = Schemas["Service"];
export type Counter = Schemas["Counter"];
export type QueueSnapshot = Schemas["QueueSnapshot"];
export type PublicTicket = Schemas["PublicTicket"];
export type UserView = Schemas["User"];
export type DeviceView = Schemas["Device"];
/** `POST /api/branches/:branchId/devices`: the new device and its token, shown only in this answer. */
export type CreatedDevice = Schemas["CreatedDevice"];
export type DayPlan = Schemas["DayPlan"];
export type HourPlan = DayPlan["hours"][number];
export type WhatIfResult = Schemas["WhatIf"];
export type SimulationReport = Schemas["SimulationReport"];
export type WaitFigures = Schemas["WaitFigures"];
export type TodayStats = Answer<"getTodayStats">;
export type AuditEntry = Schemas["AuditEntry"];

/** The signed-in staff member, as `/api/auth/login` and `/api/auth/me` send it. */
export type User = Schemas["Staff"];
/** The paired device, as `/api/auth/me` and `/api/devices/pair` send it. */
export type Device = Schemas["PairedDevice"];
/** `/api/auth/me`: a staff member or a paired device. */
export type Me =
  | { readonly user: User; readonly device?: undefined }
  | { readonly device: Device; readonly user?: undefined };

export type Role = User["roles"][number];
export type DeviceKind = Device["kind"];
export type Priority = Ticket["priority"];
export type TicketStatus = Ticket["status"];
export type Rating = NonNullable<Ticket["rating"]>;
export type CounterKind = Counter["kind"];
export type CounterState = Counter["state"];
export type DispatchPolicy = Branch["dispatchPolicy"];
export type ServiceCategory = Service["category"];
export type ShippedScenario = NonNullable<NonNullable<operations["getDayPlan"]["parameters"]["query"]>["scenario"]>;
export type Skill = Counter["skills"][number];
export type QueueService = QueueSnapshot["services"][number];
export type RecentCall = QueueSnapshot["recentCalls"][number];

/**
 * The list as given, if it names every member of the union and nothing else; a type error otherwise: a member
 * added on the server fails the web's type check where its list is declared.
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
export const ROLES = complete<Role>()([
  "admin",
  "branch_manager",
  "lobby_manager",
  "teller",
  "back_office",
  "auditor",
  "agent",
  "head_office",
]);
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
export const DISPATCH_POLICIES = complete<DispatchPolicy>()([
  "smart",
  "smart-classic",
  "fifo",
  "strict-priority",
  "weighted-wait",
]);
export const SHIPPED_SCENARIOS = complete<ShippedScenario>()(["weekday", "payday", "wealth-branch"]);
