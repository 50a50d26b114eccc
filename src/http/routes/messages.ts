import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { listMessages, resendMessage } from "../../app/messages/admin.ts";
import {
  createSubscription,
  deactivateSubscription,
  listDeliveries,
  listSubscriptions,
  replayDelivery,
} from "../../app/webhooks/subscriptions.ts";
import { actorOf } from "../auth-plugin.ts";
import { DigitsQuery, errors, Id } from "../schemas.ts";

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const MessageStatus = Type.Union(
  ["pending", "sending", "sent", "failed", "dead", "undeliverable", "cancelled"].map((s) => Type.Literal(s)),
);
const MessageSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  channel: Type.String(),
  recipient: Type.String({ description: "Masked (138****5678)" }),
  lang: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  nextAttemptAt: Type.String(),
  createdAt: Type.String(),
  sentAt: Nullable(Type.String()),
  branchId: Nullable(Type.String()),
  relatedType: Nullable(Type.String()),
  relatedId: Nullable(Type.String()),
});
const MessagesQuery = Type.Object(
  {
    branchId: Type.Optional(Id),
    status: Type.Optional(MessageStatus),
    before: Type.Optional(DigitsQuery),
    limit: Type.Optional(DigitsQuery),
  },
  { additionalProperties: false },
);
const MessageParams = Type.Object({ messageId: Id });

const EventType = Type.String({ pattern: "^(\\*|[a-z_]+\\.\\*|[a-z_]+\\.[a-z_]+)$", maxLength: 64 });
const SubscriptionBody = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 2000 }),
    eventTypes: Type.Array(EventType, { minItems: 1, maxItems: 50 }),
    branchId: Type.Optional(Type.Union([Id, Type.Null()])),
    allowPersonalData: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const SubscriptionSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  eventTypes: Type.Array(Type.String()),
  branchId: Nullable(Type.String()),
  allowPersonalData: Type.Boolean(),
  active: Type.Boolean(),
  description: Type.String(),
  createdAt: Type.String(),
});
const DeliverySchema = Type.Object({
  id: Type.String(),
  eventType: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  deliveredAt: Nullable(Type.String()),
  nextAttemptAt: Type.String(),
});
const WebhookParams = Type.Object({ webhookId: Id });
const DeliveryParams = Type.Object({ deliveryId: Id });

export function messageRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: Static<typeof MessagesQuery> }>(
    "/api/messages",
    {
      schema: {
        tags: ["messages"],
        operationId: "listMessages",
        summary: "Messages in the outbox, newest first, recipients masked (admin: all; branch manager: own branches)",
        querystring: MessagesQuery,
        response: { 200: Type.Object({ messages: Type.Array(MessageSchema) }), ...errors(400, 401, 403) },
      },
    },
    (req) =>
      listMessages(ctx, actorOf(req), {
        branchId: req.query.branchId,
        status: req.query.status,
        before: req.query.before === undefined ? undefined : Number(req.query.before),
        limit: req.query.limit === undefined ? undefined : Number(req.query.limit),
      }),
  );
  app.post<{ Params: Static<typeof MessageParams> }>(
    "/api/messages/:messageId/resend",
    {
      schema: {
        tags: ["messages"],
        operationId: "resendMessage",
        summary: "Send a message again (not one-time codes)",
        params: MessageParams,
        response: { 200: MessageSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => resendMessage(ctx, actorOf(req), req.params.messageId),
  );

  const tags = ["webhooks"];
  app.get(
    "/api/webhooks",
    {
      schema: {
        tags,
        operationId: "listWebhooks",
        summary: "Webhook subscriptions (administrators)",
        response: { 200: Type.Object({ subscriptions: Type.Array(SubscriptionSchema) }), ...errors(401, 403) },
      },
    },
    (req) => listSubscriptions(ctx, actorOf(req)),
  );
  app.post<{ Body: Static<typeof SubscriptionBody> }>(
    "/api/webhooks",
    {
      schema: {
        tags,
        operationId: "createWebhook",
        summary: "Subscribe a URL to events; the signing secret is in this answer only",
        body: SubscriptionBody,
        response: {
          201: Type.Object({ subscription: SubscriptionSchema, secret: Type.String() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await createSubscription(ctx, actorOf(req), req.body)),
  );
  app.post<{ Params: Static<typeof WebhookParams> }>(
    "/api/webhooks/:webhookId/deactivate",
    {
      schema: {
        tags,
        operationId: "deactivateWebhook",
        summary: "Stop a subscription (its deliveries are kept)",
        params: WebhookParams,
        response: { 200: SubscriptionSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => deactivateSubscription(ctx, actorOf(req), req.params.webhookId),
  );
  app.get<{ Params: Static<typeof WebhookParams> }>(
    "/api/webhooks/:webhookId/deliveries",
    {
      schema: {
        tags,
        operationId: "listWebhookDeliveries",
        summary: "A subscription's delivery log, newest first",
        params: WebhookParams,
        response: { 200: Type.Object({ deliveries: Type.Array(DeliverySchema) }), ...errors(400, 401, 403) },
      },
    },
    (req) => listDeliveries(ctx, actorOf(req), req.params.webhookId),
  );
  app.post<{ Params: Static<typeof DeliveryParams> }>(
    "/api/webhook-deliveries/:deliveryId/replay",
    {
      schema: {
        tags,
        operationId: "replayWebhookDelivery",
        summary: "Send a delivery again, with the same id and body",
        params: DeliveryParams,
        response: { 200: DeliverySchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => replayDelivery(ctx, actorOf(req), req.params.deliveryId),
  );
}
