import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { sessionIdOf } from "../../app/auth/authenticate.ts";
import {
  agentBoard,
  agentConversation,
  agentReply,
  closeConversation,
  configureAgent,
  listAgents,
  MAX_AGENT_MESSAGE,
  PRESENCES,
  setPresence,
  transferConversation,
} from "../../app/chat/agents.ts";
import { completeCallback, deleteCanned, listCallbacks, listCanned, saveCanned } from "../../app/chat/desk.ts";
import { chatFigures } from "../../app/chat/figures.ts";
import { chatCustomer } from "../../app/chat/identify.ts";
import type { AppContext } from "../../app/context.ts";
import { sseHeaders } from "../../realtime/sse.ts";
import { actorOf, SESSION_COOKIE } from "../auth-plugin.ts";
import { runChatStream } from "../chat-streams.ts";
import { errors, Id } from "../schemas.ts";
import { StreamLimits } from "../stream-limits.ts";

const TAGS = ["chat-desk"];
const PresenceSchema = Type.Union(PRESENCES.map((p) => Type.Literal(p)));
const Profile = Type.Object({
  userId: Type.String(),
  presence: PresenceSchema,
  skills: Type.Array(Type.String()),
  senior: Type.Boolean(),
  maxChats: Type.Integer(),
});
const Skill = Type.String({ minLength: 1, maxLength: 40, pattern: "^[a-z0-9_-]+$" });
const ConversationParams = Type.Object({ conversationId: Id });
const Iso = Type.String({ format: "date-time" });
const NullableIso = Type.Union([Iso, Type.Null()]);
const Suggestion = Type.Object({ articleId: Type.String(), title: Type.String() });
const Board = Type.Object({
  me: Type.Object({ ...Profile.properties, activeChats: Type.Integer() }),
  conversations: Type.Array(
    Type.Object({
      id: Type.String(),
      status: Type.String(),
      skill: Type.String(),
      vip: Type.Boolean(),
      language: Type.String(),
      lastSeq: Type.Integer(),
      handoverAt: NullableIso,
      assignedAt: NullableIso,
      lastMessage: Type.Union([Type.String(), Type.Null()]),
      lastAuthor: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  waiting: Type.Object({ total: Type.Integer(), bySkill: Type.Record(Type.String(), Type.Integer()) }),
  openCallbacks: Type.Integer(),
});
const Conversation = Type.Object({
  id: Type.String(),
  status: Type.String(),
  skill: Type.String(),
  vip: Type.Boolean(),
  language: Type.String(),
  agentId: Type.Union([Type.String(), Type.Null()]),
  handoverAt: NullableIso,
  identified: Type.Boolean(),
  botTried: Type.Array(Suggestion),
  messages: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      author: Type.Union(["customer", "bot", "agent", "system"].map((a) => Type.Literal(a))),
      text: Type.String(),
      at: Iso,
      internal: Type.Boolean(),
      articleId: Type.Optional(Type.String()),
      suggestions: Type.Optional(Type.Array(Suggestion)),
    }),
  ),
});
const Canned = Type.Object({
  id: Type.String(),
  title: Type.String(),
  textZh: Type.String(),
  textEn: Type.String(),
  updatedAt: Iso,
});
const CannedBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 100 }),
    textZh: Type.String({ minLength: 1, maxLength: 2000 }),
    textEn: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const Callback = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  contact: Type.String(),
  message: Type.String(),
  skill: Type.String(),
  status: Type.Union([Type.Literal("open"), Type.Literal("done")]),
  dueAt: Iso,
  createdAt: Iso,
  overdue: Type.Boolean(),
  doneAt: NullableIso,
  doneBy: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.String(), Type.Null()]),
});
const Seconds = Type.Union([Type.Number(), Type.Null()]);
const Share = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);
const Figures = Type.Object({
  from: Type.String(),
  to: Type.String(),
  conversations: Type.Integer(),
  containment: Share,
  handoverRate: Share,
  meanQueueWaitSeconds: Seconds,
  meanFirstResponseSeconds: Seconds,
  meanHandlingSeconds: Seconds,
  callbacks: Type.Integer(),
  agents: Type.Array(
    Type.Object({
      agentId: Type.String(),
      name: Type.String(),
      handled: Type.Integer(),
      meanHandlingSeconds: Seconds,
      meanFirstResponseSeconds: Seconds,
      rated: Type.Integer(),
      satisfiedShare: Share,
      meanRating: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});
const Day = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" });

/** The agents' workstation: presence, the board, replies, transfers, closing; canned answers, callbacks, figures. */
export function chatDeskRoutes(app: FastifyInstance, ctx: AppContext, limits = new StreamLimits()): void {
  app.get(
    "/api/chat/me",
    {
      schema: {
        operationId: "getAgentBoard",
        tags: TAGS,
        summary: "The agent's workstation: profile and presence, open chats, the queue by skill, open callbacks",
        response: { 200: Board, ...errors(401, 403) },
      },
    },
    (req) => agentBoard(ctx, actorOf(req)),
  );
  const PresenceBody = Type.Object(
    { presence: PresenceSchema, maxChats: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })) },
    { additionalProperties: false },
  );
  app.put<{ Body: Static<typeof PresenceBody> }>(
    "/api/chat/me/presence",
    {
      schema: {
        operationId: "setAgentPresence",
        tags: TAGS,
        summary:
          "Online (takes chats), away (keeps them, takes no new ones) or offline (open chats go back to the queue)",
        body: PresenceBody,
        response: { 200: Profile, ...errors(400, 401, 403) },
      },
    },
    (req) => setPresence(ctx, actorOf(req), req.body),
  );
  app.get(
    "/api/chat/agents",
    {
      schema: {
        operationId: "listChatAgents",
        tags: TAGS,
        summary: "Every agent with presence, skills and load (to transfer to one, or to configure them)",
        response: {
          200: Type.Object({
            agents: Type.Array(
              Type.Object({ ...Profile.properties, displayName: Type.String(), activeChats: Type.Integer() }),
            ),
          }),
          ...errors(401, 403),
        },
      },
    },
    (req) => listAgents(ctx, actorOf(req)),
  );
  const AgentParams = Type.Object({ userId: Id });
  const ConfigureBody = Type.Object(
    {
      skills: Type.Optional(Type.Array(Skill, { minItems: 1, maxItems: 30 })),
      senior: Type.Optional(Type.Boolean()),
      maxChats: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    },
    { additionalProperties: false },
  );
  app.patch<{ Params: Static<typeof AgentParams>; Body: Static<typeof ConfigureBody> }>(
    "/api/chat/agents/:userId",
    {
      schema: {
        operationId: "configureChatAgent",
        tags: TAGS,
        summary: "Admin: an agent's skills, seniority (VIP customers) and maximum of concurrent chats",
        params: AgentParams,
        body: ConfigureBody,
        response: { 200: Profile, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => configureAgent(ctx, actorOf(req), req.params.userId, req.body),
  );
  app.get<{ Params: Static<typeof ConversationParams> }>(
    "/api/chat/conversations/:conversationId",
    {
      schema: {
        operationId: "getAgentConversation",
        tags: TAGS,
        summary: "The whole conversation for its agent (or an admin): messages, staff notes, what the bot tried",
        params: ConversationParams,
        response: { 200: Conversation, ...errors(401, 403, 404) },
      },
    },
    (req) => agentConversation(ctx, actorOf(req), req.params.conversationId),
  );
  const ChatCustomer = Type.Object({
    customer: Type.Union([
      Type.Object({
        id: Type.String(),
        code: Type.String(),
        name: Type.String(),
        phone: Type.String(),
        segments: Type.Array(Type.String()),
        vipTier: Type.Union([Type.String(), Type.Null()]),
        identifiedAt: Iso,
      }),
      Type.Null(),
    ]),
    visits: Type.Array(
      Type.Object({
        ticketId: Type.String(),
        number: Type.String(),
        day: Type.String(),
        serviceNameZh: Type.String(),
        serviceNameEn: Type.String(),
        status: Type.String(),
        outcome: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
  });
  app.get<{ Params: Static<typeof ConversationParams> }>(
    "/api/chat/conversations/:conversationId/customer",
    {
      schema: {
        operationId: "getChatCustomer",
        tags: TAGS,
        summary:
          "The customer identified in the chat (phone + code), masked, with their last visits, for the conversation's agent (or an admin); each look is recorded as a profile view",
        params: ConversationParams,
        response: { 200: ChatCustomer, ...errors(401, 403, 404) },
      },
    },
    (req) => chatCustomer(ctx, actorOf(req), req.params.conversationId),
  );
  const ReplyBody = Type.Object(
    { text: Type.String({ minLength: 1, maxLength: MAX_AGENT_MESSAGE }) },
    { additionalProperties: false },
  );
  app.post<{ Params: Static<typeof ConversationParams>; Body: Static<typeof ReplyBody> }>(
    "/api/chat/conversations/:conversationId/messages",
    {
      schema: {
        operationId: "replyToChat",
        tags: TAGS,
        summary: "The assigned agent writes to the customer (403 for anyone else, 409 when it is not with an agent)",
        params: ConversationParams,
        body: ReplyBody,
        response: { 201: Type.Object({ seq: Type.Integer() }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await agentReply(ctx, actorOf(req), req.params.conversationId, req.body.text)),
  );
  const TransferBody = Type.Object(
    {
      skill: Type.Optional(Skill),
      agentId: Type.Optional(Id),
      note: Type.String({ minLength: 1, maxLength: 1000 }),
    },
    { additionalProperties: false },
  );
  app.post<{ Params: Static<typeof ConversationParams>; Body: Static<typeof TransferBody> }>(
    "/api/chat/conversations/:conversationId/transfer",
    {
      schema: {
        operationId: "transferChat",
        tags: TAGS,
        summary:
          "Pass the conversation to a skill's queue (keeping its place) or to an online agent with room, with a note for staff",
        params: ConversationParams,
        body: TransferBody,
        response: {
          200: Type.Object({ status: Type.String(), agentId: Type.Union([Type.String(), Type.Null()]) }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    (req) => transferConversation(ctx, actorOf(req), req.params.conversationId, req.body),
  );
  app.post<{ Params: Static<typeof ConversationParams> }>(
    "/api/chat/conversations/:conversationId/close",
    {
      schema: {
        operationId: "closeChat",
        tags: TAGS,
        summary: "The assigned agent ends the conversation; the customer is asked to rate it",
        params: ConversationParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await closeConversation(ctx, actorOf(req), req.params.conversationId);
      return reply.status(204).send();
    },
  );
  app.get(
    "/api/chat/stream",
    {
      schema: {
        operationId: "streamAgentBoard",
        tags: TAGS,
        summary: "Server-Sent Events: the agent's board again whenever it changes (new chat, message, queue)",
        response: {
          200: { description: "The board at each change", content: { "text/event-stream": { schema: Type.String() } } },
          ...errors(401, 403, 429),
        },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      let last = JSON.stringify(await agentBoard(ctx, actor));
      limits.open(reply.raw, req.ip, actor);
      reply.hijack();
      sseHeaders(reply.raw);
      reply.raw.write(`event: board\ndata: ${last}\n\n`);
      const session = req.cookies[SESSION_COOKIE];
      runChatStream(
        reply.raw,
        "board",
        async () => {
          const next = JSON.stringify(await agentBoard(ctx, actor));
          if (next === last) return;
          last = next;
          reply.raw.write(`event: board\ndata: ${next}\n\n`);
        },
        ctx.revocations,
        actor.type === "user"
          ? { userId: actor.id, ...(session ? { sessionId: sessionIdOf(session) } : {}) }
          : undefined,
      );
    },
  );
  app.get(
    "/api/chat/canned",
    {
      schema: {
        operationId: "listCannedAnswers",
        tags: TAGS,
        summary: "Canned answers for agents",
        response: { 200: Type.Object({ answers: Type.Array(Canned) }), ...errors(401, 403) },
      },
    },
    (req) => listCanned(ctx, actorOf(req)),
  );
  app.post<{ Body: Static<typeof CannedBody> }>(
    "/api/chat/canned",
    {
      schema: {
        operationId: "createCannedAnswer",
        tags: TAGS,
        summary: "Admin: a new canned answer (Chinese required, English optional)",
        body: CannedBody,
        response: { 201: Canned, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => reply.status(201).send(await saveCanned(ctx, actorOf(req), null, req.body)),
  );
  const CannedParams = Type.Object({ cannedId: Id });
  app.put<{ Params: Static<typeof CannedParams>; Body: Static<typeof CannedBody> }>(
    "/api/chat/canned/:cannedId",
    {
      schema: {
        operationId: "updateCannedAnswer",
        tags: TAGS,
        summary: "Admin: change a canned answer",
        params: CannedParams,
        body: CannedBody,
        response: { 200: Canned, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => saveCanned(ctx, actorOf(req), req.params.cannedId, req.body),
  );
  app.delete<{ Params: Static<typeof CannedParams> }>(
    "/api/chat/canned/:cannedId",
    {
      schema: {
        operationId: "deleteCannedAnswer",
        tags: TAGS,
        summary: "Admin: remove a canned answer",
        params: CannedParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await deleteCanned(ctx, actorOf(req), req.params.cannedId);
      return reply.status(204).send();
    },
  );
  const CallbackQuery = Type.Object({
    status: Type.Optional(Type.Union([Type.Literal("open"), Type.Literal("done")])),
  });
  app.get<{ Querystring: Static<typeof CallbackQuery> }>(
    "/api/chat/callbacks",
    {
      schema: {
        operationId: "listChatCallbacks",
        tags: TAGS,
        summary: "Callback tasks left when no agent was online, the earliest due first (overdue marked)",
        querystring: CallbackQuery,
        response: { 200: Type.Object({ callbacks: Type.Array(Callback) }), ...errors(400, 401, 403) },
      },
    },
    (req) => listCallbacks(ctx, actorOf(req), req.query.status),
  );
  const CallbackParams = Type.Object({ callbackId: Id });
  const DoneBody = Type.Object(
    { outcome: Type.String({ minLength: 1, maxLength: 1000 }) },
    { additionalProperties: false },
  );
  app.post<{ Params: Static<typeof CallbackParams>; Body: Static<typeof DoneBody> }>(
    "/api/chat/callbacks/:callbackId/done",
    {
      schema: {
        operationId: "completeChatCallback",
        tags: TAGS,
        summary: "An agent called or wrote back: what came of it (409 when already done)",
        params: CallbackParams,
        body: DoneBody,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await completeCallback(ctx, actorOf(req), req.params.callbackId, req.body.outcome);
      return reply.status(204).send();
    },
  );
  const FiguresQuery = Type.Object({ from: Day, to: Day });
  app.get<{ Querystring: Static<typeof FiguresQuery> }>(
    "/api/chat/figures",
    {
      schema: {
        operationId: "getChatFigures",
        tags: TAGS,
        summary:
          "Containment, hand-over rate, queue wait, first response, handling time, satisfaction per agent (an agent sees only their own line)",
        querystring: FiguresQuery,
        response: { 200: Figures, ...errors(400, 401, 403) },
      },
    },
    (req) => chatFigures(ctx, actorOf(req), req.query.from, req.query.to),
  );
}
