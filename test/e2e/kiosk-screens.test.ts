import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiCall,
  type BrowserSession,
  chromiumAvailable,
  listOf,
  login,
  openBrowserSession,
  shoot,
} from "./harness.ts";
import { boxes, outside, overflowing, squeezedText } from "./layout.ts";

const SIZES = [
  { width: 1080, height: 1920 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];

interface Ref {
  readonly id: string;
  readonly prefix?: string;
}

/** Everything the customer may need is on the screen: a kiosk cannot scroll. */
async function checkFits(page: Page, where: string, size: { width: number; height: number }): Promise<void> {
  const scroll = await page.evaluate(() => ({
    height: document.documentElement.scrollHeight,
    width: document.documentElement.scrollWidth,
  }));
  expect(scroll.height, `${where}: page height`).toBeLessThanOrEqual(size.height);
  expect(scroll.width, `${where}: page width`).toBeLessThanOrEqual(size.width);
  const buttons = (await boxes(page, "button", "data-testid")).filter((b) => b.width > 0 && b.height > 0);
  expect(buttons.length).toBeGreaterThan(0);
  expect(outside(buttons, size), `${where}: buttons cut off`).toEqual([]);
  expect(
    await overflowing(
      page,
      ".service-button, .service-button > span, .care-option, .big-button, .toggle, .kiosk-main h1, .ticket-card, .ticket-card > div",
    ),
    `${where}: text overflowing its box`,
  ).toEqual([]);
  expect(await squeezedText(page, '[data-testid="kiosk"]'), `${where}: squeezed text`).toEqual([]);
}

describe.skipIf(!chromiumAvailable())(
  "kiosk screens: portrait and landscape, large-text mode, icons, auto-return",
  () => {
    let session: BrowserSession;
    let origin = "";
    let admin: Page;
    let branchId = "";
    const service = new Map<string, string>();

    beforeAll(async () => {
      session = await openBrowserSession();
      origin = session.origin;
      admin = await session.page({ width: 1440, height: 900 });
      await login(admin, origin, "admin", "/admin");
      branchId = listOf<Ref>((await apiCall(admin, "GET", "/api/branches")).body, "branches")[0]?.id ?? "";
      for (const s of listOf<Ref>((await apiCall(admin, "GET", `/api/branches/${branchId}/services`)).body, "services"))
        service.set(s.prefix ?? "", s.id);
    }, 120_000);

    afterAll(() => session?.close());

    it("fits every size in both modes and languages, nothing cut off, the ticket too", async () => {
      for (const size of SIZES) {
        const kiosk = await session.page(size);
        await kiosk.goto(`${origin}/kiosk?pair=${session.server.tokens.kiosk}`);
        await kiosk.getByTestId("service-A").waitFor();
        for (const large of [false, true]) {
          if ((await kiosk.getByTestId("kiosk").getAttribute("class"))?.includes("large") !== large)
            await kiosk.getByTestId("large-mode").click();
          for (const lang of ["zh-CN", "en"]) {
            if ((await kiosk.evaluate(() => document.documentElement.lang)) !== lang)
              await kiosk.getByTestId("lang-switch").first().click();
            await expect.poll(() => kiosk.evaluate(() => document.documentElement.lang)).toBe(lang);
            const where = `${size.width}×${size.height} ${large ? "large" : "normal"} ${lang}`;
            await shoot(kiosk, `kiosk-${size.width}x${size.height}${large ? "-large" : ""}`);
            await checkFits(kiosk, where, size);
            const shown = await kiosk.locator(".service-button").count();
            if (large) {
              // Few choices a screen (适老化): four business types, the rest a page on; type never under 24 px.
              expect(shown, where).toBe(4);
              const small = await kiosk.$eval('[data-testid="kiosk"]', (root) => {
                const out: string[] = [];
                const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
                for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
                  const el = n.parentElement;
                  if (!el || !(n.textContent ?? "").trim() || el.getClientRects().length === 0) continue;
                  if (Number.parseFloat(getComputedStyle(el).fontSize) < 24) out.push((n.textContent ?? "").trim());
                }
                return out;
              });
              expect(small, `${where}: text under 24 px`).toEqual([]);
              await kiosk.getByTestId("page-next").click();
              await kiosk.getByTestId("service-F").waitFor();
              await checkFits(kiosk, `${where} page 2`, size);
              await kiosk.getByTestId("page-prev").click();
              await kiosk.getByTestId("service-A").waitFor();
            } else expect(shown, where).toBe(6);
          }
          // The ticket a customer takes fits too, with its buttons.
          await kiosk.getByTestId("service-A").click();
          await kiosk.getByTestId("kiosk-ticket").waitFor();
          await shoot(kiosk, `kiosk-ticket-${size.width}x${size.height}${large ? "-large" : ""}`);
          await checkFits(kiosk, `${size.width}×${size.height} ${large ? "large" : "normal"} ticket`, size);
          await kiosk.getByTestId("ticket-done").click();
          await kiosk.getByTestId("service-A").waitFor();
        }
        await kiosk.close();
      }
    });

    it("shows a distinct icon per business type, the branch's choice where it made one, and returns after the branch's time", async () => {
      const kiosk = await session.page({ width: 1080, height: 1920 });
      await kiosk.goto(`${origin}/kiosk?pair=${session.server.tokens.kiosk}`);
      await kiosk.getByTestId("service-A").waitFor();
      if ((await kiosk.getByTestId("kiosk").getAttribute("class"))?.includes("large"))
        await kiosk.getByTestId("large-mode").click();
      const icons = async () => {
        const out: string[] = [];
        for (const p of ["A", "B", "C", "D", "E", "F"])
          out.push((await kiosk.getByTestId(`service-${p}`).locator("svg").getAttribute("data-icon")) ?? "");
        return out;
      };
      const defaults = await icons();
      expect(new Set(defaults).size).toBe(6);
      // Default auto-return: a minute.
      await kiosk.getByTestId("service-A").click();
      await kiosk.getByTestId("kiosk-ticket").waitFor();
      expect(await kiosk.locator(".kiosk-ticket > .kiosk-sub").textContent()).toMatch(/^(60|59|58) 秒后返回首页$/);
      await kiosk.getByTestId("ticket-done").click();
      const changed = await apiCall(admin, "PATCH", `/api/branches/${branchId}/display-settings`, {
        kioskReturnSeconds: 120,
        kioskIcons: { [service.get("A") as string]: "exchange" },
      });
      expect(changed.status).toBe(200);
      await kiosk.reload();
      await kiosk.getByTestId("service-A").waitFor();
      await expect.poll(icons).toEqual(["exchange", ...defaults.slice(1)]);
      await kiosk.getByTestId("service-A").click();
      await kiosk.getByTestId("kiosk-ticket").waitFor();
      expect(await kiosk.locator(".kiosk-ticket > .kiosk-sub").textContent()).toMatch(/^(120|119|118) 秒后返回首页$/);
      await kiosk.getByTestId("ticket-done").click();
      await apiCall(admin, "PATCH", `/api/branches/${branchId}/display-settings`, {
        kioskReturnSeconds: 60,
        kioskIcons: {},
      });
    });
  },
);
