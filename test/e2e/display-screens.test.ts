import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiCall,
  type BrowserSession,
  chromiumAvailable,
  listOf,
  login,
  openBrowserSession,
  ROOT,
  shoot,
} from "./harness.ts";
import { boxes, outside, overlaps, squeezedText } from "./layout.ts";

const DESK = { width: 1440, height: 900 };
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
  { width: 1080, height: 1920 },
  { width: 2160, height: 3840 },
];

/**
 * Records every clip the page plays, in order, and ends each at once so the queue moves on (the page's own
 * code decides what to play; this only stands in for the loudspeaker).
 */
const CLIP_RECORDER = `
  window.__clips = [];
  HTMLMediaElement.prototype.play = function () {
    const url = new URL(this.src);
    window.__clips.push(url.pathname + url.search);
    setTimeout(() => this.dispatchEvent(new Event("ended")), 5);
    return Promise.resolve();
  };
`;

interface Ref {
  readonly id: string;
  readonly prefix?: string;
  readonly number?: number;
}

const DIGITS_ZH = "零一二三四五六七八九";
/** The clips a call should play, written out independently of the page's code. */
function expectedClips(number: string, counter: number): { zh: string[]; en: string[] } {
  const chars = [...number];
  const v = (t: string) => `/voice/${t}.ogg`;
  const read = (lang: string) => chars.map((c) => v(/[0-9]/.test(c) ? `${lang}-digit-${c}` : `${lang}-letter-${c}`));
  expect(counter).toBeLessThan(10);
  expect(DIGITS_ZH[counter]).toBeDefined();
  return {
    zh: [
      v("zh-qing"),
      ...read("zh"),
      v("zh-hao"),
      v("zh-dao"),
      v(`zh-digit-${counter}`),
      v("zh-haochuangkou"),
      v("zh-banli"),
    ],
    en: [v("en-number"), ...read("en"), v("en-please-go-to-counter"), v(`en-digit-${counter}`)],
  };
}

describe.skipIf(!chromiumAvailable())("the lobby display: voice from recorded clips, layouts, notices", () => {
  let session: BrowserSession;
  let origin = "";
  let admin: Page;
  let kiosk: Page;
  let branchId = "";
  const service = new Map<string, string>();
  const counters = new Map<number, string>();
  const tellers = new Map<number, Page>();

  const issue = async (prefix: string) =>
    (await apiCall(kiosk, "POST", `/api/branches/${branchId}/tickets`, { serviceId: service.get(prefix) })).body as {
      id: string;
      number: string;
    };
  const openDisplay = async (viewport: { width: number; height: number }, recorder = false) => {
    const page = await session.page(viewport);
    if (recorder) await page.addInitScript(CLIP_RECORDER);
    await page.goto(`${origin}/display?pair=${session.server.tokens.display}`);
    await page.getByTestId("display").waitFor();
    return page;
  };
  const clips = (page: Page) => page.evaluate(() => (window as unknown as { __clips: string[] }).__clips);

  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
    admin = await session.page(DESK);
    await login(admin, origin, "admin", "/admin");
    branchId = listOf<Ref>((await apiCall(admin, "GET", "/api/branches")).body, "branches")[0]?.id ?? "";
    for (const s of listOf<Ref>((await apiCall(admin, "GET", `/api/branches/${branchId}/services`)).body, "services"))
      service.set(s.prefix ?? "", s.id);
    for (const c of listOf<Ref>((await apiCall(admin, "GET", `/api/branches/${branchId}/counters`)).body, "counters"))
      counters.set(c.number ?? 0, c.id);
    kiosk = await session.page({ width: 1080, height: 1920 });
    await kiosk.goto(`${origin}/kiosk?pair=${session.server.tokens.kiosk}`);
    await kiosk.getByTestId("kiosk").waitFor();
    // Recalls in quick succession for the test (a branch would keep its gap).
    expect((await apiCall(admin, "PATCH", `/api/branches/${branchId}`, { minRecallGapSeconds: 0 })).status).toBe(200);
    for (const n of [1, 2, 3]) {
      const teller = await session.page(DESK);
      await login(teller, origin, `teller${n}`, "/counter");
      expect((await apiCall(teller, "POST", `/api/counters/${counters.get(n)}/sign-in`)).status).toBe(200);
      tellers.set(n, teller);
    }
  }, 180_000);

  afterAll(() => session?.close());

  it("speaks a call from the recorded clips in order, twice by default, and a recall again as the branch sets it", async () => {
    const display = await openDisplay({ width: 1920, height: 1080 }, true);
    const hasVoice = await display.evaluate(() =>
      window.speechSynthesis.getVoices().some((v) => /^(zh|cmn)/i.test(v.lang)),
    );
    // This Chromium has no Mandarin voice: the display must fall back to the clips by itself (voiceMode "auto").
    expect(hasVoice).toBe(false);
    await display.getByTestId("enable-sound").click();
    await expect.poll(() => display.getByTestId("enable-sound").count()).toBe(0);
    // With sound on, clips speak for the missing voice: no warning for staff.
    expect(await display.getByTestId("sound-warning").count()).toBe(0);

    const ticket = await issue("A");
    const teller = tellers.get(1) as Page;
    expect(
      (await apiCall(teller, "POST", `/api/counters/${counters.get(1)}/call`, { ticketId: ticket.id })).status,
    ).toBe(200);
    const one = expectedClips(ticket.number, 1);
    const round = [...one.zh, ...one.en];
    await expect.poll(() => clips(display), { timeout: 20_000 }).toHaveLength(round.length * 2);
    expect(await clips(display)).toEqual([...round, ...round]);

    // The branch: always clips, three times, Chinese only, and its own recording of "请".
    const settings = await apiCall(admin, "PATCH", `/api/branches/${branchId}/display-settings`, {
      voiceMode: "clips",
      announceTimes: 3,
      announceEnglish: false,
    });
    expect(settings.status).toBe(200);
    const recording = readFileSync(join(ROOT, "web/public/voice/zh-banli.ogg")).toString("base64");
    const uploaded = await admin.evaluate(
      async ({ url, data }) =>
        (
          await fetch(url, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ mime: "audio/ogg", data }),
          })
        ).status,
      { url: `/api/branches/${branchId}/voice-clips/zh-qing`, data: recording },
    );
    expect(uploaded).toBe(200);
    await display.reload();
    await display.getByTestId("display").waitFor();
    // The display remembered that sound was on; if the browser still wants a click, staff give it one.
    if ((await display.getByTestId("enable-sound").count()) > 0) await display.getByTestId("enable-sound").click();
    await display.waitForTimeout(500);
    expect((await apiCall(teller, "POST", `/api/tickets/${ticket.id}/recall`)).status).toBe(200);
    await expect.poll(() => clips(display), { timeout: 20_000 }).toHaveLength(one.zh.length * 3);
    const played = await clips(display);
    for (let r = 0; r < 3; r++) {
      const part = played.slice(r * one.zh.length, (r + 1) * one.zh.length);
      // The branch's recording replaces the shipped "请"; every other clip is the shipped one, in order.
      expect(part[0]).toMatch(new RegExp(`^/api/branches/${branchId}/voice-clips/zh-qing\\?v=`));
      expect(part.slice(1)).toEqual(one.zh.slice(1));
    }
    // The recording is served to the display as audio.
    const served = await display.evaluate(async (url) => {
      const r = await fetch(url);
      return { status: r.status, type: r.headers.get("content-type") };
    }, played[0] as string);
    expect(served).toEqual({ status: 200, type: "audio/ogg" });
    await apiCall(admin, "PATCH", `/api/branches/${branchId}/display-settings`, {
      voiceMode: "auto",
      announceTimes: 2,
      announceEnglish: true,
    });
  });

  it("lays out landscape and portrait screens from 720p to 4K with no overlap and no squeezed text, notices in the bottom 40%", async () => {
    // Notices as a branch writes them: exchange rates as text, a picture notice.
    const png = readFileSync(join(ROOT, "web/public/favicon.svg")).length > 0;
    expect(png).toBe(true);
    const rates = await apiCall(admin, "POST", `/api/branches/${branchId}/notices`, {
      titleZh: "今日外汇牌价",
      titleEn: "Today's exchange rates",
      bodyZh:
        "美元 USD 现汇买入 710.52 · 欧元 EUR 现汇买入 768.30 · 港币 HKD 现汇买入 91.05 · 日元 JPY 现汇买入 4.7821",
      bodyEn: "USD buying 710.52 · EUR buying 768.30 · HKD buying 91.05 · JPY buying 4.7821 (per 100)",
    });
    expect(rates.status).toBe(201);
    // Each open counter busy with a ticket, so the tiles show numbers.
    for (const [n, teller] of tellers) {
      const t = await issue(n === 2 ? "B" : "A");
      await apiCall(teller, "POST", `/api/counters/${counters.get(n)}/call`, { ticketId: t.id });
    }
    for (const size of SIZES) {
      const display = await openDisplay(size);
      await expect.poll(() => display.locator("[data-counter]").count()).toBe(counters.size);
      await display.getByTestId("notice-board").waitFor();
      await expect.poll(() => display.getByTestId("display-counter-ticket-2").textContent()).toMatch(/^B\d+/);
      for (const lang of ["zh", "en"]) {
        if (lang === "en") {
          await display.getByTestId("lang-switch").first().click();
          await expect.poll(() => display.evaluate(() => document.documentElement.lang)).toBe("en");
        }
        const where = `${size.width}×${size.height} ${lang}`;
        // Shot first, so a failing size can be looked at.
        await shoot(display, `display-${size.width}x${size.height}`);
        const tiles = await boxes(display, "[data-counter]", "data-counter");
        expect(overlaps(tiles), where).toEqual([]);
        expect(outside(tiles, size), where).toEqual([]);
        const regions = await boxes(
          display,
          ".display-top, .display-calling, .display-side section, .display-notices",
          "class",
        );
        expect(overlaps(regions), where).toEqual([]);
        expect(outside(regions, size), where).toEqual([]);
        expect(await squeezedText(display, '[data-testid="display"]'), where).toEqual([]);
        const board = (await boxes(display, ".display-notices", "class"))[0];
        if (size.width > size.height) {
          // Landscape: the notice board is the bottom 40% of the screen.
          expect(Math.abs((board?.y ?? 0) - size.height * 0.6), where).toBeLessThan(2);
          expect(Math.abs((board?.height ?? 0) - size.height * 0.4), where).toBeLessThan(2);
        } else expect((board?.y ?? 0) + (board?.height ?? 0), where).toBeCloseTo(size.height, 0);
      }
      await display.close();
    }
    await apiCall(admin, "POST", `/api/notices/${(rates.body as Ref).id}`, undefined).catch(() => undefined);
  });
  it("a branch manager edits the voice, a recording and a notice in admin, and the display shows the notice", async () => {
    const manager = await session.page(DESK);
    await login(manager, origin, "manager", "/admin");
    await manager.getByRole("tab", { name: "大堂屏与取号机" }).click();
    await manager.getByTestId("display-setup").waitFor();
    await manager.getByTestId("setup-announce-times").fill("3");
    await manager.getByTestId("setup-kiosk-return").fill("90");
    await manager.getByTestId("setup-save").click();
    await expect
      .poll(async () => {
        const s = (await apiCall(manager, "GET", `/api/branches/${branchId}/display-settings`)).body as {
          announceTimes: number;
          kioskReturnSeconds: number;
        };
        return [s.announceTimes, s.kioskReturnSeconds];
      })
      .toEqual([3, 90]);
    // A recording of "到" from a file, as staff would choose it.
    await manager.getByTestId("clip-token").click();
    await manager.keyboard.type("zh-dao");
    await manager.keyboard.press("Enter");
    await manager.getByTestId("clip-file").setInputFiles(join(ROOT, "web/public/voice/zh-dao.ogg"));
    await manager.getByTestId("clip-upload").click();
    await manager.getByTestId("clip-remove-zh-dao").waitFor();
    // A notice in both languages.
    await manager.getByTestId("notice-title-zh").fill("营业时间调整");
    await manager.getByTestId("notice-title-en").fill("New opening hours");
    await manager.getByTestId("notice-body-zh").fill("周六 9:00–16:00");
    await manager.getByTestId("notice-body-en").fill("Saturday 9:00–16:00");
    await manager.getByTestId("notice-save").click();
    await expect
      .poll(() => manager.locator('[data-testid^="notice-row-"]').filter({ hasText: "营业时间调整" }).count())
      .toBe(1);
    await shoot(manager, "admin-display-setup", { fullPage: true });
    const display = await openDisplay({ width: 1920, height: 1080 });
    const board = display.getByTestId("notice-board");
    // Notices rotate: wait until this one is up (each shows for the branch's interval).
    await expect.poll(async () => (await board.textContent()) ?? "", { timeout: 30_000 }).toContain("营业时间调整");
    expect(await board.textContent()).toContain("New opening hours");
    await shoot(display, "display-notice");
    await apiCall(manager, "PATCH", `/api/branches/${branchId}/display-settings`, {
      announceTimes: 2,
      kioskReturnSeconds: 60,
    });
  });
});
