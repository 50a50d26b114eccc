import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { MAX_MESSAGE_LENGTH, postMessage, startConversation, transcript } from "../../app/chat/conversations.ts";
import type { AppContext } from "../../app/context.ts";
import { errors, Id } from "../schemas.ts";

const Language = Type.Union([Type.Literal("zh"), Type.Literal("en")]);
const StartBody = Type.Object({ language: Type.Optional(Language) }, { additionalProperties: false });
const ConversationParams = Type.Object({ conversationId: Id });
const MessageBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: MAX_MESSAGE_LENGTH }) },
  { additionalProperties: false },
);
const SuggestionSchema = Type.Object({ articleId: Type.String(), title: Type.String() });
const ReplySchema = Type.Object({
  text: Type.String(),
  articleId: Type.Optional(Type.String()),
  suggestions: Type.Optional(Type.Array(SuggestionSchema)),
  handover: Type.Boolean(),
});
const TranscriptSchema = Type.Object({
  conversationId: Type.String(),
  status: Type.Union([Type.Literal("bot"), Type.Literal("waiting"), Type.Literal("closed")]),
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
    }),
  ),
});

/** The conversation's token: `Authorization: Bearer <token>`. */
function chatToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith("Bearer ") ? h.slice(7).trim() || undefined : undefined;
}

const TAGS = ["chat"];
const SECURITY = [{ chatToken: [] }];

export function chatRoutes(app: FastifyInstance, ctx: AppContext): void {
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
}
