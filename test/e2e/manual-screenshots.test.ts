import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSession, chooseOption, chromiumAvailable, login, openBrowserSession, ROOT } from "./harness.ts";

/**
 * The staff manual's screenshots (docs/manual/screenshots/<page>-<zh|en>.png), taken on today's pages along
 * the walk-in journey: kiosk → display → counter → rating pad → live ticket, then the lobby, admin, planning
 * and the auditor's view. Run it after changing a page: `npx vitest run test/e2e/manual-screenshots.test.ts`.
 */
const MANUAL_SHOTS = join(ROOT, "docs/manual/screenshots");
const KIOSK = { width: 1280, height: 1024 };
const TV = { width: 1920, height: 1080 };
const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const PAD = { width: 1024, height: 600 };

const lang = (page: Page) => page.evaluate(() => document.documentElement.lang);

/** The page in Chinese and in English (through its own switch, so its state stays), ending in Chinese. */
async function shootManual(page: Page, name: string): Promise<void> {
  mkdirSync(MANUAL_SHOTS, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(MANUAL_SHOTS, `${name}-zh.png`) });
  await page.getByTestId("lang-switch").first().click();
  await expect.poll(() => lang(page)).toBe("en");
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(MANUAL_SHOTS, `${name}-en.png`) });
  await page.getByTestId("lang-switch").first().click();
  await expect.poll(() => lang(page)).toBe("zh-CN");
}

describe.skipIf(!chromiumAvailable())("the staff manual's screenshots", () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowserSession();
  }, 120_000);
  afterAll(() => session?.close());

  it("shows each role's pages along a walk-in's journey, in both languages", async () => {
    const { origin, server } = session;
    const kiosk = await session.page(KIOSK);
    await kiosk.goto(`${origin}/kiosk?pair=${server.tokens.kiosk}`);
    await kiosk.getByTestId("service-A").waitFor();
    await shootManual(kiosk, "kiosk");
    await kiosk.getByTestId("service-A").click();
    await kiosk.getByTestId("kiosk-ticket").waitFor();
    const number = (await kiosk.getByTestId("ticket-number").textContent()) ?? "";
    const link = (await kiosk.getByTestId("ticket-qr").getAttribute("data-link")) ?? "";
    await shootManual(kiosk, "kiosk-ticket");

    const display = await session.page(TV);
    await display.goto(`${origin}/display?pair=${server.tokens.display}`);
    await display.getByTestId("display").waitFor();
    const rate = await session.page(PAD);
    await rate.goto(`${origin}/rate?pair=${server.tokens.rating_pad}`);
    await rate.getByTestId("rate-idle").waitFor();
    const live = await session.page(PHONE);
    await live.goto(link.replace(/^https?:\/\/[^/]+/, origin));
    await live.getByTestId("live-waiting").waitFor();
    await shootManual(live, "live-ticket");

    const counter = await session.page(DESK);
    await login(counter, origin, "teller1", "/counter");
    await chooseOption(counter, "counter-select", "1号窗口");
    await counter.getByTestId("sign-in").click();
    await counter.getByTestId("sign-out").waitFor();
    await expect.poll(() => counter.getByTestId("act-callNext").isEnabled()).toBe(true);
    await counter.keyboard.press("n");
    await expect.poll(() => counter.getByTestId("current-number").textContent()).toBe(number);
    await expect.poll(async () => (await display.getByTestId("latest-call").textContent()) ?? "").toContain(number);
    await shootManual(display, "display");
    await live.getByTestId("your-turn").waitFor();
    await shootManual(live, "live-your-turn");
    await counter.keyboard.press("s");
    await expect.poll(() => counter.getByTestId("act-complete").isEnabled()).toBe(true);
    await shootManual(counter, "counter");
    await counter.keyboard.press("c");
    await rate.getByTestId("rate-ask").waitFor();
    await shootManual(rate, "rate");

    const lobby = await session.page(DESK);
    await login(lobby, origin, "lobby", "/lobby");
    await expect.poll(() => lobby.getByTestId("stat-issued").textContent()).toContain("1");
    // The lobby's tables arrive as their own chunk (lazy, for the page's size budget): shoot them, not placeholders.
    await lobby.getByTestId("counter-state-1").waitFor();
    await shootManual(lobby, "lobby");

    const admin = await session.page(DESK);
    await login(admin, origin, "admin", "/admin");
    await admin.getByRole("tab", { name: "业务类型" }).click();
    await admin.getByTestId("services-create").waitFor();
    // The table loads as its own chunk after the page (EntityTab): shoot it, not its placeholder.
    await admin.locator(".ant-table-row").first().waitFor();
    await shootManual(admin, "admin");

    const manager = await session.page(DESK);
    await login(manager, origin, "manager", "/");
    await manager.getByTestId("home-planning").waitFor();
    await shootManual(manager, "home-manager");
    await manager.getByTestId("home-planning").click();
    await manager.getByTestId("plan-source").waitFor();
    await shootManual(manager, "planning");

    const auditor = await session.page(DESK);
    await login(auditor, origin, "auditor", "/");
    await auditor.getByTestId("home-audit").waitFor();
    await shootManual(auditor, "home-auditor");
  }, 240_000);
});
