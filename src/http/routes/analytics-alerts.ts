import { type Static, type TSchema, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  acknowledgeAlert,
  createAlertRule,
  deleteAlertRule,
  listAlertRules,
  listAlerts,
  updateAlertRule,
} from "../../app/analytics/alerts.ts";
import {
  createReportSubscription,
  deleteReportSubscription,
  listReportSubscriptions,
  REPORT_REFUSALS,
  sendReportNow,
  updateReportSubscription,
} from "../../app/analytics/reports.ts";
import type { AppContext } from "../../app/context.ts";
import { ALERT_COMPARISONS, ALERT_METRICS } from "../../domain/analytics/alerts.ts";
import { REPORT_PERIODS } from "../../domain/analytics/report-period.ts";
import { actorOf } from "../auth-plugin.ts";
import { errors, Id, Pattern } from "../schemas.ts";

const tags = ["analytics"];
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Metric = literals(ALERT_METRICS);
const Comparison = literals(ALERT_COMPARISONS);
const Period = literals(REPORT_PERIODS);
const Lang = literals(["zh-CN", "en"] as const);
const TimeOfDay = Pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$", "时间，如 07:30");
const Email = Pattern("^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$", "电子邮件地址，如 name@bank.cn", { maxLength: 254 });
const NullableId = Type.Union([Id, Type.Null()]);
const Stamp = Type.String();

const RuleBody = Type.Object(
  {
    metric: Metric,
    windowMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    comparison: Comparison,
    threshold: Type.Number({ minimum: 0, maximum: 100000 }),
    serviceId: Type.Optional(NullableId),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const RulePatch = Type.Partial(RuleBody, { additionalProperties: false });
const RuleSchema = Type.Object({
  id: Type.String(),
  branchId: Type.String(),
  metric: Metric,
  windowMinutes: Type.Integer(),
  comparison: Comparison,
  threshold: Type.Number(),
  serviceId: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  firing: Type.Boolean(),
  currentValue: Type.Union([Type.Number(), Type.Null()]),
  updatedAt: Stamp,
});
const AlertSchema = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  branchId: Type.String(),
  metric: Metric,
  windowMinutes: Type.Integer(),
  comparison: Comparison,
  threshold: Type.Number(),
  serviceId: Type.Union([Type.String(), Type.Null()]),
  value: Type.Number(),
  firedAt: Stamp,
  clearedAt: Type.Union([Stamp, Type.Null()]),
  acknowledgedAt: Type.Union([Stamp, Type.Null()]),
});
const SubscriptionBody = Type.Object(
  {
    branchId: NullableId,
    period: Period,
    recipients: Type.Array(Email, { minItems: 1, maxItems: 20 }),
    timeOfDay: TimeOfDay,
    lang: Type.Optional(Lang),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const SubscriptionPatch = Type.Partial(
  Type.Object({
    period: Period,
    recipients: Type.Array(Email, { minItems: 1, maxItems: 20 }),
    timeOfDay: TimeOfDay,
    lang: Lang,
    active: Type.Boolean(),
  }),
  { additionalProperties: false },
);
const SubscriptionSchema = Type.Object({
  id: Type.String(),
  branchId: Type.Union([Type.String(), Type.Null()]),
  period: Period,
  recipients: Type.Array(Type.String()),
  timeOfDay: Type.String(),
  timeZone: Type.String(),
  lang: Lang,
  active: Type.Boolean(),
  nextRunAt: Stamp,
  lastPeriod: Type.Union([Type.String(), Type.Null()]),
  lastSentAt: Type.Union([Stamp, Type.Null()]),
  lastRunAt: Type.Union([Stamp, Type.Null()]),
  lastOutcome: Type.Union([Type.Literal("sent"), Type.Literal("refused"), Type.Null()]),
  lastReason: Type.Union([literals(REPORT_REFUSALS), Type.Null()]),
});
const SentSchema = Type.Object({ subscriptionId: Type.String(), period: Type.String(), messages: Type.Integer() });
const BranchParams = Type.Object({ branchId: Id });
const RuleParams = Type.Object({ ruleId: Id });
const AlertParams = Type.Object({ alertId: Id });
const SubscriptionParams = Type.Object({ subscriptionId: Id });

type Req<P extends TSchema, B extends TSchema> = FastifyRequest<{ Params: Static<P>; Body: Static<B> }>;

/**
 * The PATCH (200 with the changed record) and DELETE (204) of one record at one path: the alert rules and the
 * report subscriptions are changed and removed the same way.
 */
function editRoutes<P extends TSchema, B extends TSchema>(
  app: FastifyInstance,
  spec: {
    readonly path: string;
    readonly params: P;
    readonly body: B;
    readonly response: TSchema;
    readonly update: { operationId: string; summary: string; run: (req: Req<P, B>) => Promise<unknown> };
    readonly remove: { operationId: string; summary: string; run: (req: Req<P, B>) => Promise<void> };
  },
): void {
  const { path, params, body, response, update, remove } = spec;
  app.patch<{ Params: Static<P>; Body: Static<B> }>(
    path,
    {
      schema: {
        tags,
        operationId: update.operationId,
        summary: update.summary,
        params,
        body,
        response: { 200: response, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => update.run(req),
  );
  app.delete<{ Params: Static<P>; Body: Static<B> }>(
    path,
    {
      schema: {
        tags,
        operationId: remove.operationId,
        summary: remove.summary,
        params,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await remove.run(req);
      return reply.code(204).send();
    },
  );
}

/** Threshold alert rules and their alerts, and scheduled report subscriptions (issue 15). */
export function analyticsAlertRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/analytics/alert-rules",
    {
      schema: {
        tags,
        operationId: "listAlertRules",
        summary: "The branch's threshold alert rules with their figure now (branch managers, admins)",
        params: BranchParams,
        response: { 200: Type.Array(RuleSchema), ...errors(400, 401, 403, 404) },
      },
    },
    (req) => listAlertRules(ctx, actorOf(req), req.params.branchId),
  );
  app.post<{ Params: Static<typeof BranchParams>; Body: Static<typeof RuleBody> }>(
    "/api/branches/:branchId/analytics/alert-rules",
    {
      schema: {
        tags,
        operationId: "createAlertRule",
        summary: "Add a threshold alert rule, e.g. mean wait of the last 15 minutes above 20 minutes",
        params: BranchParams,
        body: RuleBody,
        response: { 201: RuleSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.code(201).send(await createAlertRule(ctx, actorOf(req), req.params.branchId, req.body)),
  );
  editRoutes(app, {
    path: "/api/analytics/alert-rules/:ruleId",
    params: RuleParams,
    body: RulePatch,
    response: RuleSchema,
    update: {
      operationId: "updateAlertRule",
      summary: "Change a threshold alert rule; it is armed again",
      run: (req) => updateAlertRule(ctx, actorOf(req), req.params.ruleId, req.body),
    },
    remove: {
      operationId: "deleteAlertRule",
      summary: "Remove a threshold alert rule",
      run: (req) => deleteAlertRule(ctx, actorOf(req), req.params.ruleId),
    },
  });
  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/analytics/alerts",
    {
      schema: {
        tags,
        operationId: "listAnalyticsAlerts",
        summary: "The branch's open threshold alerts, then those of the last 24 hours",
        params: BranchParams,
        response: { 200: Type.Array(AlertSchema), ...errors(400, 401, 403, 404) },
      },
    },
    (req) => listAlerts(ctx, actorOf(req), req.params.branchId),
  );
  app.post<{ Params: Static<typeof AlertParams> }>(
    "/api/analytics/alerts/:alertId/acknowledge",
    {
      schema: {
        tags,
        operationId: "acknowledgeAnalyticsAlert",
        summary: "Mark an alert as seen; it stays open until its breach clears",
        params: AlertParams,
        response: { 200: AlertSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => acknowledgeAlert(ctx, actorOf(req), req.params.alertId),
  );
  app.get(
    "/api/analytics/report-subscriptions",
    {
      schema: {
        tags,
        operationId: "listReportSubscriptions",
        summary:
          "Scheduled report subscriptions: admins every one, branch managers those of their branches, head office its own",
        response: { 200: Type.Array(SubscriptionSchema), ...errors(401, 403) },
      },
    },
    (req) => listReportSubscriptions(ctx, actorOf(req)),
  );
  app.post<{ Body: Static<typeof SubscriptionBody> }>(
    "/api/analytics/report-subscriptions",
    {
      schema: {
        tags,
        operationId: "createReportSubscription",
        summary: "Subscribe to a daily, weekly or monthly report (XLSX and PDF by e-mail); branchId null: every branch",
        body: SubscriptionBody,
        response: { 201: SubscriptionSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.code(201).send(await createReportSubscription(ctx, actorOf(req), req.body)),
  );
  editRoutes(app, {
    path: "/api/analytics/report-subscriptions/:subscriptionId",
    params: SubscriptionParams,
    body: SubscriptionPatch,
    response: SubscriptionSchema,
    update: {
      operationId: "updateReportSubscription",
      summary: "Change a report subscription's period, recipients, time or language",
      run: (req) => updateReportSubscription(ctx, actorOf(req), req.params.subscriptionId, req.body),
    },
    remove: {
      operationId: "deleteReportSubscription",
      summary: "End a report subscription",
      run: (req) => deleteReportSubscription(ctx, actorOf(req), req.params.subscriptionId),
    },
  });
  app.post<{ Params: Static<typeof SubscriptionParams> }>(
    "/api/analytics/report-subscriptions/:subscriptionId/send",
    {
      schema: {
        tags,
        operationId: "sendReportNow",
        summary:
          "Send the last ended period's report to the subscription's recipients now (409 if its owner may no longer have it)",
        params: SubscriptionParams,
        response: { 202: SentSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.code(202).send(await sendReportNow(ctx, actorOf(req), req.params.subscriptionId)),
  );
}
