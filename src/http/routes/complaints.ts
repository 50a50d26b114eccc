import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import {
  assignComplaint,
  closeComplaint,
  complaintOwnerCandidates,
  exportComplaintsCsv,
  extendComplaint,
  getComplaint,
  listComplaints,
  reclassifyComplaint,
  recordComplaint,
  reopenByComplainant,
  reopenComplaint,
} from "../../app/complaints/complaints.ts";
import { complaintStatus, fileOnlineComplaint, ONLINE_CATEGORIES } from "../../app/complaints/online.ts";
import type { AppContext } from "../../app/context.ts";
import { actorOf } from "../auth-plugin.ts";
import { BranchParams, errors, Id, Pattern } from "../schemas.ts";

const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const NullableString = Nullable(Type.String());
const NullableTime = Nullable(Type.String({ format: "date-time" }));
const Severity = Type.Union([Type.Literal("simple"), Type.Literal("complex")]);
/**
 * A stable code: lower-case letters, digits, `_` and `-`, not starting with `-` (a CSV cell a spreadsheet would read as
 * a formula). Digits and hyphens let a bank file by its own codes, such as those of JR/T 0169-2018 (the PBoC's
 * classification and coding of financial consumer complaints), e.g. `b03` or `c01-service`.
 */
const Category = Pattern("^[a-z0-9][a-z0-9_-]*$", "小写字母、数字、下划线或连字符（不以连字符开头）", {
  minLength: 1,
  maxLength: 60,
});
const ComplaintParams = Type.Object({ complaintId: Id });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: "\\S" });

const CreateBody = Type.Object(
  {
    branchId: Id,
    ticketId: Type.Optional(Id),
    customerId: Type.Optional(Id),
    category: Category,
    severity: Severity,
    description: Text(2000),
  },
  { additionalProperties: false },
);
const Created = Type.Object({
  id: Type.String(),
  status: Type.Literal("open"),
  dueAt: Type.String({ format: "date-time" }),
  reference: Type.String(),
});
const Summary = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  branchId: Type.String(),
  ticketId: NullableString,
  customerId: NullableString,
  source: Type.Union([
    Type.Literal("staff"),
    Type.Literal("survey"),
    Type.Literal("online"),
    Type.Literal("rating_pad"),
  ]),
  category: Type.String(),
  severity: Severity,
  description: Type.String(),
  status: Type.Union([Type.Literal("open"), Type.Literal("closed")]),
  ownerId: NullableString,
  receivedAt: Type.String({ format: "date-time" }),
  dueAt: Type.String({ format: "date-time" }),
  daysLeft: Type.Integer({ description: "Branch-local calendar days to the deadline; negative once past" }),
  overdue: Type.Boolean(),
  extended: Type.Boolean(),
  remindedAt: NullableTime,
  escalatedAt: NullableTime,
  rootCause: NullableString,
  reply: NullableString,
  closedAt: NullableTime,
  reopenCount: Type.Integer(),
});
const WithNotice = Type.Intersect([Summary, Type.Object({ complainantNotified: Type.Boolean() })]);
const Detail = Type.Intersect([
  Summary,
  Type.Object({
    ticketNumber: NullableString,
    notes: Type.Array(
      Type.Object({
        at: Type.String({ format: "date-time" }),
        action: Type.String(),
        actorId: NullableString,
        data: Type.Unknown(),
      }),
    ),
    visit: Type.Array(
      Type.Object({
        at: Type.String({ format: "date-time" }),
        action: Type.String(),
        from: NullableString,
        to: Type.String(),
        actorId: NullableString,
      }),
    ),
  }),
]);
const AssignBody = Type.Object({ userId: Id }, { additionalProperties: false });
const OwnerCandidates = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      displayName: Type.String(),
      staffNo: Type.String(),
      roles: Type.Array(Type.String()),
      conflict: Type.Boolean({ description: "Served or reviewed the linked visit: assigning them answers 409" }),
      current: Type.Boolean({ description: "The complaint's owner now" }),
    }),
  ),
});
const ReasonBody = Type.Object({ reason: Text(1000) }, { additionalProperties: false });
const SeverityBody = Type.Object(
  { severity: Type.Union([Type.Literal("simple"), Type.Literal("complex")]), reason: Text(1000) },
  { additionalProperties: false },
);
const CloseBody = Type.Object(
  {
    rootCause: Type.Optional(Type.String({ maxLength: 2000 })),
    reply: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal("open"), Type.Literal("closed")])),
});
const ExportQuery = Type.Object({
  from: Type.String({ minLength: 10, maxLength: 40 }),
  to: Type.String({ minLength: 10, maxLength: 40 }),
  branchId: Type.Optional(Id),
});
const ReopenBody = Type.Object(
  { token: Type.String({ minLength: 20, maxLength: 100 }), reason: Text(1000) },
  { additionalProperties: false },
);
const Reopened = Type.Object({
  reference: Type.String(),
  status: Type.Literal("open"),
  dueAt: Type.String({ format: "date-time" }),
});

const OnlineBody = Type.Object(
  {
    branchId: Id,
    category: Type.Union(ONLINE_CATEGORIES.map((c) => Type.Literal(c))),
    description: Text(2000),
    phone: Type.String({ minLength: 3, maxLength: 30 }),
    otp: Type.String({ minLength: 1, maxLength: 10 }),
    ticketNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 10, pattern: "^[A-Za-z]{0,3}[0-9]{1,5}$" })),
    visitDate: Type.Optional(Type.String({ format: "date" })),
    lang: Type.Optional(Type.Union([Type.Literal("zh-CN"), Type.Literal("en")])),
  },
  { additionalProperties: false },
);
const Filed = Type.Object({
  reference: Type.String(),
  status: Type.Literal("open"),
  dueAt: Type.String({ format: "date-time" }),
  visitLinked: Type.Boolean(),
  statusPath: Type.String({
    description: "The complainant's link to follow the complaint (and reopen it once closed)",
  }),
});
const StatusParams = Type.Object({
  token: Type.String({ minLength: 20, maxLength: 100, pattern: "^[A-Za-z0-9_-]+$" }),
});
const PublicStatus = Type.Object({
  reference: Type.String(),
  category: Type.String(),
  status: Type.Union([Type.Literal("open"), Type.Literal("closed")]),
  receivedAt: Type.String({ format: "date-time" }),
  dueAt: Type.String({ format: "date-time" }),
  extended: Type.Boolean(),
  closedAt: NullableTime,
  reply: NullableString,
  furtherOptions: Type.Union([Type.Object({ zh: Type.String(), en: Type.String() }), Type.Null()]),
  mayReopen: Type.Boolean(),
  reopenCount: Type.Integer(),
});

export function complaintRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ["complaints"];
  app.post<{ Body: Static<typeof CreateBody> }>(
    "/api/complaints",
    {
      schema: {
        tags,
        operationId: "recordComplaint",
        summary: "Record a complaint (staff); its statutory clock starts",
        body: CreateBody,
        response: { 201: Created, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => reply.code(201).send(await recordComplaint(ctx, actorOf(req), req.body)),
  );
  app.get<{ Querystring: Static<typeof ExportQuery> }>(
    "/api/complaints/export.csv",
    {
      schema: {
        tags,
        operationId: "exportComplaintsCsv",
        summary: "Regulator export: complaints received in [from, to), CSV (UTF-8 with a byte-order mark)",
        querystring: ExportQuery,
        response: { 200: { type: "string" }, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const csv = await exportComplaintsCsv(ctx, actorOf(req), req.query);
      const name = `datang-complaints-${req.query.from.slice(0, 10)}-${req.query.to.slice(0, 10)}.csv`;
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${name}"`)
        .send(csv);
    },
  );
  app.get<{ Params: Static<typeof BranchParams>; Querystring: Static<typeof ListQuery> }>(
    "/api/branches/:branchId/complaints",
    {
      schema: {
        tags,
        operationId: "listComplaints",
        summary: "The branch's complaints with their clocks, open ones by deadline first",
        params: BranchParams,
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(Summary) }), ...errors(401, 403) },
      },
    },
    async (req) => ({ items: await listComplaints(ctx, actorOf(req), req.params.branchId, req.query.status) }),
  );
  app.get<{ Params: Static<typeof ComplaintParams> }>(
    "/api/complaints/:complaintId",
    {
      schema: {
        tags,
        operationId: "getComplaint",
        summary: "A complaint, its history and the linked visit's timeline",
        params: ComplaintParams,
        response: { 200: Detail, ...errors(401, 403, 404) },
      },
    },
    (req) => getComplaint(ctx, actorOf(req), req.params.complaintId),
  );
  app.get<{ Params: Static<typeof ComplaintParams> }>(
    "/api/complaints/:complaintId/owners",
    {
      schema: {
        tags,
        operationId: "listComplaintOwners",
        summary: "Who may own the complaint: active staff of its branch, each marked for a conflict of interest",
        params: ComplaintParams,
        response: { 200: OwnerCandidates, ...errors(401, 403, 404) },
      },
    },
    async (req) => ({ items: await complaintOwnerCandidates(ctx, actorOf(req), req.params.complaintId) }),
  );
  app.post<{ Params: Static<typeof ComplaintParams>; Body: Static<typeof AssignBody> }>(
    "/api/complaints/:complaintId/assign",
    {
      schema: {
        tags,
        operationId: "assignComplaint",
        summary: "Give the complaint an owner (409 if that person served the visit: conflict of interest)",
        params: ComplaintParams,
        body: AssignBody,
        response: { 200: Summary, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => assignComplaint(ctx, actorOf(req), req.params.complaintId, req.body),
  );
  app.post<{ Params: Static<typeof ComplaintParams>; Body: Static<typeof ReasonBody> }>(
    "/api/complaints/:complaintId/extend",
    {
      schema: {
        tags,
        operationId: "extendComplaint",
        summary: "The one extension of 30 days (branch manager); the complainant is told",
        params: ComplaintParams,
        body: ReasonBody,
        response: { 200: WithNotice, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => extendComplaint(ctx, actorOf(req), req.params.complaintId, req.body),
  );
  app.post<{ Params: Static<typeof ComplaintParams>; Body: Static<typeof SeverityBody> }>(
    "/api/complaints/:complaintId/severity",
    {
      schema: {
        tags,
        operationId: "reclassifyComplaint",
        summary:
          "Reclassify an open complaint simple ↔ complex with a reason (complaint desk); the deadline is computed again from the receipt",
        params: ComplaintParams,
        body: SeverityBody,
        response: { 200: Summary, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => reclassifyComplaint(ctx, actorOf(req), req.params.complaintId, req.body),
  );
  app.post<{ Params: Static<typeof ComplaintParams>; Body: Static<typeof CloseBody> }>(
    "/api/complaints/:complaintId/close",
    {
      schema: {
        tags,
        operationId: "closeComplaint",
        summary: "Close with the root cause and the reply (400 without a root cause)",
        params: ComplaintParams,
        body: CloseBody,
        response: { 200: WithNotice, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => closeComplaint(ctx, actorOf(req), req.params.complaintId, req.body),
  );
  app.post<{ Params: Static<typeof ComplaintParams>; Body: Static<typeof ReasonBody> }>(
    "/api/complaints/:complaintId/reopen",
    {
      schema: {
        tags,
        operationId: "reopenComplaint",
        summary: "Reopen a closed complaint at the complainant's request (staff)",
        params: ComplaintParams,
        body: ReasonBody,
        response: { 200: Summary, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => reopenComplaint(ctx, actorOf(req), req.params.complaintId, req.body),
  );
  app.post<{ Body: Static<typeof ReopenBody> }>(
    "/api/public/complaints/reopen",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        operationId: "reopenComplaintByLink",
        summary: "The complainant reopens a closed complaint with the link of the reply",
        body: ReopenBody,
        response: { 200: Reopened, ...errors(400, 404, 409) },
      },
    },
    (req) => reopenByComplainant(ctx, req.body),
  );
  app.post<{ Body: Static<typeof OnlineBody> }>(
    "/api/public/complaints",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        operationId: "fileComplaintOnline",
        summary:
          "The customer files a complaint, the phone proven by a one-time code; its statutory clock starts (429 when filed too often)",
        body: OnlineBody,
        response: { 201: Filed, ...errors(400, 404, 429) },
      },
    },
    async (req, reply) => reply.code(201).send(await fileOnlineComplaint(ctx, req.body, req.ip)),
  );
  app.get<{ Params: Static<typeof StatusParams> }>(
    "/api/public/complaints/:token",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        operationId: "getComplaintStatus",
        summary: "The complainant's view of a complaint by its link: status, deadline, the reply once closed",
        params: StatusParams,
        response: { 200: PublicStatus, ...errors(400, 404) },
      },
    },
    (req) => complaintStatus(ctx, req.params.token),
  );
}
