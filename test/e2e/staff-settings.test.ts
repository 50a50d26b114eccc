/**
 * "My settings" from the staff header: a teller changes their language to English (the screens follow at once
 * and stay English after a reload, and a browser that never chose a language follows it too), sets an e-mail
 * for notices, and a wrong phone is refused on its field in the UI's language. Axe runs on the open drawer in
 * Chinese and in English.
 */
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations } from "./axe.ts";
import { apiCall, type BrowserSession, chromiumAvailable, login, openBrowserSession, shoot } from "./harness.ts";

const DESK = { width: 1440, height: 900 };

describe.skipIf(!chromiumAvailable())("my settings (staff header)", () => {
  let session: BrowserSession;
  let origin = "";
  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
  }, 120_000);
  afterAll(() => session?.close());

  const lang = (page: Page) => page.evaluate(() => document.documentElement.lang);
  const drawerText = async (page: Page) => (await page.getByTestId("my-settings-form").textContent()) ?? "";

  it("a teller switches to English and sets an e-mail; the screens follow and stay English after a reload", async () => {
    const teller = await session.page(DESK);
    await login(teller, origin, "teller1", "/counter");
    expect(await lang(teller)).toBe("zh-CN");
    await expect.poll(async () => (await teller.getByTestId("my-settings").textContent()) ?? "").toBe("我的设置");
    await teller.getByTestId("my-settings").click();
    await expect.poll(() => drawerText(teller)).toContain("接收提醒的方式");
    // Both channels wanted until the teller chooses; no phone or e-mail of their own yet.
    expect(await teller.getByTestId("my-email").inputValue()).toBe("");
    expect(await teller.locator('[data-testid="my-channels"] input:checked').count()).toBe(2);
    await expectNoAxeViolations(teller, "my settings (zh)");
    await shoot(teller, "my-settings");

    // A number libphonenumber refuses: the server's message, in Chinese, on the phone field; nothing saved.
    await teller.getByTestId("my-phone").fill("12345");
    await teller.getByTestId("my-settings-save").click();
    await expect.poll(() => drawerText(teller)).toContain("手机号码无效");
    expect((await apiCall<{ phone: string | null }>(teller, "GET", "/api/me/contact")).body.phone).toBeNull();
    await shoot(teller, "my-settings-phone-error");
    // A malformed e-mail is caught by the form before it is sent.
    await teller.getByTestId("my-phone").fill("");
    await teller.getByTestId("my-email").fill("teller1-at-bank");
    await teller.getByTestId("my-settings-save").click();
    await expect.poll(() => drawerText(teller)).toContain("电子邮件地址格式不正确");

    // English, an e-mail, e-mail only.
    await teller.getByTestId("my-email").fill("teller1@bank.example");
    await teller.getByTestId("my-lang").getByText("English").click();
    await teller.getByTestId("my-channels").getByText("短信").click();
    await teller.getByTestId("my-settings-save").click();
    await expect.poll(() => lang(teller)).toBe("en");
    await expect.poll(() => drawerText(teller)).toContain("Send me notices by");
    // The phone's refusal went when the field was edited; nothing stale in the other language.
    expect(await drawerText(teller)).not.toContain("手机号码无效");
    await expect.poll(async () => (await teller.getByTestId("my-settings").textContent()) ?? "").toBe("My settings");
    const saved = await apiCall<{ lang: string; email: string; phone: string | null; channels: string[] }>(
      teller,
      "GET",
      "/api/me/contact",
    );
    expect(saved.body).toMatchObject({ lang: "en", email: "teller1@bank.example", phone: null, channels: ["email"] });
    await expectNoAxeViolations(teller, "my settings (en)");
    await shoot(teller, "my-settings");

    // Recorded in the audit trail, without the address itself.
    const db = new Database(session.server.dbPath, { readonly: true });
    try {
      const line = db
        .prepare(
          "SELECT a.details FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.action = 'staff.contact.set' AND u.username = 'teller1' ORDER BY a.id DESC",
        )
        .get() as { details: string } | undefined;
      expect(JSON.parse(line?.details ?? "{}")).toEqual({ phone: false, email: true, lang: "en", channels: ["email"] });
    } finally {
      db.close();
    }

    // Reloaded: still English; the drawer shows the teller's own e-mail in full.
    await teller.reload();
    await expect.poll(async () => (await teller.getByTestId("my-settings").textContent()) ?? "").toBe("My settings");
    expect(await lang(teller)).toBe("en");
    await shoot(teller, "my-settings-header");
    await teller.getByTestId("my-settings").click();
    await expect.poll(() => teller.getByTestId("my-email").inputValue()).toBe("teller1@bank.example");
    expect(await teller.locator('[data-testid="my-lang"] input[value="en"]').isChecked()).toBe(true);
    expect(await teller.locator('[data-testid="my-channels"] input[value="sms"]').isChecked()).toBe(false);
    await shoot(teller, "my-settings-reloaded");
  });

  it("another browser where no language was chosen follows the teller's own setting", async () => {
    const elsewhere = await session.page(DESK);
    await login(elsewhere, origin, "teller1", "/counter");
    await expect.poll(() => lang(elsewhere)).toBe("en");
    await expect.poll(async () => (await elsewhere.getByTestId("my-settings").textContent()) ?? "").toBe("My settings");
    // Another console's header has the same drawer.
    const lobby = await session.page(DESK);
    await login(lobby, origin, "lobby", "/lobby");
    await expect.poll(async () => (await lobby.getByTestId("my-settings").textContent()) ?? "").toBe("我的设置");
    expect(await lang(lobby)).toBe("zh-CN");
  });
});
