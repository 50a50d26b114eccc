import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiCall,
  type BrowserSession,
  chooseOption,
  chromiumAvailable,
  listOf,
  login,
  oneOf,
  openBrowserSession,
  pdftoppmAvailable,
  printPage,
  type RunningServer,
  shoot,
  shootBoth,
  shortcut,
} from "./harness.ts";

const KIOSK = { width: 1280, height: 1024 };
const DESK = { width: 1440, height: 900 };

interface Ref {
  readonly id: string;
  readonly number: string | number;
  readonly prefix?: string;
}
interface TicketLike {
  readonly id: string;
  readonly number: string;
  readonly serviceId: string;
  readonly status: string;
  readonly counterId: string | null;
  readonly targetCounterId?: string | null;
  readonly recallCount?: number;
  readonly position?: number;
}

/** The counter workstation's other actions (transfer, park/resume, recall and no-show, pause) and the kiosk's printed ticket. */
describe.skipIf(!chromiumAvailable())("counter actions and the printed ticket", () => {
  let session: BrowserSession;
  let server: RunningServer;
  let origin = "";
  let kiosk: Page;
  let counter: Page;
  let lobby: Page;
  let manager: Page;
  let branchId = "";
  const service = new Map<string, string>(); // prefix → id
  const counterIds = new Map<string, string>(); // number → id

  const page = (viewport: { width: number; height: number }): Promise<Page> => session.page(viewport);
  /** A walk-in ticket straight from the kiosk's API (the kiosk's own screen is covered by the walk-in test). */
  const issue = async (prefix: string): Promise<TicketLike> => {
    const answer = await apiCall(kiosk, "POST", `/api/branches/${branchId}/tickets`, {
      serviceId: service.get(prefix),
    });
    expect(answer.status).toBe(201);
    return oneOf<TicketLike>(answer.body, "ticket");
  };
  const ticket = async (id: string): Promise<TicketLike> =>
    oneOf<TicketLike>((await apiCall(lobby, "GET", `/api/tickets/${id}`)).body, "ticket");
  const counterView = async (n: string) =>
    oneOf<{ state: string; parkedTickets: TicketLike[] }>(
      (await apiCall(counter, "GET", `/api/counters/${counterIds.get(n)}`)).body,
      "counter",
    );
  const waitingLine = async (): Promise<TicketLike[]> =>
    listOf<TicketLike>(
      oneOf<{ waiting: unknown }>((await apiCall(lobby, "GET", `/api/branches/${branchId}/queue`)).body, "queue")
        .waiting,
      "waiting",
    );
  /** The number at the counter now, "" when none; never waits for the element (it comes and goes). */
  const current = async (): Promise<string> => (await counter.getByTestId("current-number").allTextContents()).join("");
  const idle = async (): Promise<void> => {
    await expect.poll(current).toBe("");
    await expect.poll(() => counter.getByTestId("act-callNext").isEnabled()).toBe(true);
  };
  /** Leaves nobody waiting, so the next test's call-next is predictable. */
  const clearLine = async (): Promise<void> => {
    for (const w of await waitingLine()) {
      await apiCall(lobby, "POST", `/api/tickets/${w.id}/cancel`, { reason: "test cleanup" });
    }
    expect(await waitingLine()).toEqual([]);
  };

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, origin } = session);

    kiosk = await page(KIOSK);
    await kiosk.goto(`${origin}/kiosk?pair=${server.tokens.kiosk}`);
    await kiosk.getByTestId("service-A").waitFor();
    lobby = await page(DESK);
    await login(lobby, origin, "lobby", "/lobby");
    counter = await page(DESK);
    await login(counter, origin, "teller1", "/counter");
    manager = await page(DESK);
    await login(manager, origin, "manager", "/lobby");

    branchId = listOf<Ref>((await apiCall(counter, "GET", "/api/branches")).body, "branches")[0]?.id ?? "";
    // Five seconds between calls of a ticket (ten by default) keeps the recall test short.
    expect((await apiCall(manager, "PATCH", `/api/branches/${branchId}`, { minRecallGapSeconds: 5 })).status).toBe(200);
    for (const s of listOf<Ref>((await apiCall(counter, "GET", `/api/branches/${branchId}/services`)).body, "services"))
      service.set(s.prefix ?? "", s.id);
    for (const c of listOf<Ref>((await apiCall(counter, "GET", `/api/branches/${branchId}/counters`)).body, "counters"))
      counterIds.set(String(c.number), c.id);

    await chooseOption(counter, "counter-select", "1号窗口");
    await counter.getByTestId("sign-in").click();
    await counter.getByTestId("sign-out").waitFor();
    await counter.waitForSelector("[data-testid=act-callNext]:not([disabled])");
  }, 120_000);

  afterAll(() => session?.close());

  it("transfers to another business type (first in line) by key, and to a counter by button", async () => {
    const a = await issue("A");
    await shortcut(counter, "n");
    await expect.poll(current).toBe(a.number);
    const b1 = await issue("B");
    const b2 = await issue("B");

    // T opens the transfer dialog; business type 转账汇款 (B), first in line (the default).
    await shortcut(counter, "t");
    await chooseOption(counter, "transfer-target", "转账汇款");
    expect(await counter.locator(".ant-modal input[value=first]").isChecked()).toBe(true);
    await shoot(counter, "counter-transfer");
    await counter.locator("#transfer-ok").click();
    await idle();
    const moved = await ticket(a.id);
    expect(moved.serviceId).toBe(service.get("B"));
    expect(moved.status).toBe("waiting");
    const line = (await waitingLine())
      .filter((w) => w.serviceId === service.get("B"))
      .sort((x, y) => (x.position ?? 0) - (y.position ?? 0));
    expect(line.map((w) => w.number)).toEqual([a.number, b1.number, b2.number]);
    await expect.poll(() => lobby.getByTestId(`waiting-row-${a.number}`).textContent()).toContain("转账汇款");

    // The lobby opens counter 2; the teller sends the next customer there with the button.
    await lobby.getByTestId("counter-open-2").click();
    await expect.poll(() => lobby.getByTestId("counter-state-2").textContent()).toContain("开放");
    await counter.getByTestId("act-callNext").click();
    await expect.poll(current).toBe(a.number);
    await counter.getByTestId("act-transfer").click();
    await counter.locator(".ant-modal").getByText("指定窗口").click();
    await chooseOption(counter, "transfer-target", "2号窗口");
    await counter.locator("#transfer-ok").click();
    await idle();
    const sent = await ticket(a.id);
    expect(sent.status).toBe("waiting");
    expect(sent.targetCounterId).toBe(counterIds.get("2"));
    await clearLine();
  });

  it("parks and resumes from the server's list, by button and by key", async () => {
    const a = await issue("A");
    await shortcut(counter, "n");
    await expect.poll(current).toBe(a.number);
    await shortcut(counter, "s");
    await expect.poll(() => counter.getByTestId("act-complete").isEnabled()).toBe(true);
    await counter.getByTestId("act-park").click();
    await idle();
    await counter.getByTestId(`parked-${a.number}`).waitFor();
    expect((await counterView("1")).parkedTickets.map((t) => t.id)).toEqual([a.id]);
    expect((await ticket(a.id)).status).toBe("parked");

    // The list comes from the server, not from this browser: a reload (with storage cleared) still shows it.
    await counter.evaluate(() => {
      for (const key of Object.keys(window.localStorage))
        if (key.startsWith("datang.parked")) localStorage.removeItem(key);
    });
    await counter.reload();
    await counter.getByTestId(`parked-${a.number}`).waitFor();
    await shoot(counter, "counter-parked");

    // Resume while free: it comes straight back to this counter, called.
    await counter.getByTestId(`resume-${a.number}`).click();
    await expect.poll(current).toBe(a.number);
    await expect.poll(() => counter.getByTestId(`parked-${a.number}`).count()).toBe(0);
    const back = await ticket(a.id);
    expect(back.status).toBe("called");
    expect(back.counterId).toBe(counterIds.get("1"));

    // Park by key, serve someone else, resume while busy: first in this counter's line, called next.
    await shortcut(counter, "p");
    await idle();
    await counter.getByTestId(`parked-${a.number}`).waitFor();
    const other = await issue("A");
    await shortcut(counter, "n");
    await expect.poll(current).toBe(other.number);
    await counter.getByTestId(`resume-${a.number}`).click();
    await expect.poll(() => counter.getByTestId(`parked-${a.number}`).count()).toBe(0);
    expect(await current()).toBe(other.number);
    const queued = await ticket(a.id);
    expect(queued.status).toBe("waiting");
    expect(queued.targetCounterId).toBe(counterIds.get("1"));
    await shortcut(counter, "s");
    await expect.poll(() => counter.getByTestId("act-complete").isEnabled()).toBe(true);
    await shortcut(counter, "c");
    await idle();
    await shortcut(counter, "n");
    await expect.poll(current).toBe(a.number);
    await shortcut(counter, "s");
    await expect.poll(() => counter.getByTestId("act-complete").isEnabled()).toBe(true);
    await counter.getByTestId("act-complete").click();
    await idle();
    expect((await counterView("1")).parkedTickets).toEqual([]);
  });

  it("refuses a no-show before the third recall with the server's message, allows it after", async () => {
    const a = await issue("A");
    await shortcut(counter, "n");
    await expect.poll(current).toBe(a.number);
    const recalls = counter.getByTestId("current-card");

    await counter.getByTestId("act-noShow").click();
    await expect
      .poll(async () => (await counter.getByTestId("counter-error").textContent()) ?? "")
      .toContain("仅重呼了 0 次（需重呼 3 次）");
    // The server's sentence, never its code.
    expect(await counter.getByTestId("counter-error").textContent()).not.toContain("(conflict)");
    await counter.getByTestId("counter-error").locator(".ant-alert-close-icon").click();
    for (const n of [1, 2]) {
      await counter.waitForTimeout(5100);
      await shortcut(counter, "r");
      await expect.poll(() => recalls.textContent()).toContain(`已重呼 ${n} 次`);
      if (n === 1) {
        // A second press right after is refused: repeated presses cannot make repeated announcements.
        await shortcut(counter, "r");
        await expect
          .poll(async () => (await counter.getByTestId("counter-error").textContent()) ?? "")
          .toContain("秒后再重呼");
        expect((await ticket(a.id)).recallCount).toBe(1);
        await counter.getByTestId("counter-error").locator(".ant-alert-close-icon").click();
      }
    }
    expect(await counter.getByTestId("counter-error").count()).toBe(0);
    await shortcut(counter, "x");
    await expect
      .poll(async () => (await counter.getByTestId("counter-error").textContent()) ?? "")
      .toContain("仅重呼了 2 次（需重呼 3 次）");
    await shoot(counter, "counter-no-show-refused");
    expect((await ticket(a.id)).status).toBe("called");

    await counter.getByTestId("counter-error").locator(".ant-alert-close-icon").click();
    await counter.waitForTimeout(5100);
    await counter.getByTestId("act-recall").click();
    await expect.poll(() => recalls.textContent()).toContain("已重呼 3 次");
    await counter.getByTestId("act-noShow").click();
    await idle();
    expect(await counter.getByTestId("counter-error").count()).toBe(0);
    const gone = await ticket(a.id);
    expect(gone.status).toBe("no_show");
    expect(gone.recallCount).toBe(3);

    // The customer comes back: the lobby manager puts them back in line, and the counter can call them again.
    await lobby.getByTestId(`requeue-${a.number}`).click();
    await expect.poll(async () => (await ticket(a.id)).status).toBe("waiting");
    await expect.poll(() => lobby.getByTestId(`no-show-${a.number}`).count()).toBe(0);
    await counter.getByTestId(`call-${a.number}`).click();
    await expect.poll(current).toBe(a.number);
    await shortcut(counter, "s");
    await expect.poll(() => counter.getByTestId("act-complete").isEnabled()).toBe(true);
    await shortcut(counter, "c");
    await idle();
  });

  it("lists the customers this counter may call, calls one of them, and says nobody waits only when none does", async () => {
    await clearLine();
    await expect.poll(() => counter.getByTestId("nobody-waiting").count()).toBe(1);
    const c = await issue("C"); // account opening: not a skill of counter 1
    // Someone waits, only not for this counter: the page says so instead of "nobody waits".
    await expect
      .poll(async () => (await counter.getByTestId("others-waiting").allTextContents()).join(""))
      .toBe("1 位客户在等候其他窗口的业务");
    expect(await counter.getByTestId("nobody-waiting").count()).toBe(0);
    expect(await counter.getByTestId(`callable-${c.number}`).count()).toBe(0);
    // Call-next finds nothing for this counter and says why, in the same words.
    await counter.getByTestId("act-callNext").click();
    await expect
      .poll(async () => (await counter.locator(".ant-message").allTextContents()).join(""))
      .toContain("1 位客户在等候其他窗口的业务");
    await shoot(counter, "counter-others-waiting");
    const a1 = await issue("A");
    const a2 = await issue("A");
    await counter.getByTestId(`callable-${a2.number}`).waitFor();
    expect(await counter.getByTestId("nobody-waiting").count()).toBe(0);
    await expect
      .poll(async () => (await counter.getByTestId("others-waiting").allTextContents()).join(""))
      .toBe("另有 1 位客户在等候其他窗口的业务");
    await counter.getByTestId(`callable-${a1.number}`).waitFor();
    await shootBoth(counter, "counter-callable");
    // "Call this one": the second in line, by the teller's choice.
    await counter.getByTestId(`call-${a2.number}`).click();
    await expect.poll(current).toBe(a2.number);
    await shortcut(counter, "s");
    await expect.poll(() => counter.getByTestId("act-complete").isEnabled()).toBe(true);
    await shortcut(counter, "c");
    await idle();
    // The teller's own day counts it.
    await expect.poll(async () => (await counter.getByTestId("my-day").textContent()) ?? "").toMatch(/已办结\d+/);

    // A ticket the lobby sends here with a note: the note shows when it is called.
    const sent = await apiCall(lobby, "POST", `/api/tickets/${c.id}/transfer`, {
      counterId: counterIds.get("1"),
      position: "first",
      note: "客户需补办借记卡，身份证已核验",
    });
    expect(sent.status).toBe(200);
    await counter.getByTestId(`callable-${c.number}`).waitFor();
    await shortcut(counter, "n");
    await expect.poll(current).toBe(c.number);
    await expect
      .poll(async () => (await counter.getByTestId("handover-note").textContent()) ?? "")
      .toContain("客户需补办借记卡");
    await shootBoth(counter, "counter-handover-note");
    await shortcut(counter, "s");
    await expect.poll(() => counter.getByTestId("act-complete").isEnabled()).toBe(true);
    await shortcut(counter, "c");
    await idle();
    await clearLine();
    await expect.poll(() => counter.getByTestId("nobody-waiting").count()).toBe(1);
    expect(await counter.getByTestId("others-waiting").count()).toBe(0);
  });

  it("pauses with a reason by key and reopens by button; the lobby console follows", async () => {
    await shortcut(counter, "b");
    await counter.getByTestId("pause-reasons").getByText("培训").click();
    await counter.locator("#pause-ok").click();
    await expect.poll(() => counter.getByTestId("counter-state").textContent()).toBe("暂停");
    await expect.poll(() => counter.getByTestId("pause-reason").textContent()).toBe("暂停中：培训");
    expect((await counterView("1")) as unknown).toMatchObject({ pauseReason: "training" });
    await expect.poll(() => lobby.getByTestId("counter-state-1").textContent()).toContain("暂停");
    expect((await counterView("1")).state).toBe("paused");
    expect(await counter.getByTestId("act-callNext").isEnabled()).toBe(false);
    expect(await counter.getByTestId("act-pause").textContent()).toContain("恢复服务");
    await shoot(counter, "counter-paused");
    await shoot(lobby, "lobby-counter-paused");

    await counter.getByTestId("act-pause").click();
    await expect.poll(() => counter.getByTestId("counter-state").textContent()).toBe("开放");
    await expect.poll(() => lobby.getByTestId("counter-state-1").textContent()).toContain("开放");
    expect((await counterView("1")).state).toBe("open");
    await expect.poll(() => counter.getByTestId("act-callNext").isEnabled()).toBe(true);
  });

  it.skipIf(!pdftoppmAvailable())("prints the kiosk ticket on an 80 mm roll", async () => {
    await kiosk.getByTestId("care-elderly").click();
    await kiosk.getByTestId("service-C").click();
    await kiosk.getByTestId("kiosk-ticket").waitFor();
    await kiosk.getByTestId("ticket-branch").waitFor();
    await expect
      .poll(() => kiosk.locator("img[data-testid=ticket-qr]").evaluate((i: HTMLImageElement) => i.complete))
      .toBe(true);
    // 80 × 120 mm is 302 × 454 CSS pixels.
    const paper = { width: "80mm", height: "120mm", cssWidth: 302, cssHeight: 454 };
    // Everything on one slip of paper: nothing spills onto a second page, in either language.
    expect((await printPage(kiosk, "kiosk-print-zh", paper)).pages).toBe(1);
    await kiosk.getByTestId("lang-switch").click();
    await expect.poll(() => kiosk.evaluate(() => document.documentElement.lang)).toBe("en");
    expect((await printPage(kiosk, "kiosk-print-en", paper)).pages).toBe(1);
    await kiosk.getByTestId("lang-switch").click();
    await expect.poll(() => kiosk.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    await kiosk.getByTestId("ticket-done").click();
    await kiosk.getByTestId("service-A").waitFor();
  });
});
