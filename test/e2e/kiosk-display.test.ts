import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakePrinter } from "../support/fake-printer.ts";
import {
  apiCall,
  type BrowserSession,
  chromiumAvailable,
  listOf,
  login,
  openBrowserSession,
  shoot,
  shootBoth,
} from "./harness.ts";

const KIOSK_PORTRAIT = { width: 1080, height: 1920 };
const DESK = { width: 1440, height: 900 };

interface Ref {
  readonly id: string;
  readonly prefix?: string;
  readonly number?: number;
}

/** The kiosk, the display and the devices as customers and staff meet them. */
describe.skipIf(!chromiumAvailable())("kiosk and display", () => {
  let session: BrowserSession;
  let origin = "";
  let kiosk: Page;
  let admin: Page;
  let branchId = "";
  const service = new Map<string, string>(); // prefix → id

  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
    admin = await session.page(DESK);
    await login(admin, origin, "admin", "/admin");
    branchId = listOf<Ref>((await apiCall(admin, "GET", "/api/branches")).body, "branches")[0]?.id ?? "";
    for (const s of listOf<Ref>((await apiCall(admin, "GET", `/api/branches/${branchId}/services`)).body, "services"))
      service.set(s.prefix ?? "", s.id);
    kiosk = await session.page(KIOSK_PORTRAIT);
    await kiosk.goto(`${origin}/kiosk?pair=${session.server.tokens.kiosk}`);
    await kiosk.getByTestId("service-A").waitFor();
  }, 120_000);

  afterAll(() => session?.close());

  it("promises no wait with every counter closed, and greys out a business type that is closed or full", async () => {
    // Rules set as a branch manager would in admin: E opens at 23:59 (not yet, at any hour of this test but the
    // last minute of the day), F takes one ticket a day.
    const lateOpening = await apiCall(admin, "PATCH", `/api/services/${service.get("E")}`, { opensAt: "23:59" });
    expect(lateOpening.status).toBe(200);
    expect((await apiCall(admin, "PATCH", `/api/services/${service.get("F")}`, { dailyCap: 1 })).status).toBe(200);
    const first = await apiCall(kiosk, "POST", `/api/branches/${branchId}/tickets`, { serviceId: service.get("F") });
    expect(first.status).toBe(201);
    await kiosk.reload();
    await kiosk.getByTestId("service-A").waitFor();
    // No counter is open in the demo until a teller signs in: every business type says so, none promises minutes.
    await expect.poll(() => kiosk.getByTestId("no-counter-A").textContent()).toBe("暂无窗口开放");
    expect(await kiosk.getByTestId("closed-E").textContent()).toBe("23:59 起取号");
    expect(await kiosk.getByTestId("closed-F").textContent()).toBe("今日号已取完（1 个）");
    expect(await kiosk.getByTestId("service-E").isDisabled()).toBe(true);
    expect(await kiosk.getByTestId("service-F").isDisabled()).toBe(true);
    expect(await kiosk.getByTestId("service-A").isEnabled()).toBe(true);
    await shootBoth(kiosk, "kiosk-rules-portrait");
    // The ticket itself says no counter is open rather than "0 minutes".
    await kiosk.getByTestId("service-A").click();
    await kiosk.getByTestId("kiosk-ticket").waitFor();
    expect(await kiosk.getByTestId("ticket-estimate").textContent()).toBe("暂无窗口开放");
    const link = (await kiosk.getByTestId("ticket-qr").getAttribute("data-link")) ?? "";
    await shoot(kiosk, "kiosk-ticket-no-counter");
    await kiosk.getByTestId("ticket-done").click();
    // The live page on the phone says the same, in English too.
    const phone = await session.page({ width: 390, height: 844 });
    await phone.goto(link.replace(/^https?:\/\/[^/]+/, origin));
    await expect
      .poll(() => phone.getByTestId("live-estimate").textContent())
      .toBe("暂无办理此业务的窗口开放，无法估计等候时间");
    await phone.getByTestId("lang-switch").first().click();
    await expect
      .poll(() => phone.getByTestId("live-estimate").textContent())
      .toBe("No counter serving this business is open, so no wait can be estimated");
    // In English the kiosk says why too.
    await kiosk.getByTestId("lang-switch").first().click();
    await expect.poll(() => kiosk.getByTestId("closed-F").textContent()).toBe("No tickets left today (limit 1)");
    expect(await kiosk.getByTestId("no-counter-A").textContent()).toBe("No counter open");
    await kiosk.getByTestId("lang-switch").first().click();
    // The rules show in admin's business-type table.
    await admin.goto(`${origin}/admin`);
    await admin.getByRole("tab", { name: "业务类型" }).click();
    await expect.poll(() => admin.getByTestId("rules-F").textContent()).toBe("每日限号 1");
    expect(await admin.getByTestId("rules-E").textContent()).toBe("23:59–…");
    await shoot(admin, "admin-service-rules");
    // Clear the rules for the tests that follow.
    await apiCall(admin, "PATCH", `/api/services/${service.get("E")}`, { opensAt: null });
    await apiCall(admin, "PATCH", `/api/services/${service.get("F")}`, { dailyCap: null });
  });

  it("a kiosk with a network printer prints there (no print dialog), and shows and reports the printer's trouble", async () => {
    const printer = await fakePrinter();
    try {
      const created = await apiCall(admin, "POST", `/api/branches/${branchId}/devices`, {
        kind: "kiosk",
        name: "K-printer",
        printerUrl: printer.url,
      });
      expect(created.status).toBe(201);
      const { token, device } = created.body as { token: string; device: { id: string } };
      const printing = await session.page({ width: 1920, height: 1080 });
      await printing.goto(`${origin}/kiosk?pair=${token}`);
      await printing.getByTestId("service-A").waitFor();
      await printing.getByTestId("service-A").click();
      await printing.getByTestId("kiosk-ticket").waitFor();
      const number = (await printing.getByTestId("ticket-number").textContent()) ?? "";
      await expect.poll(() => printer.jobs.length, { timeout: 10_000 }).toBe(1);
      expect((printer.jobs[0] as Buffer).includes(Buffer.from(number))).toBe(true);
      // The server printed it: the page sends the customer to the slot and offers no browser printing.
      expect(await printing.getByTestId("take-slip").textContent()).toBe("请从出票口取走号票");
      expect(await printing.getByTestId("print").count()).toBe(0);
      await shoot(printing, "kiosk-network-printer-ticket");
      await printing.getByTestId("ticket-done").click();
      // Out of paper: the next heartbeat (a reload sends one at once) shows it to the customer…
      printer.status = { printer: 0x12, paper: 0x72 };
      await printing.reload();
      await expect.poll(() => printing.getByTestId("printer-warning").getAttribute("data-state")).toBe("paper_out");
      await shootBoth(printing, "kiosk-printer-paper-out");
      // …and to staff in admin, with the device online and its page version.
      await admin.goto(`${origin}/admin`);
      await admin.getByRole("tab", { name: "设备" }).click();
      await expect
        .poll(() => admin.getByTestId(`device-printer-${device.id}`).getAttribute("data-state"))
        .toBe("paper_out");
      expect(await admin.getByTestId(`device-online-${device.id}`).getAttribute("data-online")).toBe("true");
      await shoot(admin, "admin-devices");
    } finally {
      await printer.close();
    }
  });

  it("the display clears a finished call and shows nothing at an idle counter; each tile carries data-counter", async () => {
    const display = await session.page({ width: 1920, height: 1080 });
    await display.goto(`${origin}/display?pair=${session.server.tokens.display}`);
    await display.getByTestId("display").waitFor();
    const teller = await session.page(DESK);
    await login(teller, origin, "teller2", "/counter");
    const counters = listOf<Ref>((await apiCall(teller, "GET", `/api/branches/${branchId}/counters`)).body, "counters");
    const counter2 = counters.find((c) => c.number === 2)?.id ?? "";
    expect((await apiCall(teller, "POST", `/api/counters/${counter2}/sign-in`)).status).toBe(200);
    // Counter 2 is open and idle: its tile shows nothing (not a placeholder), and it says which counter it is.
    await expect.poll(() => display.locator('[data-counter="2"]').count()).toBe(1);
    await expect.poll(() => display.getByTestId("display-counter-ticket-2").textContent()).toBe("");
    // Clear what earlier tests left waiting, then take one cash ticket and call it.
    const lobby = await session.page(DESK);
    await login(lobby, origin, "lobby", "/lobby");
    const queue = (await apiCall(lobby, "GET", `/api/branches/${branchId}/queue`)).body as { waiting: Ref[] };
    for (const w of queue.waiting) await apiCall(lobby, "POST", `/api/tickets/${w.id}/cancel`, { reason: "test" });
    const issued = await apiCall(kiosk, "POST", `/api/branches/${branchId}/tickets`, { serviceId: service.get("A") });
    const ticket = issued.body as { id: string; number: string };
    const called = await apiCall(teller, "POST", `/api/counters/${counter2}/call-next`);
    expect(called.status).toBe(200);
    await expect
      .poll(async () => (await display.getByTestId("latest-call").textContent()) ?? "")
      .toContain(ticket.number);
    await expect.poll(() => display.getByTestId("display-counter-ticket-2").textContent()).toBe(ticket.number);
    // Served and finished: no longer "now calling", and the counter's tile is empty again.
    expect((await apiCall(teller, "POST", `/api/tickets/${ticket.id}/start`)).status).toBe(200);
    expect((await apiCall(teller, "POST", `/api/tickets/${ticket.id}/complete`, {})).status).toBe(200);
    await expect.poll(() => display.getByTestId("latest-call").count()).toBe(0);
    await expect.poll(() => display.getByTestId("display-counter-ticket-2").textContent()).toBe("");
    await shoot(display, "display-after-finish");
  });

  it("a display that cannot play sound says so to staff, and remembers that sound was turned on", async () => {
    const display = await session.page({ width: 1280, height: 720 });
    await display.goto(`${origin}/display?pair=${session.server.tokens.display}`);
    await display.getByTestId("display").waitFor();
    // Sound is off until staff turn it on (or the browser runs with the autoplay flag): a warning for staff.
    await expect.poll(() => display.getByTestId("sound-warning").getAttribute("data-level")).toBe("silent");
    expect(await display.getByTestId("sound-warning").textContent()).toContain("本屏无法播报叫号");
    await shoot(display, "display-sound-warning");
    await display.getByTestId("enable-sound").click();
    await expect.poll(() => display.getByTestId("enable-sound").count()).toBe(0);
    expect(await display.evaluate(() => window.localStorage.getItem("datang.display.sound"))).toBe("1");
    // With sound on, a browser without a Mandarin voice speaks through the recorded clips: nothing to warn about.
    await expect.poll(() => display.getByTestId("sound-warning").count()).toBe(0);
  });
});
