/**
 * A message's text in one language, rendered from its kind and data when it is sent.
 *
 * Data the templates read (every field optional unless said; the booking passes what it has):
 * - `otp`: `code` (required), `minutes`.
 * - `appointment.confirmed | appointment.reminder | appointment.cancelled | appointment.rescheduled`:
 *   `code`, `start` (ISO 8601), `timeZone` (the branch's), `branch` and `service` (`{zh, en}` names or a
 *   string), `managePath` (a path such as "/book/manage/<token>", made a link with DATANG_PUBLIC_URL),
 *   `reason` (cancellation), `previousStart` (reschedule), `ics` (an `ics` package EventAttributes object:
 *   attached to e-mails as appointment.ics).
 * - `ticket.near`: `number`, `ahead`, `branch`.
 * - `wait.alarm` (to branch managers): `number`, `branch`, `service`, `waitedMinutes`, `alarmMinutes`.
 * - `appointment.arrived` (to the customer manager): `name`, `code`, `number`, `start`, `timeZone`, `branch`,
 *   `service`.
 * - `waitlist.offer`: `start`, `expiresAt`, `timeZone`, `branch`, `service`, `offerPath`.
 * - `analytics.alert` (to branch managers): `branch`, `service`, `metric`, `windowMinutes`, `comparison`,
 *   `threshold`, `value`.
 * - `analytics.report`: `branch`, `from`, `to`, `key`, `arrived`, `served`, `meanWaitMinutes`, `attachments`
 *   (`[{filename, contentType, base64}]`, attached to the e-mail).
 * - `followup.reminder | followup.escalated` (to staff): `number`, `branch`, `service`, `customer` (masked),
 *   `dueAt`, `timeZone`, `assigned`, `path`.
 * - `complaint.reminder | complaint.escalated` (to staff): `reference`, `branch`, `category`, `dueAt`,
 *   `timeZone`, `daysLeft`, `owned`, `path`.
 * - `service.report` (to the customer): `number`, `branch`, `service`, `sha256`, `timeZone`, and either `reportPath`
 *   ("/api/public/reports/<token>", the SMS's short link) with `expiresAt`, or `pdf` (attached to the e-mail).
 * - any other kind: `subject`, `text`.
 */
export interface Rendered {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface RenderContext {
  /** DATANG_PUBLIC_URL without a trailing slash, if configured. */
  readonly publicUrl?: string;
}

export type Template = (data: Readonly<Record<string, unknown>>, context: RenderContext) => Rendered;

export type Catalogue = Readonly<Record<string, Template>> & { readonly fallback: Template };

/** A name given as `{zh, en}` or a plain string. */
export function nameIn(value: unknown, lang: "zh" | "en"): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const v =
      (value as Record<string, unknown>)[lang] ?? (value as Record<string, unknown>)[lang === "zh" ? "en" : "zh"];
    if (typeof v === "string") return v;
  }
  return "";
}

export function str(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

/** An instant in the branch's time zone, as the language writes it. */
export function when(iso: unknown, timeZone: unknown, locale: "zh-CN" | "en-GB"): string {
  if (typeof iso !== "string") return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    timeZone: typeof timeZone === "string" ? timeZone : "Asia/Shanghai",
    year: "numeric",
    month: "long",
    day: "numeric",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(date);
}

export function link(path: unknown, context: RenderContext): string {
  if (typeof path !== "string" || !path) return "";
  return context.publicUrl ? `${context.publicUrl}${path.startsWith("/") ? "" : "/"}${path}` : path;
}

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** Plain lines as a simple HTML e-mail; URLs in them become links. */
export function htmlOf(title: string, lines: readonly string[]): string {
  const body = lines
    .filter((l) => l !== "")
    .map((l) => `<p>${escapeHtml(l).replace(/https?:\/\/[^\s<&"']+/g, (url) => `<a href="${url}">${url}</a>`)}</p>`)
    .join("\n");
  return `<!doctype html><html><body style="font-family:sans-serif"><h2>${escapeHtml(title)}</h2>\n${body}\n</body></html>`;
}

export function message(subject: string, lines: readonly string[]): Rendered {
  return { subject, text: lines.filter((l) => l !== "").join("\n"), html: htmlOf(subject, lines) };
}
