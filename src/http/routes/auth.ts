import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { authenticateDevice, forgetCredential, revokeCredential, sessionIdOf } from "../../app/auth/authenticate.ts";
import { busy, login, logout } from "../../app/auth/login.ts";
import { hashPool } from "../../app/auth/passwords.ts";
import type { AppContext } from "../../app/context.ts";
import { unauthorized } from "../../app/errors.ts";
import { actorOf, DEVICE_COOKIE, SESSION_COOKIE } from "../auth-plugin.ts";
import { messageLanguage, toErrorResponse } from "../errors.ts";
import { errors } from "../schemas.ts";
import { PairedDeviceSchema, Ref, StaffSchema } from "../view-schemas.ts";

const UserAnswer = Type.Object({ user: Ref(StaffSchema) });
const DeviceAnswer = Type.Object({ device: Ref(PairedDeviceSchema) });

const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const PairBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200 }) },
  { additionalProperties: false },
);

/**
 * The 429 of a sign-in that finds the hashing queue full, serialised once per language. During a login flood
 * this is most answers: sent from the route's onRequest hook, before the body is read, parsed and validated and
 * without the error handler, so that the flood costs the one event loop, which also serves the kiosks, as
 * little as possible per refused request.
 */
const BUSY = {
  en: JSON.stringify(toErrorResponse(busy(), "en").body),
  zh: JSON.stringify(toErrorResponse(busy(), "zh").body),
};

export function authRoutes(app: FastifyInstance, ctx: AppContext, secureCookies: boolean): void {
  const tags = ["auth"];
  // Secure whenever the request came over HTTPS (as the proxy says with X-Forwarded-Proto when trusted), and
  // always with DATANG_SECURE_COOKIES=1.
  const cookie = (req: FastifyRequest) => ({
    httpOnly: true,
    sameSite: "lax" as const,
    secure: secureCookies || req.protocol === "https",
    path: "/",
  });

  app.post<{ Body: Static<typeof LoginBody> }>(
    "/api/auth/login",
    {
      config: { public: true },
      onRequest: (req, reply, done) => {
        if (!hashPool.saturated) return done();
        reply
          .code(429)
          .header("retry-after", "1")
          .type("application/json; charset=utf-8")
          .send(BUSY[messageLanguage(req.headers["accept-language"])]);
      },
      schema: {
        tags,
        operationId: "login",
        summary: "Sign in; sets the session cookie",
        body: LoginBody,
        response: { 200: UserAnswer, ...errors(400, 401, 429) },
      },
    },
    async (req, reply) => {
      const result = await login(ctx, { ...req.body, ip: req.ip });
      reply.setCookie(SESSION_COOKIE, result.sessionToken, { ...cookie(req), expires: new Date(result.expiresAt) });
      const { ip: _ip, ...user } = result.user;
      return { user };
    },
  );
  app.post(
    "/api/auth/logout",
    {
      schema: {
        tags,
        operationId: "logout",
        summary: "Sign out",
        response: { 204: Type.Null({ description: "Signed out" }), ...errors(401) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const token = req.cookies[SESSION_COOKIE];
      if (actor.type === "user" && token) {
        await logout(ctx, actor, token);
        forgetCredential(token);
        await revokeCredential(ctx, { kind: "session", id: sessionIdOf(token) });
      }
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send();
    },
  );
  app.get(
    "/api/auth/me",
    {
      schema: {
        tags,
        operationId: "getMe",
        summary: "Who is signed in (staff) or paired (device)",
        response: { 200: Type.Union([UserAnswer, DeviceAnswer]), ...errors(401) },
      },
    },
    (req) => {
      const { ip: _ip, ...rest } = actorOf(req);
      return rest.type === "user" ? { user: rest } : { device: rest };
    },
  );
  app.post<{ Body: Static<typeof PairBody> }>(
    "/api/devices/pair",
    {
      config: { public: true },
      schema: {
        tags: ["devices"],
        operationId: "pairDevice",
        summary: "Pair this browser as a device: the token becomes an httpOnly cookie",
        body: PairBody,
        response: { 200: DeviceAnswer, ...errors(400, 401) },
      },
    },
    async (req, reply) => {
      const device = await authenticateDevice(ctx, req.body.token, req.ip);
      if (!device) throw unauthorized("This pairing token is unknown or revoked.", "此配对码无效或已被吊销。");
      // A device cookie lasts a year: a kiosk stays paired until the token is revoked.
      reply.setCookie(DEVICE_COOKIE, req.body.token, { ...cookie(req), maxAge: 365 * 24 * 3600 });
      const { ip: _ip, ...rest } = device;
      return { device: rest };
    },
  );
}
