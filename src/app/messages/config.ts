import type { SmsHttpConfig } from "./channels/sms-http.ts";
import { parseSmsTemplate } from "./channels/sms-http.ts";
import type { SmtpConfig } from "./channels/smtp.ts";

/** How messages leave Datang; a channel left out keeps its messages `undeliverable` until it is configured. */
export interface MessagingConfig {
  readonly smtp?: SmtpConfig;
  readonly sms?: SmsHttpConfig;
  /** Base of links in messages (DATANG_PUBLIC_URL), without a trailing slash. */
  readonly publicUrl?: string;
  /** How long a delivery may take before another runner takes it over (DATANG_JOB_LEASE_SECONDS, default 120). */
  readonly leaseMs?: number;
}

/**
 * Reads DATANG_SMTP_URL, DATANG_MAIL_FROM, DATANG_SMS_HTTP_URL, DATANG_SMS_HTTP_TEMPLATE,
 * DATANG_SMS_HTTP_HEADERS and DATANG_PUBLIC_URL. A malformed value throws at start, naming the variable.
 */
export function messagingConfigFromEnv(env: NodeJS.ProcessEnv): MessagingConfig {
  const smtpUrl = env.DATANG_SMTP_URL?.trim();
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new Error("DATANG_SMTP_URL must start with smtp:// or smtps://");
  const smsUrl = env.DATANG_SMS_HTTP_URL?.trim();
  if (smsUrl && !/^https?:\/\//.test(smsUrl))
    throw new Error("DATANG_SMS_HTTP_URL must start with http:// or https://");
  const template = env.DATANG_SMS_HTTP_TEMPLATE?.trim() || undefined;
  if (template) parseSmsTemplate(template);
  let headers: Record<string, string> | undefined;
  if (env.DATANG_SMS_HTTP_HEADERS?.trim()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.DATANG_SMS_HTTP_HEADERS);
    } catch {
      parsed = undefined;
    }
    if (
      !parsed ||
      typeof parsed !== "object" ||
      Array.isArray(parsed) ||
      Object.values(parsed).some((v) => typeof v !== "string")
    )
      throw new Error("DATANG_SMS_HTTP_HEADERS must be a JSON object of strings");
    headers = parsed as Record<string, string>;
  }
  const leaseText = env.DATANG_JOB_LEASE_SECONDS?.trim();
  const leaseSeconds = leaseText ? Number(leaseText) : undefined;
  if (leaseSeconds !== undefined && !(Number.isInteger(leaseSeconds) && leaseSeconds >= 1))
    throw new Error("DATANG_JOB_LEASE_SECONDS must be a whole number of seconds, at least 1");
  const publicUrl = env.DATANG_PUBLIC_URL?.trim().replace(/\/+$/, "") || undefined;
  return {
    ...(smtpUrl
      ? { smtp: { url: smtpUrl, from: env.DATANG_MAIL_FROM?.trim() || "Datang <no-reply@datang.local>" } }
      : {}),
    ...(smsUrl ? { sms: { url: smsUrl, ...(template ? { template } : {}), ...(headers ? { headers } : {}) } } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    ...(leaseSeconds ? { leaseMs: leaseSeconds * 1000 } : {}),
  };
}
