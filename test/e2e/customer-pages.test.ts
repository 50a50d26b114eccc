/**
 * What a customer stumbled on in a walk through the public pages (phone 390×844, kiosk 1280×800), kept fixed:
 * the complaint form fits the phone and names what is missing in the page's language; the kiosk's check-in shows
 * a whole booking code and its "not found" follows the language switch; the chat assistant speaks the language
 * chosen before anything was said, and its ticket message shows the link, not a bare /t/… path; the live ticket
 * page tells what to do when the link finds nothing; the language switch is a 44 px tap target on each.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSession, chromiumAvailable, openBrowserSession } from "./harness.ts";

const PHONE = { width: 390, height: 844 };
const KIOSK = { width: 1280, height: 800 };

const lang = (page: Page) => page.evaluate(() => document.documentElement.lang);
const switchLanguage = async (page: Page) => {
  const was = await lang(page);
  await page.getByTestId("lang-switch").first().click();
  await expect.poll(() => lang(page)).not.toBe(was);
};
const switchHeight = async (page: Page) => (await page.getByTestId("lang-switch").first().boundingBox())?.height ?? 0;

describe.skipIf(!chromiumAvailable())("the customer's pages: fit, language and what to do next", () => {
  let session: BrowserSession;
  let origin = "";
  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
  }, 180_000);
  afterAll(() => session?.close());

  it("the complaint form fits a phone and names exactly what is missing, in the language shown", async () => {
    const phone = await session.page(PHONE);
    await phone.goto(`${origin}/complaint/new`);
    await expect.poll(() => phone.getByTestId("complaint-branch").locator("option").count()).toBeGreaterThan(1);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await phone.getByTestId("complaint-branch").locator("option").first().textContent()).toBe("请选择网点");
    expect(await switchHeight(phone)).toBeGreaterThanOrEqual(44);

    await phone.getByTestId("complaint-category-fees").click();
    await phone.getByTestId("complaint-description").fill("多收了一笔手续费");
    await phone.getByTestId("complaint-submit").click();
    const missing = phone.getByTestId("complaint-missing");
    await expect
      .poll(() => missing.textContent())
      .toBe("还需填写：网点、手机号码、短信验证码。请先点击“获取验证码”，再填写短信中的验证码。");
    await switchLanguage(phone);
    await expect
      .poll(() => missing.textContent())
      .toBe(
        "Still needed: the branch, your mobile number, the SMS code. Tap “Send code” first, then type the code from the SMS.",
      );
  });

  it("the kiosk's check-in shows a whole booking code, and its 'not found' follows the language switch", async () => {
    const kiosk = await session.page(KIOSK);
    await kiosk.goto(`${origin}/kiosk?pair=${session.server.tokens.kiosk}`);
    await kiosk.getByTestId("kiosk-check-in-entry").click();
    await kiosk.getByTestId("check-in-code").fill("ABCD2345");
    const box = kiosk.getByTestId("check-in-code");
    expect(await box.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    await kiosk.getByTestId("check-in-submit").click();
    const error = kiosk.getByTestId("check-in-error");
    await expect.poll(() => error.textContent()).toContain("未找到该预约码");
    await switchLanguage(kiosk);
    await expect.poll(() => error.textContent()).toContain("No appointment has this code");
    expect(await switchHeight(kiosk)).toBeGreaterThanOrEqual(44);
    await kiosk.getByTestId("check-in-done").click();
    for (const id of ["kiosk-check-in-entry", "large-mode"])
      expect((await kiosk.getByTestId(id).boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
  });

  it("the chat assistant speaks the language chosen before anything was said; the ticket shows as a link only", async () => {
    const phone = await session.page(PHONE);
    await phone.goto(`${origin}/chat`);
    const log = phone.getByTestId("chat-log");
    await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain("大堂智能助手");
    await switchLanguage(phone);
    await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain("Hello, I'm the Datang assistant");
    expect(await log.textContent()).not.toContain("大堂智能助手");
    expect(await switchHeight(phone)).toBeGreaterThanOrEqual(44);

    // Back in Chinese (again nothing said): a ticket taken through the bot.
    await switchLanguage(phone);
    await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain("大堂智能助手");
    await phone.getByRole("textbox").first().fill("帮我取个号");
    await phone.keyboard.press("Enter");
    await phone.getByTestId("chat-choices").getByRole("button", { name: "上海南京西路支行" }).click();
    await phone.getByTestId("chat-choices").getByRole("button", { name: "现金存取" }).click();
    const link = phone.getByTestId("chat-ticket-link");
    await expect.poll(() => link.count(), { timeout: 15_000 }).toBe(1);
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toMatch(/\/t\/[\w-]+$/);
    expect(await log.textContent()).not.toContain(new URL(href, origin).pathname);
    expect((await link.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
    // Once the customer has spoken, a language switch keeps the conversation.
    await switchLanguage(phone);
    await phone.waitForTimeout(1000);
    expect(await link.count()).toBe(1);
  });

  it("the live ticket page tells what to do when its link finds no ticket", async () => {
    const phone = await session.page(PHONE);
    await phone.goto(`${origin}/t/00000000-0000-0000-0000-000000000000`);
    const hint = phone.getByTestId("live-not-found-hint");
    await expect.poll(() => hint.textContent()).toContain("请向大堂经理询问");
    await switchLanguage(phone);
    await expect.poll(() => hint.textContent()).toContain("ask the lobby manager");
    expect(await switchHeight(phone)).toBeGreaterThanOrEqual(44);
  });
});
