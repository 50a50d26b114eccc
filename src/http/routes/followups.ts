import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import {
  assignFollowup,
  bookFollowupAppointment,
  customerFollowups,
  getFollowup,
  getFollowupSettings,
  listFollowups,
  recordFollowupOutcome,
  setCustomerManager,
  setFollowupPolicy,
  setFollowupRule,
} from "../../app/followups/followups.ts";
import { actorOf } from "../auth-plugin.ts";
import { BranchParams, errors, Id } from "../schemas.ts";

const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableTime = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);
const Purpose = Type.Union([Type.Literal("service"), Type.Literal("marketing")]);
const Outcome = Type.Union([Type.Literal("done"), Type.Literal("no_answer"), Type.Literal("declined")]);
const FollowupParams = Type.Object({ followupId: Id });
const ServiceParams = Type.Object({ serviceId: Id });
const CustomerParams = Type.Object({ customerId: Id });

const Followup = Type.Object({
  id: Type.String(),
  branchId: Type.String(),
  ticketId: Type.String(),
  ticketNumber: NullableString,
  serviceId: Type.String(),
  serviceNameZh: Type.String(),
  serviceNameEn: Type.String(),
  purpose: Purpose,
  status: Type.Union([Type.Literal("open"), Type.Literal("closed")]),
  customer: Type.Object({
    id: Type.String(),
    code: NullableString,
    name: Type.String({ description: "Masked (王*明)" }),
    phone: Type.String({ description: "Masked (138****5678)" }),
  }),
  assigneeId: NullableString,
  assigneeName: NullableString,
  assignedVia: NullableString,
  dueAt: Type.String({ format: "date-time" }),
  daysLeft: Type.Integer({ description: "Branch-local days to the due date; negative once past" }),
  overdue: Type.Boolean(),
  remindedAt: NullableTime,
  escalatedAt: NullableTime,
  contactedAt: NullableTime,
  outcome: Type.Union([Outcome, Type.Literal("unreachable"), Type.Null()], {
    description: "The last outcome; no_answer on an open follow-up: another attempt is scheduled (dueAt)",
  }),
  note: NullableString,
  attempts: Type.Integer({ description: "Attempts without an answer so far" }),
  maxAttempts: Type.Integer({ description: "Attempts before the follow-up closes as unreachable" }),
  appointment: Type.Union([
    Type.Object({
      id: Type.String(),
      code: Type.String(),
      start: Type.String({ format: "date-time" }),
      status: Type.String(),
    }),
    Type.Null(),
  ]),
  closedAt: NullableTime,
  createdAt: Type.String({ format: "date-time" }),
  marketing: Type.Union([
    Type.Object({
      consent: Type.Boolean(),
      contactsInWindow: Type.Integer(),
      cap: Type.Integer(),
      windowDays: Type.Integer(),
      allowed: Type.Boolean(),
    }),
    Type.Null(),
  ]),
});
const FollowupList = Type.Object({ items: Type.Array(Followup) });
const Policy = Type.Object(
  {
    marketingCap: Type.Integer({ minimum: 0, maximum: 100 }),
    windowDays: Type.Integer({ minimum: 1, maximum: 365 }),
    reminderDays: Type.Integer({ minimum: 0, maximum: 30 }),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  },
  { additionalProperties: false },
);
const Rule = Type.Object({
  serviceId: Type.String(),
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  active: Type.Boolean(),
  days: Type.Union([Type.Integer(), Type.Null()]),
  purpose: Type.Union([Purpose, Type.Null()]),
});
const Settings = Type.Object({ policy: Policy, rules: Type.Array(Rule) });
const RuleBody = Type.Object(
  { active: Type.Boolean(), days: Type.Integer({ minimum: 1, maximum: 365 }), purpose: Purpose },
  { additionalProperties: false },
);
const ListQuery = Type.Object({
  scope: Type.Optional(Type.Union([Type.Literal("mine"), Type.Literal("branch")])),
  status: Type.Optional(Type.Union([Type.Literal("open"), Type.Literal("closed")])),
  dueBefore: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
});
const AssignBody = Type.Object({ userId: Id }, { additionalProperties: false });
const OutcomeBody = Type.Object(
  { outcome: Outcome, note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
const BookBody = Type.Object(
  { start: Type.String({ minLength: 10, maxLength: 40 }), serviceId: Type.Optional(Id) },
  { additionalProperties: false },
);
const ManagerBody = Type.Object({ userId: Type.Union([Id, Type.Null()]) }, { additionalProperties: false });
const ManagerSet = Type.Object({ customerId: Type.String(), managerUserId: NullableString });

export function followupRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ["followups"];
  app.get<{ Params: Static<typeof BranchParams>; Querystring: Static<typeof ListQuery> }>(
    "/api/branches/:branchId/followups",
    {
      schema: {
        tags,
        operationId: "listFollowups",
        summary: "Follow-up tasks: mine (default) or the whole branch's (branch manager), open ones by due date first",
        params: BranchParams,
        querystring: ListQuery,
        response: { 200: FollowupList, ...errors(400, 401, 403) },
      },
    },
    async (req) => ({ items: await listFollowups(ctx, actorOf(req), req.params.branchId, req.query) }),
  );
  app.get<{ Params: Static<typeof FollowupParams> }>(
    "/api/followups/:followupId",
    {
      schema: {
        tags,
        operationId: "getFollowup",
        summary: "A follow-up task (its assignee or the branch manager)",
        params: FollowupParams,
        response: { 200: Followup, ...errors(401, 403, 404) },
      },
    },
    (req) => getFollowup(ctx, actorOf(req), req.params.followupId),
  );
  app.post<{ Params: Static<typeof FollowupParams>; Body: Static<typeof AssignBody> }>(
    "/api/followups/:followupId/assign",
    {
      schema: {
        tags,
        operationId: "assignFollowup",
        summary: "Give the follow-up to a customer manager of its branch (branch manager)",
        params: FollowupParams,
        body: AssignBody,
        response: { 200: Followup, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => assignFollowup(ctx, actorOf(req), req.params.followupId, req.body),
  );
  app.post<{ Params: Static<typeof FollowupParams>; Body: Static<typeof OutcomeBody> }>(
    "/api/followups/:followupId/outcome",
    {
      schema: {
        tags,
        operationId: "recordFollowupOutcome",
        summary:
          "Record the outcome: done or declined closes it; no answer schedules another attempt on the next working day until the policy's attempts are used up, then closes it as unreachable; 409 for a marketing follow-up without consent or past the cap",
        params: FollowupParams,
        body: OutcomeBody,
        response: { 200: Followup, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => recordFollowupOutcome(ctx, actorOf(req), req.params.followupId, req.body),
  );
  app.post<{ Params: Static<typeof FollowupParams>; Body: Static<typeof BookBody> }>(
    "/api/followups/:followupId/appointment",
    {
      schema: {
        tags,
        operationId: "bookFollowupAppointment",
        summary:
          "Book a follow-up appointment for the customer (staff booking); 409 for marketing without consent or past the cap",
        params: FollowupParams,
        body: BookBody,
        response: { 200: Followup, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => bookFollowupAppointment(ctx, actorOf(req), req.params.followupId, req.body),
  );
  app.get<{ Params: Static<typeof CustomerParams> }>(
    "/api/customers/:customerId/followups",
    {
      schema: {
        tags,
        operationId: "listCustomerFollowups",
        summary: "A customer's follow-ups in the caller's branches (the profile's visit history)",
        params: CustomerParams,
        response: {
          200: Type.Object({ items: Type.Array(Followup), managerUserId: NullableString, managerName: NullableString }),
          ...errors(401, 403),
        },
      },
    },
    (req) => customerFollowups(ctx, actorOf(req), req.params.customerId),
  );
  app.put<{ Params: Static<typeof CustomerParams>; Body: Static<typeof ManagerBody> }>(
    "/api/customers/:customerId/manager",
    {
      schema: {
        tags,
        operationId: "setCustomerManager",
        summary: "Set (or clear) the customer's own manager, who gets their follow-ups (branch manager)",
        params: CustomerParams,
        body: ManagerBody,
        response: { 200: ManagerSet, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => setCustomerManager(ctx, actorOf(req), req.params.customerId, req.body),
  );
  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/followup-settings",
    {
      schema: {
        tags,
        operationId: "getFollowupSettings",
        summary: "Follow-up rules of the branch's business types and the marketing cap (branch manager)",
        params: BranchParams,
        response: { 200: Settings, ...errors(401, 403) },
      },
    },
    (req) => getFollowupSettings(ctx, actorOf(req), req.params.branchId),
  );
  app.put<{ Params: Static<typeof ServiceParams>; Body: Static<typeof RuleBody> }>(
    "/api/services/:serviceId/followup-rule",
    {
      schema: {
        tags,
        operationId: "setFollowupRule",
        summary: "Whether a business type wants a follow-up, after how many days, for what purpose (branch manager)",
        params: ServiceParams,
        body: RuleBody,
        response: { 200: Rule, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => setFollowupRule(ctx, actorOf(req), req.params.serviceId, req.body),
  );
  app.put<{ Body: Static<typeof Policy> }>(
    "/api/followup-policy",
    {
      schema: {
        tags,
        operationId: "setFollowupPolicy",
        summary: "The marketing frequency cap per customer and the reminder lead (admin)",
        body: Policy,
        response: { 200: Policy, ...errors(400, 401, 403) },
      },
    },
    (req) => setFollowupPolicy(ctx, actorOf(req), req.body),
  );
}
