import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { publicTicket } from "../../app/queries/tickets.ts";
import { type ErrorBody, faultResponse, messageLanguage } from "../errors.ts";
import { errors, TicketParams } from "../schemas.ts";
import { PublicTicketSchema, Ref } from "../view-schemas.ts";

const Ok = Type.Object({ status: Type.Literal("ok") });

export function publicRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Readiness: send traffic here only when this answers 200. 503 names the fault (the database is unreachable,
  // the disk is full or read-only) and clears by itself when the fault does.
  app.get<{ Reply: Static<typeof Ok> | ErrorBody }>(
    "/api/health",
    {
      config: { public: true },
      schema: {
        tags: ["health"],
        summary: "Readiness: 200 when the instance can serve, 503 naming the fault when it cannot",
        operationId: "getReadiness",
        response: { 200: Ok, ...errors(503) },
      },
    },
    async (req, reply) => {
      const fault = await ctx.store.health();
      if (!fault) return { status: "ok" as const };
      const { status, body, retryAfter } = faultResponse(fault, messageLanguage(req.headers["accept-language"]));
      return reply.code(status).header("retry-after", String(retryAfter)).send(body);
    },
  );
  // Liveness: the process runs and answers; a database outage does not make restarting it useful.
  app.get(
    "/api/health/live",
    {
      config: { public: true },
      schema: {
        tags: ["health"],
        summary: "Liveness: always 200 while the process runs",
        operationId: "getLiveness",
        response: { 200: Ok },
      },
    },
    () => ({ status: "ok" as const }),
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
