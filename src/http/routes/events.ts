import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { BRANCH_READERS, requireBranchAccess } from "../../app/access.ts";
import { sessionIdOf } from "../../app/auth/authenticate.ts";
import type { AppContext } from "../../app/context.ts";
import { notFound } from "../../app/errors.ts";
import { publicTicket } from "../../app/queries/tickets.ts";
import type { BranchId } from "../../domain/ids.ts";
import { type Replay, type SseHub, type StreamOwner, sseHeaders } from "../../realtime/sse.ts";
import { latestEventSeq } from "../../store/branches.ts";
import { listEventsAfter } from "../../store/events.ts";
import { actorOf, SESSION_COOKIE } from "../auth-plugin.ts";
import type { PublicTicketStreams } from "../public-ticket-streams.ts";
import { BranchParams, DigitsQuery, errors, TicketParams } from "../schemas.ts";
import { StreamLimits } from "../stream-limits.ts";

/** A Server-Sent Events stream: the connection stays open and each event is a `data:` line of JSON. */
const eventStream = (description: string) => ({
  description,
  content: { "text/event-stream": { schema: Type.String() } },
});

/**
 * A reconnecting client gets at most this many missed events; one that missed more is told to reload the
 * branch's state instead (`stream.reset`), not sent a part of them.
 */
const MAX_REPLAY = 1000;
const EventsQuery = Type.Object({ lastEventId: Type.Optional(DigitsQuery) });
const EventsHeaders = Type.Object({ "last-event-id": Type.Optional(DigitsQuery) });

export function eventRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  hub: SseHub,
  phones: PublicTicketStreams,
  limits = new StreamLimits(),
): void {
  app.get<{
    Params: Static<typeof BranchParams>;
    Querystring: Static<typeof EventsQuery>;
    Headers: Static<typeof EventsHeaders>;
  }>(
    "/api/branches/:branchId/events",
    {
      schema: {
        tags: ["events"],
        operationId: "streamBranchEvents",
        summary: "Server-Sent Events of the branch; resume with Last-Event-ID",
        params: BranchParams,
        querystring: EventsQuery,
        headers: EventsHeaders,
        response: { 200: eventStream("The branch's events, numbered (id:)"), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      requireBranchAccess(actor, req.params.branchId as BranchId, BRANCH_READERS, ["display", "kiosk", "rating_pad"]);
      const latest = await latestEventSeq(ctx.store.db, req.params.branchId);
      if (latest === undefined) throw notFound("Branch", req.params.branchId);
      const header = req.headers["last-event-id"];
      const lastSeq =
        header !== undefined
          ? Number(header)
          : req.query.lastEventId !== undefined
            ? Number(req.query.lastEventId)
            : Number.MAX_SAFE_INTEGER;
      limits.open(reply.raw, req.ip, req.actor);
      reply.hijack();
      sseHeaders(reply.raw);
      // Without a Last-Event-ID a client starts from now (the latest event read above): it loads the current state
      // from /queue. An id past the branch's latest (a database restored from a backup) resumes from the latest,
      // or the stream would stay silent until the numbers caught up with it. Either way the stream then sends
      // every event after that number, none skipped (see sse.ts).
      const since = Math.min(lastSeq, latest);
      // The stream ends when the credential it was opened with is revoked, logged out or deactivated.
      const session = req.cookies[SESSION_COOKIE];
      const owner: StreamOwner =
        actor.type === "device"
          ? { deviceId: actor.id }
          : { userId: actor.id, ...(session ? { sessionId: sessionIdOf(session) } : {}) };
      await hub.attach(
        req.params.branchId,
        reply.raw,
        since,
        async (after): Promise<Replay> => {
          const missed = await listEventsAfter(ctx.store.db, req.params.branchId, after, MAX_REPLAY + 1);
          const reset =
            missed.length > MAX_REPLAY ? await latestEventSeq(ctx.store.db, req.params.branchId) : undefined;
          // Hand out only event numbers a power cut cannot take back (and give to another event).
          await ctx.store.durable();
          return reset === undefined ? missed : { resetTo: reset };
        },
        owner,
      );
    },
  );

  /** The customer's phone: the ticket's public view again whenever something changes in its branch. */
  app.get<{ Params: Static<typeof TicketParams> }>(
    "/api/public/tickets/:ticketId/events",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        operationId: "streamPublicTicket",
        summary: "Live updates of one ticket's public view",
        params: TicketParams,
        response: { 200: eventStream("The ticket's public view again at each change"), ...errors(400, 404, 429) },
      },
    },
    async (req, reply) => {
      const first = await publicTicket(ctx, req.params.ticketId);
      limits.open(reply.raw, req.ip, null);
      reply.hijack();
      sseHeaders(reply.raw);
      phones.attach(reply.raw, first);
    },
  );
}
