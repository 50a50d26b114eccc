import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSession, chromiumAvailable, login, openBrowserSession, shoot } from "./harness.ts";

const DESK = { width: 1440, height: 900 };

/** Content-Security-Policy violations the page reported (recorded from before its first script). */
const RECORD_VIOLATIONS = `
  window.__csp = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
  });
`;

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

describe.skipIf(!chromiumAvailable())("the web app under its Content-Security-Policy", () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowserSession();
  }, 120_000);
  afterAll(() => session?.close());

  it("renders the pages (Ant Design's styles included) and signs in and acts with no CSP violation", async () => {
    const page = await session.page(DESK);
    await page.context().addInitScript(RECORD_VIOLATIONS);
    await page.goto(`${session.origin}/`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("大堂");
    // Sign-in and a console: a POST with the session cookie, which the Origin rule lets through.
    await login(page, session.origin, "lobby", "/lobby");
    await page.waitForLoadState("networkidle");
    await shoot(page, "csp-lobby");
    // Ant Design's CSS-in-JS wrote its <style> elements (allowed by style-src 'unsafe-inline').
    const styled = await page.evaluate(() => document.querySelectorAll("style").length);
    expect(styled).toBeGreaterThan(0);
    expect(await violations(page)).toEqual([]);
  });

  it("shows the API docs page with no CSP violation", async () => {
    const page = await session.page(DESK);
    await page.context().addInitScript(RECORD_VIOLATIONS);
    await page.goto(`${session.origin}/api/docs`);
    await expect
      .poll(() => page.locator(".swagger-ui .title").first().textContent(), { timeout: 15_000 })
      .toContain("Datang API");
    await shoot(page, "csp-api-docs");
    expect(await violations(page)).toEqual([]);
  });
});
