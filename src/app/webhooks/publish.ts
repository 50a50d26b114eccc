/**
 * Webhook events. Every ticket, counter and appointment event goes to the subscriptions that want it.
 *
 *   publishAppointmentEvent(tx: Tx, ctx: AppContext, event: AppointmentWebhookEvent): Promise<number>
 *
 * Call it inside the booking's `store.write`, after its other writes: a delivery row per matching
 * subscription is written in the same transaction (answers how many), so an event is delivered exactly when
 * its change committed. `event.customer` is personal data: it goes only to subscriptions with
 * `allowPersonalData`; the others receive `customer: { id }` alone.
 *
 * Ticket and counter events are not published here: they are already in the branch's event stream, from
 * which `deriveFromBranchEvents` (from-events.ts) makes deliveries (they carry no personal data).
 *
 * Body (Standard Webhooks): `{ type, timestamp, data }`, signed with the subscription's secret.
 */
import type { Tx } from "../../store/store.ts";
import { insertDelivery, matchingSubscriptions } from "../../store/webhooks.ts";
import type { AppContext } from "../context.ts";

export type AppointmentEventType =
  | "appointment.booked"
  | "appointment.rescheduled"
  | "appointment.cancelled"
  | "appointment.checked_in"
  | "appointment.no_show";

export interface AppointmentWebhookEvent {
  readonly type: AppointmentEventType;
  readonly branchId: string;
  /** The appointment as external systems see it (id, code, serviceId, start, end, status…): no personal data. */
  readonly appointment: Readonly<Record<string, unknown>>;
  /** Personal data, sent only where the subscription allows it. */
  readonly customer?: {
    readonly id: string;
    readonly name?: string;
    readonly phone?: string;
    readonly email?: string | null;
  };
}

export function webhookBody(type: string, at: number, data: Readonly<Record<string, unknown>>): string {
  return JSON.stringify({ type, timestamp: new Date(at).toISOString(), data });
}

export async function publishAppointmentEvent(
  tx: Tx,
  ctx: AppContext,
  event: AppointmentWebhookEvent,
): Promise<number> {
  const subscriptions = await matchingSubscriptions(tx, event.branchId, event.type);
  const now = ctx.clock();
  for (const sub of subscriptions) {
    const customer = event.customer
      ? sub.allow_personal_data === 1
        ? event.customer
        : { id: event.customer.id }
      : undefined;
    const data = { branchId: event.branchId, appointment: event.appointment, ...(customer ? { customer } : {}) };
    await insertDelivery(tx, {
      id: `msg_${ctx.newId()}`,
      subscriptionId: sub.id,
      type: event.type,
      branchId: event.branchId,
      payload: webhookBody(event.type, now, data),
      now,
    });
  }
  return subscriptions.length;
}
