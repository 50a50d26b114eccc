import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { recordConsent, STAFF_CONSENT_CHANNELS, STAFF_CONSENT_TEXT_VERSION } from "../../app/customers/consents.ts";
import { dismissDuplicate, possibleDuplicates } from "../../app/customers/duplicates.ts";
import { CONSENT_DELIVERIES } from "../../app/customers/identify.ts";
import { decideMerge, listMerges, proposeMerge } from "../../app/customers/merge.ts";
import { OTP_TTL_MS, requestOtp } from "../../app/customers/otp.ts";
import {
  customerProfile,
  searchCustomers,
  UNMASK_FIELDS,
  unmaskCustomer,
  updateCustomer,
} from "../../app/customers/records.ts";
import {
  eraseCustomer,
  exportCustomer,
  retentionPlan,
  retentionSettings,
  runRetention,
  setRetention,
} from "../../app/customers/retention.ts";
import {
  getServiceRecord,
  publicServiceReport,
  serviceReport,
  setServiceRecord,
} from "../../app/customers/service-record.ts";
import { attachCustomer, callCard, identifyAtKiosk, queueCustomers } from "../../app/customers/ticket-customer.ts";
import { DUPLICATE_RULES } from "../../domain/customers/duplicates.ts";
import { DATA_CLASSES, SEGMENTS, VIP_TIERS } from "../../domain/customers/records.ts";
import { actorOf } from "../auth-plugin.ts";
import { BranchParams, errors, Id, LongText, Pattern, TicketParams } from "../schemas.ts";

const OtpBody = Type.Object(
  {
    phone: Type.String({ minLength: 1, maxLength: 32 }),
    lang: Type.Optional(Type.Union([Type.Literal("zh-CN"), Type.Literal("en")])),
  },
  { additionalProperties: false },
);
const OtpAccepted = Type.Object({ expiresInSeconds: Type.Integer() });

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Str = Type.String();
const NStr = Type.Union([Type.String(), Type.Null()]);

const CustomerParams = Type.Object({ customerId: Id });
const DuplicateRecord = Type.Object({
  id: Str,
  code: Str,
  name: Str,
  phone: Str,
  email: NStr,
  idNumber: NStr,
  birthYear: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Str,
});
const DuplicatePair = Type.Object({
  rules: Type.Array(Type.Union(DUPLICATE_RULES.map((r) => Type.Literal(r))), {
    description: "id_number | email | phone | name_birth | name_id_tail, strongest first",
  }),
  a: DuplicateRecord,
  b: DuplicateRecord,
});
const DismissBody = Type.Object(
  { customerIds: Type.Array(Id, { minItems: 2, maxItems: 2 }), reason: Type.String({ maxLength: 500 }) },
  { additionalProperties: false },
);
const MergeParams = Type.Object({ mergeId: Id });
const SearchQuery = Type.Object(
  {
    phone: Type.Optional(Pattern("^\\+?[0-9 \\-()]{3,20}$", "3 至 15 位数字", { minLength: 3, maxLength: 20 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    code: Type.Optional(Type.String({ minLength: 2, maxLength: 20 })),
  },
  { additionalProperties: false },
);
const Segment = Type.Object({ code: Str, source: Type.Union([Type.Literal("staff"), Type.Literal("rule")]) });
const Consent = Type.Object({
  purpose: Str,
  granted: Type.Boolean(),
  /** Where it was given: web, kiosk, staff, phone, counter, chat. */
  channel: Str,
  textVersion: Str,
  at: Str,
  /** The ways of reaching the customer this answer is the current one for: sms, email, call. */
  covers: Type.Array(Str),
});
const Preferences = Type.Object({ lang: Str, channel: Str, counter: NStr });
const Match = Type.Object({
  id: Str,
  code: Str,
  name: Str,
  phone: Str,
  segments: Type.Array(Str),
  vipTier: NStr,
  anonymised: Type.Boolean(),
});
const Visit = Type.Object({
  ticketId: Str,
  branchId: Str,
  number: Str,
  day: Str,
  serviceId: Str,
  serviceNameZh: Str,
  serviceNameEn: Str,
  status: Str,
  issuedAt: Str,
  completedAt: NStr,
  outcome: NStr,
  rating: NStr,
  needs: NStr,
  products: Type.Array(Str),
  recordOutcome: NStr,
  reportId: NStr,
});
const Profile = Type.Object({
  id: Str,
  code: Str,
  name: Str,
  phone: Str,
  idNumber: NStr,
  email: NStr,
  hasIdNumber: Type.Boolean(),
  birthYear: Type.Union([Type.Integer(), Type.Null()]),
  anonymised: Type.Boolean(),
  mergedInto: NStr,
  segments: Type.Array(Segment),
  vipTier: NStr,
  preferences: Preferences,
  notes: Str,
  consents: Type.Array(Consent),
  visits: Type.Array(Visit),
  appointments: Type.Array(
    Type.Object({
      id: Str,
      branchId: Str,
      serviceId: Str,
      start: Str,
      status: Str,
      ticketId: NStr,
      branchNameZh: Str,
      branchNameEn: Str,
      serviceNameZh: Str,
      serviceNameEn: Str,
    }),
  ),
  complaints: Type.Array(
    Type.Object({
      id: Str,
      reference: Str,
      branchId: Str,
      ticketId: NStr,
      source: Str,
      status: Str,
      category: Str,
      severity: Str,
      openedAt: Str,
      dueAt: Str,
    }),
  ),
  ratings: Type.Array(
    Type.Object({
      surveyId: Str,
      ticketId: Str,
      branchId: Str,
      csat: NStr,
      csatSource: NStr,
      nps: Type.Union([Type.Integer(), Type.Null()]),
      comment: NStr,
      at: Str,
      complaintId: NStr,
      branchNameZh: Str,
      branchNameEn: Str,
    }),
  ),
  followUps: Type.Array(
    Type.Object({
      id: Str,
      branchId: Str,
      ticketId: Str,
      serviceNameZh: Str,
      serviceNameEn: Str,
      purpose: Str,
      status: Str,
      outcome: NStr,
      dueAt: Str,
      closedAt: NStr,
    }),
  ),
  createdAt: Str,
});
const UpdateBody = Type.Object(
  {
    segments: Type.Optional(Type.Array(Type.Union(SEGMENTS.map((s) => Type.Literal(s))), { maxItems: 10 })),
    vipTier: Type.Optional(Type.Union([...VIP_TIERS.map((s) => Type.Literal(s)), Type.Null()])),
    prefCounter: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    lang: Type.Optional(Type.Union([Type.Literal("zh-CN"), Type.Literal("en")])),
    preferredChannel: Type.Optional(Type.Union([Type.Literal("sms"), Type.Literal("email")])),
    notes: Type.Optional(LongText),
    idNumber: Type.Optional(Nullable(Type.String({ maxLength: 30 }))),
    birthDate: Type.Optional(Nullable(Pattern("^\\d{4}-\\d{2}-\\d{2}$", "YYYY-MM-DD 格式的日期"))),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
/** A consent given to staff: on the phone, at the counter or in the chat (POST /api/customers/:id/consents). */
const ConsentBody = Type.Object(
  {
    purpose: Type.Union([Type.Literal("service"), Type.Literal("marketing")]),
    granted: Type.Boolean(),
    channel: Type.Union(
      STAFF_CONSENT_CHANNELS.map((c) => Type.Literal(c)),
      {
        description: "Where it was given: phone, counter or chat",
      },
    ),
    covers: Type.Optional(
      Type.Array(Type.Union(CONSENT_DELIVERIES.map((d) => Type.Literal(d))), {
        minItems: 1,
        maxItems: 3,
        uniqueItems: true,
        description:
          "The ways of reaching the customer it is about (service: sms, email; marketing: sms, email, call); default all of the purpose's",
      }),
    ),
    textVersion: Type.Optional(
      Pattern("^[A-Za-z0-9._-]{1,40}$", "1 至 40 位字母、数字或 ._-", {
        description: `The version of the words read out or shown (default ${STAFF_CONSENT_TEXT_VERSION})`,
      }),
    ),
  },
  { additionalProperties: false },
);
const Consents = Type.Object({ consents: Type.Array(Consent) });
const Reason = Type.String({ minLength: 1, maxLength: 500 });
const UnmaskBody = Type.Object(
  { field: Type.Union(UNMASK_FIELDS.map((f) => Type.Literal(f))), reason: Reason },
  { additionalProperties: false },
);
const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });
const Who = Type.Object({ id: Str, code: Str, name: Str, phone: Str });
const Merge = Type.Object({
  id: Str,
  status: Str,
  reason: Str,
  source: Who,
  target: Who,
  proposedBy: Str,
  proposedAt: Str,
  decidedBy: NStr,
  decidedAt: NStr,
});
const MergeBody = Type.Object({ sourceId: Id, targetId: Id, reason: Reason }, { additionalProperties: false });
/** Why the decider confirms or rejects (optional for older clients; the staff page always sends one). */
const DecisionBody = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
const MergeListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal("proposed"), Type.Literal("confirmed"), Type.Literal("rejected")])),
  },
  { additionalProperties: false },
);
const TicketCustomer = Type.Object({ ticketId: Str, customerId: Str, code: Str, name: Str, phone: Str, method: Str });
const AttachBody = Type.Object(
  {
    customerId: Type.Optional(Id),
    phone: Type.Optional(Type.String({ minLength: 3, maxLength: 30 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
const IdentifyBody = Type.Object(
  { phone: Type.String({ minLength: 3, maxLength: 30 }), otp: Type.String({ minLength: 1, maxLength: 10 }) },
  { additionalProperties: false },
);
const AnswerValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const CallCard = Type.Object({
  ticketId: Str,
  customer: Type.Union([
    Type.Object({
      id: Str,
      code: Str,
      name: Str,
      phone: Str,
      segments: Type.Array(Segment),
      vipTier: NStr,
      preferences: Preferences,
      consents: Type.Array(Consent),
      notes: Str,
    }),
    Type.Null(),
  ]),
  lastVisits: Type.Array(Visit),
  openComplaints: Type.Array(Type.Object({ id: Str, category: Str, status: Str, dueAt: Str })),
  answers: Type.Object({
    ticketId: Str,
    appointmentId: NStr,
    answers: Type.Record(Type.String(), AnswerValue),
    fields: Type.Array(
      Type.Object({
        key: Str,
        type: Str,
        labelZh: Str,
        labelEn: Str,
        required: Type.Boolean(),
        helpZh: Type.Optional(Str),
        helpEn: Type.Optional(Str),
        options: Type.Optional(Type.Array(Str)),
      }),
    ),
    requiredDocuments: Type.Array(Str),
  }),
});
const RecordBody = Type.Object(
  {
    needs: Type.String({ maxLength: 1000 }),
    products: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20 }),
    outcome: Type.String({ maxLength: 500 }),
  },
  { additionalProperties: false },
);
const RecordView = Type.Object({
  ticketId: Str,
  needs: Str,
  products: Type.Array(Str),
  outcome: Str,
  updatedAt: NStr,
  reportId: NStr,
  reportSha256: NStr,
});
const RetentionClass = Type.Object({
  dataClass: Str,
  days: Type.Integer(),
  defaultDays: Type.Integer(),
  updatedAt: NStr,
});
const RetentionBody = Type.Object(
  {
    days: Type.Object(
      Object.fromEntries(DATA_CLASSES.map((c) => [c, Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 }))])),
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
const PlanItem = Type.Object({
  dataClass: Str,
  days: Type.Integer(),
  cutoff: Str,
  available: Type.Boolean(),
  rows: Type.Record(Type.String(), Type.Integer()),
});
const Plan = Type.Object({ at: Str, items: Type.Array(PlanItem), lastRunAt: Type.Optional(NStr) });

export function customerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ["customers"];
  app.post<{ Body: Static<typeof OtpBody> }>(
    "/api/public/otp",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        operationId: "requestOtp",
        summary: "Send a 6-digit one-time code by SMS to prove a phone number (valid 5 minutes, 5 tries)",
        body: OtpBody,
        response: { 202: OtpAccepted, ...errors(400, 429) },
      },
    },
    async (req, reply) => {
      // A paired kiosk (its device cookie or token) is counted by its id, not by the lobby's one address.
      const kiosk = req.actor?.type === "device" && req.actor.kind === "kiosk" ? req.actor.id : undefined;
      await requestOtp(ctx, { phone: req.body.phone, ip: req.ip, lang: req.body.lang, kioskId: kiosk });
      return reply.code(202).send({ expiresInSeconds: OTP_TTL_MS / 1000 });
    },
  );

  app.get<{ Querystring: Static<typeof SearchQuery> }>(
    "/api/customers",
    {
      schema: {
        tags,
        operationId: "searchCustomers",
        summary: "Search customers by phone (full, first or last digits), name prefix or code prefix; masked",
        querystring: SearchQuery,
        response: { 200: Type.Object({ customers: Type.Array(Match) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => ({ customers: await searchCustomers(ctx, actorOf(req), req.query) }),
  );

  app.get<{ Querystring: Static<typeof MergeListQuery> }>(
    "/api/customer-merges",
    {
      schema: {
        tags,
        operationId: "listCustomerMerges",
        summary: "Proposed, confirmed and rejected merges of customer records",
        querystring: MergeListQuery,
        response: { 200: Type.Object({ merges: Type.Array(Merge) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => ({ merges: await listMerges(ctx, actorOf(req), req.query.status) }),
  );

  app.post<{ Body: Static<typeof MergeBody> }>(
    "/api/customer-merges",
    {
      schema: {
        tags,
        operationId: "proposeCustomerMerge",
        summary: "Propose merging one customer record into another (a second person confirms)",
        body: MergeBody,
        response: { 201: Merge, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.code(201).send(await proposeMerge(ctx, actorOf(req), req.body)),
  );

  for (const decision of ["confirm", "reject"] as const)
    app.post<{ Params: Static<typeof MergeParams>; Body: Static<typeof DecisionBody> | undefined }>(
      `/api/customer-merges/:mergeId/${decision}`,
      {
        schema: {
          tags,
          operationId: decision === "confirm" ? "confirmCustomerMerge" : "rejectCustomerMerge",
          summary:
            decision === "confirm"
              ? "Confirm a proposed merge (branch manager or admin, not the proposer)"
              : "Reject a proposed merge",
          params: MergeParams,
          body: DecisionBody,
          response: { 200: Merge, ...errors(400, 401, 403, 404, 409) },
        },
      },
      (req) => decideMerge(ctx, actorOf(req), req.params.mergeId, decision, req.body?.reason),
    );

  app.get<{ Params: Static<typeof CustomerParams> }>(
    "/api/customers/:customerId",
    {
      schema: {
        tags,
        operationId: "getCustomer",
        summary: "A customer's profile, masked; the view is recorded",
        params: CustomerParams,
        response: { 200: Profile, ...errors(401, 403, 404) },
      },
    },
    (req) => customerProfile(ctx, actorOf(req), req.params.customerId),
  );

  app.patch<{ Params: Static<typeof CustomerParams>; Body: Static<typeof UpdateBody> }>(
    "/api/customers/:customerId",
    {
      schema: {
        tags,
        operationId: "updateCustomer",
        summary: "Change segments, VIP tier, preferences, notes or identity of a customer",
        params: CustomerParams,
        body: UpdateBody,
        response: { 200: Profile, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => updateCustomer(ctx, actorOf(req), req.params.customerId, req.body),
  );

  app.post<{ Params: Static<typeof CustomerParams>; Body: Static<typeof ConsentBody> }>(
    "/api/customers/:customerId/consents",
    {
      schema: {
        tags,
        operationId: "recordCustomerConsent",
        summary:
          "Record a consent given on the phone, at the counter or in the chat (teller, lobby or branch manager, agent, admin; the customer's branches); audited",
        params: CustomerParams,
        body: ConsentBody,
        response: { 201: Consents, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.code(201).send(await recordConsent(ctx, actorOf(req), req.params.customerId, req.body)),
  );

  app.post<{ Params: Static<typeof CustomerParams>; Body: Static<typeof UnmaskBody> }>(
    "/api/customers/:customerId/unmask",
    {
      schema: {
        tags,
        operationId: "unmaskCustomer",
        summary: "Break-glass: one full value (phone, ID number, name, e-mail) with a reason; recorded",
        params: CustomerParams,
        body: UnmaskBody,
        response: { 200: Type.Object({ field: Str, value: NStr }), ...errors(400, 401, 403, 404) },
      },
    },
    (req) => unmaskCustomer(ctx, actorOf(req), req.params.customerId, req.body),
  );

  app.post<{ Params: Static<typeof CustomerParams>; Body: Static<typeof ReasonBody> }>(
    "/api/customers/:customerId/export",
    {
      schema: {
        tags,
        operationId: "exportCustomer",
        summary: "Everything kept about a customer, as JSON, on their request (recorded with the reason)",
        params: CustomerParams,
        body: ReasonBody,
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const data = await exportCustomer(ctx, actorOf(req), req.params.customerId, req.body.reason);
      return reply
        .header("content-disposition", `attachment; filename="customer-${req.params.customerId}.json"`)
        .send(data);
    },
  );

  app.post<{ Params: Static<typeof CustomerParams>; Body: Static<typeof ReasonBody> }>(
    "/api/customers/:customerId/erase",
    {
      schema: {
        tags,
        operationId: "eraseCustomer",
        summary: "Erase a customer's personal data on their request; facts for statistics stay (recorded)",
        params: CustomerParams,
        body: ReasonBody,
        response: { 200: Type.Object({ id: Str, erasedAt: Str }), ...errors(400, 401, 403, 404) },
      },
    },
    (req) => eraseCustomer(ctx, actorOf(req), req.params.customerId, req.body.reason),
  );

  app.post<{ Params: Static<typeof TicketParams>; Body: Static<typeof AttachBody> }>(
    "/api/tickets/:ticketId/customer",
    {
      schema: {
        tags,
        operationId: "attachTicketCustomer",
        summary: "Attach a customer (by id, or by phone: found or created) to a ticket (lobby manager, teller)",
        params: TicketParams,
        body: AttachBody,
        response: { 200: TicketCustomer, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => attachCustomer(ctx, actorOf(req), req.params.ticketId, req.body),
  );

  app.post<{ Params: Static<typeof TicketParams>; Body: Static<typeof IdentifyBody> }>(
    "/api/tickets/:ticketId/identify",
    {
      schema: {
        tags,
        operationId: "identifyAtKiosk",
        summary: "At the kiosk: the customer proves their phone with a one-time code; the ticket is theirs",
        params: TicketParams,
        body: IdentifyBody,
        response: { 200: TicketCustomer, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => identifyAtKiosk(ctx, actorOf(req), req.params.ticketId, req.body),
  );

  app.get<{ Params: { branchId: string } }>(
    "/api/branches/:branchId/customer-duplicates",
    {
      schema: {
        tags,
        operationId: "listPossibleDuplicates",
        summary:
          "Possible duplicate records among the branch's customers (same ID number, e-mail, phone, or name with birth date or ID tail), masked; never merged by themselves",
        params: BranchParams,
        response: {
          200: Type.Object({ items: Type.Array(DuplicatePair), truncated: Type.Boolean() }),
          ...errors(400, 401, 403),
        },
      },
    },
    (req) => possibleDuplicates(ctx, actorOf(req), req.params.branchId),
  );

  app.post<{ Params: { branchId: string }; Body: Static<typeof DismissBody> }>(
    "/api/branches/:branchId/customer-duplicates/dismiss",
    {
      schema: {
        tags,
        operationId: "dismissPossibleDuplicate",
        summary: "Say two records are not one person, with a reason: the pair is not shown again (audited)",
        params: BranchParams,
        body: DismissBody,
        response: {
          201: Type.Object({
            customerIds: Type.Array(Str),
            reason: Str,
            dismissedBy: Str,
            dismissedAt: Str,
          }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await dismissDuplicate(ctx, actorOf(req), req.params.branchId, req.body)),
  );

  app.get<{ Params: { branchId: string } }>(
    "/api/branches/:branchId/queue/customers",
    {
      schema: {
        tags,
        operationId: "listQueueCustomers",
        summary:
          "The branch's unfinished tickets that have a customer: how attached and the customer's segments (no name or phone)",
        params: BranchParams,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ ticketId: Str, method: Str, segments: Type.Array(Str) })),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => ({ items: await queueCustomers(ctx, actorOf(req), req.params.branchId) }),
  );

  app.get<{ Params: Static<typeof TicketParams> }>(
    "/api/tickets/:ticketId/call-card",
    {
      schema: {
        tags,
        operationId: "getCallCard",
        summary: "The counter's call card: the ticket's customer, masked, with last visits and form answers",
        params: TicketParams,
        response: { 200: CallCard, ...errors(401, 403, 404) },
      },
    },
    (req) => callCard(ctx, actorOf(req), req.params.ticketId),
  );

  app.get<{ Params: Static<typeof TicketParams> }>(
    "/api/tickets/:ticketId/service-record",
    {
      schema: {
        tags,
        operationId: "getServiceRecord",
        summary: "The teller's service record of a ticket, with its report's hash once issued",
        params: TicketParams,
        response: { 200: RecordView, ...errors(401, 403, 404) },
      },
    },
    (req) => getServiceRecord(ctx, actorOf(req), req.params.ticketId),
  );

  app.put<{ Params: Static<typeof TicketParams>; Body: Static<typeof RecordBody> }>(
    "/api/tickets/:ticketId/service-record",
    {
      schema: {
        tags,
        operationId: "setServiceRecord",
        summary: "Record the customer's needs, products discussed and outcome during service",
        params: TicketParams,
        body: RecordBody,
        response: { 200: RecordView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => setServiceRecord(ctx, actorOf(req), req.params.ticketId, req.body),
  );

  app.get<{ Params: Static<typeof TicketParams> }>(
    "/api/tickets/:ticketId/service-report.pdf",
    {
      schema: {
        tags,
        operationId: "getServiceReport",
        summary: "The ticket's service report (bilingual PDF); its SHA-256 in the x-content-sha256 header",
        params: TicketParams,
        response: { 200: { type: "string", format: "binary" }, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const report = await serviceReport(ctx, actorOf(req), req.params.ticketId);
      return reply
        .type("application/pdf")
        .header("x-content-sha256", report.sha256)
        .header("content-disposition", `inline; filename="service-report-${report.number}.pdf"`)
        .send(report.pdf);
    },
  );

  // Issue 14: the short link of a service report sent by SMS (the token is the credential; no personal data).
  app.get<{ Params: { token: string } }>(
    "/api/public/reports/:token",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        operationId: "getPublicServiceReport",
        summary:
          "The service report (PDF) behind an SMS's short link; 404 for a link that names no report, 410 once it expired or the report was erased",
        params: Type.Object({ token: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: { type: "string", format: "binary" }, ...errors(400, 404, 410) },
      },
    },
    async (req, reply) => {
      const report = await publicServiceReport(ctx, req.params.token);
      return reply
        .type("application/pdf")
        .header("cache-control", "private, no-store")
        .header("referrer-policy", "no-referrer")
        .header("x-content-sha256", report.sha256)
        .header("content-disposition", `inline; filename="service-report-${report.number}.pdf"`)
        .send(report.pdf);
    },
  );

  app.get(
    "/api/retention",
    {
      schema: {
        tags,
        operationId: "getRetention",
        summary: "Days personal data is kept per data class, with the defaults",
        response: { 200: Type.Object({ classes: Type.Array(RetentionClass) }), ...errors(401, 403) },
      },
    },
    async (req) => ({ classes: await retentionSettings(ctx, actorOf(req)) }),
  );

  app.put<{ Body: Static<typeof RetentionBody> }>(
    "/api/retention",
    {
      schema: {
        tags,
        operationId: "setRetention",
        summary: "Change the days kept per data class (admin)",
        body: RetentionBody,
        response: { 200: Type.Object({ classes: Type.Array(RetentionClass) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => ({ classes: await setRetention(ctx, actorOf(req), req.body.days) }),
  );

  app.get(
    "/api/retention/dry-run",
    {
      schema: {
        tags,
        operationId: "retentionDryRun",
        summary: "What the next retention run will anonymise, per data class and table (nothing changes)",
        response: { 200: Plan, ...errors(401, 403) },
      },
    },
    (req) => retentionPlan(ctx, actorOf(req)),
  );

  app.post(
    "/api/retention/run",
    {
      schema: {
        tags,
        operationId: "runRetention",
        summary: "Run retention now (admin); the job runner also runs it once a day",
        response: { 200: Plan, ...errors(401, 403) },
      },
    },
    (req) => runRetention(ctx, actorOf(req)),
  );
}
