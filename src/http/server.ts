import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import type { AppContext } from "../app/context.ts";
import { createAppContext } from "../app/create-context.ts";
import { LineCache } from "../app/line-cache.ts";
import { EventBus } from "../realtime/event-bus.ts";
import { createPgFanout, type Fanout, noFanout } from "../realtime/fanout.ts";
import { SseHub } from "../realtime/sse.ts";
import { readLiveLine } from "../store/live-tickets.ts";
import type { Store } from "../store/store.ts";
import { DOCS_PREFIX, registerAuth } from "./auth-plugin.ts";
import { frameworkErrors, messageLanguage, registerErrorHandling } from "./errors.ts";
import { PublicTicketStreams } from "./public-ticket-streams.ts";
import { adminRoutes } from "./routes/admin.ts";
import { authRoutes } from "./routes/auth.ts";
import { branchRoutes } from "./routes/branches.ts";
import { chatRoutes } from "./routes/chat.ts";
import { counterRoutes } from "./routes/counters.ts";
import { eventRoutes } from "./routes/events.ts";
import { knowledgeRoutes } from "./routes/knowledge.ts";
import { planningRoutes } from "./routes/planning.ts";
import { publicRoutes } from "./routes/public.ts";
import { ticketRoutes } from "./routes/tickets.ts";
import { ErrorSchema } from "./schemas.ts";

/** Query parameters that carry a credential: a device's pairing token (`/kiosk?pair=…`). */
const SECRET_PARAMS = /([?&](?:pair|token)=)[^&#]*/gi;

/** A request as the log shows it: the pairing token in a device's first address is not written down. */
export function requestForLog(req: FastifyRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: req.url.replace(SECRET_PARAMS, "$1[redacted]"),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** No type coercion: {"serviceId": 42} is a wrong type and gets a 400, not a lookup of "42". */
export const AJV_OPTIONS = { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } };

export interface ServerOptions {
  readonly store: Store;
  readonly clock?: () => number;
  /** Log each request (never credentials: see `requestForLog`); a stream instead of standard output for tests. */
  readonly logger?: boolean | { readonly stream: NodeJS.WritableStream };
  /** Folder of the built web app; served with a fallback to index.html for the app's own routes. */
  readonly webRoot?: string;
  readonly secureCookies?: boolean;
  /** Take the client address from X-Forwarded-For (only behind a trusted reverse proxy). */
  readonly trustProxy?: boolean;
}

export interface Server {
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  readonly hub: SseHub;
  close(): Promise<void>;
}

/** Request bodies above this are refused with 413: nothing Datang accepts is anywhere near it. */
const BODY_LIMIT = 64 * 1024;

export async function buildServer(options: ServerOptions): Promise<Server> {
  const bus = new EventBus();
  const lines = new LineCache(bus, (branchId) => readLiveLine(options.store.db, branchId));
  const hub = new SseHub(bus);
  // After the PostgreSQL listener was lost and is back: caches reload, streams restart from their last id.
  const resync = (): void => {
    lines.invalidateAll();
    hub.dropAll();
  };
  const fanout: Fanout =
    options.store.dialect === "postgres" && "pool" in options.store
      ? await createPgFanout((options.store as Store & { pool: import("pg").Pool }).pool, bus, randomUUID(), resync)
      : noFanout;
  const ctx = createAppContext({ store: options.store, clock: options.clock, bus, fanout, lines });

  const app = Fastify({
    logger: options.logger
      ? {
          level: "info",
          redact: ["req.headers.authorization", "req.headers.cookie"],
          serializers: { req: requestForLog },
          ...(typeof options.logger === "object" ? { stream: options.logger.stream } : {}),
        }
      : false,
    bodyLimit: BODY_LIMIT,
    // Behind a reverse proxy set DATANG_TRUST_PROXY=1; otherwise X-Forwarded-For is the client's own claim.
    trustProxy: options.trustProxy ?? false,
    ajv: AJV_OPTIONS,
    frameworkErrors,
  });
  app.addSchema(ErrorSchema);
  // A POST without a body means "no options": validate it as {} (so `curl -X POST …/open` works, and a
  // missing required field is named instead of "body must be object").
  app.addHook("preValidation", async (req) => {
    if (req.body === undefined && (req.method === "POST" || req.method === "PATCH")) req.body = {};
  });
  registerErrorHandling(app);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "Datang API",
        version: "0.1.0",
        description: "Customer flow for bank branches: tickets, counters, dispatch, live events.",
      },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "datang_session" },
          device: { type: "http", scheme: "bearer" },
          chatToken: {
            type: "http",
            scheme: "bearer",
            description: "A bot conversation's token (POST /api/public/chat)",
          },
        },
      },
      security: [{ session: [] }, { device: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX });
  registerAuth(app, ctx);

  publicRoutes(app, ctx);
  authRoutes(app, ctx, options.secureCookies ?? false);
  branchRoutes(app, ctx);
  counterRoutes(app, ctx);
  ticketRoutes(app, ctx);
  adminRoutes(app, ctx);
  const phones = new PublicTicketStreams(ctx);
  eventRoutes(app, ctx, hub, phones);
  planningRoutes(app, ctx);
  knowledgeRoutes(app, ctx);
  chatRoutes(app, ctx);
  app.get("/api/openapi.json", { config: { public: true }, schema: { hide: true } }, () => app.swagger());

  const webRoot = options.webRoot ? resolve(options.webRoot) : undefined;
  const hasWeb = webRoot !== undefined && existsSync(join(webRoot, "index.html"));
  if (hasWeb) await app.register(fastifyStatic, { root: webRoot, prefix: "/", wildcard: false, index: ["index.html"] });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    if (hasWeb && req.method === "GET" && !path.startsWith("/api/") && !path.includes(".")) {
      return reply.type("text/html; charset=utf-8").sendFile("index.html");
    }
    const zh = messageLanguage(req.headers["accept-language"]) === "zh";
    const message = zh ? `没有此接口：${req.method} ${path}。` : `No route ${req.method} ${path}.`;
    return reply.status(404).send({ error: "not_found", message });
  });

  return {
    app,
    ctx,
    hub,
    async close() {
      hub.close();
      phones.close();
      ctx.lines.close();
      await app.close();
      await fanout.close();
    },
  };
}
