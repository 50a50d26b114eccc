import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { feedbackSettings, updateFeedbackSettings } from "../../app/surveys/settings.ts";
import { answerSurvey, publicSurvey } from "../../app/surveys/surveys.ts";
import { actorOf } from "../auth-plugin.ts";
import { BranchParams, errors, RatingSchema } from "../schemas.ts";

const SurveyParams = Type.Object({
  token: Type.String({ minLength: 20, maxLength: 100, pattern: "^[A-Za-z0-9_-]+$" }),
});
const PublicSurvey = Type.Object({
  number: Type.String(),
  branchNameZh: Type.String(),
  branchNameEn: Type.String(),
  serviceNameZh: Type.String(),
  serviceNameEn: Type.String(),
  servedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  csat: Type.Union([RatingSchema, Type.Null()]),
  csatFromPad: Type.Boolean(),
  answered: Type.Boolean(),
});
const AnswerBody = Type.Object(
  {
    csat: Type.Optional(RatingSchema),
    nps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
const Answered = Type.Object({ answered: Type.Literal(true), complaintOpened: Type.Boolean() });

const Settings = Type.Object({
  branchId: Type.String(),
  survey: Type.Object({
    enabled: Type.Boolean(),
    intervalDays: Type.Integer(),
    defaultIntervalDays: Type.Integer(),
    channel: Type.Union([Type.Literal("preferred"), Type.Literal("sms")]),
  }),
  review: Type.Object({ targetMinutes: Type.Integer(), alarmMinutes: Type.Integer(), central: Type.Boolean() }),
  staff: Type.Object({
    lang: Type.Union([Type.Literal("zh-CN"), Type.Literal("en"), Type.Null()], {
      description: "The language of staff notices in the branch (members of staff may set their own); null: Chinese",
    }),
  }),
});
const SettingsBody = Type.Object(
  {
    survey: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(Type.Boolean()),
          intervalDays: Type.Optional(
            Type.Union([Type.Integer({ minimum: 0, maximum: 365 }), Type.Null()], {
              description: "null: the instance's default",
            }),
          ),
          channel: Type.Optional(Type.Union([Type.Literal("preferred"), Type.Literal("sms")])),
        },
        { additionalProperties: false },
      ),
    ),
    review: Type.Optional(
      Type.Object(
        {
          targetMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
          alarmMinutes: Type.Optional(Type.Integer({ minimum: 2, maximum: 2880 })),
          central: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    staff: Type.Optional(
      Type.Object(
        { lang: Type.Union([Type.Literal("zh-CN"), Type.Literal("en"), Type.Null()]) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function surveyRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/feedback-settings",
    {
      schema: {
        tags: ["branches"],
        operationId: "getFeedbackSettings",
        summary:
          "The branch's survey (on/off, days between, channel) and review settings (target, alarm, central queue)",
        params: BranchParams,
        response: { 200: Settings, ...errors(401, 403, 404) },
      },
    },
    (req) => feedbackSettings(ctx, actorOf(req), req.params.branchId),
  );
  app.put<{ Params: Static<typeof BranchParams>; Body: Static<typeof SettingsBody> }>(
    "/api/branches/:branchId/feedback-settings",
    {
      schema: {
        tags: ["branches"],
        operationId: "updateFeedbackSettings",
        summary: "Change the branch's survey and review settings (admin, branch manager; audited)",
        params: BranchParams,
        body: SettingsBody,
        response: { 200: Settings, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => updateFeedbackSettings(ctx, actorOf(req), req.params.branchId, req.body),
  );

  const tags = ["public"];
  app.get<{ Params: Static<typeof SurveyParams> }>(
    "/api/public/surveys/:token",
    {
      config: { public: true },
      schema: {
        tags,
        operationId: "getSurvey",
        summary: "The satisfaction survey of a visit, by the link sent after service",
        params: SurveyParams,
        response: { 200: PublicSurvey, ...errors(400, 404) },
      },
    },
    (req) => publicSurvey(ctx, req.params.token),
  );
  app.post<{ Params: Static<typeof SurveyParams>; Body: Static<typeof AnswerBody> }>(
    "/api/public/surveys/:token",
    {
      config: { public: true },
      schema: {
        tags,
        operationId: "answerSurvey",
        summary: "Answer the survey once: CSAT, NPS 0–10, free text (不满意 or NPS ≤ 6 opens a complaint)",
        params: SurveyParams,
        body: AnswerBody,
        response: { 200: Answered, ...errors(400, 404, 409) },
      },
    },
    (req) => answerSurvey(ctx, req.params.token, req.body),
  );
}
