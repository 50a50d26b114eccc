import { Webhook } from "standardwebhooks";
import type { WebhookDeliveryTable } from "../../store/schema.ts";
import type { DeliveryOutcome } from "../messages/channels/channel.ts";

/**
 * POSTs a delivery's stored body to its subscription's URL, signed per Standard Webhooks (`webhook-id` is the
 * delivery's id on every attempt, `webhook-timestamp` the attempt's time, `webhook-signature` from the
 * subscription's secret). A 2xx is delivered; 410 Gone is permanent; anything else is retried.
 */
export async function sendWebhook(
  url: string,
  secret: string,
  delivery: Pick<WebhookDeliveryTable, "id" | "payload">,
  now: number,
  timeoutMs = 10_000,
): Promise<DeliveryOutcome & { readonly statusCode?: number }> {
  const timestamp = new Date(now);
  let signature: string;
  try {
    signature = new Webhook(secret).sign(delivery.id, timestamp, delivery.payload);
  } catch (error) {
    return {
      ok: false,
      permanent: true,
      error: `cannot sign: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": delivery.id,
        "webhook-timestamp": String(Math.floor(now / 1000)),
        "webhook-signature": signature,
        "user-agent": "Datang-Webhooks/1",
      },
      body: delivery.payload,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status };
    return { ok: false, permanent: res.status === 410, error: `HTTP ${res.status}`, statusCode: res.status };
  } catch (error) {
    return {
      ok: false,
      permanent: false,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}
