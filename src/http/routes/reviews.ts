import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { approveReview, listReviews, rejectReview, takeNextReview } from "../../app/reviews/reviews.ts";
import { actorOf } from "../auth-plugin.ts";
import { BranchParams, errors, Id, Priority } from "../schemas.ts";
import { TicketRef } from "../view-schemas.ts";

const ReviewParams = Type.Object({ reviewId: Id });
const NullableTime = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);
const ReviewItem = Type.Object({
  id: Type.String(),
  ticketId: Type.String(),
  branchId: Type.String(),
  number: Type.String(),
  serviceId: Type.String(),
  serviceNameZh: Type.String(),
  serviceNameEn: Type.String(),
  priority: Priority,
  counterNumber: Type.Union([Type.Integer(), Type.Null()]),
  tellerId: Type.String(),
  tellerName: Type.String(),
  round: Type.Integer(),
  status: Type.Union([Type.Literal("pending"), Type.Literal("taken")]),
  takenBy: Type.Union([Type.String(), Type.Null()]),
  submittedAt: Type.String({ format: "date-time" }),
  waitedMinutes: Type.Integer(),
  pastTarget: Type.Boolean(),
  pastAlarm: Type.Boolean(),
  outcome: Type.Union([Type.String(), Type.Null()]),
  notes: Type.Union([Type.String(), Type.Null()]),
  earlierRejections: Type.Array(Type.String()),
  mayDecide: Type.Boolean({ description: "False when the asking user served the ticket (four eyes)" }),
  record: Type.Object(
    {
      issuedAt: Type.String({ format: "date-time" }),
      calledAt: NullableTime,
      startedAt: NullableTime,
      completedAt: NullableTime,
      needs: Type.Union([Type.String(), Type.Null()]),
      products: Type.Array(Type.String()),
      recordOutcome: Type.Union([Type.String(), Type.Null()]),
    },
    { description: "The ticket's times and the teller's service record (free text masked but for who served it)" },
  ),
  form: Type.Object(
    {
      appointmentId: Type.Union([Type.String(), Type.Null()]),
      answers: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
      fields: Type.Array(
        Type.Object({
          key: Type.String(),
          type: Type.String(),
          labelZh: Type.String(),
          labelEn: Type.String(),
          required: Type.Boolean(),
          helpZh: Type.Optional(Type.String()),
          helpEn: Type.Optional(Type.String()),
          options: Type.Optional(Type.Array(Type.String())),
        }),
      ),
      withheld: Type.Boolean({
        description: "True for a queue reader who does not review (lobby manager): the answers are left out",
      }),
    },
    { description: "The booking form's answers: phone and ID numbers in them masked for reviewers" },
  ),
});
const ReviewList = Type.Object({ items: Type.Array(ReviewItem) });
const ApproveBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
const RejectBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, pattern: "\\S" }) },
  { additionalProperties: false },
);
const NoBody = Type.Object({});

export function reviewRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ["reviews"];
  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/reviews",
    {
      schema: {
        tags,
        operationId: "listBranchReviews",
        summary: "The branch's back-office review queue, in the order a reviewer takes it",
        params: BranchParams,
        response: { 200: ReviewList, ...errors(401, 403) },
      },
    },
    async (req) => ({ items: await listReviews(ctx, actorOf(req), req.params.branchId) }),
  );
  app.get(
    "/api/reviews",
    {
      schema: {
        tags,
        operationId: "listReviews",
        summary: "The central review queue: every branch of the reviewer (all for admin)",
        response: { 200: ReviewList, ...errors(401, 403) },
      },
    },
    async (req) => ({ items: await listReviews(ctx, actorOf(req)) }),
  );
  app.post<{ Params: Static<typeof BranchParams>; Body: Static<typeof NoBody> }>(
    "/api/branches/:branchId/reviews/next",
    {
      schema: {
        tags,
        operationId: "takeNextBranchReview",
        summary: "Take the next review of the branch's queue (204 when none is left for you)",
        params: BranchParams,
        body: NoBody,
        response: { 200: ReviewItem, 204: Type.Null(), ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      const item = await takeNextReview(ctx, actorOf(req), req.params.branchId);
      return item ?? reply.code(204).send();
    },
  );
  app.post<{ Body: Static<typeof NoBody> }>(
    "/api/reviews/next",
    {
      schema: {
        tags,
        operationId: "takeNextReview",
        summary: "Take the next review of the central queue (204 when none is left for you)",
        body: NoBody,
        response: { 200: ReviewItem, 204: Type.Null(), ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      const item = await takeNextReview(ctx, actorOf(req));
      return item ?? reply.code(204).send();
    },
  );
  app.post<{ Params: Static<typeof ReviewParams>; Body: Static<typeof ApproveBody> }>(
    "/api/reviews/:reviewId/approve",
    {
      schema: {
        tags,
        operationId: "approveReview",
        summary: "Approve: the ticket is done (403 for whoever served it)",
        params: ReviewParams,
        body: ApproveBody,
        response: { 200: TicketRef, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => approveReview(ctx, actorOf(req), req.params.reviewId, req.body),
  );
  app.post<{ Params: Static<typeof ReviewParams>; Body: Static<typeof RejectBody> }>(
    "/api/reviews/:reviewId/reject",
    {
      schema: {
        tags,
        operationId: "rejectReview",
        summary: "Reject with a reason: the ticket goes back to its counter (403 for whoever served it)",
        params: ReviewParams,
        body: RejectBody,
        response: { 200: TicketRef, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => rejectReview(ctx, actorOf(req), req.params.reviewId, req.body),
  );
}
