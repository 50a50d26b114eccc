import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  leaveCallback,
  MAX_MESSAGE_LENGTH,
  postMessage,
  rateConversation,
  startConversation,
  transcript,
} from "../../app/chat/conversations.ts";
import { identifyInChat } from "../../app/chat/identify.ts";
import type { AppContext } from "../../app/context.ts";
import { sseHeaders } from "../../realtime/sse.ts";
import { runChatStream } from "../chat-streams.ts";
import { errors, Id } from "../schemas.ts";
import { StreamLimits } from "../stream-limits.ts";

const Language = Type.Union([Type.Literal("zh"), Type.Literal("en")]);
const StartBody = Type.Object({ language: Type.Optional(Language) }, { additionalProperties: false });
const ConversationParams = Type.Object({ conversationId: Id });
const MessageBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: MAX_MESSAGE_LENGTH }) },
  { additionalProperties: false },
);
const SuggestionSchema = Type.Object({ articleId: Type.String(), title: Type.String() });
const ChoiceSchema = Type.Object({ value: Type.String(), label: Type.String() });
const ChatTicketSchema = Type.Object({ id: Type.String(), number: Type.String(), url: Type.String() });
export const QueueInfoSchema = Type.Object({
  position: Type.Integer({ minimum: 1 }),
  agentsOnline: Type.Integer({ minimum: 0 }),
  estimatedWaitMinutes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
});
const ReplySchema = Type.Object({
  text: Type.String(),
  articleId: Type.Optional(Type.String()),
  suggestions: Type.Optional(Type.Array(SuggestionSchema)),
  handover: Type.Boolean(),
  queue: Type.Optional(QueueInfoSchema),
  leaveMessage: Type.Optional(Type.Boolean()),
  choices: Type.Optional(Type.Array(ChoiceSchema)),
  ticket: Type.Optional(ChatTicketSchema),
});
const TranscriptSchema = Type.Object({
  conversationId: Type.String(),
  status: Type.Union([Type.Literal("bot"), Type.Literal("waiting"), Type.Literal("active"), Type.Literal("closed")]),
  language: Language,
  messages: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      author: Type.Union([
        Type.Literal("customer"),
        Type.Literal("bot"),
        Type.Literal("agent"),
        Type.Literal("system"),
      ]),
      text: Type.String(),
      at: Type.String({ format: "date-time" }),
      articleId: Type.Optional(Type.String()),
      suggestions: Type.Optional(Type.Array(SuggestionSchema)),
      handover: Type.Optional(Type.Boolean()),
      choices: Type.Optional(Type.Array(ChoiceSchema)),
      ticket: Type.Optional(ChatTicketSchema),
    }),
  ),
  queue: Type.Optional(QueueInfoSchema),
  canRate: Type.Boolean(),
  identified: Type.Optional(Type.Object({ phone: Type.String() })),
});
const IdentifyBody = Type.Object(
  {
    phone: Type.String({ minLength: 3, maxLength: 30 }),
    otp: Type.String({ minLength: 4, maxLength: 8 }),
  },
  { additionalProperties: false },
);
const RatingBody = Type.Object({ score: Type.Integer({ minimum: 1, maximum: 3 }) }, { additionalProperties: false });
const CallbackBody = Type.Object(
  {
    contact: Type.String({ minLength: 1, maxLength: 200 }),
    message: Type.String({ minLength: 1, maxLength: MAX_MESSAGE_LENGTH }),
  },
  { additionalProperties: false },
);
const StreamHeaders = Type.Object({ "last-event-id": Type.Optional(Type.String({ pattern: "^[0-9]{1,9}$" })) });

/** The conversation's token: `Authorization: Bearer <token>`. */
function chatToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith("Bearer ") ? h.slice(7).trim() || undefined : undefined;
}

const TAGS = ["chat"];
const SECURITY = [{ chatToken: [] }];

export function chatRoutes(app: FastifyInstance, ctx: AppContext, limits = new StreamLimits()): void {
  app.post<{ Body: Static<typeof StartBody> }>(
    "/api/public/chat",
    {
      config: { public: true },
      schema: {
        operationId: "startChat",
        tags: TAGS,
        summary: "Open a conversation with the bot; the token in the answer guards it (shown once)",
        security: [],
        body: StartBody,
        response: { 201: Type.Object({ conversationId: Type.String(), token: Type.String() }), ...errors(400) },
      },
    },
    async (req, reply) => reply.status(201).send(await startConversation(ctx, req.body.language)),
  );
  app.post<{ Params: Static<typeof ConversationParams>; Body: Static<typeof MessageBody> }>(
    "/api/public/chat/:conversationId/messages",
    {
      config: { public: true },
      schema: {
        operationId: "sendChatMessage",
        tags: TAGS,
        summary:
          "The customer's message and the bot's reply (both stored first). 401 without the token, 404 with a wrong one",
        security: SECURITY,
        params: ConversationParams,
        body: MessageBody,
        response: { 200: Type.Object({ reply: ReplySchema }), ...errors(400, 401, 404) },
      },
    },
    (req) => postMessage(ctx, req.params.conversationId, chatToken(req), req.body.text),
  );
  app.get<{ Params: Static<typeof ConversationParams> }>(
    "/api/public/chat/:conversationId/messages",
    {
      config: { public: true },
      schema: {
        operationId: "getChatTranscript",
        tags: TAGS,
        summary: "The whole conversation, oldest first (after a reload). 401 without the token, 404 with a wrong one",
        security: SECURITY,
        params: ConversationParams,
        response: { 200: TranscriptSchema, ...errors(400, 401, 404) },
      },
    },
    (req) => transcript(ctx, req.params.conversationId, chatToken(req)),
  );
  app.post<{ Params: Static<typeof ConversationParams>; Body: Static<typeof RatingBody> }>(
    "/api/public/chat/:conversationId/rating",
    {
      config: { public: true },
      schema: {
        operationId: "rateChat",
        tags: TAGS,
        summary: "The customer rates a conversation an agent closed: 3 满意, 2 一般, 1 不满意; once (409 again)",
        security: SECURITY,
        params: ConversationParams,
        body: RatingBody,
        response: { 204: Type.Null(), ...errors(400, 401, 404, 409) },
      },
    },
    async (req, reply) => {
      await rateConversation(ctx, req.params.conversationId, chatToken(req), req.body.score);
      return reply.status(204).send();
    },
  );
  app.post<{ Params: Static<typeof ConversationParams>; Body: Static<typeof CallbackBody> }>(
    "/api/public/chat/:conversationId/callback",
    {
      config: { public: true },
      schema: {
        operationId: "leaveChatCallback",
        tags: TAGS,
        summary:
          "While waiting for an agent (none online): leave a contact and a message; an agent gets back within a day",
        security: SECURITY,
        params: ConversationParams,
        body: CallbackBody,
        response: {
          201: Type.Object({ callbackId: Type.String(), dueAt: Type.String({ format: "date-time" }) }),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await leaveCallback(ctx, req.params.conversationId, chatToken(req), req.body)),
  );
  app.post<{ Params: Static<typeof ConversationParams>; Body: Static<typeof IdentifyBody> }>(
    "/api/public/chat/:conversationId/identify",
    {
      config: { public: true },
      schema: {
        operationId: "identifyInChat",
        tags: TAGS,
        summary:
          "The customer proves their phone with the one-time code sent by POST /api/public/otp; the conversation is linked to their record (masked phone in the answer). 400 otp_invalid with a wrong code",
        security: SECURITY,
        params: ConversationParams,
        body: IdentifyBody,
        response: { 200: Type.Object({ phone: Type.String() }), ...errors(400, 401, 404, 409) },
      },
    },
    (req) => identifyInChat(ctx, req.params.conversationId, chatToken(req), req.body, req.ip),
  );
  app.get<{ Params: Static<typeof ConversationParams>; Headers: Static<typeof StreamHeaders> }>(
    "/api/public/chat/:conversationId/stream",
    {
      config: { public: true },
      schema: {
        operationId: "streamChat",
        tags: TAGS,
        summary:
          "Server-Sent Events of the conversation: each new message (id: its number), with the status and queue; resume with Last-Event-ID",
        security: SECURITY,
        params: ConversationParams,
        headers: StreamHeaders,
        response: {
          200: {
            description: "The conversation's new messages",
            content: { "text/event-stream": { schema: Type.String() } },
          },
          ...errors(400, 401, 404, 429),
        },
      },
    },
    async (req, reply) => {
      const token = chatToken(req);
      const id = req.params.conversationId;
      // Checks the token before the stream opens (401/404 as JSON).
      const first = await transcript(ctx, id, token, Number(req.headers["last-event-id"] ?? 0));
      limits.open(reply.raw, req.ip, null);
      reply.hijack();
      sseHeaders(reply.raw);
      let sent = Number(req.headers["last-event-id"] ?? 0);
      let lastState = "";
      const write = (t: typeof first) => {
        for (const m of t.messages) {
          if (m.seq <= sent) continue;
          sent = m.seq;
          reply.raw.write(`id: ${m.seq}\ndata: ${JSON.stringify({ type: "message", message: m })}\n\n`);
        }
        const state = JSON.stringify({
          status: t.status,
          queue: t.queue ?? null,
          canRate: t.canRate,
          identified: t.identified ?? null,
        });
        if (state !== lastState) {
          lastState = state;
          reply.raw.write(`event: state\ndata: ${JSON.stringify({ type: "state", ...JSON.parse(state) })}\n\n`);
        }
      };
      write(first);
      runChatStream(reply.raw, `c:${id}`, async () => write(await transcript(ctx, id, token, sent)), ctx.revocations);
    },
  );
}
