/**
 * Every staff page in both languages passes axe-core's WCAG 2.1 A and AA rules, with real content on it: a
 * teller signed in at a counter with customers waiting, a lobby with tickets, the audit trail with lines.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations } from "./axe.ts";
import { apiCall, type BrowserSession, chromiumAvailable, listOf, login, openBrowserSession } from "./harness.ts";

const DESK = { width: 1440, height: 900 };

/** Each page, who opens it, and an element that shows it has loaded its data. */
const PAGES: ReadonlyArray<{ path: string; user: string | null; ready: string }> = [
  { path: "/login", user: null, ready: "[data-testid=login-submit]" },
  { path: "/", user: "manager", ready: ".home-card" },
  { path: "/counter", user: "teller1", ready: "[data-testid=current-card]" },
  { path: "/lobby", user: "lobby", ready: "[data-testid^=waiting-row-]" },
  { path: "/admin", user: "admin", ready: ".ant-table-row" },
  { path: "/planning", user: "manager", ready: "[data-testid=plan-table] .ant-table-row" },
  { path: "/audit", user: "auditor", ready: "table tbody tr" },
  { path: "/analytics", user: "manager", ready: ".ant-card" },
  { path: "/messages", user: "manager", ready: ".ant-table" },
];

async function settle(page: Page, ready: string): Promise<void> {
  await page.locator(ready).first().waitFor({ state: "visible", timeout: 20_000 });
  // Ant Design's entrance animations fade elements in: judge colours once they are at full opacity.
  await page.waitForTimeout(600);
}

describe.skipIf(!chromiumAvailable())("staff pages pass axe (WCAG 2.1 A and AA) in both languages", () => {
  let session: BrowserSession;
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    session = await openBrowserSession();
    // Content to judge: two customers waiting, teller1 signed in at counter 1 and open.
    const teller = await session.page(DESK);
    await login(teller, session.origin, "teller1", "/counter");
    const branchId = listOf<{ id: string }>((await apiCall(teller, "GET", "/api/branches")).body, "branches")[0]?.id;
    const services = listOf<{ id: string }>(
      (await apiCall(teller, "GET", `/api/branches/${branchId}/services`)).body,
      "services",
    );
    const counters = listOf<{ id: string; number: number }>(
      (await apiCall(teller, "GET", `/api/branches/${branchId}/counters`)).body,
      "counters",
    );
    const c1 = counters.find((c) => c.number === 1)?.id;
    expect((await apiCall(teller, "POST", `/api/counters/${c1}/sign-in`)).status).toBe(200);
    await apiCall(teller, "POST", `/api/counters/${c1}/open`, {});
    const lobby = await session.page(DESK);
    await login(lobby, session.origin, "lobby", "/lobby");
    for (const s of services.slice(0, 2)) {
      const issued = await apiCall(lobby, "POST", `/api/branches/${branchId}/tickets`, { serviceId: s.id });
      expect(issued.status).toBe(201);
    }
    pages.set("teller1", teller);
    pages.set("lobby", lobby);
  }, 180_000);
  afterAll(() => session?.close());

  /**
   * The page opened by whom it belongs to, in the language asked for: the choice is stored before the page is
   * opened (the app reads it when it starts), so one load shows it, not a load and then a reload.
   */
  const pageOf = async (user: string | null, path: string, lang: string): Promise<Page> => {
    const key = user ?? "anonymous";
    let page = pages.get(key);
    if (!page) {
      page = await session.page(DESK);
      pages.set(key, page);
      if (user !== null) await login(page, session.origin, user, path);
      else await page.goto(`${session.origin}${path}`);
    }
    await page.evaluate((l) => window.localStorage.setItem("datang.lang", l), lang);
    await page.goto(`${session.origin}${path}`);
    return page;
  };

  for (const lang of ["zh-CN", "en"] as const) {
    for (const { path, user, ready } of PAGES) {
      it(`${path} in ${lang}`, async () => {
        const page = await pageOf(user, path, lang);
        await settle(page, ready);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
        await expectNoAxeViolations(page, `${path} (${lang})`);
      }, 60_000);
    }
  }
});
