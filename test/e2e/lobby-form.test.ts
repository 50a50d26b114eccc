/**
 * The lobby manager's tablet (1024×768): a walk-in ticket's business type has a form; the lobby manager fills it
 * in on /lobby while the customer waits (required checks, help in both languages, the server's refusal shown in
 * the page's language), and the teller who calls the ticket at /counter sees the answers. Then a branch manager
 * books for a caller on /appointments naming a customer manager, and the appointment carries that manager.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, describeViolations } from "./axe.ts";
import {
  apiCall,
  type BrowserSession,
  chooseOption,
  chromiumAvailable,
  listOf,
  login,
  openBrowserSession,
  shoot,
} from "./harness.ts";

/** A PUT from inside the page, with its session (the harness's apiCall sends GET, POST and PATCH). */
async function apiPut(page: Page, path: string, body: unknown): Promise<number> {
  return page.evaluate(
    async ({ path, body }) =>
      (
        await fetch(path, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        })
      ).status,
    { path, body },
  );
}

/**
 * Waits until the open drawer has stopped moving: Ant Design slides the panel in and fades the mask (and a
 * form's error text) over a few hundred ms, and a screenshot taken meanwhile shows it half-way. Settled: no
 * motion class left on anything in the drawer, no running animation or transition in it, and the panel's box
 * the same on two frames in a row.
 */
async function drawerSettled(page: Page): Promise<void> {
  await page.locator(".ant-drawer-section:visible").waitFor();
  await page.waitForFunction(
    () => {
      const w = window as unknown as { lastDrawerBox?: string };
      const root = [...document.querySelectorAll<HTMLElement>(".ant-drawer.ant-drawer-open")].find(
        (el) => el.getClientRects().length > 0,
      );
      const panel = root?.querySelector(".ant-drawer-section");
      if (!root || !panel) return false;
      const inMotion =
        root.querySelector('[class*="-enter-active"], [class*="-appear-active"], [class*="-leave-active"]') !== null;
      const animating = document
        .getAnimations()
        .some((a) => a.playState === "running" && a.effect instanceof KeyframeEffect && root.contains(a.effect.target));
      const r = panel.getBoundingClientRect();
      const box = `${r.x},${r.y},${r.width},${r.height}`;
      const steady = w.lastDrawerBox === box;
      w.lastDrawerBox = box;
      return !inMotion && !animating && steady;
    },
    undefined,
    { polling: "raf", timeout: 10_000 },
  );
}

const TABLET = { width: 1024, height: 768 };
const DESK = { width: 1440, height: 900 };

interface Svc {
  readonly id: string;
  readonly prefix: string;
  readonly nameZh: string;
}

const AMOUNT = {
  key: "amount",
  type: "amount",
  labelZh: "取款金额（元）",
  labelEn: "Amount to withdraw (yuan)",
  required: true,
  helpZh: "五万元以上须出示身份证",
  helpEn: "Over 50,000 yuan, show an identity card",
};
const PURPOSE = { key: "purpose", type: "text", labelZh: "用途", labelEn: "Purpose", required: false };
const ID_SEEN = {
  key: "idSeen",
  type: "checkbox",
  labelZh: "已核验身份证",
  labelEn: "Identity card seen",
  required: true,
};

describe.skipIf(!chromiumAvailable())("the lobby manager fills in a walk-in ticket's form on a tablet", () => {
  let session: BrowserSession;
  let origin = "";
  let admin: Page;
  let lobby: Page;
  let branchId = "";
  let cash: Svc;
  let other: Svc;
  let ticket = { id: "", number: "" };

  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
    admin = await session.page(DESK);
    await login(admin, origin, "admin", "/admin");
    branchId = listOf<{ id: string }>((await apiCall(admin, "GET", "/api/branches")).body, "branches")[0]?.id ?? "";
    const services = listOf<Svc>((await apiCall(admin, "GET", `/api/branches/${branchId}/services`)).body, "services");
    cash = services.find((s) => s.prefix === "A") as Svc;
    other = services.find((s) => s.prefix !== "A") as Svc;
    expect(cash).toBeDefined();
    expect(other).toBeDefined();
    const form = await apiPut(admin, `/api/services/${cash.id}/booking-form`, { fields: [AMOUNT, PURPOSE] });
    expect(form).toBe(200);
    lobby = await session.page(TABLET);
    await login(lobby, origin, "lobby", "/lobby");
    // A walk-in ticket of that business type (issued the way the lobby's own button does).
    const issued = await apiCall<{ id: string; number: string }>(lobby, "POST", `/api/branches/${branchId}/tickets`, {
      serviceId: cash.id,
    });
    expect(issued.status).toBe(201);
    ticket = { id: issued.body.id, number: issued.body.number };
  }, 180_000);

  afterAll(async () => {
    await session?.close();
  });

  it("fills in the form on /lobby: required checks, help, the server's refusal, then saved", async () => {
    await lobby.reload();
    const fill = lobby.getByTestId(`fill-form-${ticket.number}`);
    await fill.waitFor();
    await fill.click();
    const drawer = lobby.locator(".ant-drawer-section:visible");
    await lobby.getByTestId("lobby-field-amount").waitFor();
    expect(await drawer.textContent()).toContain("五万元以上须出示身份证");
    expect(await drawer.textContent()).toContain("取款金额（元）");
    // Saving with the required amount empty: the page says so and nothing is sent.
    await lobby.getByTestId("lobby-form-save").click();
    await drawer.locator(".ant-form-item-explain-error").first().waitFor();
    const before = await apiCall<{ answers: Record<string, unknown> }>(
      lobby,
      "GET",
      `/api/tickets/${ticket.id}/answers`,
    );
    expect(before.body.answers).toEqual({});
    await drawerSettled(lobby);
    const violations = await axeViolations(lobby, { selector: ".ant-drawer-section" });
    expect(violations, describeViolations(violations)).toEqual([]);
    await shoot(lobby, "lobby-form-drawer-required");

    await lobby.getByTestId("lobby-field-amount").fill("60000");
    await lobby.getByTestId("lobby-field-purpose").fill("学费 tuition");
    // Meanwhile the administrator adds a required field: the server refuses the answers, in Chinese.
    const changed = await apiPut(admin, `/api/services/${cash.id}/booking-form`, {
      fields: [AMOUNT, PURPOSE, ID_SEEN],
    });
    expect(changed).toBe(200);
    await lobby.getByTestId("lobby-form-save").click();
    await expect
      .poll(async () => lobby.getByTestId("lobby-form-error").textContent())
      .toContain("表单有未填或填写有误的项");
    const refused = await apiCall<{ answers: Record<string, unknown> }>(
      lobby,
      "GET",
      `/api/tickets/${ticket.id}/answers`,
    );
    expect(refused.body.answers).toEqual({});

    // Opened again, the drawer has the new field; answered in full, it saves.
    await lobby.locator(".ant-drawer-close").click();
    await drawer.waitFor({ state: "hidden" });
    await fill.click();
    await lobby.getByTestId("lobby-field-idSeen").waitFor();
    await lobby.getByTestId("lobby-field-amount").fill("60000");
    await lobby.getByTestId("lobby-field-purpose").fill("学费 tuition");
    await lobby.getByTestId("lobby-field-idSeen").check();
    await drawerSettled(lobby);
    await shoot(lobby, "lobby-form-drawer");
    const after = await axeViolations(lobby, { selector: ".ant-drawer-section" });
    expect(after, describeViolations(after)).toEqual([]);
    await lobby.getByTestId("lobby-form-save").click();
    await lobby.getByText("表单已保存，柜员叫号时可见").waitFor();
    const saved = await apiCall<{ answers: Record<string, unknown> }>(
      lobby,
      "GET",
      `/api/tickets/${ticket.id}/answers`,
    );
    expect(saved.body.answers).toEqual({ amount: 60000, purpose: "学费 tuition", idSeen: true });

    // In English the drawer shows the English labels and help, with the answers given.
    await lobby.evaluate(() => window.localStorage.setItem("datang.lang", "en"));
    await lobby.reload();
    await lobby.getByTestId(`fill-form-${ticket.number}`).click();
    await lobby.getByTestId("lobby-field-amount").waitFor();
    const en = (await drawer.textContent()) ?? "";
    expect(en).toContain("Over 50,000 yuan, show an identity card");
    expect(en).toContain("Amount to withdraw (yuan)");
    expect(await lobby.getByTestId("lobby-field-purpose").inputValue()).toBe("学费 tuition");
    await drawerSettled(lobby);
    await shoot(lobby, "lobby-form-drawer");
    await lobby.evaluate(() => window.localStorage.setItem("datang.lang", "zh-CN"));
  });

  it("the teller who calls the ticket at /counter sees the answers", async () => {
    const counter = await session.page(DESK);
    await login(counter, origin, "teller1", "/counter");
    await chooseOption(counter, "counter-select", "1号窗口");
    await counter.getByTestId("sign-in").click();
    await counter.getByTestId("sign-out").waitFor();
    await counter.waitForSelector("[data-testid=act-callNext]:not([disabled])");
    await counter.getByTestId("act-callNext").click();
    await expect.poll(async () => counter.getByTestId("current-number").textContent()).toBe(ticket.number);
    await counter.getByTestId("ticket-answers").waitFor();
    expect(await counter.getByTestId("answer-amount").textContent()).toMatch(/60,000\.00/);
    expect(await counter.getByTestId("answer-purpose").textContent()).toBe("学费 tuition");
    expect(await counter.getByTestId("answer-idSeen").textContent()).toBe("是");
    await shoot(counter, "counter-lobby-form-answers");
  });

  it("a branch manager books for a caller on /appointments naming a customer manager", async () => {
    const users = await apiCall<Array<{ id: string; username: string }>>(admin, "GET", "/api/users");
    const teller2 = users.body.find((u) => u.username === "teller2");
    expect(teller2).toBeDefined();
    const page = await session.page(DESK);
    await login(page, origin, "manager", "/appointments");
    await page.getByTestId("appointments-book").click();
    await chooseOption(page, "book-caller-service", other.nameZh);
    const tomorrow = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(Date.now() + 86_400_000);
    await page.getByTestId("book-caller-day").fill(tomorrow);
    const slots = await apiCall<{ slots: Array<{ start: string; free: number }> }>(
      page,
      "GET",
      `/api/branches/${branchId}/appointment-slots?serviceId=${other.id}&date=${tomorrow}`,
    );
    const pick = slots.body.slots.find((s) => s.free > 0)?.start ?? "";
    expect(pick).not.toBe("");
    await chooseOption(page, "book-caller-slot", pick.slice(11, 16));
    await page.getByTestId("book-caller-name").fill("周经理客户");
    await page.getByTestId("book-caller-phone").fill("13700002222");
    await chooseOption(page, "book-caller-manager", "柜员2");
    await shoot(page, "appointments-book-manager");
    await page.getByTestId("book-caller-ok").click();
    await page.getByText(/已预约，预约码/).waitFor();
    const found = await apiCall(
      page,
      "GET",
      `/api/branches/${branchId}/appointments?q=${encodeURIComponent("周经理客户")}`,
    );
    const booked = listOf<{ code: string; managerUserId: string | null; start: string }>(found.body, "appointments");
    expect(booked).toHaveLength(1);
    expect(booked[0]?.start).toBe(pick);
    expect(booked[0]?.managerUserId).toBe(teller2?.id);
    // The appointment's row names the manager.
    const code = booked[0]?.code ?? "";
    await page.getByTestId("appointments-search").locator("input").fill("13700002222");
    await page.getByTestId("appointments-search").locator("input").press("Enter");
    await expect.poll(async () => page.getByTestId(`manager-${code}`).textContent()).toBe("柜员2");
    await shoot(page, "appointments-manager");
  });
});
