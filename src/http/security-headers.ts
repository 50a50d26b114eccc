import type { FastifyInstance } from "fastify";

/**
 * The Content-Security-Policy of every answer (pages, API, docs).
 * - Scripts only from the app's own files: the built web app has no inline script (Vite emits module files;
 *   test/security-headers.test.ts checks the build), nor does the API docs page (@fastify/swagger-ui loads
 *   its scripts as files).
 * - Styles also 'unsafe-inline': Ant Design writes its CSS-in-JS into <style> elements at run time, and
 *   Swagger UI sets inline styles. A nonce would need the static index.html rewritten per answer; inline styles
 *   cannot run code, so the XSS protection rests on script-src.
 * - Images, fonts and media also from data:/blob: URLs (icons in CSS, QR codes, the display's chime).
 * - Never inside a frame (clickjacking a teller's buttons), no plugins, forms and <base> only to ourselves.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "media-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  // For browsers without frame-ancestors.
  "x-frame-options": "DENY",
  // A ticket's page address carries its id: never sent to another site.
  "referrer-policy": "same-origin",
};

/**
 * The one exception to "never inside a frame": the customer's chat page opened by the website widget
 * (`GET /chat?embed=1`, see web/public/widget.js) may be framed by the sites listed in DATANG_CHAT_EMBED_ORIGINS
 * (origins separated by spaces or commas, e.g. "https://www.examplebank.cn https://m.examplebank.cn").
 * - Unset or empty: Datang's own origin only ('self'), as a bank expects of a page that takes a customer's phone
 *   and one-time code: no other site can wrap it in its own page until the bank names that site.
 * - "*": any site (a deliberate choice, written out).
 * - "none", or anything that is not a list of origins (a typo, or a policy written into it): no site at all.
 * It carries no staff controls, and only the page itself is frameable: the API answers and every other page keep
 * `frame-ancestors 'none'`.
 */
export function chatEmbedOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.DATANG_CHAT_EMBED_ORIGINS?.trim();
  if (!raw) return [SAME_ORIGIN];
  if (raw === "none") return [];
  const origins = raw.split(/[\s,]+/).filter(Boolean);
  // A value that is not a list of origins frames nothing rather than guess.
  return origins.every((o) => o === "*" || o === SAME_ORIGIN || /^https?:\/\/[^\s/'";,]+$/.test(o)) ? origins : [];
}

const SAME_ORIGIN = "'self'";

function isEmbeddedChat(url: string): boolean {
  const [path, query = ""] = url.split("?");
  return (path === "/chat" || path === "/chat/") && new URLSearchParams(query).get("embed") === "1";
}

/** Sets the security headers on every answer, errors and 404s included (before anything else may answer). */
export function registerSecurityHeaders(
  app: FastifyInstance,
  embedOrigins: readonly string[] = chatEmbedOrigins(),
): void {
  const embeddedPolicy =
    embedOrigins.length === 0
      ? null
      : CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", `frame-ancestors ${embedOrigins.join(" ")}`);
  const sameOriginOnly = embedOrigins.every((o) => o === SAME_ORIGIN);
  // A callback hook, not an async one: nothing here waits, and every request would pay for a promise.
  app.addHook("onRequest", (req, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    if (embeddedPolicy && req.method === "GET" && isEmbeddedChat(req.url)) {
      reply.header("content-security-policy", embeddedPolicy);
      // X-Frame-Options (for browsers without frame-ancestors) says SAMEORIGIN when that is the whole rule; it
      // cannot name other sites, so with a list frame-ancestors (every current browser) decides alone.
      if (sameOriginOnly) reply.header("x-frame-options", "SAMEORIGIN");
      else reply.removeHeader("x-frame-options");
    }
    done();
  });
}
