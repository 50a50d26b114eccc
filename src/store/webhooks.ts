/**
 * Webhook subscriptions and deliveries. A delivery is a row written in the transaction of the change it tells
 * about (appointments) or derived from the branch's event stream (tickets, counters; see
 * app/webhooks/from-events.ts), then sent by the job runner with a lease like the outbox's (leases.ts).
 * Its id is the Standard Webhooks `webhook-id` on every attempt, so a receiver can drop a repeat.
 */
import type { Kysely } from "kysely";
import { parseJson } from "./json.ts";
import { claimDue } from "./leases.ts";
import type { Database, WebhookDeliveryTable, WebhookSubscriptionTable } from "./schema.ts";
import { isPostgres } from "./sql.ts";
import type { Tx } from "./store.ts";

/** Whether a subscription's list of types ("*", "ticket.*", "ticket.called") takes this event type. */
export function typeMatches(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === "*" || p === type || (p.endsWith(".*") && type.startsWith(p.slice(0, -1))));
}

/** Active subscriptions that want this type of event of this branch. */
export async function matchingSubscriptions(
  db: Kysely<Database>,
  branchId: string | null,
  type: string,
): Promise<WebhookSubscriptionTable[]> {
  let query = db.selectFrom("webhook_subscriptions").selectAll().where("active", "=", 1);
  query = branchId
    ? query.where((eb) => eb.or([eb("branch_id", "is", null), eb("branch_id", "=", branchId)]))
    : query.where("branch_id", "is", null);
  const rows = await query.execute();
  return rows.filter((s) => typeMatches(parseJson<string[]>(s.event_types, []), type));
}

export async function insertDelivery(
  tx: Tx,
  delivery: { id: string; subscriptionId: string; type: string; branchId: string | null; payload: string; now: number },
): Promise<void> {
  const row: WebhookDeliveryTable = {
    id: delivery.id,
    subscription_id: delivery.subscriptionId,
    event_type: delivery.type,
    branch_id: delivery.branchId,
    payload: delivery.payload,
    status: "pending",
    attempts: 0,
    next_attempt_at: delivery.now,
    lease_owner: null,
    lease_until: null,
    last_error: null,
    last_status_code: null,
    created_at: delivery.now,
    updated_at: delivery.now,
    delivered_at: null,
  };
  await tx.insertInto("webhook_deliveries").values(row).execute();
}

export function claimDeliveries(
  tx: Tx,
  options: { owner: string; now: number; leaseMs: number; limit: number },
): Promise<WebhookDeliveryTable[]> {
  return claimDue<WebhookDeliveryTable>(tx, "webhook_deliveries", options);
}

/** The branch's event cursor, locked until commit on PostgreSQL (two instances must not derive twice). */
export async function lockCursor(tx: Tx, branchId: string): Promise<number | undefined> {
  const query = tx.selectFrom("webhook_cursors").select("last_seq").where("branch_id", "=", branchId);
  const row = await (isPostgres(tx) ? query.forUpdate() : query).executeTakeFirst();
  return row?.last_seq;
}

export async function setCursor(tx: Tx, branchId: string, lastSeq: number, exists: boolean): Promise<void> {
  if (exists)
    await tx.updateTable("webhook_cursors").set({ last_seq: lastSeq }).where("branch_id", "=", branchId).execute();
  else
    await tx
      .insertInto("webhook_cursors")
      .values({ branch_id: branchId, last_seq: lastSeq })
      .onConflict((oc) => oc.column("branch_id").doNothing())
      .execute();
}

/** Staff's "replay": the delivery is sent again as soon as possible, with the same id and body. */
export async function requeueDelivery(tx: Tx, id: string, now: number): Promise<boolean> {
  const r = await tx
    .updateTable("webhook_deliveries")
    .set({ status: "pending", next_attempt_at: now, updated_at: now, attempts: 0 })
    .where("id", "=", id)
    .where("status", "in", ["dead", "failed", "sent"])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
