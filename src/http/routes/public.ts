import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { publicTicket } from "../../app/queries/tickets.ts";
import { errors, TicketParams } from "../schemas.ts";
import { PublicTicketSchema, Ref } from "../view-schemas.ts";

export function publicRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/health",
    {
      config: { public: true },
      schema: {
        tags: ["health"],
        operationId: "getHealth",
        summary: "Liveness",
        response: { 200: Type.Object({ status: Type.Literal("ok") }) },
      },
    },
    () => ({
      status: "ok",
    }),
  );
  app.get<{ Params: Static<typeof TicketParams> }>(
    "/api/public/tickets/:ticketId",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        operationId: "getPublicTicket",
        summary: "A ticket's public view for the customer's phone",
        params: TicketParams,
        response: { 200: Ref(PublicTicketSchema), ...errors(400, 404) },
      },
    },
    (req) => publicTicket(ctx, req.params.ticketId),
  );
}
