import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { forgetAllCredentials } from "../app/auth/authenticate.ts";
import type { AppContext } from "../app/context.ts";
import { createAppContext } from "../app/create-context.ts";
import { LineCache } from "../app/line-cache.ts";
import { EventBus } from "../realtime/event-bus.ts";
import { createPgFanout, type Fanout, noFanout } from "../realtime/fanout.ts";
import { Revocations } from "../realtime/revocations.ts";
import { SseHub } from "../realtime/sse.ts";
import { listEventsAfter } from "../store/events.ts";
import { readLiveLine } from "../store/live-tickets.ts";
import type { Store } from "../store/store.ts";
import { DOCS_PREFIX, registerAuth } from "./auth-plugin.ts";
import { frameworkErrors, messageLanguage, registerErrorHandling, stderrErrorLog } from "./errors.ts";
import { DEFAULT_REQUESTS_PER_TURN, registerFairTurns } from "./fair-turns.ts";
import { createLazyCompilers } from "./lazy-compilers.ts";
import { toOpenApi31 } from "./openapi-31.ts";
import { PublicTicketStreams } from "./public-ticket-streams.ts";
import { adminRoutes } from "./routes/admin.ts";
import { analyticsRoutes } from "./routes/analytics.ts";
import { analyticsAlertRoutes } from "./routes/analytics-alerts.ts";
import { appointmentRoutes } from "./routes/appointments.ts";
import { authRoutes } from "./routes/auth.ts";
import { bookingRoutes } from "./routes/booking.ts";
import { branchRoutes } from "./routes/branches.ts";
import { chatRoutes } from "./routes/chat.ts";
import { chatDeskRoutes } from "./routes/chat-desk.ts";
import { closureRoutes } from "./routes/closures.ts";
import { complaintRoutes } from "./routes/complaints.ts";
import { counterRoutes } from "./routes/counters.ts";
import { customerRoutes } from "./routes/customers.ts";
import { deviceRoutes } from "./routes/devices.ts";
import { displayRoutes } from "./routes/display.ts";
import { eventRoutes } from "./routes/events.ts";
import { followupRoutes } from "./routes/followups.ts";
import { knowledgeRoutes } from "./routes/knowledge.ts";
import { messageRoutes } from "./routes/messages.ts";
import { planningRoutes } from "./routes/planning.ts";
import { publicRoutes } from "./routes/public.ts";
import { reviewRoutes } from "./routes/reviews.ts";
import { surveyRoutes } from "./routes/surveys.ts";
import { ticketRoutes } from "./routes/tickets.ts";
import { ErrorSchema } from "./schemas.ts";
import { registerSecurityHeaders } from "./security-headers.ts";
import { StreamLimits } from "./stream-limits.ts";
import { VIEW_SCHEMAS } from "./view-schemas.ts";

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
  /** DATANG_PUBLIC_URL: the address users reach the app at; its origin is accepted as the app's own. */
  readonly publicUrl?: string;
  /** Requests started per turn of the event loop (DATANG_REQUESTS_PER_TURN; 0: no limit). See fair-turns.ts. */
  readonly requestsPerTurn?: number;
  /** Open event streams per credential and per address (DATANG_STREAMS_PER_*; defaults 8 and 200). */
  readonly streamLimits?: { readonly perCredential: number; readonly perAddress: number };
}

export interface Server {
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  readonly hub: SseHub;
  /** Every route registered, as `METHOD /url` with whether the OpenAPI document hides it (the contract test reads it). */
  readonly routes: ReadonlyArray<{ readonly method: string; readonly url: string; readonly hidden: boolean }>;
  /** Compiles the response serialisers no route has needed yet (they are built lazily); returns how many. */
  /** Compiles every route schema not yet compiled (they are compiled on first use; see lazy-compilers.ts). */
  compileAllSchemas(): { validators: number; serializers: number };
  close(): Promise<void>;
}

/** Request bodies above this are refused with 413: nothing Datang accepts is anywhere near it. */
const BODY_LIMIT = 64 * 1024;

export async function buildServer(options: ServerOptions): Promise<Server> {
  const bus = new EventBus();
  const lines = new LineCache(bus, (branchId) => readLiveLine(options.store.db, branchId));
  const hub = new SseHub(bus);
  // A revoked credential (here or, through NOTIFY, on another instance): cached credentials go, its streams end.
  const revocations = new Revocations();
  revocations.subscribe((revocation) => {
    forgetAllCredentials();
    hub.endRevoked(revocation);
  });
  // After the PostgreSQL listener was lost and is back: caches reload, and what the other instances wrote
  // meanwhile is read from the database and sent before anything newer.
  const resync = (): void => {
    lines.invalidateAll();
    bus.catchUp();
  };
  const postgres = options.store.dialect === "postgres" && "pool" in options.store;
  // Several instances: an event whose predecessors' notices are late or lost is never delivered past them; they are
  // read from the database first.
  if (postgres)
    bus.enableRecovery({
      fill: (branchId, afterSeq, limit) => listEventsAfter(options.store.db, branchId, afterSeq, limit),
      lost: (branchId) => hub.dropBranch(branchId),
    });
  const fanout: Fanout = postgres
    ? await createPgFanout(
        (options.store as Store & { pool: import("pg").Pool }).pool,
        bus,
        randomUUID(),
        resync,
        revocations,
      )
    : noFanout;
  const ctx = createAppContext({ store: options.store, clock: options.clock, bus, fanout, lines, revocations });

  const compilers = createLazyCompilers();
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
    // Validators and serialisers are compiled on each route's first use (see lazy-compilers.ts), not at start.
    schemaController: {
      compilersFactory: {
        buildValidator: compilers.buildValidator as never,
        buildSerializer: compilers.buildSerializer as never,
      },
    },
    frameworkErrors,
  });
  // Every body Datang takes is JSON: a text/plain one is refused with 415 before any route runs (not read as a string).
  app.removeContentTypeParser("text/plain");
  const routes: Array<{ method: string; url: string; hidden: boolean }> = [];
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, hidden: route.schema?.hide === true });
    }
  });
  app.addSchema(ErrorSchema);
  for (const schema of VIEW_SCHEMAS) app.addSchema(schema);
  registerFairTurns(app, options.requestsPerTurn ?? DEFAULT_REQUESTS_PER_TURN);
  registerSecurityHeaders(app);
  // A POST without a body means "no options": validate it as {} (so `curl -X POST …/open` works, and a
  // missing required field is named instead of "body must be object").
  app.addHook("preValidation", (req, _reply, done) => {
    if (req.body === undefined && (req.method === "POST" || req.method === "PATCH")) req.body = {};
    done();
  });
  // Without the request log, server-side failures still reach standard error.
  registerErrorHandling(app, options.logger ? undefined : stderrErrorLog());
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    // 3.1: its schemas are JSON Schema 2020-12, which is what TypeBox writes (numeric exclusiveMinimum…).
    transformObject: (doc) => ("openapiObject" in doc ? toOpenApi31(doc.openapiObject) : doc.swaggerObject),
    // Named schemas keep their names in the document (components.schemas.Ticket), so generated types do too.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === "string" ? json.$id : `def-${i}`),
    },
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Datang API",
        version: "0.1.0",
        description: "Customer flow for bank branches: tickets, counters, dispatch, live events.",
        license: { name: "UNLICENSED", identifier: "UNLICENSED" },
      },
      // Same origin as the page or client that reads the document.
      servers: [{ url: "/" }],
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
  registerAuth(app, ctx, options.publicUrl);

  publicRoutes(app, ctx);
  authRoutes(app, ctx, options.secureCookies ?? false);
  branchRoutes(app, ctx);
  counterRoutes(app, ctx);
  ticketRoutes(app, ctx);
  adminRoutes(app, ctx);
  deviceRoutes(app, ctx);
  displayRoutes(app, ctx);
  const phones = new PublicTicketStreams(ctx);
  const streamLimits = new StreamLimits(options.streamLimits?.perCredential, options.streamLimits?.perAddress);
  eventRoutes(app, ctx, hub, phones, streamLimits);
  planningRoutes(app, ctx);
  analyticsRoutes(app, ctx);
  analyticsAlertRoutes(app, ctx);
  customerRoutes(app, ctx);
  messageRoutes(app, ctx);
  appointmentRoutes(app, ctx);
  bookingRoutes(app, ctx);
  knowledgeRoutes(app, ctx);
  chatRoutes(app, ctx, streamLimits);
  chatDeskRoutes(app, ctx, streamLimits);
  reviewRoutes(app, ctx);
  complaintRoutes(app, ctx);
  surveyRoutes(app, ctx);
  followupRoutes(app, ctx);
  closureRoutes(app, ctx);
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
    routes,
    compileAllSchemas: () => compilers.compileAll(),
    async close() {
      hub.close();
      phones.close();
      ctx.lines.close();
      await app.close();
      await fanout.close();
    },
  };
}
