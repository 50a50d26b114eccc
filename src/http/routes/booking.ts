/**
 * The rest of booking (issue 13): holds while the form is filled in, the waitlist and its offers, "your turn
 * is near" for live tickets, and staff contacts (a customer manager told of an arrival).
 */
import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { holdSlot, releaseHold } from "../../app/appointments/holds.ts";
import type { AppContext } from "../../app/context.ts";
import { errors, Id } from "../schemas.ts";

const HoldId = Type.String({ minLength: 16, maxLength: 64 });
const DateTime = Type.String({ minLength: 10, maxLength: 40 });

export function bookingRoutes(app: FastifyInstance, ctx: AppContext): void {
  const pub = { public: true };
  const tags = ["appointments"];

  const HoldBody = Type.Object({ branchId: Id, serviceId: Id, start: DateTime }, { additionalProperties: false });
  app.post<{ Body: Static<typeof HoldBody> }>(
    "/api/public/holds",
    {
      config: pub,
      schema: {
        tags,
        operationId: "holdSlot",
        summary: "Hold a place in a slot while the booking form is filled in (10 minutes by default)",
        body: HoldBody,
        response: {
          201: Type.Object({
            holdId: Type.String(),
            start: Type.String(),
            end: Type.String(),
            expiresAt: Type.String(),
          }),
          ...errors(400, 404, 409, 429),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await holdSlot(ctx, { ...req.body, ip: req.ip })),
  );

  const HoldParams = Type.Object({ holdId: HoldId });
  app.post<{ Params: Static<typeof HoldParams> }>(
    "/api/public/holds/:holdId/release",
    {
      config: pub,
      schema: {
        tags,
        operationId: "releaseHold",
        summary: "Give a held place back (the customer left the form)",
        params: HoldParams,
        response: { 200: Type.Object({ released: Type.Boolean() }), ...errors(400) },
      },
    },
    (req) => releaseHold(ctx, req.params.holdId),
  );
}
