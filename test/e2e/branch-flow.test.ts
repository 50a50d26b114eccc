import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserSession,
  chooseOption,
  chromiumAvailable,
  login,
  openBrowserSession,
  type RunningServer,
  shoot,
  shootBoth,
  startServer,
} from "./harness.ts";

const TV = { width: 1920, height: 1080 };
const KIOSK = { width: 1280, height: 1024 };
const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const PAD = { width: 1024, height: 600 };

interface Spoken {
  readonly text: string;
  readonly lang: string;
}

async function spoken(page: Page): Promise<Spoken[]> {
  return page.evaluate(() => (window as unknown as { __spoken: Spoken[] }).__spoken);
}

describe.skipIf(!chromiumAvailable())("the branch in the browser", () => {
  let session: BrowserSession;
  let server: RunningServer;
  let origin = "";
  let display: Page;
  let kiosk: Page;
  let counter: Page;
  let rate: Page;
  let lobby: Page;
  let live: Page;
  let ticketNumber = "";
  let ticketLink = "";

  const page = (viewport: { width: number; height: number }): Promise<Page> => session.page(viewport);
  const waitingCount = async (prefix: string): Promise<number> =>
    Number(await display.getByTestId(`waiting-${prefix}`).getAttribute("data-count"));

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, origin } = session);
  }, 120_000);

  afterAll(() => session?.close());

  it("pairs the display and kiosk from their links and shows the home page in both languages", async () => {
    const home = await page(DESK);
    await home.goto(`${origin}/`);
    await expect.poll(() => home.getByRole("heading", { level: 1 }).textContent()).toContain("大堂");
    await shoot(home, "home");
    await home.getByTestId("lang-switch").click();
    await expect.poll(() => home.getByRole("heading", { level: 1 }).textContent()).toContain("Branch service");
    expect(await home.evaluate(() => document.documentElement.lang)).toBe("en");
    await shoot(home, "home");
    await home.getByTestId("lang-switch").click();
    await expect.poll(() => home.getByRole("heading", { level: 1 }).textContent()).toContain("网点服务");

    display = await page(TV);
    // This display stands for a TV whose browser has a Mandarin voice: it speaks through speech synthesis (the
    // recorded clips, used without one, are tested in display-screens.test.ts).
    await display.addInitScript(() => {
      const voice = { lang: "zh-CN", name: "Test Mandarin", voiceURI: "test-zh", localService: true, default: true };
      window.speechSynthesis.getVoices = () => [voice as unknown as SpeechSynthesisVoice];
    });
    await display.goto(`${origin}/display?pair=${server.tokens.display}`);
    await display.getByTestId("display").waitFor();
    expect(display.url()).not.toContain("pair=");
    kiosk = await page(KIOSK);
    await kiosk.goto(`${origin}/kiosk?pair=${server.tokens.kiosk}`);
    await kiosk.getByTestId("service-A").waitFor();
    await expect.poll(() => waitingCount("A")).toBe(0);
  });

  it("walk-in: kiosk ticket, display count, call, announcement, live ticket, completion, rating, lobby figures", async () => {
    // A double tap fires two clicks before React re-renders; only one ticket may come out.
    await kiosk.getByTestId("service-A").evaluate((button: HTMLElement) => {
      button.click();
      button.click();
    });
    await kiosk.getByTestId("kiosk-ticket").waitFor();
    ticketNumber = (await kiosk.getByTestId("ticket-number").textContent()) ?? "";
    expect(ticketNumber).toMatch(/^A\d{3}$/);
    expect(await kiosk.getByTestId("ticket-ahead").textContent()).toContain("0");
    ticketLink = (await kiosk.getByTestId("ticket-qr").getAttribute("data-link")) ?? "";
    expect(ticketLink).toMatch(/\/t\/[\w-]+$/);
    await shootBoth(kiosk, "kiosk-ticket");
    await kiosk.getByTestId("ticket-done").click();
    await kiosk.getByTestId("service-A").waitFor();
    await shootBoth(kiosk, "kiosk");
    await kiosk.getByTestId("large-mode").click();
    await shoot(kiosk, "kiosk-large");
    await kiosk.getByTestId("large-mode").click();

    await expect.poll(() => waitingCount("A"), { timeout: 10_000 }).toBe(1);

    live = await page(PHONE);
    await live.goto(ticketLink.replace(/^https?:\/\/[^/]+/, origin));
    await live.getByTestId("live-waiting").waitFor();
    expect(await live.getByTestId("live-number").textContent()).toBe(ticketNumber);
    await shootBoth(live, "live-waiting");

    lobby = await page(DESK);
    await login(lobby, origin, "lobby", "/lobby");
    await expect.poll(() => lobby.getByTestId("stat-issued").textContent()).toContain("1");

    rate = await page(PAD);
    await rate.goto(`${origin}/rate?pair=${server.tokens.rating_pad}`);
    await rate.getByTestId("rate-idle").waitFor();

    counter = await page(DESK);
    await login(counter, origin, "teller1", "/counter");
    await chooseOption(counter, "counter-select", "1号窗口");
    await counter.getByTestId("sign-in").click();
    await counter.getByTestId("sign-out").waitFor();
    await expect.poll(() => counter.getByTestId("act-callNext").isEnabled()).toBe(true);
    await counter.keyboard.press("n");
    await expect.poll(() => counter.getByTestId("current-number").textContent()).toBe(ticketNumber);
    const calledSeenAt = Date.now(); // the call was made before this

    const sentence = `请${ticketNumber}号到1号窗口办理`;
    await expect
      .poll(async () => (await display.getByTestId("latest-call").textContent()) ?? "")
      .toContain(ticketNumber);
    await expect.poll(async () => (await spoken(display)).map((s) => s.text)).toContain(sentence);
    expect((await spoken(display)).find((s) => s.text === sentence)?.lang).toBe("zh-CN");
    await expect.poll(() => waitingCount("A")).toBe(0);
    await live.getByTestId("your-turn").waitFor();
    expect(await live.getByTestId("your-turn").textContent()).toContain("1 号窗口");
    await shootBoth(live, "live-your-turn");

    // A recall waits for the branch's least gap since the call (10 s by default): the customer had time to come.
    await counter.waitForTimeout(Math.max(0, calledSeenAt + 10_500 - Date.now()));
    await counter.keyboard.press("r");
    // Each call is announced twice by default: the call's two and the recall's two.
    await expect.poll(async () => (await spoken(display)).filter((s) => s.text === sentence).length).toBe(4);
    await shootBoth(display, "display");

    await counter.keyboard.press("s");
    await expect.poll(() => counter.getByTestId("act-complete").isEnabled()).toBe(true);
    await rate.getByTestId("rate-serving").waitFor();
    await shootBoth(rate, "rate-serving");
    await counter.getByTestId("notes").fill("客户咨询理财产品 / asked about wealth products");
    await shootBoth(counter, "counter");
    await counter.locator("body").click({ position: { x: 5, y: 300 } });
    await counter.keyboard.press("c");
    await expect.poll(() => counter.getByTestId("act-callNext").isEnabled()).toBe(true);

    await rate.getByTestId("rate-ask").waitFor();
    await shootBoth(rate, "rate-ask");
    await rate.getByTestId("rate-satisfied").click();
    await rate.getByTestId("rate-thanks").waitFor();
    await shoot(rate, "rate-thanks");

    await expect.poll(() => lobby.getByTestId("stat-served").textContent(), { timeout: 10_000 }).toContain("1");
    await expect
      .poll(() => lobby.getByTestId("stat-satisfaction").textContent(), { timeout: 10_000 })
      .toContain("100%");
    await expect.poll(() => lobby.getByTestId("stat-issued").textContent()).toContain("1");
  }, 120_000); // the recall waits for the branch's 10 s gap between calls

  it("lobby triage: priority, business type, counter, redirect and cancel", async () => {
    const numbers: string[] = [];
    for (const prefix of ["A", "A", "A", "A", "A"]) {
      await kiosk.getByTestId(`service-${prefix}`).click();
      await kiosk.getByTestId("kiosk-ticket").waitFor();
      numbers.push((await kiosk.getByTestId("ticket-number").textContent()) ?? "");
      await kiosk.getByTestId("ticket-done").click();
      await kiosk.getByTestId(`service-${prefix}`).waitFor();
    }
    const [p, s, c, r, x] = numbers as [string, string, string, string, string];
    await lobby.getByTestId(`waiting-row-${x}`).waitFor();
    await shootBoth(lobby, "lobby");
    await lobby.getByTestId(`waiting-row-${x}`).waitFor();

    await lobby.getByTestId(`triage-priority-${p}`).click();
    await chooseOption(lobby, "priority-select", "老年人");
    await lobby.locator("#triage-ok").click();
    await expect.poll(() => lobby.getByTestId(`waiting-row-${p}`).textContent()).toContain("老年人");

    await lobby.getByTestId(`triage-service-${s}`).click();
    await chooseOption(lobby, "transfer-target", "转账");
    await lobby.locator("#transfer-ok").click();
    await expect.poll(() => lobby.getByTestId(`waiting-row-${s}`).textContent()).toContain("转账");

    await lobby.getByTestId("counter-open-2").click();
    await expect.poll(() => lobby.getByTestId("counter-state-2").textContent()).toContain("开放");
    await lobby.getByTestId(`triage-counter-${c}`).click();
    await chooseOption(lobby, "transfer-target", "2号窗口");
    await lobby.locator("#transfer-ok").click();
    await expect.poll(async () => (await lobby.locator(".ant-message").textContent()) ?? "").toContain("已完成");

    const pageErrors: Error[] = [];
    lobby.on("pageerror", (error) => pageErrors.push(error));
    await lobby.getByTestId(`triage-redirect-${r}`).click();
    await lobby.locator("#triage-ok").click();
    // The reason is required: the form says so in place, nothing is sent, and the page throws nothing.
    await lobby.locator(".ant-form-item-explain-error").first().waitFor();
    await lobby.waitForTimeout(300);
    expect(pageErrors.map((e) => e.message)).toEqual([]);
    await lobby.getByTestId("triage-reason").fill("存款可在自助存取款机办理");
    await lobby.locator("#triage-ok").click();
    await expect.poll(() => lobby.getByTestId(`waiting-row-${r}`).count()).toBe(0);

    await lobby.getByTestId(`triage-cancel-${x}`).click();
    await lobby.getByTestId("triage-reason").fill("客户离开");
    await lobby.locator("#triage-ok").click();
    await expect.poll(() => lobby.getByTestId(`waiting-row-${x}`).count()).toBe(0);

    await lobby.getByTestId("counter-pause-1").click();
    await expect.poll(() => lobby.getByTestId("counter-state-1").textContent()).toContain("暂停");
    await lobby.getByTestId("counter-open-1").click();
    await expect.poll(() => lobby.getByTestId("counter-state-1").textContent()).toContain("开放");
    await expect.poll(() => lobby.getByTestId("stat-waiting").textContent()).toContain("3");
  });

  it("admin edits a business type and sees the server's refusal in place", async () => {
    const admin = await page(DESK);
    await login(admin, origin, "admin", "/admin");
    await admin.getByRole("tab", { name: "业务类型" }).click();
    await admin.getByTestId("services-create").waitFor();
    // The table loads as its own chunk after the page (EntityTab): shoot it, not its placeholder.
    await admin.locator(".ant-table-row").first().waitFor();
    await shootBoth(admin, "admin");
    await admin.getByRole("tab", { name: "业务类型" }).click();
    const firstEdit = admin.locator('[data-testid^="services-edit-"]').first();
    await firstEdit.click();
    await admin.getByTestId("service-minutes").fill("7");
    await admin.locator("#services-save").click();
    await expect.poll(() => admin.locator(".ant-table-row").first().textContent()).toContain("7");

    // A second business type with prefix A conflicts; the server's message lands on the prefix field.
    await admin.getByTestId("services-create").click();
    await admin.locator("#code").fill("DUP");
    await admin.getByTestId("service-prefix").fill("A");
    await admin.getByTestId("service-name").fill("重复");
    await admin.locator("#nameEn").fill("Duplicate");
    await admin.locator("#services-save").click();
    await expect
      .poll(async () =>
        (
          await admin.locator(".ant-modal .ant-form-item-explain-error, [data-testid=form-error]").allTextContents()
        ).join(" "),
      )
      .toMatch(/\S/);
    await shoot(admin, "admin-error");
    await admin.keyboard.press("Escape");
    await admin.locator(".ant-modal-wrap").first().waitFor({ state: "hidden" });

    await admin.getByRole("tab", { name: "设备" }).click();
    await admin.getByTestId("devices-create").click();
    await admin.getByTestId("device-name").fill("二号显示屏");
    await admin.locator("#device-save").click();
    await expect.poll(async () => (await admin.getByTestId("pairing-link").textContent()) ?? "").toContain("?pair=");
    await shoot(admin, "admin-pairing");
  });

  it("a teller gets 403 on the admin page", async () => {
    await counter.goto(`${origin}/admin`);
    await counter.getByTestId("forbidden").waitFor();
    const status = await counter.evaluate(async () => (await fetch("/api/users")).status);
    expect(status).toBe(403);
    await shootBoth(counter, "admin-forbidden");
  });

  it("the display survives a server restart: offline mark, reconnect, catch up", async () => {
    await expect.poll(() => display.getByTestId("conn").getAttribute("data-online")).toBe("1");
    await server.stop();
    await expect.poll(() => display.getByTestId("conn").getAttribute("data-online"), { timeout: 15_000 }).toBe("0");
    await shoot(display, "display-offline");
    server = session.server = await startServer(server.port, server.dbPath, server.tokens);
    await expect.poll(() => display.getByTestId("conn").getAttribute("data-online"), { timeout: 20_000 }).toBe("1");
    const before = (await spoken(display)).length;
    await counter.goto(`${origin}/counter`);
    await counter.getByTestId("act-callNext").waitFor();
    await expect.poll(() => counter.getByTestId("act-callNext").isEnabled()).toBe(true);
    await counter.getByTestId("act-callNext").click();
    await expect
      .poll(async () => (await counter.getByTestId("current-number").textContent()) ?? "")
      .toMatch(/^[A-Z]\d{3}$/);
    const called = (await counter.getByTestId("current-number").textContent()) ?? "";
    await expect
      .poll(async () => (await display.getByTestId("latest-call").textContent()) ?? "", { timeout: 15_000 })
      .toContain(called);
    await expect.poll(async () => (await spoken(display)).length).toBeGreaterThan(before);
  });
});
