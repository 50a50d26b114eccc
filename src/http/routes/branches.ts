import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { BRANCH_READERS, requireBranchAccess } from "../../app/access.ts";
import { type BranchInput, createBranch, updateBranch, visibleBranches } from "../../app/config/branches.ts";
import { type CounterInput, createCounter } from "../../app/config/counters.ts";
import { createService, type ServiceInput, updateService } from "../../app/config/services.ts";
import type { AppContext } from "../../app/context.ts";
import { counterView } from "../../app/counters/counter-view.ts";
import { notFound } from "../../app/errors.ts";
import { printKioskTicket } from "../../app/printing/print-kiosk-ticket.ts";
import { queueSnapshot } from "../../app/queries/queue.ts";
import { type TodayStats, todayStats } from "../../app/queries/today-stats.ts";
import { counterForViewer, snapshotForViewer } from "../../app/redact.ts";
import { issueTicket } from "../../app/tickets/issue-ticket.ts";
import { viewerIdOf } from "../../app/views.ts";
import type { BranchId } from "../../domain/ids.ts";
import { findBranch, listServices } from "../../store/branches.ts";
import { listCounters } from "../../store/counters.ts";
import { actorOf } from "../auth-plugin.ts";
import { BranchParams, CategorySchema, errors, Id, Pattern, PolicySchema, Priority, ShortText } from "../schemas.ts";
import { BranchSchema, CounterSchema, QueueSnapshotSchema, Ref, ServiceSchema, TicketRef } from "../view-schemas.ts";
import { CounterBody } from "./counters.ts";
import { publicOrigin } from "./devices.ts";

const Share = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);
const TodayStatsSchema = Type.Object({
  day: Type.String(),
  issued: Type.Integer(),
  served: Type.Integer(),
  waiting: Type.Integer(),
  noShow: Type.Integer(),
  cancelled: Type.Integer(),
  redirected: Type.Integer(),
  averageWaitMinutes: Type.Union([Type.Number(), Type.Null()], { description: "null until someone is called" }),
  withinTargetShare: Share,
  ratings: Type.Object({ satisfied: Type.Integer(), neutral: Type.Integer(), dissatisfied: Type.Integer() }),
  satisfaction: Share,
});
// A field the schema lacked would be dropped from the answer, one it invented would be documented but never sent.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statsSchemaIsTheAnswer: Same<Static<typeof TodayStatsSchema>, TodayStats> = true;
void statsSchemaIsTheAnswer;

const HHMM = Pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$", "时:分，如 09:30");
const BranchBody = Type.Object(
  {
    code: Pattern("^[A-Za-z0-9_-]+$", "字母、数字、下划线或连字符", { minLength: 1, maxLength: 32 }),
    nameZh: ShortText,
    nameEn: ShortText,
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    openingHours: Type.Optional(
      // Weekday 0 (Sunday) … 6; any other key is refused, not stored.
      Type.Record(Type.String({ pattern: "^[0-6]$" }), Type.Union([Type.Tuple([HHMM, HHMM]), Type.Null()]), {
        additionalProperties: false,
      }),
    ),
    targetWaitMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 240 })),
    alarmWaitMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 480 })),
    maxRecalls: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    noShowAfterSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 3600, description: "Automatic no-show this long after a call; 0: never" }),
    ),
    minRecallGapSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 600, description: "Least time between two calls of one ticket" }),
    ),
    dispatchPolicy: Type.Optional(PolicySchema),
  },
  { additionalProperties: false },
);
const ServiceBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 32 }),
    nameZh: ShortText,
    nameEn: ShortText,
    descriptionZh: Type.Optional(Type.String({ maxLength: 500 })),
    descriptionEn: Type.Optional(Type.String({ maxLength: 500 })),
    category: CategorySchema,
    expectedMinutes: Type.Integer({ minimum: 1, maximum: 240 }),
    prefix: Pattern("^[A-Z]{1,3}$", "1 至 3 个大写字母，如 A"),
    needsReview: Type.Optional(Type.Boolean()),
    requiredDocuments: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 })),
    sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    active: Type.Optional(Type.Boolean()),
    opensAt: Type.Optional(Type.Union([HHMM, Type.Null()], { description: "no ticket before this (branch-local)" })),
    closesAt: Type.Optional(Type.Union([HHMM, Type.Null()], { description: "the business type's counters stop" })),
    ticketCutoff: Type.Optional(
      Type.Union([HHMM, Type.Null()], { description: "取号截止: the last ticket is taken before this; else closesAt" }),
    ),
    dailyCap: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 9999 }), Type.Null()], { description: "numbers a day" }),
    ),
  },
  { additionalProperties: false },
);
const IssueBody = Type.Object(
  {
    serviceId: Id,
    priority: Type.Optional(Priority),
    appointmentAt: Type.Optional(Type.String({ format: "date-time" })),
  },
  { additionalProperties: false },
);
const IdempotencyHeaders = Type.Object({
  "idempotency-key": Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});
const ServiceParams = Type.Object({ serviceId: Id });

export function branchRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ["branches"];
  app.get(
    "/api/branches",
    {
      schema: {
        tags,
        operationId: "listBranches",
        summary: "Branches the caller may see",
        response: { 200: Type.Array(Ref(BranchSchema)), ...errors(401) },
      },
    },
    (req) => visibleBranches(ctx, actorOf(req)),
  );
  app.post<{ Body: BranchInput }>(
    "/api/branches",
    {
      schema: {
        tags,
        operationId: "createBranch",
        summary: "Create a branch (admin)",
        body: BranchBody,
        response: { 201: Ref(BranchSchema), ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await createBranch(ctx, actorOf(req), req.body)),
  );
  app.patch<{ Params: Static<typeof BranchParams>; Body: Partial<BranchInput> }>(
    "/api/branches/:branchId",
    {
      schema: {
        tags,
        operationId: "updateBranch",
        summary: "Change a branch's names, hours, targets or dispatch policy",
        params: BranchParams,
        body: Type.Partial(BranchBody, { minProperties: 1 }),
        response: { 200: Ref(BranchSchema), ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => updateBranch(ctx, actorOf(req), req.params.branchId, req.body),
  );

  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/services",
    {
      schema: {
        tags: ["services"],
        operationId: "listServices",
        summary: "Business types of a branch",
        params: BranchParams,
        response: { 200: Type.Array(Ref(ServiceSchema)), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      requireBranchAccess(actorOf(req), req.params.branchId as BranchId, BRANCH_READERS, [
        "kiosk",
        "display",
        "rating_pad",
      ]);
      if (!(await findBranch(ctx.store.db, req.params.branchId))) throw notFound("Branch", req.params.branchId);
      return listServices(ctx.store.db, req.params.branchId);
    },
  );
  app.post<{ Params: Static<typeof BranchParams>; Body: ServiceInput }>(
    "/api/branches/:branchId/services",
    {
      schema: {
        tags: ["services"],
        operationId: "createService",
        summary: "Add a business type",
        params: BranchParams,
        body: ServiceBody,
        response: { 201: Ref(ServiceSchema), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await createService(ctx, actorOf(req), req.params.branchId, req.body)),
  );
  app.patch<{ Params: Static<typeof ServiceParams>; Body: Partial<ServiceInput> }>(
    "/api/services/:serviceId",
    {
      schema: {
        tags: ["services"],
        operationId: "updateService",
        summary: "Change a business type",
        params: ServiceParams,
        body: Type.Partial(ServiceBody, { minProperties: 1 }),
        response: { 200: Ref(ServiceSchema), ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => updateService(ctx, actorOf(req), req.params.serviceId, req.body),
  );

  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/counters",
    {
      schema: {
        tags: ["counters"],
        operationId: "listCounters",
        summary: "Counters with state, skills, teller and current ticket",
        params: BranchParams,
        response: { 200: Type.Array(Ref(CounterSchema)), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      requireBranchAccess(actorOf(req), req.params.branchId as BranchId, BRANCH_READERS, ["kiosk", "display"]);
      if (!(await findBranch(ctx.store.db, req.params.branchId))) throw notFound("Branch", req.params.branchId);
      const counters = await listCounters(ctx.store.db, req.params.branchId);
      const actor = actorOf(req);
      return Promise.all(
        counters.map(async (c) => counterForViewer(actor, await counterView(ctx.store.db, c, viewerIdOf(actor)))),
      );
    },
  );
  app.post<{ Params: Static<typeof BranchParams>; Body: CounterInput }>(
    "/api/branches/:branchId/counters",
    {
      schema: {
        tags: ["counters"],
        operationId: "createCounter",
        summary: "Add a counter",
        params: BranchParams,
        body: CounterBody,
        response: { 201: Ref(CounterSchema), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await createCounter(ctx, actorOf(req), req.params.branchId, req.body)),
  );

  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/queue",
    {
      schema: {
        tags: ["queue"],
        operationId: "getQueue",
        summary: "Waiting tickets, per-queue counts, counters and recent calls now",
        params: BranchParams,
        response: { 200: Ref(QueueSnapshotSchema), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return snapshotForViewer(actor, await queueSnapshot(ctx, actor, req.params.branchId));
    },
  );
  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/stats/today",
    {
      schema: {
        tags: ["queue"],
        operationId: "getTodayStats",
        summary: "Today's figures: issued, served, waits, service level, ratings",
        params: BranchParams,
        response: { 200: TodayStatsSchema, ...errors(401, 403, 404) },
      },
    },
    (req) => todayStats(ctx, actorOf(req), req.params.branchId),
  );

  app.post<{
    Params: Static<typeof BranchParams>;
    Body: Static<typeof IssueBody>;
    Headers: Static<typeof IdempotencyHeaders>;
  }>(
    "/api/branches/:branchId/tickets",
    {
      schema: {
        tags: ["tickets"],
        operationId: "issueTicket",
        summary: "Take a ticket; the same Idempotency-Key from the same caller on the same day returns the same ticket",
        params: BranchParams,
        headers: IdempotencyHeaders,
        body: IssueBody,
        response: { 201: TicketRef, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const appointmentAt = req.body.appointmentAt === undefined ? undefined : Date.parse(req.body.appointmentAt);
      const { ticket, replayed } = await issueTicket(ctx, actorOf(req), {
        branchId: req.params.branchId,
        serviceId: req.body.serviceId,
        priority: req.body.priority,
        appointmentAt,
        idempotencyKey: req.headers["idempotency-key"],
      });
      if (replayed) reply.header("idempotent-replayed", "true");
      const actor = actorOf(req);
      // A kiosk with a network printer prints the ticket now that it is durably issued; the answer never waits.
      if (!replayed && actor.type === "device" && actor.kind === "kiosk")
        void printKioskTicket(ctx, actor.id, ticket.id, publicOrigin(req));
      return reply.status(201).send(ticket);
    },
  );
}
