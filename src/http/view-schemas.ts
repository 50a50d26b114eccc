import { type SchemaOptions, type TSchema, Type } from "@sinclair/typebox";
import {
  CategorySchema,
  CounterKindSchema,
  CounterStateSchema,
  DeviceKindSchema,
  PolicySchema,
  RoleSchema,
  TicketSchema,
  TicketStatusSchema,
} from "./schemas.ts";

/**
 * The answers' shapes, declared once with a name (`$id`): each becomes a named schema of the OpenAPI document
 * (`components.schemas.<name>`) and so a named type of the generated web client. Fastify also serialises every
 * answer through them, so a field a use case adds is not sent until it is declared here.
 *
 * `test/support/harness.ts` compares every answer of the API tests before and after serialisation, so a field
 * this file forgets (or a type it gets wrong) fails those tests instead of vanishing from the answer.
 */

const Nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) =>
  Type.Union([schema, Type.Null()], options);
/** A reference to a named schema below (or `Ticket`, `Error`): `{ $ref: "<name>" }`. */
export const Ref = (schema: { $id?: string }) => Type.Unsafe({ $ref: schema.$id });

/** `TicketSchema` (schemas.ts) under its name. */
export const NamedTicketSchema = Type.Object(TicketSchema.properties, { $id: "Ticket" });
export const TicketRef = Ref(NamedTicketSchema);

export const BranchSchema = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    timezone: Type.String(),
    openingHours: Type.Record(Type.String(), Nullable(Type.Tuple([Type.String(), Type.String()])), {
      description: "Weekday 0 (Sunday) … 6 → [open, close] as HH:MM, or null when closed that day",
    }),
    targetWaitMinutes: Type.Integer(),
    alarmWaitMinutes: Type.Integer(),
    maxRecalls: Type.Integer(),
    dispatchPolicy: PolicySchema,
    noShowAfterSeconds: Type.Integer({ description: "A call nobody answers becomes a no-show after this; 0: never" }),
    minRecallGapSeconds: Type.Integer({ description: "The least time between two calls of one ticket" }),
  },
  { $id: "Branch" },
);

export const ServiceSchema = Type.Object(
  {
    id: Type.String(),
    branchId: Type.String(),
    code: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    descriptionZh: Type.String(),
    descriptionEn: Type.String(),
    category: CategorySchema,
    expectedMinutes: Type.Integer(),
    prefix: Type.String(),
    needsReview: Type.Boolean(),
    requiredDocuments: Type.Array(Type.String()),
    sortOrder: Type.Integer(),
    active: Type.Boolean(),
    opensAt: Nullable(Type.String({ description: "HH:MM: tickets from this time (null: the branch's hours)" })),
    closesAt: Nullable(Type.String({ description: "HH:MM: served until this time" })),
    ticketCutoff: Nullable(Type.String({ description: "HH:MM: the last ticket (取号截止); null: closesAt" })),
    dailyCap: Nullable(Type.Integer({ description: "Most tickets a day; null: no cap" })),
  },
  { $id: "Service" },
);

export const CounterSchema = Type.Object(
  {
    id: Type.String(),
    branchId: Type.String(),
    number: Type.Integer(),
    name: Type.String(),
    kind: CounterKindSchema,
    state: CounterStateSchema,
    skills: Type.Array(Type.Object({ serviceId: Type.String(), weight: Type.Number() })),
    dispatchPolicy: Nullable(PolicySchema),
    pauseReason: Nullable(Type.String()),
    signedInUser: Nullable(Type.Object({ id: Type.String(), displayName: Type.String(), staffNo: Type.String() }), {
      description: "null on public screens",
    }),
    currentTicket: Nullable(TicketRef),
    lastTicket: Nullable(TicketRef),
    parkedTickets: Type.Array(TicketRef, { description: "Tickets set aside at this counter, to resume" }),
    handoverNote: Type.Optional(
      Nullable(Type.String({ description: "The note the transferring teller left for the ticket being served" })),
    ),
  },
  { $id: "Counter" },
);

const WaitingTicket = Type.Object({
  ...TicketSchema.properties,
  position: Type.Integer(),
  waitedMinutes: Type.Integer(),
});

export const QueueSnapshotSchema = Type.Object(
  {
    branchId: Type.String(),
    at: Type.String({ format: "date-time" }),
    targetWaitMinutes: Type.Integer(),
    alarmWaitMinutes: Type.Integer(),
    services: Type.Array(
      Type.Object({
        serviceId: Type.String(),
        code: Type.String(),
        prefix: Type.String(),
        waiting: Type.Integer(),
        longestWaitMinutes: Type.Integer(),
        estimatedWaitMinutes: Nullable(Type.Integer()),
        waitUnknownReason: Nullable(Type.Literal("no_open_counter")),
        issuedToday: Type.Integer(),
        availability: Type.Object({
          open: Type.Boolean(),
          reason: Type.Optional(
            Type.Union(["not_open_yet", "cut_off", "full", "inactive"].map((r) => Type.Literal(r))),
          ),
          at: Type.Optional(Type.String()),
          cap: Type.Optional(Type.Integer()),
        }),
      }),
    ),
    counters: Type.Array(Ref(CounterSchema)),
    waiting: Type.Array(WaitingTicket),
    recentCalls: Type.Array(
      Type.Object({
        ticketId: Type.String(),
        number: Type.String(),
        serviceId: Type.String(),
        counterId: Type.String(),
        counterNumber: Type.Integer(),
        calledAt: Type.String({ format: "date-time" }),
        status: TicketStatusSchema,
      }),
    ),
  },
  { $id: "QueueSnapshot" },
);

export const PublicTicketSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    status: TicketStatusSchema,
    branchId: Type.String(),
    branchNameZh: Type.String(),
    branchNameEn: Type.String(),
    serviceId: Type.String(),
    serviceNameZh: Type.String(),
    serviceNameEn: Type.String(),
    issuedAt: Type.String({ format: "date-time" }),
    calledAt: Nullable(Type.String({ format: "date-time" })),
    counterNumber: Nullable(Type.Integer()),
    recallCount: Type.Integer(),
    position: Type.Integer(),
    estimatedWaitMinutes: Nullable(Type.Integer()),
    waitUnknownReason: Nullable(Type.Literal("no_open_counter")),
    reviewWaitMinutes: Nullable(Type.Integer({ description: "In the back office's review: about N minutes more" })),
  },
  { $id: "PublicTicket" },
);

/** The signed-in staff member (the actor without its address). */
export const StaffSchema = Type.Object(
  {
    type: Type.Literal("user"),
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(RoleSchema),
    branchIds: Type.Array(Type.String()),
  },
  { $id: "Staff" },
);

/** The paired device (the actor without its address). */
export const PairedDeviceSchema = Type.Object(
  {
    type: Type.Literal("device"),
    id: Type.String(),
    kind: DeviceKindSchema,
    name: Type.String(),
    branchId: Type.String(),
    counterId: Nullable(Type.String()),
  },
  { $id: "PairedDevice" },
);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    staffNo: Type.String(),
    roles: Type.Array(RoleSchema),
    branchIds: Type.Array(Type.String()),
    active: Type.Boolean(),
    email: Nullable(Type.String({ description: "For notices to this staff member (a wait past the alarm)" })),
    phone: Nullable(Type.String({ description: "E.164 mobile number for SMS notices" })),
  },
  { $id: "User" },
);

export const DeviceSchema = Type.Object(
  {
    id: Type.String(),
    branchId: Type.String(),
    kind: DeviceKindSchema,
    name: Type.String(),
    counterId: Nullable(Type.String()),
    revokedAt: Nullable(Type.String({ format: "date-time" })),
    createdAt: Type.String({ format: "date-time" }),
    printerUrl: Nullable(Type.String({ description: "A kiosk's network receipt printer, tcp://host:9100" })),
    printerState: Nullable(
      Type.Union(["ok", "paper_low", "paper_out", "offline", "unreachable"].map((r) => Type.Literal(r))),
    ),
    printerCheckedAt: Nullable(Type.String({ format: "date-time" })),
    lastSeenAt: Nullable(Type.String({ format: "date-time" })),
    pageVersion: Nullable(Type.String()),
    online: Type.Boolean({ description: "A heartbeat within the last two minutes" }),
    kioskReturnSeconds: Nullable(
      Type.Integer({ description: "A kiosk's own seconds back to its start screen; null: the branch's setting" }),
    ),
  },
  { $id: "Device" },
);

export const CreatedDeviceSchema = Type.Object(
  {
    device: Ref(DeviceSchema),
    token: Type.String({ description: "The pairing token: shown only in this answer" }),
  },
  { $id: "CreatedDevice" },
);

export const AuditEntrySchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.Integer({ description: "Milliseconds since 1970" }),
    actorType: Type.String(),
    actorId: Nullable(Type.String()),
    actorName: Nullable(Type.String()),
    action: Type.String(),
    entityType: Nullable(Type.String()),
    entityId: Nullable(Type.String()),
    branchId: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    details: Type.Optional(Type.Unknown()),
  },
  { $id: "AuditEntry" },
);

const HourPlanSchema = Type.Object({
  hour: Type.Integer(),
  arrivals: Type.Number(),
  ahtMinutes: Type.Number(),
  offeredLoad: Type.Number(),
  erlangCounters: Type.Integer(),
  recommendedCounters: Type.Integer(),
  simulatedWithinTargetShare: Type.Number(),
  simulatedMeanWaitMinutes: Type.Number(),
  needsMoreCounters: Type.Boolean({ description: "The load needs more counters than the branch has" }),
});

export const DayPlanSchema = Type.Object(
  {
    branchId: Type.String(),
    date: Type.String(),
    source: Type.Union([Type.Literal("history"), Type.Literal("scenario")]),
    historyDays: Type.Integer(),
    arrivalsByHour: Type.Array(Type.Number()),
    scenario: Type.String(),
    policy: PolicySchema,
    targetShare: Type.Number(),
    targetMinutes: Type.Number(),
    hours: Type.Array(HourPlanSchema),
    erlangCounterHours: Type.Integer(),
    recommendedCounterHours: Type.Integer(),
    confirmed: Type.Boolean(),
    maxCounters: Nullable(Type.Integer({ description: "The branch's counters: no hour is planned with more" })),
    hoursNeedingMore: Type.Array(Type.Integer(), { description: "Hours whose load needs more counters" }),
  },
  { $id: "DayPlan" },
);

const waitFigures = {
  customers: Type.Integer(),
  served: Type.Integer(),
  walkAways: Type.Integer(),
  meanWaitMinutes: Type.Number(),
  p50WaitMinutes: Type.Number(),
  p90WaitMinutes: Type.Number(),
  p95WaitMinutes: Type.Number(),
  maxWaitMinutes: Type.Number(),
  withinTargetShare: Type.Number(),
  overAlarm: Type.Integer(),
};
export const WaitFiguresSchema = Type.Object(waitFigures, { $id: "WaitFigures" });

export const SimulationReportSchema = Type.Object(
  {
    ...waitFigures,
    scenario: Type.String(),
    policy: PolicySchema,
    seed: Type.Integer(),
    noShows: Type.Integer(),
    unserved: Type.Integer(),
    lastCompletionMinute: Type.Number(),
    utilization: Type.Record(Type.String(), Type.Number()),
    byService: Type.Record(Type.String(), Ref(WaitFiguresSchema)),
    byClass: Type.Record(Type.String(), Ref(WaitFiguresSchema)),
    byHour: Type.Array(Type.Object({ ...waitFigures, hour: Type.Integer(), openCounters: Type.Integer() })),
    appointments: Type.Object({
      booked: Type.Integer(),
      missed: Type.Integer(),
      onTimeShare: Type.Number(),
      meanLateMinutes: Type.Number(),
    }),
    predictor: Type.Object({
      samples: Type.Integer(),
      meanAbsErrorMinutes: Type.Number(),
      medianAbsErrorMinutes: Type.Number(),
      meanErrorMinutes: Type.Number(),
    }),
  },
  { $id: "SimulationReport" },
);

export const WhatIfSchema = Type.Object(
  {
    branchId: Type.String(),
    date: Type.String(),
    source: Type.Union([Type.Literal("history"), Type.Literal("scenario"), Type.Literal("replay")]),
    scenario: Type.String(),
    seed: Type.Integer(),
    baseline: Ref(SimulationReportSchema),
    whatIf: Ref(SimulationReportSchema),
  },
  { $id: "WhatIf" },
);

/** Registered on the server (`app.addSchema`) so routes and each other can refer to them by name. */
export const VIEW_SCHEMAS: readonly TSchema[] = [
  NamedTicketSchema,
  BranchSchema,
  ServiceSchema,
  CounterSchema,
  QueueSnapshotSchema,
  PublicTicketSchema,
  StaffSchema,
  PairedDeviceSchema,
  UserSchema,
  DeviceSchema,
  CreatedDeviceSchema,
  AuditEntrySchema,
  DayPlanSchema,
  WaitFiguresSchema,
  SimulationReportSchema,
  WhatIfSchema,
];
