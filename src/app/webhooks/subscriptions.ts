/**
 * Webhook subscriptions, managed by administrators: URL, event types, branch (or all), whether payloads may
 * carry personal data. The secret is shown once, when the subscription is created. Every change is audited.
 */
import { randomBytes } from "node:crypto";
import { parseJson } from "../../store/json.ts";
import type { WebhookDeliveryTable, WebhookSubscriptionTable } from "../../store/schema.ts";
import { requeueDelivery } from "../../store/webhooks.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";

export interface SubscriptionInput {
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly branchId?: string | null;
  readonly allowPersonalData?: boolean;
  readonly description?: string;
}

export interface SubscriptionView {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: string[];
  readonly branchId: string | null;
  readonly allowPersonalData: boolean;
  readonly active: boolean;
  readonly description: string;
  readonly createdAt: string;
}

export interface DeliveryView {
  readonly id: string;
  readonly eventType: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly lastStatusCode: number | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
  readonly nextAttemptAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

const subscriptionView = (s: WebhookSubscriptionTable): SubscriptionView => ({
  id: s.id,
  url: s.url,
  eventTypes: parseJson<string[]>(s.event_types, []),
  branchId: s.branch_id,
  allowPersonalData: s.allow_personal_data === 1,
  active: s.active === 1,
  description: s.description,
  createdAt: iso(s.created_at),
});

const deliveryView = (d: WebhookDeliveryTable): DeliveryView => ({
  id: d.id,
  eventType: d.event_type,
  status: d.status,
  attempts: d.attempts,
  lastError: d.last_error,
  lastStatusCode: d.last_status_code,
  createdAt: iso(d.created_at),
  deliveredAt: d.delivered_at === null ? null : iso(d.delivered_at),
  nextAttemptAt: iso(d.next_attempt_at),
});

const EVENT_TYPE = /^(\*|[a-z_]+\.\*|[a-z_]+\.[a-z_]+)$/;

export async function createSubscription(
  ctx: AppContext,
  actor: Actor,
  input: SubscriptionInput,
): Promise<{ subscription: SubscriptionView; secret: string }> {
  requireRole(actor, ["admin"]);
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw invalid("The URL is not valid.", { field: "url" }, "网址无效。");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw invalid("The URL must use http or https.", { field: "url" }, "网址须以 http 或 https 开头。");
  const bad = input.eventTypes.find((t) => !EVENT_TYPE.test(t));
  if (bad !== undefined || input.eventTypes.length === 0)
    throw invalid(
      "Event types are like ticket.called, ticket.* or *.",
      { field: "eventTypes", value: bad },
      "事件类型格式应为 ticket.called、ticket.* 或 *。",
    );
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    if (input.branchId) {
      const branch = await tx.selectFrom("branches").select("id").where("id", "=", input.branchId).executeTakeFirst();
      if (!branch) throw notFound("Branch", input.branchId);
    }
    const row: WebhookSubscriptionTable = {
      id: ctx.newId(),
      url: url.toString(),
      secret,
      event_types: JSON.stringify(input.eventTypes),
      branch_id: input.branchId ?? null,
      allow_personal_data: input.allowPersonalData ? 1 : 0,
      active: 1,
      description: input.description ?? "",
      created_at: now,
    };
    await tx.insertInto("webhook_subscriptions").values(row).execute();
    // Start every branch's event cursor now (where not started), so no event after this moment is missed.
    const branches = await tx.selectFrom("branches").select("id").execute();
    for (const b of branches) {
      const end = await tx
        .selectFrom("events")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .where("branch_id", "=", b.id)
        .executeTakeFirst();
      await tx
        .insertInto("webhook_cursors")
        .values({ branch_id: b.id, last_seq: Number(end?.seq ?? 0) })
        .onConflict((oc) => oc.column("branch_id").doNothing())
        .execute();
    }
    await audit(
      tx,
      actor,
      now,
      "webhook.create",
      { type: "webhook", id: row.id, branchId: row.branch_id },
      {
        url: row.url,
        eventTypes: input.eventTypes,
        allowPersonalData: row.allow_personal_data === 1,
      },
    );
    return { subscription: subscriptionView(row), secret };
  });
}

export async function listSubscriptions(ctx: AppContext, actor: Actor): Promise<{ subscriptions: SubscriptionView[] }> {
  requireRole(actor, ["admin"]);
  const rows = await ctx.store.db
    .selectFrom("webhook_subscriptions")
    .selectAll()
    .orderBy("created_at", "desc")
    .execute();
  return { subscriptions: rows.map(subscriptionView) };
}

export async function deactivateSubscription(ctx: AppContext, actor: Actor, id: string): Promise<SubscriptionView> {
  requireRole(actor, ["admin"]);
  return ctx.store.write(async (tx) => {
    const row = await tx.selectFrom("webhook_subscriptions").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound("Webhook", id);
    const now = ctx.clock();
    await tx.updateTable("webhook_subscriptions").set({ active: 0 }).where("id", "=", id).execute();
    await audit(tx, actor, now, "webhook.deactivate", { type: "webhook", id, branchId: row.branch_id });
    return subscriptionView({ ...row, active: 0 });
  });
}

export async function listDeliveries(
  ctx: AppContext,
  actor: Actor,
  subscriptionId: string,
  limit = 100,
): Promise<{ deliveries: DeliveryView[] }> {
  requireRole(actor, ["admin"]);
  const rows = await ctx.store.db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("subscription_id", "=", subscriptionId)
    .orderBy("created_at", "desc")
    .limit(Math.min(Math.max(limit, 1), 500))
    .execute();
  return { deliveries: rows.map(deliveryView) };
}

export async function replayDelivery(ctx: AppContext, actor: Actor, id: string): Promise<DeliveryView> {
  requireRole(actor, ["admin"]);
  return ctx.store.write(async (tx) => {
    const row = await tx.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound("Webhook delivery", id);
    const now = ctx.clock();
    if (!(await requeueDelivery(tx, id, now)))
      throw conflict(
        `The delivery is ${row.status}; it is already on its way.`,
        { status: row.status },
        "该投递正在进行中。",
      );
    await audit(tx, actor, now, "webhook.replay", { type: "webhook_delivery", id, branchId: row.branch_id });
    return deliveryView(
      await tx.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirstOrThrow(),
    );
  });
}
