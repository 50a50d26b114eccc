import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../src/http/security-headers.ts";
import { startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

const ROOT = join(import.meta.dirname, "..");
const DIST = join(ROOT, "web/dist");

function expectSecurityHeaders(headers: Record<string, unknown>, what: string): void {
  expect(headers["content-security-policy"], what).toBe(CONTENT_SECURITY_POLICY);
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["x-frame-options"], what).toBe("DENY");
  expect(headers["referrer-policy"], what).toBe("same-origin");
}

/** <script> elements with content (not a src): what script-src 'self' would block. */
function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    .filter(([, attrs, body]) => !/\bsrc=/.test(attrs ?? "") || (body ?? "").trim() !== "")
    .map(([tag]) => tag);
}

describe("security headers and cookies", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer("sqlite", undefined, { trustProxy: true, webRoot: DIST });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("are on every answer: API, errors, 404s, the docs page, and the web app when built", async () => {
    const answers = [
      ["health", await t.request({ method: "GET", url: "/api/health" })],
      ["401", await t.request({ method: "GET", url: `/api/branches/${t.branchId}/queue` })],
      ["404", await t.request({ method: "GET", url: "/api/nothing-here" })],
      ["400", await t.request({ method: "POST", url: "/api/auth/login", body: { username: "" } })],
      ["docs", await t.request({ method: "GET", url: "/api/docs" })],
      ["openapi", await t.request({ method: "GET", url: "/api/openapi.json" })],
    ] as const;
    for (const [what, res] of answers) expectSecurityHeaders(res.headers, what);
    if (existsSync(join(DIST, "index.html"))) {
      const page = await t.request({ method: "GET", url: "/counter" });
      expect(page.statusCode).toBe(200);
      expectSecurityHeaders(page.headers, "web app");
    }
  });

  it("the pages Datang serves carry no inline script (the CSP allows none)", async () => {
    // The source template always; the build too when present (CI builds it for the browser tests).
    expect(inlineScripts(readFileSync(join(ROOT, "web/index.html"), "utf8"))).toEqual([]);
    if (existsSync(join(DIST, "index.html")))
      expect(inlineScripts(readFileSync(join(DIST, "index.html"), "utf8"))).toEqual([]);
    const docs = await t.request({ method: "GET", url: "/api/docs" });
    expect(docs.body).toContain("<script");
    expect(inlineScripts(docs.body)).toEqual([]);
    // The check itself sees an inline script.
    expect(inlineScripts('<script>alert(1)</script><script src="/a.js"></script>')).toHaveLength(1);
  });

  const sessionCookie = async (headers: Record<string, string>) => {
    const res = await t.request({
      method: "POST",
      url: "/api/auth/login",
      body: { username: "reviewer", password: TEST_PASSWORD },
      headers,
    });
    expect(res.statusCode).toBe(200);
    return res.cookies.find((c) => c.name === "datang_session");
  };

  it("marks cookies Secure when the request came over HTTPS through the trusted proxy, not over plain HTTP", async () => {
    expect((await sessionCookie({ "x-forwarded-proto": "https" }))?.secure).toBe(true);
    expect((await sessionCookie({}))?.secure).toBeFalsy();
  });
});

describe("cookies with DATANG_SECURE_COOKIES=1, and an untrusted X-Forwarded-Proto", () => {
  it("are Secure whenever forced, and a client's own X-Forwarded-Proto is not believed", async () => {
    for (const [secureCookies, proto, secure] of [
      [true, undefined, true],
      [false, "https", false],
    ] as const) {
      const t = await startTestServer("sqlite", undefined, { secureCookies });
      try {
        const res = await t.request({
          method: "POST",
          url: "/api/auth/login",
          body: { username: "reviewer", password: TEST_PASSWORD },
          headers: proto ? { "x-forwarded-proto": proto } : {},
        });
        expect(Boolean(res.cookies.find((c) => c.name === "datang_session")?.secure)).toBe(secure);
      } finally {
        await t.close();
      }
    }
  });
});
