/**
 * Staff pages from the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows): a teller logs in, picks and signs
 * in at a counter, calls, starts and completes a ticket; the lobby manager issues a ticket and sends one to a
 * counter. Every control reached shows a visible focus indicator. No mouse event is sent.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall, type BrowserSession, chromiumAvailable, listOf, openBrowserSession, PASSWORD } from "./harness.ts";

const DESK = { width: 1440, height: 900 };

/** What the focused element looks like: its test id or text, and whether an outline or a ring shows it. */
async function focused(
  page: Page,
): Promise<{ testId: string; text: string; visible: boolean; tag: string; id: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { testId: "", text: "", visible: false, tag: "", id: "" };
    // Ant's fields and selects draw their focus on the wrapper around the real input.
    const shown = (el.closest(".ant-input-affix-wrapper, .ant-select, .ant-input-number, .ant-picker") ??
      el) as HTMLElement;
    const style = getComputedStyle(shown);
    const outlined = style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0;
    const ringed = style.boxShadow !== "none" && style.boxShadow !== "";
    return {
      testId: el.getAttribute("data-testid") ?? el.closest("[data-testid]")?.getAttribute("data-testid") ?? "",
      text: (el.textContent ?? "").trim().slice(0, 40),
      visible: (outlined || ringed) && el.matches(":focus-visible"),
      tag: el.tagName,
      id: el.id,
    };
  });
}

/** Presses Tab (or Shift+Tab) until the focus is on what `matches` accepts; fails after `limit` presses. */
async function tabTo(
  page: Page,
  matches: (f: { testId: string; text: string; id: string }) => boolean,
  options: { limit?: number; back?: boolean } = {},
): Promise<void> {
  for (let i = 0; i < (options.limit ?? 60); i++) {
    await page.keyboard.press(options.back ? "Shift+Tab" : "Tab");
    const f = await focused(page);
    if (matches(f)) {
      expect(f.visible, `focus indicator on ${f.tag} ${f.testId || f.text}`).toBe(true);
      return;
    }
  }
  throw new Error("the control was never reached with Tab");
}

/** In a focused Ant Design select: ArrowDown opens the list on its first option, Enter chooses it. */
async function pickFirstOption(page: Page): Promise<void> {
  await page.keyboard.press("ArrowDown");
  await expect.poll(() => page.locator(".ant-select-dropdown:visible .ant-select-item-option-active").count()).toBe(1);
  await page.keyboard.press("Enter");
  await expect.poll(() => page.locator(".ant-select-dropdown:visible").count()).toBe(0);
}

const byTestId = (id: string) => (f: { testId: string }) => f.testId === id;

describe.skipIf(!chromiumAvailable())("staff pages from the keyboard alone", () => {
  let session: BrowserSession;
  let branchId = "";
  let counterOne = "";

  beforeAll(async () => {
    session = await openBrowserSession();
    // A customer for counter 1: issued by the lobby manager's API (the keyboard part is the lobby test below).
    const setup = await session.page(DESK);
    await setup.goto(`${session.origin}/login`);
    const login = await setup.evaluate(
      async (password) =>
        (
          await fetch("/api/auth/login", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ username: "lobby", password }),
          })
        ).status,
      PASSWORD,
    );
    expect(login).toBe(200);
    branchId = listOf<{ id: string }>((await apiCall(setup, "GET", "/api/branches")).body, "branches")[0]?.id ?? "";
    const counters = listOf<{ id: string; number: number; skills: Array<{ serviceId: string; weight: number }> }>(
      (await apiCall(setup, "GET", `/api/branches/${branchId}/counters`)).body,
      "counters",
    );
    const one = counters.find((c) => c.number === 1);
    counterOne = one?.id ?? "";
    const skill = one?.skills.find((s) => s.weight > 0)?.serviceId;
    expect((await apiCall(setup, "POST", `/api/branches/${branchId}/tickets`, { serviceId: skill })).status).toBe(201);
  }, 120_000);
  afterAll(() => session?.close());

  it("a teller logs in, signs in at counter 1, calls, starts and completes a ticket", async () => {
    const page = await session.page(DESK);
    await page.goto(`${session.origin}/login?next=${encodeURIComponent("/counter")}`);
    // The username field has the focus on arrival.
    await expect.poll(async () => (await focused(page)).testId).toBe("login-username");
    await page.keyboard.type("teller1");
    await tabTo(page, byTestId("login-password"));
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${session.origin}/counter`);

    // Pick counter 1 in the select with the arrows, then sign in.
    await tabTo(page, byTestId("counter-select"));
    await pickFirstOption(page);
    await expect.poll(() => page.getByTestId("counter-select").textContent()).toContain("1");
    await tabTo(page, byTestId("sign-in"));
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("sign-out").count()).toBe(1);
    const state = await apiCall<{ state: string }>(page, "GET", `/api/branches/${branchId}/counters`);
    const one = listOf<{ id: string; state: string }>(state.body, "counters").find((c) => c.id === counterOne);
    if (one?.state !== "open") {
      // A counter signed into closed or paused is opened with its pause button (it reads "open").
      await tabTo(page, byTestId("act-pause"));
      await page.keyboard.press("Enter");
    }

    for (const action of ["callNext", "start", "complete"] as const) {
      await expect.poll(() => page.getByTestId(`act-${action}`).isEnabled(), { timeout: 15_000 }).toBe(true);
      await tabTo(page, byTestId(`act-${action}`), { limit: 80 });
      await page.keyboard.press(action === "start" ? "Space" : "Enter");
      if (action === "callNext") await expect.poll(() => page.getByTestId("current-number").count()).toBe(1);
    }
    const number = await page.getByTestId("current-number").textContent();
    await expect
      .poll(async () => {
        const queue = await apiCall<{ recentCalls: Array<{ number: string; status: string }> }>(
          page,
          "GET",
          `/api/branches/${branchId}/queue`,
        );
        const recent = queue.body.recentCalls;
        return recent.find((c) => c.number === number)?.status;
      })
      .toBe("done");
  });

  it("the lobby manager issues a ticket and sends a waiting one to a counter", async () => {
    const page = await session.page(DESK);
    await page.goto(`${session.origin}/login?next=${encodeURIComponent("/lobby")}`);
    await expect.poll(async () => (await focused(page)).testId).toBe("login-username");
    await page.keyboard.type("lobby");
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${session.origin}/lobby`);

    await tabTo(page, byTestId("issue-service"));
    await pickFirstOption(page);
    await tabTo(page, byTestId("issue-ticket"));
    await page.keyboard.press("Enter");
    const number = (await page.getByTestId("issued-number").textContent()) ?? "";
    expect(number).toMatch(/^[A-Z]\d+$/);
    // The slip's print button has the focus; Escape closes the dialog.
    expect((await focused(page)).testId).toBe("issued-print");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByTestId("issued-slip").isVisible()).toBe(false);

    await tabTo(page, byTestId(`triage-counter-${number}`), { limit: 200 });
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("transfer-target").isVisible()).toBe(true);
    await tabTo(page, byTestId("transfer-target"));
    await pickFirstOption(page);
    await tabTo(page, (f) => f.id === "transfer-ok", { limit: 20 });
    await page.keyboard.press("Enter");
    // A counter without the skill asks first: its confirmation takes Enter as well.
    await page.waitForTimeout(300);
    if (await page.locator("#no-skill-confirm").isVisible()) {
      // The confirmation's button has the focus when it opens.
      await expect.poll(async () => (await focused(page)).id).toBe("no-skill-confirm");
      await page.keyboard.press("Enter");
    }
    await expect.poll(() => page.getByTestId(`sent-to-${number}`).count(), { timeout: 15_000 }).toBe(1);
  });
});
