import type { Channel, DeliveryOutcome, OutgoingMessage } from "./channel.ts";

export interface SmsHttpConfig {
  /** The gateway's URL (DATANG_SMS_HTTP_URL); each SMS is one POST. */
  readonly url: string;
  /**
   * The JSON body (DATANG_SMS_HTTP_TEMPLATE), in which the strings "{{to}}", "{{text}}" and "{{id}}" are
   * replaced (anywhere inside string values, JSON-escaped). Default `{"to":"{{to}}","text":"{{text}}"}`.
   */
  readonly template?: string;
  /** Extra request headers (DATANG_SMS_HTTP_HEADERS, a JSON object), e.g. the provider's API key. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export const DEFAULT_SMS_TEMPLATE = '{"to":"{{to}}","text":"{{text}}"}';

/** Replaces the placeholders inside every string of a parsed JSON template. */
function fill(value: unknown, vars: Readonly<Record<string, string>>): unknown {
  if (typeof value === "string") return value.replace(/\{\{(to|text|id)\}\}/g, (_, k: string) => vars[k] ?? "");
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

/** Checks a template once at start: it must be JSON. */
export function parseSmsTemplate(template: string): unknown {
  try {
    return JSON.parse(template);
  } catch {
    throw new Error("DATANG_SMS_HTTP_TEMPLATE is not JSON");
  }
}

export function smsHttpChannel(config: SmsHttpConfig): Channel {
  const template = parseSmsTemplate(config.template ?? DEFAULT_SMS_TEMPLATE);
  const timeout = config.timeoutMs ?? 10_000;
  return {
    name: "sms",
    async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
      const body = fill(template, { to: message.recipient, text: message.rendered.text, id: message.id });
      try {
        const res = await fetch(config.url, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": message.id, ...config.headers },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeout),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { ok: true };
        // A 4xx (other than timeouts and rate limits) says the request itself is wrong: retrying will not help.
        const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
        return { ok: false, permanent, error: `HTTP ${res.status}` };
      } catch (error) {
        return {
          ok: false,
          permanent: false,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        };
      }
    },
    close() {},
  };
}
