/**
 * Issue 14 gaps in the browser: the review item shows the service record and the booking form's answers, the
 * customer profile shows appointments and ratings, and the complaint desk assigns an owner from a picker. Each
 * page is checked with axe in Chinese and English.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations } from "./axe.ts";
import {
  type BrowserSession,
  chromiumAvailable,
  listOf,
  login,
  openBrowserSession,
  setLanguage,
  shoot,
} from "./harness.ts";

const DESK = { width: 1440, height: 900 };

/** One API request from inside the page (its session), any method. */
async function call<T = unknown>(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const answer = await fetch(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await answer.text();
      return { status: answer.status, body: text ? JSON.parse(text) : undefined };
    },
    { method, path, body },
  ) as Promise<{ status: number; body: T }>;
}

/** axe in the page's current language, a screenshot, then the same in the other language; ends in Chinese. */
async function checkBothLanguages(page: Page, name: string, label: string, enText: RegExp, fullPage = false) {
  const lang = () => page.evaluate(() => document.documentElement.lang);
  await expectNoAxeViolations(page, `${label} (zh)`);
  await shoot(page, name, { fullPage });
  await page.getByTestId("lang-switch").first().click();
  await expect.poll(lang).toBe("en");
  await expect.poll(async () => (await page.locator("body").textContent()) ?? "").toMatch(enText);
  await expectNoAxeViolations(page, `${label} (en)`);
  await shoot(page, name, { fullPage });
  await page.getByTestId("lang-switch").first().click();
  await expect.poll(lang).toBe("zh-CN");
}

describe.skipIf(!chromiumAvailable())("review record, profile appointments and ratings, complaint owner picker", () => {
  let session: BrowserSession;
  let origin = "";
  let lobby: Page;
  let branchId = "";
  let branchName = "";
  let services: Array<{ id: string; code: string; nameZh: string }> = [];
  let counters: Array<{ id: string; number: number }> = [];
  let servedTicketId = "";
  const svc = (code: string) => services.find((s) => s.code === code) as { id: string; nameZh: string };
  const counterId = (n: number) => counters.find((c) => c.number === n)?.id as string;
  const ok = async <T = Record<string, unknown>>(page: Page, method: string, path: string, body?: unknown) => {
    const res = await call<T>(page, method, path, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };

  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
    lobby = await session.page(DESK);
    await login(lobby, origin, "lobby", "/lobby");
    const branches = listOf<{ id: string; nameZh: string }>(
      (await call(lobby, "GET", "/api/branches")).body,
      "branches",
    );
    branchId = branches[0]?.id as string;
    branchName = branches[0]?.nameZh as string;
    services = listOf((await call(lobby, "GET", `/api/branches/${branchId}/services`)).body, "services");
    counters = listOf((await call(lobby, "GET", `/api/branches/${branchId}/counters`)).body, "counters");
  }, 120_000);
  afterAll(() => session?.close());

  it("the review item shows the service record and the booking form's answers (masked numbers)", async () => {
    const manager = await session.page(DESK);
    await login(manager, origin, "manager", "/lobby");
    await ok(manager, "PUT", `/api/services/${svc("TRANSFER").id}/booking-form`, {
      fields: [
        { key: "amount", type: "amount", labelZh: "汇款金额", labelEn: "Amount", required: true },
        { key: "payee", type: "text", labelZh: "收款人", labelEn: "Payee", required: true },
        { key: "payeePhone", type: "text", labelZh: "收款人电话", labelEn: "Payee phone", required: false },
      ],
    });
    const ticket = await ok<{ id: string; number: string }>(lobby, "POST", `/api/branches/${branchId}/tickets`, {
      serviceId: svc("TRANSFER").id,
    });
    await ok(lobby, "PUT", `/api/tickets/${ticket.id}/answers`, {
      answers: { amount: 30000, payee: "张收款", payeePhone: "13812345678" },
    });
    const teller = await session.page(DESK);
    await login(teller, origin, "teller3", "/counter");
    await ok(teller, "POST", `/api/counters/${counterId(3)}/sign-in`, {});
    await ok(teller, "POST", `/api/counters/${counterId(3)}/call`, { ticketId: ticket.id });
    await ok(teller, "POST", `/api/tickets/${ticket.id}/start`, {});
    await ok(teller, "PUT", `/api/tickets/${ticket.id}/service-record`, {
      needs: "跨行汇款",
      products: ["汇款"],
      outcome: "已汇出，待复核",
    });
    await ok(teller, "POST", `/api/tickets/${ticket.id}/complete`, { outcome: "remitted", notes: "核对收款人" });

    const reviewer = await session.page(DESK);
    await login(reviewer, origin, "reviewer", "/reviews");
    const table = reviewer.getByTestId("reviews-table");
    await expect.poll(async () => (await table.textContent()) ?? "").toContain(ticket.number);
    await table.getByText(ticket.number).click();
    const record = reviewer.getByTestId("review-service-record");
    await expect.poll(async () => (await record.textContent()) ?? "").toContain("跨行汇款");
    expect(await record.textContent()).toContain("已汇出，待复核");
    await expect
      .poll(async () => (await reviewer.getByTestId("review-answer-payee").textContent()) ?? "")
      .toBe("张收款");
    expect(await reviewer.getByTestId("review-answer-amount").textContent()).toBe("30000");
    expect(await reviewer.getByTestId("review-answer-payeePhone").textContent()).toBe("138****5678");
    expect(await reviewer.getByTestId("review-form").textContent()).toContain("汇款金额");
    expect(await reviewer.locator("body").textContent()).not.toContain("13812345678");
    await checkBothLanguages(reviewer, "review-record", "review item", /Service record/);
    expect(await reviewer.getByTestId("review-form").textContent()).toContain("汇款金额");
  });

  it("the customer profile lists appointments with their status and ratings with date and branch", async () => {
    // A served CASH visit of a customer, rated 满意 on the pad, and an appointment booked for them.
    const ticket = await ok<{ id: string }>(lobby, "POST", `/api/branches/${branchId}/tickets`, {
      serviceId: svc("CASH").id,
    });
    await ok(lobby, "POST", `/api/tickets/${ticket.id}/customer`, { phone: "13855556666", name: "周评价" });
    const teller = await session.page(DESK);
    await login(teller, origin, "teller1", "/counter");
    await ok(teller, "POST", `/api/counters/${counterId(1)}/sign-in`, {});
    await ok(teller, "POST", `/api/counters/${counterId(1)}/call`, { ticketId: ticket.id });
    await ok(teller, "POST", `/api/tickets/${ticket.id}/start`, {});
    await ok(teller, "POST", `/api/tickets/${ticket.id}/complete`, { outcome: "served" });
    servedTicketId = ticket.id;
    const pad = await fetch(`${origin}/api/tickets/${ticket.id}/rating`, {
      method: "POST",
      headers: { authorization: `Bearer ${session.server.tokens.rating_pad}`, "content-type": "application/json" },
      body: JSON.stringify({ rating: "satisfied" }),
    });
    expect(pad.status).toBe(200);
    let booked = false;
    for (let d = 1; d <= 10 && !booked; d++) {
      const day = new Date(Date.now() + d * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
      const slots = await fetch(
        `${origin}/api/public/branches/${branchId}/slots?serviceId=${svc("CASH").id}&date=${day}`,
      );
      const start = ((await slots.json()) as { slots?: Array<{ start: string; free: number }> }).slots?.find(
        (s) => s.free > 0,
      )?.start;
      if (!start) continue;
      await ok(lobby, "POST", `/api/branches/${branchId}/appointments`, {
        serviceId: svc("CASH").id,
        start,
        name: "周评价",
        phone: "13855556666",
      });
      booked = true;
    }
    expect(booked).toBe(true);

    await teller.goto(`${origin}/customers`);
    await teller.getByTestId("customer-search").locator("input").fill("6666");
    await teller.getByTestId("customer-search").locator("input").press("Enter");
    const appointments = teller.getByTestId("profile-appointments");
    await expect.poll(async () => (await appointments.textContent()) ?? "").toContain("已预约");
    expect(await appointments.textContent()).toContain(svc("CASH").nameZh);
    expect(await appointments.textContent()).toContain(branchName);
    const ratings = teller.getByTestId("profile-ratings");
    await expect.poll(async () => (await ratings.textContent()) ?? "").toContain("满意");
    expect(await ratings.textContent()).toContain(branchName);
    expect(await ratings.textContent()).toContain("柜台评价器");
    expect(await teller.locator("body").textContent()).not.toContain("13855556666");
    await appointments.scrollIntoViewIfNeeded();
    await checkBothLanguages(teller, "customer-profile-history", "customer profile", /Appointments/, true);
    expect(await ratings.textContent()).toContain("满意");
  });

  it("the complaint desk picks an owner from the branch's staff; who served the visit cannot be picked", async () => {
    expect(servedTicketId).not.toBe("");
    const complaint = await ok<{ reference: string }>(lobby, "POST", "/api/complaints", {
      branchId,
      ticketId: servedTicketId,
      category: "service_attitude",
      severity: "simple",
      description: "柜员态度生硬",
    });
    const manager = await session.page(DESK);
    await login(manager, origin, "manager", "/complaints");
    const table = manager.getByTestId("complaints-table");
    await expect.poll(async () => (await table.textContent()) ?? "").toContain(complaint.reference);
    await table.getByText(complaint.reference).click();
    const current = manager.getByTestId("complaint-current-owner");
    await expect.poll(async () => (await current.textContent()) ?? "").toContain("未指派");
    // The served teller is listed, marked, and cannot be chosen.
    await manager.getByTestId("complaint-owner-picker").click();
    const conflicted = manager
      .locator(".ant-select-dropdown:visible .ant-select-item-option")
      .filter({ hasText: "不能指派" });
    await expect.poll(() => conflicted.count()).toBe(1);
    expect(await conflicted.first().getAttribute("aria-disabled")).toBe("true");
    // Another member of staff is chosen from the same open list.
    await manager.getByTestId("complaint-owner-picker").locator("input").fill("赵复核");
    const option = manager
      .locator(".ant-select-dropdown:visible .ant-select-item-option")
      .filter({ hasText: "赵复核" });
    await expect.poll(() => option.count()).toBe(1);
    await shoot(manager, "complaint-owner-picker-open");
    await manager.keyboard.press("Enter");
    await expect
      .poll(async () => (await manager.getByTestId("complaint-owner-picker").textContent()) ?? "")
      .toContain("赵复核");
    await manager.getByTestId("complaint-assign").click();
    await expect.poll(async () => (await current.textContent()) ?? "").toContain("赵复核");
    await expect
      .poll(async () => (await manager.getByTestId("complaint-owner-name").textContent()) ?? "")
      .toBe("赵复核");
    // The drawer covers the header's language switch: each language is checked with the drawer opened again.
    await expectNoAxeViolations(manager, "complaint desk (zh)");
    await shoot(manager, "complaint-owner-picker");
    await setLanguage(manager, "en");
    await table.getByText(complaint.reference).click();
    await expect.poll(async () => (await current.textContent()) ?? "").toContain("Current owner: 赵复核");
    await expectNoAxeViolations(manager, "complaint desk (en)");
    await shoot(manager, "complaint-owner-picker");
    await setLanguage(manager, "zh-CN");
  });
});
