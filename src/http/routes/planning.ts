import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { simulateAppointmentShare } from "../../app/planning/appointment-share.ts";
import { branchDayPlan } from "../../app/planning/day-plan.ts";
import { planErlang } from "../../app/planning/erlang-plan.ts";
import { SHIPPED_SCENARIOS } from "../../app/planning/shipped-scenarios.ts";
import { simulateWhatIf } from "../../app/planning/simulate-what-if.ts";
import { actorOf } from "../auth-plugin.ts";
import { BranchParams, errors, Pattern, PolicySchema } from "../schemas.ts";
import { DayPlanSchema, Ref, WhatIfSchema } from "../view-schemas.ts";

const tags = ["planning"];
const HHMM = Pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$", "时:分，如 09:30（营业结束可写 24:00）");
const DateSchema = Pattern("^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", "日期，如 2026-11-23");
const ScenarioName = Type.Union(SHIPPED_SCENARIOS.map((s) => Type.Literal(s)));

const ErlangBody = Type.Object(
  {
    arrivalsPerHour: Type.Number({ minimum: 0, maximum: 10_000 }),
    ahtMinutes: Type.Number({ exclusiveMinimum: 0, maximum: 480 }),
    counters: Type.Integer({ minimum: 1, maximum: 500 }),
    targetShare: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
    targetMinutes: Type.Number({ minimum: 0, maximum: 480 }),
  },
  { additionalProperties: false },
);
const ErlangResponse = Type.Object({
  probabilityOfWaiting: Type.Number(),
  averageWaitMinutes: Type.Number(),
  serviceLevel: Type.Number(),
  counters: Type.Integer(),
  recommendedCounters: Type.Integer(),
  offeredLoad: Type.Number(),
  utilization: Type.Number(),
});
const PlanQuery = Type.Object(
  { date: Type.Optional(DateSchema), scenario: Type.Optional(ScenarioName) },
  { additionalProperties: false },
);
const SimulateBody = Type.Object(
  {
    countersPerHour: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: 60 }), { minItems: 24, maxItems: 24 }),
    ),
    extraCounters: Type.Optional(
      Type.Object(
        { count: Type.Integer({ minimum: 1, maximum: 30 }), from: HHMM, to: HHMM },
        { additionalProperties: false },
      ),
    ),
    policy: Type.Optional(PolicySchema),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    scenario: Type.Optional(ScenarioName),
    date: Type.Optional(DateSchema),
    /** Start from this real day of the branch instead of today's plan. */
    replayDay: Type.Optional(DateSchema),
  },
  { additionalProperties: false },
);

/** Staffing tools: Erlang C for an interval, a day plan per hour, and the simulator's what-if. */
export function planningRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: Static<typeof ErlangBody> }>(
    "/api/plan/erlang",
    {
      schema: {
        tags,
        operationId: "planErlang",
        summary: "Erlang C for one interval: chance of waiting, average wait, service level, counters needed",
        body: ErlangBody,
        response: { 200: ErlangResponse, ...errors(400, 401, 403) },
      },
    },
    (req) => planErlang(actorOf(req), req.body),
  );
  app.get<{ Params: Static<typeof BranchParams>; Querystring: Static<typeof PlanQuery> }>(
    "/api/branches/:branchId/plan",
    {
      schema: {
        tags,
        summary:
          "Arrivals and recommended counters per hour, from the branch's recent same weekdays or a shipped scenario",
        operationId: "getDayPlan",
        params: BranchParams,
        querystring: PlanQuery,
        response: { 200: Ref(DayPlanSchema), ...errors(400, 401, 403, 404) },
      },
    },
    (req) => branchDayPlan(ctx, actorOf(req), req.params.branchId, req.query),
  );
  app.post<{ Params: Static<typeof BranchParams>; Body: Static<typeof SimulateBody> }>(
    "/api/branches/:branchId/simulate",
    {
      schema: {
        tags,
        summary:
          "Simulate today's plan (or a real day, replayDay) and a what-if (counters per hour, extra counters, policy) side by side",
        operationId: "simulateWhatIf",
        params: BranchParams,
        body: SimulateBody,
        response: { 200: Ref(WhatIfSchema), ...errors(400, 401, 403, 404) },
      },
    },
    (req) => simulateWhatIf(ctx, actorOf(req), req.params.branchId, req.body),
  );

  const WalkIns = Type.Object({
    customers: Type.Integer(),
    meanWaitMinutes: Type.Number(),
    withinTargetShare: Type.Number(),
    walkAways: Type.Integer(),
    overAlarm: Type.Integer(),
  });
  const ShareBody = Type.Object(
    {
      share: Type.Number({ minimum: 0, maximum: 1 }),
      date: Type.Optional(DateSchema),
      scenario: Type.Optional(ScenarioName),
      seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    },
    { additionalProperties: false },
  );
  app.post<{ Params: Static<typeof BranchParams>; Body: Static<typeof ShareBody> }>(
    "/api/branches/:branchId/simulate/appointment-share",
    {
      schema: {
        tags,
        summary: "What keeping a share of counter time for appointments does to walk-in waits (simulated)",
        operationId: "simulateAppointmentShare",
        params: BranchParams,
        body: ShareBody,
        response: {
          200: Type.Object({
            branchId: Type.String(),
            date: Type.String(),
            source: Type.String(),
            scenario: Type.String(),
            share: Type.Number(),
            seed: Type.Integer(),
            targetWaitMinutes: Type.Number(),
            appointmentsPerHour: Type.Array(Type.Integer()),
            baseline: WalkIns,
            withShare: Type.Object({
              ...WalkIns.properties,
              appointments: Type.Object({
                booked: Type.Integer(),
                missed: Type.Integer(),
                onTimeShare: Type.Number(),
              }),
            }),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    (req) => simulateAppointmentShare(ctx, actorOf(req), req.params.branchId, req.body),
  );
}
