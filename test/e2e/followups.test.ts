import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations } from "./axe.ts";
import {
  apiCall,
  type BrowserSession,
  chooseOption,
  chromiumAvailable,
  listOf,
  login,
  openBrowserSession,
  shootBoth,
} from "./harness.ts";

const DESK = { width: 1440, height: 900 };

/**
 * Follow-up tasks in the browser (issue 14): the branch manager switches on a follow-up for corporate business
 * in admin, a corporate ticket with a customer is completed, the task appears on /followups for the branch
 * manager (masked), who assigns it to teller 8; teller 8 sees it in their own list and records the outcome; the
 * customer's profile shows it in the visit history.
 */
describe.skipIf(!chromiumAvailable())("follow-up pages", () => {
  let session: BrowserSession;
  let manager: Page;
  let branchId: string;
  let customerId: string;

  beforeAll(async () => {
    session = await openBrowserSession();
    manager = await session.page(DESK);
    await login(manager, session.origin, "manager", "/admin");
    branchId = listOf<{ id: string }>((await apiCall(manager, "GET", "/api/branches")).body, "branches")[0]
      ?.id as string;
  }, 120_000);
  afterAll(() => session?.close());

  it("sets the follow-up rule of a business type in the admin tab (axe)", async () => {
    await manager.getByRole("tab", { name: /回访设置|Follow-ups/ }).click();
    await manager.getByTestId("followup-settings").waitFor();
    await manager.getByTestId("rule-active-CORP").click();
    // Ant Design puts the test id on the number input itself (or on its wrapper, by version).
    await manager.locator("input[data-testid=rule-days-CORP], [data-testid=rule-days-CORP] input").first().fill("3");
    await manager.getByTestId("rule-save-CORP").click();
    await expect
      .poll(async () => {
        const s = await apiCall<{ rules: Array<{ code: string; active: boolean; days: number | null }> }>(
          manager,
          "GET",
          `/api/branches/${branchId}/followup-settings`,
        );
        return s.body.rules.find((r) => r.code === "CORP");
      })
      .toMatchObject({ active: true, days: 3 });
    await expectNoAxeViolations(manager, "admin follow-up settings");
    await shootBoth(manager, "followup-settings");
  });

  it("lists the completed visit's follow-up for the branch manager, masked; assigned to teller 8 (axe)", async () => {
    const teller = await session.page(DESK);
    await login(teller, session.origin, "teller8", "/followups");
    const services = listOf<{ id: string; code: string }>(
      (await apiCall(teller, "GET", `/api/branches/${branchId}/services`)).body,
      "services",
    );
    const counters = listOf<{ id: string; number: number }>(
      (await apiCall(teller, "GET", `/api/branches/${branchId}/counters`)).body,
      "counters",
    );
    const counter8 = counters.find((c) => c.number === 8)?.id as string;
    const issued = await fetch(`${session.origin}/api/branches/${branchId}/tickets`, {
      method: "POST",
      headers: { authorization: `Bearer ${session.server.tokens.kiosk}`, "content-type": "application/json" },
      body: JSON.stringify({ serviceId: services.find((s) => s.code === "CORP")?.id }),
    });
    expect(issued.status).toBe(201);
    const ticket = (await issued.json()) as { id: string };
    expect((await apiCall(teller, "POST", `/api/counters/${counter8}/sign-in`, {})).status).toBe(200);
    expect((await apiCall(teller, "POST", `/api/counters/${counter8}/call`, { ticketId: ticket.id })).status).toBe(200);
    const attached = await apiCall<{ customerId: string }>(teller, "POST", `/api/tickets/${ticket.id}/customer`, {
      phone: "13812345678",
      name: "王小明",
    });
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    customerId = attached.body.customerId;
    expect((await apiCall(teller, "POST", `/api/tickets/${ticket.id}/start`, {})).status).toBe(200);
    expect((await apiCall(teller, "POST", `/api/tickets/${ticket.id}/complete`, {})).status).toBe(200);

    // The job runner creates the task within seconds.
    await manager.goto(`${session.origin}/followups`);
    const rows = manager.locator("[data-testid=followups-table] tbody tr.ant-table-row");
    await expect
      .poll(
        async () => {
          await manager.getByTestId("followups-refresh").click();
          await manager.waitForTimeout(500);
          return rows.count();
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toBe(1);
    const text = (await rows.first().textContent()) ?? "";
    expect(text).toContain("王*明");
    expect(text).toContain("138****5678");
    expect(text).not.toContain("13812345678");
    await expectNoAxeViolations(manager, "follow-up list");
    await shootBoth(manager, "followups-branch");
    await chooseOption(manager, "followup-assign", "柜员8");
    await expect
      .poll(async () => {
        const list = await apiCall<{ items: Array<{ assigneeName: string | null }> }>(
          manager,
          "GET",
          `/api/branches/${branchId}/followups?scope=branch`,
        );
        return list.body.items[0]?.assigneeName;
      })
      .toBe("柜员8");

    // Teller 8's own list has it; they record the outcome.
    await teller.reload();
    const mine = teller.locator("[data-testid=followups-table] tbody tr.ant-table-row");
    await expect.poll(() => mine.count(), { timeout: 30_000 }).toBe(1);
    await expectNoAxeViolations(teller, "follow-up list (mine)");
    await teller.getByTestId("followup-record").click();
    await teller.getByTestId("record-note").fill("客户对贷款进度满意");
    await teller.getByTestId("record-ok").click();
    await expect
      .poll(async () => {
        const list = await apiCall<{ items: Array<{ status: string; note: string | null }> }>(
          teller,
          "GET",
          `/api/branches/${branchId}/followups?scope=mine`,
        );
        return list.body.items[0];
      })
      .toMatchObject({ status: "closed", note: "客户对贷款进度满意" });
  });

  it("shows the customer's follow-ups in the profile's visit history (axe)", async () => {
    await manager.goto(`${session.origin}/customers`);
    await manager.getByTestId("customer-search").locator("input").fill("5678");
    await manager.getByTestId("customer-search").locator("input").press("Enter");
    const rows = manager.locator("[data-testid=matches] table tbody tr.ant-table-row");
    await expect.poll(() => rows.count()).toBe(1);
    await manager.getByTestId("customer-followups").waitFor();
    const section = manager.getByTestId("customer-followups");
    await expect.poll(async () => (await section.textContent()) ?? "").toContain("客户对贷款进度满意");
    expect(customerId).toBeTruthy();
    await expectNoAxeViolations(manager, "customer profile with follow-ups");
    await shootBoth(manager, "customer-followups", { fullPage: true });
  });
});
