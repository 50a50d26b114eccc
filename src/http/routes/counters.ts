import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { BRANCH_READERS, requireBranchAccess } from "../../app/access.ts";
import { type CounterInput, updateCounter } from "../../app/config/counters.ts";
import type { AppContext } from "../../app/context.ts";
import { callNext, callTicket } from "../../app/counters/call-next.ts";
import { loadCounter } from "../../app/counters/counter-access.ts";
import { counterView } from "../../app/counters/counter-view.ts";
import { setCounterState } from "../../app/counters/set-counter-state.ts";
import { signIn, signOut } from "../../app/counters/sign-in.ts";
import { tellerToday } from "../../app/counters/teller-today.ts";
import { forbidden } from "../../app/errors.ts";
import { counterForViewer } from "../../app/redact.ts";
import { viewerIdOf } from "../../app/views.ts";
import { actorOf } from "../auth-plugin.ts";
import { CounterKindSchema, CounterParams, errors, Id, LongText, PolicySchema, ShortText } from "../schemas.ts";
import { CounterSchema, Ref, TicketRef } from "../view-schemas.ts";

const CounterAnswer = Ref(CounterSchema);

export const Skills = Type.Array(
  Type.Object({ serviceId: Id, weight: Type.Number({ minimum: 0, maximum: 100 }) }, { additionalProperties: false }),
  {
    maxItems: 100,
  },
);
export const CounterBody = Type.Object(
  {
    number: Type.Integer({ minimum: 1, maximum: 999 }),
    name: Type.Optional(ShortText),
    kind: CounterKindSchema,
    skills: Skills,
    dispatchPolicy: Type.Optional(Type.Union([PolicySchema, Type.Null()])),
  },
  { additionalProperties: false },
);
const Reason = Type.Object({ reason: Type.Optional(LongText) }, { additionalProperties: false });
const TellerTodaySchema = Type.Object({
  day: Type.String(),
  called: Type.Integer(),
  served: Type.Integer(),
  noShows: Type.Integer(),
  averageServiceMinutes: Type.Union([Type.Number(), Type.Null()], { description: "null before the first served" }),
  ratings: Type.Object({ satisfied: Type.Integer(), neutral: Type.Integer(), dissatisfied: Type.Integer() }),
});

export function counterRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ["counters"];
  app.get<{ Params: Static<typeof CounterParams> }>(
    "/api/counters/:counterId",
    {
      schema: {
        tags,
        operationId: "getCounter",
        summary: "One counter with its current and last ticket",
        params: CounterParams,
        response: { 200: CounterAnswer, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const counter = await loadCounter(ctx.store.db, req.params.counterId);
      requireBranchAccess(actor, counter.branchId, BRANCH_READERS, ["display", "rating_pad"]);
      if (actor.type === "device" && actor.kind === "rating_pad" && actor.counterId !== counter.id) throw forbidden();
      return counterForViewer(actor, await counterView(ctx.store.db, counter, viewerIdOf(actor)));
    },
  );
  app.get<{ Params: Static<typeof CounterParams> }>(
    "/api/counters/:counterId/my-today",
    {
      schema: {
        tags,
        operationId: "getMyCounterDay",
        summary: "The asking teller's own figures today in this counter's branch",
        params: CounterParams,
        response: { 200: TellerTodaySchema, ...errors(401, 403, 404) },
      },
    },
    (req) => tellerToday(ctx, actorOf(req), req.params.counterId),
  );
  app.patch<{ Params: Static<typeof CounterParams>; Body: Partial<CounterInput> }>(
    "/api/counters/:counterId",
    {
      schema: {
        tags,
        operationId: "updateCounter",
        summary: "Change a counter's number, kind, skills or dispatch policy",
        params: CounterParams,
        body: Type.Partial(CounterBody, { minProperties: 1 }),
        response: { 200: CounterAnswer, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => updateCounter(ctx, actorOf(req), req.params.counterId, req.body),
  );
  app.post<{ Params: Static<typeof CounterParams> }>(
    "/api/counters/:counterId/sign-in",
    {
      schema: {
        tags,
        operationId: "signInCounter",
        summary: "A teller takes the counter (opens it when closed)",
        params: CounterParams,
        response: { 200: CounterAnswer, ...errors(401, 403, 404, 409) },
      },
    },
    (req) => signIn(ctx, actorOf(req), req.params.counterId),
  );
  app.post<{ Params: Static<typeof CounterParams> }>(
    "/api/counters/:counterId/sign-out",
    {
      schema: {
        tags,
        operationId: "signOutCounter",
        summary: "The teller leaves the counter",
        params: CounterParams,
        response: { 200: CounterAnswer, ...errors(401, 403, 404, 409) },
      },
    },
    (req) => signOut(ctx, actorOf(req), req.params.counterId),
  );
  app.post<{ Params: Static<typeof CounterParams> }>(
    "/api/counters/:counterId/call-next",
    {
      schema: {
        tags,
        operationId: "callNext",
        summary: "Call the next ticket the dispatch policy picks; 204 when none waits for this counter",
        params: CounterParams,
        response: {
          200: Type.Object({ ticket: TicketRef }),
          204: Type.Null({ description: "Nobody waits for this counter" }),
          ...errors(401, 403, 404, 409),
        },
      },
    },
    async (req, reply) => {
      const ticket = await callNext(ctx, actorOf(req), req.params.counterId);
      if (!ticket) return reply.status(204).send();
      return { ticket };
    },
  );
  const CallBody = Type.Object({ ticketId: Id }, { additionalProperties: false });
  app.post<{ Params: Static<typeof CounterParams>; Body: Static<typeof CallBody> }>(
    "/api/counters/:counterId/call",
    {
      schema: {
        tags,
        operationId: "callTicket",
        summary: "Call one particular waiting ticket",
        params: CounterParams,
        body: CallBody,
        response: { 200: Type.Object({ ticket: TicketRef }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => ({ ticket: await callTicket(ctx, actorOf(req), req.params.counterId, req.body.ticketId) }),
  );
  for (const [path, state, operationId] of [
    ["open", "open", "openCounter"],
    ["pause", "paused", "pauseCounter"],
    ["close", "closed", "closeCounter"],
  ] as const) {
    app.post<{ Params: Static<typeof CounterParams>; Body: Static<typeof Reason> }>(
      `/api/counters/:counterId/${path}`,
      {
        schema: {
          tags,
          operationId,
          summary: `Set the counter ${state}`,
          params: CounterParams,
          body: Reason,
          response: { 200: CounterAnswer, ...errors(400, 401, 403, 404, 409) },
        },
      },
      (req) => setCounterState(ctx, actorOf(req), req.params.counterId, state, req.body.reason),
    );
  }
}
