import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { getTicket } from "../../app/queries/tickets.ts";
import { rateTicket } from "../../app/tickets/rate-ticket.ts";
import {
  completeService,
  markNoShow,
  parkTicket,
  recallTicket,
  resumeTicket,
  startService,
} from "../../app/tickets/serve-actions.ts";
import { cancelTicket, changePriority, redirectTicket, transferTicket } from "../../app/tickets/triage-actions.ts";
import { actorOf } from "../auth-plugin.ts";
import { errors, Id, LongText, Priority, RatingSchema, ShortText, TicketParams, TicketSchema } from "../schemas.ts";

const Reason = Type.Object({ reason: Type.Optional(LongText) }, { additionalProperties: false });
const Complete = Type.Object(
  { outcome: Type.Optional(ShortText), notes: Type.Optional(LongText) },
  { additionalProperties: false },
);
const Transfer = Type.Object(
  {
    serviceId: Type.Optional(Id),
    counterId: Type.Optional(Id),
    position: Type.Union([Type.Literal("first"), Type.Literal("last")], { default: "last" }),
  },
  { additionalProperties: false },
);
const Redirect = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    target: Type.Union([Type.Literal("self_service"), Type.Literal("vtm"), Type.Literal("other")], {
      default: "self_service",
    }),
  },
  { additionalProperties: false },
);
const PriorityBody = Type.Object({ priority: Priority }, { additionalProperties: false });
const RatingBody = Type.Object(
  { rating: RatingSchema, comment: Type.Optional(LongText) },
  { additionalProperties: false },
);

const ticketResponse = { 200: TicketSchema, ...errors(400, 401, 403, 404, 409) };

export function ticketRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ["tickets"];
  app.get<{ Params: Static<typeof TicketParams> }>(
    "/api/tickets/:ticketId",
    { schema: { tags, summary: "One ticket (staff of its branch)", params: TicketParams, response: ticketResponse } },
    (req) => getTicket(ctx, actorOf(req), req.params.ticketId),
  );

  // Actions without a body share one shape.
  const simple = {
    recall: [recallTicket, "Re-announce a called ticket"],
    start: [startService, "Start serving a called ticket"],
    "no-show": [markNoShow, "Mark a called ticket no-show (after the branch's number of recalls)"],
    resume: [resumeTicket, "Return a parked ticket to its counter's line"],
  } as const;
  for (const [path, [useCase, summary]] of Object.entries(simple)) {
    app.post<{ Params: Static<typeof TicketParams> }>(
      `/api/tickets/:ticketId/${path}`,
      { schema: { tags, summary, params: TicketParams, response: ticketResponse } },
      (req) => useCase(ctx, actorOf(req), req.params.ticketId),
    );
  }

  app.post<{ Params: Static<typeof TicketParams>; Body: Static<typeof Complete> }>(
    "/api/tickets/:ticketId/complete",
    {
      schema: {
        tags,
        summary: "Complete service, with outcome and notes",
        params: TicketParams,
        body: Type.Optional(Complete),
        response: ticketResponse,
      },
    },
    (req) => completeService(ctx, actorOf(req), req.params.ticketId, req.body ?? {}),
  );
  app.post<{ Params: Static<typeof TicketParams>; Body: Static<typeof Reason> }>(
    "/api/tickets/:ticketId/park",
    {
      schema: {
        tags,
        summary: "Set a ticket aside; the counter becomes free",
        params: TicketParams,
        body: Type.Optional(Reason),
        response: ticketResponse,
      },
    },
    (req) => parkTicket(ctx, actorOf(req), req.params.ticketId, req.body ?? {}),
  );
  app.post<{ Params: Static<typeof TicketParams>; Body: Static<typeof Reason> }>(
    "/api/tickets/:ticketId/cancel",
    {
      schema: {
        tags,
        summary: "Cancel a ticket",
        params: TicketParams,
        body: Type.Optional(Reason),
        response: ticketResponse,
      },
    },
    (req) => cancelTicket(ctx, actorOf(req), req.params.ticketId, req.body ?? {}),
  );
  app.post<{ Params: Static<typeof TicketParams>; Body: Static<typeof Transfer> }>(
    "/api/tickets/:ticketId/transfer",
    {
      schema: {
        tags,
        summary: "Transfer to another business type or counter, first or last in line",
        params: TicketParams,
        body: Transfer,
        response: ticketResponse,
      },
    },
    (req) => transferTicket(ctx, actorOf(req), req.params.ticketId, req.body),
  );
  app.post<{ Params: Static<typeof TicketParams>; Body: Static<typeof Redirect> }>(
    "/api/tickets/:ticketId/redirect",
    {
      schema: {
        tags,
        summary: "Send the customer to self-service or a smart teller machine, with the reason",
        params: TicketParams,
        body: Redirect,
        response: ticketResponse,
      },
    },
    (req) => redirectTicket(ctx, actorOf(req), req.params.ticketId, req.body),
  );
  app.post<{ Params: Static<typeof TicketParams>; Body: Static<typeof PriorityBody> }>(
    "/api/tickets/:ticketId/priority",
    {
      schema: {
        tags,
        summary: "Change a waiting ticket's priority class",
        params: TicketParams,
        body: PriorityBody,
        response: ticketResponse,
      },
    },
    (req) => changePriority(ctx, actorOf(req), req.params.ticketId, req.body),
  );
  app.post<{ Params: Static<typeof TicketParams>; Body: Static<typeof RatingBody> }>(
    "/api/tickets/:ticketId/rating",
    {
      schema: {
        tags,
        summary: "Rate a completed ticket (rating pad of its counter)",
        params: TicketParams,
        body: RatingBody,
        response: ticketResponse,
      },
    },
    (req) => rateTicket(ctx, actorOf(req), req.params.ticketId, req.body),
  );
}
