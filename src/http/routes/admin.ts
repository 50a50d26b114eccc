import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { createDevice, listDevices, revokeDevice } from "../../app/config/devices.ts";
import { createUser, listUsers, type UserInput, updateUser } from "../../app/config/users.ts";
import type { AppContext } from "../../app/context.ts";
import { auditCsv, auditTrail, MAX_ROWS } from "../../app/queries/audit-trail.ts";
import { actorOf } from "../auth-plugin.ts";
import { BranchParams, DeviceKindSchema, DigitsQuery, errors, Id, Pattern, RoleSchema, ShortText } from "../schemas.ts";
import { AuditEntrySchema, CreatedDeviceSchema, DeviceSchema, Ref, UserSchema } from "../view-schemas.ts";
import { PrinterUrl } from "./devices.ts";

const UserBody = Type.Object(
  {
    username: Pattern("^[A-Za-z0-9_.-]+$", "字母、数字、下划线、点或连字符", { minLength: 2, maxLength: 64 }),
    displayName: ShortText,
    staffNo: Type.Optional(Type.String({ maxLength: 32 })),
    password: Type.String({ minLength: 8, maxLength: 200 }),
    roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 6 }),
    branchIds: Type.Array(Id, { maxItems: 100 }),
    active: Type.Optional(Type.Boolean()),
    email: Type.Optional(
      Type.Union([
        Pattern("^$|^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$", "电子邮件地址，如 name@bank.cn", { maxLength: 254 }),
        Type.Null(),
      ]),
    ),
    phone: Type.Optional(
      Type.Union([Pattern("^$|^\\+[1-9][0-9]{6,14}$", "国际格式手机号，如 +8613800000000"), Type.Null()]),
    ),
  },
  { additionalProperties: false },
);
const UserParams = Type.Object({ userId: Id });
const DeviceBody = Type.Object(
  {
    kind: DeviceKindSchema,
    name: ShortText,
    counterId: Type.Optional(Id),
    printerUrl: Type.Optional(Type.Union([PrinterUrl, Type.Null()])),
    kioskReturnSeconds: Type.Optional(
      Type.Union([Type.Integer({ minimum: 30, maximum: 600 }), Type.Null()], {
        description: "A kiosk's own seconds back to its start screen; null or absent: the branch's setting",
      }),
    ),
  },
  { additionalProperties: false },
);
const DeviceParams = Type.Object({ deviceId: Id });
const AuditQuery = Type.Object({
  branchId: Type.Optional(Id),
  before: Type.Optional(DigitsQuery),
  limit: Type.Optional(DigitsQuery),
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "username, exactly" })),
  action: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'an action, or a prefix ending in "." ("ticket.")' }),
  ),
  entityId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "the record's id" })),
  from: Type.Optional(Type.String({ format: "date-time", description: "from this instant (inclusive)" })),
  to: Type.Optional(Type.String({ format: "date-time", description: "until this instant (exclusive)" })),
});
/** The route's query as the use case's filter. */
function auditFilter(query: Static<typeof AuditQuery>) {
  return {
    branchId: query.branchId,
    beforeId: query.before === undefined ? undefined : Number(query.before),
    limit: query.limit === undefined ? undefined : Math.max(1, Number(query.limit)),
    actor: query.actor,
    action: query.action,
    entityId: query.entityId,
    from: query.from === undefined ? undefined : Date.parse(query.from),
    to: query.to === undefined ? undefined : Date.parse(query.to),
  };
}

export function adminRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/users",
    {
      schema: {
        tags: ["users"],
        operationId: "listUsers",
        summary: "Staff the caller manages",
        response: { 200: Type.Array(Ref(UserSchema)), ...errors(401, 403) },
      },
    },
    (req) => listUsers(ctx, actorOf(req)),
  );
  app.post<{ Body: UserInput }>(
    "/api/users",
    {
      schema: {
        tags: ["users"],
        operationId: "createUser",
        summary: "Create a staff account",
        body: UserBody,
        response: { 201: Ref(UserSchema), ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await createUser(ctx, actorOf(req), req.body)),
  );
  app.patch<{ Params: Static<typeof UserParams>; Body: Partial<UserInput> }>(
    "/api/users/:userId",
    {
      schema: {
        tags: ["users"],
        operationId: "updateUser",
        summary: "Change a staff account (roles, branches, password, active)",
        params: UserParams,
        body: Type.Partial(UserBody, { minProperties: 1 }),
        response: { 200: Ref(UserSchema), ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => updateUser(ctx, actorOf(req), req.params.userId, req.body),
  );

  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/devices",
    {
      schema: {
        tags: ["devices"],
        operationId: "listDevices",
        summary: "Devices of a branch",
        params: BranchParams,
        response: { 200: Type.Array(Ref(DeviceSchema)), ...errors(401, 403) },
      },
    },
    (req) => listDevices(ctx, actorOf(req), req.params.branchId),
  );
  app.post<{ Params: Static<typeof BranchParams>; Body: Static<typeof DeviceBody> }>(
    "/api/branches/:branchId/devices",
    {
      schema: {
        tags: ["devices"],
        operationId: "createDevice",
        summary: "Create a device; its token is shown only in this answer",
        params: BranchParams,
        body: DeviceBody,
        response: { 201: Ref(CreatedDeviceSchema), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.status(201).send(await createDevice(ctx, actorOf(req), req.params.branchId, req.body)),
  );
  app.post<{ Params: Static<typeof DeviceParams> }>(
    "/api/devices/:deviceId/revoke",
    {
      schema: {
        tags: ["devices"],
        operationId: "revokeDevice",
        summary: "Revoke a device's token",
        params: DeviceParams,
        response: { 200: Ref(DeviceSchema), ...errors(401, 403, 404) },
      },
    },
    (req) => revokeDevice(ctx, actorOf(req), req.params.deviceId),
  );

  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    "/api/audit",
    {
      schema: {
        tags: ["audit"],
        operationId: "listAudit",
        summary: "The audit trail, newest first (auditor, admin)",
        querystring: AuditQuery,
        response: { 200: Type.Array(Ref(AuditEntrySchema)), ...errors(400, 401, 403) },
      },
    },
    (req) => auditTrail(ctx, actorOf(req), auditFilter(req.query)),
  );
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    "/api/audit.csv",
    {
      schema: {
        tags: ["audit"],
        operationId: "exportAuditCsv",
        summary: "The audit trail as CSV, with the same filters (auditor, admin; up to 10,000 lines)",
        querystring: AuditQuery,
        produces: ["text/csv"],
        response: { 200: Type.String({ description: "CSV, UTF-8 with a byte-order mark" }), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const rows = await auditTrail(ctx, actorOf(req), {
        ...auditFilter(req.query),
        limit: req.query.limit === undefined ? MAX_ROWS : Math.max(1, Number(req.query.limit)),
      });
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="audit.csv"')
        .send(auditCsv(rows));
    },
  );
}
