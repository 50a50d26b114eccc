/**
 * The lobby manager's console in daily use (issue 12): a ticket issued there shows its number with a print
 * button; a ticket sent to a counter shows that counter; a counter without the skill warns and asks first; a
 * wait past the alarm raises a banner and a sound; an offline display or kiosk is shown; no uncaught page error.
 */
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
  shootBoth,
} from "./harness.ts";

const DESK = { width: 1440, height: 900 };

interface Counter {
  readonly id: string;
  readonly number: number;
  readonly state: string;
  readonly skills: ReadonlyArray<{ serviceId: string; weight: number }>;
}
interface Service {
  readonly id: string;
  readonly prefix: string;
  readonly nameZh: string;
}

/** Counts what the page prints and the oscillators it starts (each chime starts two). */
const RECORDERS = `
  window.__printed = 0;
  window.print = () => { window.__printed += 1; };
  window.__oscillators = 0;
  const create = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () { window.__oscillators += 1; return create.call(this); };
`;

describe.skipIf(!chromiumAvailable())("the lobby in daily use", () => {
  let session: BrowserSession;
  let lobby: Page;
  let branchId = "";
  const errors: string[] = [];

  beforeAll(async () => {
    session = await openBrowserSession();
    lobby = await session.page(DESK);
    await lobby.context().addInitScript(RECORDERS);
    lobby.on("pageerror", (e) => errors.push(e.message));
    await lobby.clock.install();
    await login(lobby, session.origin, "lobby", "/lobby");
    const me = await apiCall<{ branchIds: string[] }>(lobby, "GET", "/api/auth/me");
    branchId = oneOf<{ branchIds: string[] }>(me.body, "user").branchIds[0] ?? "";
    expect(branchId).not.toBe("");
  }, 120_000);
  afterAll(() => session?.close());

  it("issues a ticket with its number and a print button that prints", async () => {
    const services = listOf<Service>(
      (await apiCall(lobby, "GET", `/api/branches/${branchId}/services`)).body,
      "services",
    );
    const first = services[0];
    if (!first) throw new Error("no services");
    await chooseOption(lobby, "issue-service", first.nameZh);
    await lobby.getByTestId("issue-ticket").click();
    const number = lobby.getByTestId("issued-number");
    await expect.poll(() => number.textContent()).toMatch(new RegExp(`^${first.prefix}\\d+$`));
    await expect.poll(() => lobby.getByTestId("issued-ahead").textContent()).toMatch(/前面还有 \d+ 位/);
    await lobby.getByTestId("issued-print").click();
    expect(await lobby.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1);
    await lobby.getByRole("button", { name: "关闭" }).click();
    await expect.poll(() => lobby.getByTestId("issued-slip").isVisible()).toBe(false);
  });

  it("warns before sending a ticket to a counter without its skill, then shows that counter on the ticket", async () => {
    const counters = listOf<Counter>(
      (await apiCall(lobby, "GET", `/api/branches/${branchId}/counters`)).body,
      "counters",
    );
    const waiting = oneOf<{ waiting: Array<{ id: string; number: string; serviceId: string }> }>(
      (await apiCall(lobby, "GET", `/api/branches/${branchId}/queue`)).body,
      "queue",
    ).waiting;
    const ticket = waiting[0];
    if (!ticket) throw new Error("nothing waiting");
    const unskilled = counters.find((c) => !c.skills.some((s) => s.serviceId === ticket.serviceId && s.weight > 0));
    if (!unskilled) throw new Error("every counter has the skill");
    if (unskilled.state === "closed")
      expect((await apiCall(lobby, "POST", `/api/counters/${unskilled.id}/open`, {})).status).toBe(200);
    await expect.poll(() => lobby.getByTestId(`counter-state-${unskilled.number}`).textContent()).not.toBe("已关闭");

    await lobby.getByTestId(`triage-counter-${ticket.number}`).click();
    await chooseOption(lobby, "transfer-target", `${unskilled.number}`);
    await expect.poll(() => lobby.getByTestId("no-skill-warning").isVisible()).toBe(true);
    await lobby.locator("#transfer-ok").click();
    // Asked first: nothing is sent until the confirmation.
    await expect.poll(() => lobby.locator("#no-skill-confirm").isVisible()).toBe(true);
    expect(await lobby.getByTestId(`sent-to-${ticket.number}`).count()).toBe(0);
    await lobby.locator("#no-skill-confirm").click();
    await expect
      .poll(() => lobby.getByTestId(`sent-to-${ticket.number}`).textContent())
      .toBe(`指定 ${unskilled.number} 号窗口`);
    const after = oneOf<{ waiting: Array<{ id: string; targetCounterId: string | null }> }>(
      (await apiCall(lobby, "GET", `/api/branches/${branchId}/queue`)).body,
      "queue",
    ).waiting.find((w) => w.id === ticket.id);
    expect(after?.targetCounterId).toBe(unskilled.id);
  });

  it("shows the display and kiosk that send no heartbeat, and not one that does", async () => {
    const offline = lobby.getByTestId("devices-offline");
    await expect.poll(() => offline.textContent()).toMatch(/2 台设备离线/);
    const heartbeat = await fetch(`${session.origin}/api/devices/heartbeat`, {
      method: "POST",
      headers: { authorization: `Bearer ${session.server.tokens.display}`, "content-type": "application/json" },
      body: JSON.stringify({ pageVersion: "e2e" }),
    });
    expect(heartbeat.status).toBeLessThan(300);
    await lobby.reload();
    await expect.poll(() => offline.textContent()).toMatch(/^1 台设备离线：大堂取号机/);
  });

  it("raises a banner and a sound when a wait passes the alarm", async () => {
    expect(await lobby.getByTestId("wait-alarm").count()).toBe(0);
    await lobby.getByTestId("stats").click(); // a gesture: the browser allows sound from now on
    const before = await lobby.evaluate(() => (window as unknown as { __oscillators: number }).__oscillators);
    await lobby.clock.fastForward("31:00");
    const banner = lobby.getByTestId("wait-alarm");
    await expect.poll(() => banner.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await banner.textContent()).toMatch(/位客户等候超过 30 分钟/);
    await expect
      .poll(() => lobby.evaluate(() => (window as unknown as { __oscillators: number }).__oscillators))
      .toBeGreaterThanOrEqual(before + 2);
    await shootBoth(lobby, "lobby-alarm");
    expect(errors).toEqual([]);
  });

  it("an empty redirect reason is refused in the form without a page error", async () => {
    const waiting = oneOf<{ waiting: Array<{ number: string }> }>(
      (await apiCall(lobby, "GET", `/api/branches/${branchId}/queue`)).body,
      "queue",
    ).waiting;
    const ticket = waiting[0];
    if (!ticket) throw new Error("nothing waiting");
    await lobby.getByTestId(`triage-redirect-${ticket.number}`).click();
    await lobby.locator("#triage-ok").click();
    await expect.poll(() => lobby.locator(".ant-form-item-explain-error").first().textContent()).toBeTruthy();
    await lobby.keyboard.press("Escape");
    expect(errors).toEqual([]);
  });
});
