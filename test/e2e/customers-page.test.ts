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
 * Customer records in the browser (issue 14): the lobby manager attaches a customer to a ticket, the teller
 * sees the call card when calling it, and /customers finds the customer masked and unmasks the phone with a
 * reason.
 */
describe.skipIf(!chromiumAvailable())("customer records pages", () => {
  let session: BrowserSession;
  let teller: Page;

  beforeAll(async () => {
    session = await openBrowserSession();
    const lobby = await session.page(DESK);
    await login(lobby, session.origin, "lobby", "/lobby");
    const branchId = listOf<{ id: string }>((await apiCall(lobby, "GET", "/api/branches")).body, "branches")[0]?.id;
    const services = listOf<{ id: string; code: string }>(
      (await apiCall(lobby, "GET", `/api/branches/${branchId}/services`)).body,
      "services",
    );
    const issued = await apiCall(lobby, "POST", `/api/branches/${branchId}/tickets`, {
      serviceId: services.find((s) => s.code === "CORP")?.id,
    });
    expect(issued.status).toBe(201);
    const ticketId = (issued.body as { id: string }).id;
    const attached = await apiCall(lobby, "POST", `/api/tickets/${ticketId}/customer`, {
      phone: "13812345678",
      name: "王小明",
    });
    expect(attached.status).toBe(200);
    teller = await session.page(DESK);
    await login(teller, session.origin, "teller8", "/counter");
  }, 120_000);
  afterAll(() => session?.close());

  it("shows the called customer's masked call card at the counter", async () => {
    // Counter 8 serves corporate business (CORP), the only ticket of that type.
    await chooseOption(teller, "counter-select", "8号窗口");
    await teller.getByTestId("sign-in").click();
    await teller.getByTestId("sign-out").waitFor();
    await teller.waitForSelector("[data-testid=act-callNext]:not([disabled])");
    await teller.getByTestId("act-callNext").click();
    await expect
      .poll(async () => (await teller.getByTestId("call-card-name").allTextContents()).join(""))
      .toBe("王*明");
    const card = (await teller.getByTestId("call-card").textContent()) ?? "";
    expect(card).toContain("138****5678");
    expect(card).not.toContain("13812345678");
  });

  it("finds the customer masked on /customers and unmasks the phone with a reason", async () => {
    await teller.goto(`${session.origin}/customers`);
    await teller.getByTestId("customer-search").locator("input").fill("5678");
    await teller.getByTestId("customer-search").locator("input").press("Enter");
    const rows = teller.locator("[data-testid=matches] table tbody tr.ant-table-row");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("王*明");
    await expect.poll(async () => (await teller.getByTestId("profile-phone").textContent()) ?? "").toBe("138****5678");
    await teller.getByTestId("unmask-phone").click();
    await teller.locator("#unmask-reason").fill("客户来电核实身份");
    await teller.getByRole("button", { name: /OK|确\s*定/ }).click();
    await expect
      .poll(async () => (await teller.getByTestId("profile-phone").textContent()) ?? "")
      .toBe("+8613812345678");
    const audit = await apiCall(teller, "GET", "/api/audit?action=customer.unmask");
    // The teller may not read the audit trail; the unmasking was recorded for those who do.
    expect(audit.status).toBe(403);
  });

  it("records a consent the customer withdraws at the counter from the profile page (axe)", async () => {
    // The profile of the previous step is open: the customer never answered, so no consent is shown.
    expect((await teller.getByTestId("consent-form").textContent()) ?? "").toContain("登记客户授权");
    await teller.getByTestId("consent-answer").getByText("撤回").click();
    await teller.getByTestId("consent-record").click();
    await expect
      .poll(async () => (await teller.getByTestId("profile-consents").textContent()) ?? "")
      .toContain("服务通知 (短信/电子邮件): 已撤回 · 柜台");
    await expectNoAxeViolations(teller, "customer profile with the consent form");
    // One "segments" cell: the rule-given ones beside the select of the staff-set ones (there were two cells).
    await expect.poll(() => teller.locator(".ant-descriptions-item-label", { hasText: "客户分群" }).count()).toBe(1);
    // The visit's result, without a teller's outcome, is the ticket's status in the page's language.
    expect((await teller.getByTestId("visits").textContent()) ?? "").toContain("已叫号");
    await shootBoth(teller, "customer-profile");
    const found = await apiCall(teller, "GET", "/api/customers?phone=13812345678");
    const customerId = listOf<{ id: string }>(found.body, "customers")[0]?.id;
    const profile = await apiCall(teller, "GET", `/api/customers/${customerId}`);
    expect((profile.body as { consents: unknown[] }).consents).toMatchObject([
      { purpose: "service", granted: false, channel: "counter", covers: ["sms", "email"] },
    ]);
  });
});
