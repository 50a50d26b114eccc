import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { OTP_TTL_MS, requestOtp } from "../../app/customers/otp.ts";
import { errors } from "../schemas.ts";

const OtpBody = Type.Object(
  {
    phone: Type.String({ minLength: 1, maxLength: 32 }),
    lang: Type.Optional(Type.Union([Type.Literal("zh-CN"), Type.Literal("en")])),
  },
  { additionalProperties: false },
);
const OtpAccepted = Type.Object({ expiresInSeconds: Type.Integer() });

export function customerRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: Static<typeof OtpBody> }>(
    "/api/public/otp",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        operationId: "requestOtp",
        summary: "Send a 6-digit one-time code by SMS to prove a phone number (valid 5 minutes, 5 tries)",
        body: OtpBody,
        response: { 202: OtpAccepted, ...errors(400, 429) },
      },
    },
    async (req, reply) => {
      await requestOtp(ctx, { phone: req.body.phone, ip: req.ip, lang: req.body.lang });
      return reply.code(202).send({ expiresInSeconds: OTP_TTL_MS / 1000 });
    },
  );
}
