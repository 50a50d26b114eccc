import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiCall,
  type BrowserSession,
  chromiumAvailable,
  login,
  openBrowserSession,
  shoot,
  shootBoth,
} from "./harness.ts";

const DESK = { width: 1440, height: 900 };

describe.skipIf(!chromiumAvailable())("the Messages page", () => {
  let session: BrowserSession;
  let origin = "";
  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
  }, 120_000);
  afterAll(() => session?.close());

  it("shows an unconfigured channel's message as kept, masked; an admin subscribes a webhook and sees its secret once", async () => {
    const admin: Page = await session.page(DESK);
    await login(admin, origin, "admin", "/admin");
    // The e2e server has no SMS gateway: the code's SMS is kept as undeliverable.
    const otp = await apiCall(admin, "POST", "/api/public/otp", { phone: "138 1234 5678" });
    expect(otp.status).toBe(202);
    await admin.getByTestId("admin-messages-link").click();
    await admin.waitForURL(`${origin}/messages`);
    const table = admin.getByTestId("messages-table");
    await expect
      .poll(async () => {
        await admin.getByTestId("messages-refresh").click();
        return (await table.textContent()) ?? "";
      })
      .toContain("未配置渠道");
    const text = (await table.textContent()) ?? "";
    expect(text).toContain("138****5678");
    expect(text).not.toContain("13812345678");
    // The kind in the page's language, not the outbox's code.
    expect(text).toContain("验证码");
    expect(text).not.toContain("otp");
    await shootBoth(admin, "messages");

    await admin.getByRole("tab", { name: /Webhook/ }).click();
    await admin.getByTestId("webhook-create").click();
    await admin.getByLabel(/接收地址|URL/).fill("https://crm.bank.example/hooks/datang");
    await admin.getByRole("button", { name: /保\s*存|Save/ }).click();
    await expect.poll(async () => (await admin.getByTestId("webhook-secret").textContent()) ?? "").toMatch(/whsec_/);
    await shoot(admin, "messages-webhook-secret");
    const list = await apiCall<{ subscriptions: Array<{ url: string }> }>(admin, "GET", "/api/webhooks");
    expect(list.body.subscriptions.map((s) => s.url)).toEqual(["https://crm.bank.example/hooks/datang"]);
  });
});
