import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { summaryCsv, summaryXlsx } from "../../app/analytics/export.ts";
import { branchLeague } from "../../app/analytics/league.ts";
import { planAgainstActual } from "../../app/analytics/plan-vs-actual.ts";
import { staffEvaluation } from "../../app/analytics/staff-evaluation.ts";
import { analyticsSummary, GROUP_BYS } from "../../app/analytics/summary.ts";
import type { AppContext } from "../../app/context.ts";
import { GLOSSARY } from "../../domain/analytics/figures.ts";
import { actorOf } from "../auth-plugin.ts";
import { errors, Id, Pattern } from "../schemas.ts";

const tags = ["analytics"];
const Day = Pattern("^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", "日期，如 2026-11-23");
const SummaryQuery = Type.Object(
  {
    branchId: Type.Optional(Id),
    from: Day,
    to: Day,
    groupBy: Type.Union(GROUP_BYS.map((g) => Type.Literal(g))),
  },
  { additionalProperties: false },
);
const Share = Type.Union([Type.Number(), Type.Null()]);
const FiguresSchema = {
  arrived: Type.Integer(),
  served: Type.Integer(),
  noShows: Type.Integer(),
  walkAways: Type.Integer(),
  redirected: Type.Integer(),
  called: Type.Integer(),
  meanWaitMinutes: Share,
  medianWaitMinutes: Share,
  p90WaitMinutes: Share,
  maxWaitMinutes: Share,
  withinTargetShare: Share,
  aboveAlarm: Type.Integer(),
  meanServiceMinutes: Share,
  noShowShare: Share,
  walkAwayShare: Share,
  rated: Type.Integer(),
  satisfiedShare: Share,
  csat: Share,
  counterOpenHours: Share,
  utilisation: Share,
  idleMinutes: Share,
  pausedMinutes: Share,
  npsResponses: Type.Integer(),
  nps: Share,
  complaints: Type.Integer(),
  complaintsPer1000Visits: Share,
  reviews: Type.Integer(),
  meanReviewWaitMinutes: Share,
  meanReviewMinutes: Share,
  appointmentsBooked: Type.Integer(),
  appointmentsCancelled: Type.Integer(),
  appointmentNoShows: Type.Integer(),
  appointmentsCheckedIn: Type.Integer(),
  appointmentsOnTime: Type.Integer(),
  appointmentOnTimeShare: Share,
  meanLeadTimeHours: Share,
};
const SummaryResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  groupBy: Type.String(),
  branchIds: Type.Array(Type.String()),
  ownFiguresOnly: Type.Boolean(),
  rows: Type.Array(
    Type.Object({
      key: Type.Union([Type.String(), Type.Number()]),
      nameZh: Type.Union([Type.String(), Type.Null()]),
      nameEn: Type.Union([Type.String(), Type.Null()]),
      ...FiguresSchema,
    }),
  ),
  total: Type.Object(FiguresSchema),
});
const GlossaryResponse = Type.Object({
  figures: Type.Array(Type.Object({ key: Type.String(), zh: Type.String(), en: Type.String() })),
});

type Query = { Querystring: Static<typeof SummaryQuery> };

const RangeQuery = Type.Object({ from: Day, to: Day }, { additionalProperties: false });
const Num = Type.Union([Type.Number(), Type.Null()]);
const LeagueResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  replications: Type.Integer(),
  rows: Type.Array(
    Type.Object({
      rank: Type.Union([Type.Integer(), Type.Null()]),
      branchId: Type.String(),
      code: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      called: Type.Integer(),
      arrivedPerDay: Type.Number(),
      actualMeanWaitMinutes: Num,
      expectedMeanWaitMinutes: Num,
      excessWaitMinutes: Num,
      waitRatio: Num,
      actualWithinTargetShare: Num,
      expectedWithinTargetShare: Num,
      withinTargetGap: Num,
      staffing: Type.Union([Type.Literal("recorded"), Type.Literal("all_counters")]),
      expectedNoShowShare: Num,
      patienceMinutes: Num,
      actualWalkAwayShare: Num,
      expectedWalkAwayShare: Num,
    }),
  ),
});
const StaffQuery = Type.Object({ branchId: Type.Optional(Id), from: Day, to: Day }, { additionalProperties: false });
const StaffResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  branchIds: Type.Array(Type.String()),
  ownFiguresOnly: Type.Boolean(),
  rows: Type.Array(
    Type.Object({
      username: Type.String(),
      displayName: Type.Union([Type.String(), Type.Null()]),
      served: Type.Integer(),
      meanServiceMinutes: Num,
      rated: Type.Integer(),
      satisfiedShare: Num,
      csat: Num,
      complaints: Type.Integer(),
      complaintsPerThousand: Num,
      called: Type.Integer(),
      withinTargetShare: Num,
    }),
  ),
});

const PlanActualQuery = Type.Object({ day: Type.Optional(Day) }, { additionalProperties: false });
const PlanActualResponse = Type.Object({
  branchId: Type.String(),
  day: Type.String(),
  planSource: Type.Union([Type.Literal("history"), Type.Literal("scenario")]),
  recommendedCounterHours: Type.Number(),
  actualCounterHours: Type.Number(),
  hours: Type.Array(
    Type.Object({
      hour: Type.Integer(),
      expectedArrivals: Type.Number(),
      recommendedCounters: Type.Integer(),
      actualCounters: Type.Number(),
      arrived: Type.Integer(),
      meanWaitMinutes: Share,
      withinTargetShare: Share,
    }),
  ),
});

/** Figures over any range of days, grouped by one dimension, from the stored tallies; as JSON, CSV or XLSX. */
export function analyticsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const summaryOf = (req: { query: Static<typeof SummaryQuery> } & Parameters<typeof actorOf>[0]) =>
    analyticsSummary(ctx, actorOf(req), req.query);
  app.get<Query>(
    "/api/analytics/summary",
    {
      schema: {
        tags,
        operationId: "getAnalyticsSummary",
        summary: "Waits, service times, no-shows, walk-aways and satisfaction over days, grouped by one dimension",
        querystring: SummaryQuery,
        response: { 200: SummaryResponse, ...errors(400, 401, 403) },
      },
    },
    (req) => summaryOf(req),
  );
  app.get<Query>(
    "/api/analytics/summary.csv",
    {
      schema: {
        tags,
        operationId: "getAnalyticsSummaryCsv",
        summary: "The same summary as CSV (UTF-8 with a byte-order mark)",
        querystring: SummaryQuery,
        response: { 200: { type: "string" }, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const summary = await summaryOf(req);
      return reply
        .type("text/csv; charset=utf-8")
        .header(
          "content-disposition",
          `attachment; filename="datang-${summary.groupBy}-${summary.from}-${summary.to}.csv"`,
        )
        .send(summaryCsv(summary));
    },
  );
  app.get<Query>(
    "/api/analytics/summary.xlsx",
    {
      schema: {
        tags,
        operationId: "getAnalyticsSummaryXlsx",
        summary: "The same summary as an Excel workbook, with a glossary sheet",
        querystring: SummaryQuery,
        response: { 200: { type: "string", format: "binary" }, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const summary = await summaryOf(req);
      return reply
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .header(
          "content-disposition",
          `attachment; filename="datang-${summary.groupBy}-${summary.from}-${summary.to}.xlsx"`,
        )
        .send(await summaryXlsx(summary));
    },
  );
  app.get<{ Params: { branchId: string }; Querystring: Static<typeof PlanActualQuery> }>(
    "/api/branches/:branchId/analytics/plan-vs-actual",
    {
      schema: {
        tags,
        operationId: "getPlanAgainstActual",
        summary: "Per hour of a day: the planner's recommended counters beside the counters actually open",
        params: Type.Object({ branchId: Id }),
        querystring: PlanActualQuery,
        response: { 200: PlanActualResponse, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => planAgainstActual(ctx, actorOf(req), req.params.branchId, req.query.day),
  );
  app.get<{ Querystring: Static<typeof RangeQuery> }>(
    "/api/analytics/league",
    {
      schema: {
        tags,
        operationId: "getBranchLeague",
        summary:
          "Branch league table: each branch's actual waits against the simulator's for its own mix and staffing, ranked",
        querystring: RangeQuery,
        response: { 200: LeagueResponse, ...errors(400, 401, 403) },
      },
    },
    (req) => branchLeague(ctx, actorOf(req), req.query),
  );
  app.get<{ Querystring: Static<typeof StaffQuery> }>(
    "/api/analytics/staff",
    {
      schema: {
        tags,
        operationId: "getStaffEvaluation",
        summary:
          "Per teller: served, service time, satisfaction, complaints and calls within target (a teller: himself only)",
        querystring: StaffQuery,
        response: { 200: StaffResponse, ...errors(400, 401, 403) },
      },
    },
    (req) => staffEvaluation(ctx, actorOf(req), req.query),
  );
  app.get(
    "/api/analytics/glossary",
    {
      schema: {
        tags,
        operationId: "getAnalyticsGlossary",
        summary: "What each figure means, in Chinese and English",
        response: { 200: GlossaryResponse, ...errors(401) },
      },
    },
    () => ({ figures: GLOSSARY.map((g) => ({ key: g.key, zh: g.zh, en: g.en })) }),
  );
}
