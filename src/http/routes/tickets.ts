import { type Static, type TSchema, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Actor } from "../../app/actor.ts";
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
import {
  cancelTicket,
  changePriority,
  redirectTicket,
  requeueTicket,
  transferTicket,
} from "../../app/tickets/triage-actions.ts";
import type { TicketView } from "../../app/views.ts";
import { actorOf } from "../auth-plugin.ts";
import { errors, Id, LongText, Priority, RatingSchema, ShortText, TicketParams } from "../schemas.ts";
import { TicketRef } from "../view-schemas.ts";

/** Actions that take no options; an empty body arrives as {} (see the server's preValidation hook). */
const NoBody = Type.Object({});
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
    note: Type.Optional(Type.String({ maxLength: 500, description: "For the next teller, shown when called" })),
  },
  { additionalProperties: false },
);
const Requeue = Type.Object(
  { position: Type.Union([Type.Literal("first"), Type.Literal("last")], { default: "last" }) },
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

const ticketResponse = { 200: TicketRef, ...errors(400, 401, 403, 404, 409) };

export function ticketRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ["tickets"];
  app.get<{ Params: Static<typeof TicketParams> }>(
    "/api/tickets/:ticketId",
    {
      schema: {
        tags,
        operationId: "getTicket",
        summary: "One ticket (staff of its branch)",
        params: TicketParams,
        response: ticketResponse,
      },
    },
    (req) => getTicket(ctx, actorOf(req), req.params.ticketId),
  );

  /** Every ticket action has one shape: POST /api/tickets/:ticketId/<path>, a body schema, a use case. */
  const action = <B extends TSchema>(
    operationId: string,
    path: string,
    summary: string,
    body: B,
    run: (actor: Actor, ticketId: string, body: Static<B>) => Promise<TicketView>,
  ): void => {
    app.post<{ Params: Static<typeof TicketParams>; Body: Static<B> }>(
      `/api/tickets/:ticketId/${path}`,
      { schema: { tags, operationId, summary, params: TicketParams, body, response: ticketResponse } },
      (req) => run(actorOf(req), req.params.ticketId, req.body),
    );
  };

  action("recallTicket", "recall", "Re-announce a called ticket", NoBody, (a, id) => recallTicket(ctx, a, id));
  action("startService", "start", "Start serving a called ticket", NoBody, (a, id) => startService(ctx, a, id));
  action(
    "markNoShow",
    "no-show",
    "Mark a called ticket no-show (after the branch's number of recalls)",
    NoBody,
    (a, id) => markNoShow(ctx, a, id),
  );
  action("resumeTicket", "resume", "Return a parked ticket to its counter's line", NoBody, (a, id) =>
    resumeTicket(ctx, a, id),
  );
  action("completeService", "complete", "Complete service, with outcome and notes", Complete, (a, id, b) =>
    completeService(ctx, a, id, b),
  );
  action("parkTicket", "park", "Set a ticket aside; the counter becomes free", Reason, (a, id, b) =>
    parkTicket(ctx, a, id, b),
  );
  action("cancelTicket", "cancel", "Cancel a ticket", Reason, (a, id, b) => cancelTicket(ctx, a, id, b));
  action(
    "transferTicket",
    "transfer",
    "Transfer to another business type or counter, first or last in line",
    Transfer,
    (a, id, b) => transferTicket(ctx, a, id, b),
  );
  action("requeueTicket", "requeue", "Put today's no-show back in line (lobby manager)", Requeue, (a, id, b) =>
    requeueTicket(ctx, a, id, b),
  );
  action(
    "redirectTicket",
    "redirect",
    "Send the customer to self-service or a smart teller machine, with the reason",
    Redirect,
    (a, id, b) => redirectTicket(ctx, a, id, b),
  );
  action("changePriority", "priority", "Change a waiting ticket's priority class", PriorityBody, (a, id, b) =>
    changePriority(ctx, a, id, b),
  );
  action("rateTicket", "rating", "Rate a completed ticket (rating pad of its counter)", RatingBody, (a, id, b) =>
    rateTicket(ctx, a, id, b),
  );
}
