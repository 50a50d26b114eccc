import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Actor } from "../app/actor.ts";
import { authenticateDevice, authenticateSession } from "../app/auth/authenticate.ts";
import type { AppContext } from "../app/context.ts";
import { unauthorized } from "../app/errors.ts";
import { checkSameOrigin, originOf } from "./same-origin.ts";

export const SESSION_COOKIE = "datang_session";
export const DEVICE_COOKIE = "datang_device";
/** The API docs page (and its assets) is public, like the OpenAPI document it shows. */
export const DOCS_PREFIX = "/api/docs";

declare module "fastify" {
  interface FastifyRequest {
    /** Who is calling; resolved before the handler, null only on public routes. */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Public routes need no credentials (health, login, the customer's live ticket). */
    public?: boolean;
  }
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith("Bearer ") ? h.slice(7).trim() : undefined;
}

/** Resolves the caller from the session cookie, a device bearer token or the device cookie; 401 when a non-public route has none. */
export function registerAuth(app: FastifyInstance, ctx: AppContext, publicUrl?: string): void {
  const publicOrigin = originOf(publicUrl);
  app.decorateRequest("actor", null);
  // onRequest, before the body is parsed or validated: a caller without credentials learns nothing but 401.
  app.addHook("onRequest", async (req) => {
    const session = req.cookies[SESSION_COOKIE];
    const bearerToken = bearer(req);
    const deviceToken = bearerToken ?? req.cookies[DEVICE_COOKIE];
    let actor: Actor | null = null;
    if (session) actor = await authenticateSession(ctx, session, req.ip);
    if (!actor && deviceToken) actor = await authenticateDevice(ctx, deviceToken, req.ip);
    req.actor = actor;
    // A credential the browser attached by itself (a cookie) may be another site's doing: see same-origin.ts.
    const byCookie = actor !== null && (actor.type === "user" || bearerToken === undefined);
    if (byCookie) checkSameOrigin(req, publicOrigin);
    // Only API routes are guarded: the web app's files are public, and an unknown path answers 404.
    const url = req.routeOptions.url;
    const guarded = url?.startsWith("/api/") && !url.startsWith(DOCS_PREFIX) && !req.routeOptions.config.public;
    if (!actor && guarded) throw unauthorized();
  });
}

/** The actor of a non-public route (the onRequest hook guarantees one). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw unauthorized();
  return req.actor;
}
