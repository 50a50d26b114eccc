import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { answerSurvey, publicSurvey } from "../../app/surveys/surveys.ts";
import { errors, RatingSchema } from "../schemas.ts";

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

export function surveyRoutes(app: FastifyInstance, ctx: AppContext): void {
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
