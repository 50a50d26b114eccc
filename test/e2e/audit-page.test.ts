import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiCall,
  type BrowserSession,
  chromiumAvailable,
  listOf,
  login,
  openBrowserSession,
  shootBoth,
} from "./harness.ts";

const DESK = { width: 1440, height: 900 };

/** The auditor's page: Home leads there, the trail is a table, filters narrow it, CSV has the same lines. */
describe.skipIf(!chromiumAvailable())("the auditor's page", () => {
  let session: BrowserSession;
  let auditor: Page;

  beforeAll(async () => {
    session = await openBrowserSession();
    // Something to audit: teller1 signs in at counter 1 and pauses it.
    const teller = await session.page(DESK);
    await login(teller, session.origin, "teller1", "/counter");
    const branchId = listOf<{ id: string }>((await apiCall(teller, "GET", "/api/branches")).body, "branches")[0]?.id;
    const counters = listOf<{ id: string; number: number }>(
      (await apiCall(teller, "GET", `/api/branches/${branchId}/counters`)).body,
      "counters",
    );
    const c1 = counters.find((c) => c.number === 1)?.id;
    expect((await apiCall(teller, "POST", `/api/counters/${c1}/sign-in`)).status).toBe(200);
    expect((await apiCall(teller, "POST", `/api/counters/${c1}/pause`, { reason: "training" })).status).toBe(200);
    auditor = await session.page(DESK);
  }, 120_000);
  afterAll(() => session?.close());

  it("leads the auditor from Home to the trail, filters it, and exports the same lines", async () => {
    await login(auditor, session.origin, "auditor", "/");
    await auditor.getByTestId("home-audit").click();
    await auditor.waitForURL(`${session.origin}/audit`);
    const rows = auditor.locator("[data-testid=audit-table] table tbody tr.ant-table-row");
    await expect.poll(() => rows.count()).toBeGreaterThan(1);

    await auditor.getByTestId("audit-actor").fill("teller1");
    await auditor.getByTestId("audit-action").fill("counter.paused");
    await auditor.getByTestId("audit-search").click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("counter.paused");
    expect(await rows.first().textContent()).toContain("training");
    await shootBoth(auditor, "audit");

    const href = (await auditor.getByTestId("audit-csv").getAttribute("href")) ?? "";
    expect(href).toContain("/api/audit.csv?");
    const csv = await auditor.evaluate(async (url) => (await fetch(url)).text(), href);
    const lines = csv
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("counter.paused");
  });

  it("keeps the page from a teller", async () => {
    const teller = await session.page(DESK);
    await login(teller, session.origin, "teller2", "/counter");
    await teller.goto(`${session.origin}/audit`);
    await expect.poll(async () => (await teller.locator("body").textContent()) ?? "").not.toContain("counter.paused");
    expect((await apiCall(teller, "GET", "/api/audit")).status).toBe(403);
  });
});
