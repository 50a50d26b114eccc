import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations } from "./axe.ts";
import {
  apiCall,
  type BrowserSession,
  chromiumAvailable,
  listOf,
  login,
  openBrowserSession,
  shootBoth,
} from "./harness.ts";

const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/**
 * Closed days in the browser (issue 13): the branch manager enters a closed day (国庆节) in admin; an appointment
 * already booked that day is counted, not cancelled, and the warning links to "cancel a time range" for that day;
 * /book on a phone offers no slot that day.
 */
describe.skipIf(!chromiumAvailable())("closed days and special hours", () => {
  let session: BrowserSession;
  let manager: Page;
  let branchId: string;
  let cashId: string;
  let day: string;

  beforeAll(async () => {
    session = await openBrowserSession();
    manager = await session.page(DESK);
    await login(manager, session.origin, "manager", "/admin");
    branchId = listOf<{ id: string }>((await apiCall(manager, "GET", "/api/branches")).body, "branches")[0]
      ?.id as string;
    const services = listOf<{ id: string; code: string }>(
      (await apiCall(manager, "GET", `/api/branches/${branchId}/services`)).body,
      "services",
    );
    cashId = services.find((s) => s.code === "CASH")?.id as string;
    // The first day from the day after tomorrow on that offers free slots, with one appointment booked on it.
    for (let i = 2; i < 10; i++) {
      const d = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(Date.now() + i * 86_400_000);
      const slots = await apiCall<{ slots: Array<{ start: string; free: number }> }>(
        manager,
        "GET",
        `/api/public/branches/${branchId}/slots?serviceId=${cashId}&date=${d}`,
      );
      const free = slots.body.slots.find((s) => s.free > 0);
      if (free) {
        day = d;
        const booked = await apiCall(manager, "POST", `/api/branches/${branchId}/appointments`, {
          serviceId: cashId,
          start: free.start,
          name: "张三",
          phone: "13812345678",
        });
        expect(booked.status).toBe(201);
        break;
      }
    }
    expect(day).toBeDefined();
  }, 240_000);
  afterAll(() => session?.close());

  it("adds a closed day in admin, is told of the appointment on it, and the link opens cancel-a-time-range (axe)", async () => {
    await manager.getByTestId("admin-tab-closures").click();
    await manager.getByTestId("closures").waitFor();
    await manager.getByTestId("closure-from").fill(day);
    await manager.getByTestId("closure-reason").fill("国庆节");
    await manager.getByTestId("closure-add").click();
    await manager.getByTestId(`closure-remove-${day}`).waitFor();
    const warning = manager.getByTestId(`closure-affected-${day}`);
    await warning.waitFor();
    expect(await warning.textContent()).toContain("1");
    const listed = await apiCall<{ closures: Array<{ day: string; hours: unknown; reason: string }> }>(
      manager,
      "GET",
      `/api/branches/${branchId}/closures`,
    );
    expect(listed.body.closures).toEqual([{ day, hours: null, reason: "国庆节" }]);
    await expectNoAxeViolations(manager, "admin closed days");
    await shootBoth(manager, "admin-closures");
    // The appointment is still booked; the link opens the appointments page's range dialog on that day.
    await manager.getByTestId(`closure-cancel-${day}`).click();
    await manager.getByTestId("range-ok").waitFor();
    expect(manager.url()).toContain(`day=${day}`);
  });

  it("gives a day special hours in admin (the slots shrink to them), then removes it again", async () => {
    await manager.goto(`${session.origin}/admin`);
    await manager.getByTestId("admin-tab-closures").click();
    await manager.getByTestId("closures").waitFor();
    let next = day;
    const slotsOf = async () =>
      (
        await apiCall<{ slots: Array<{ start: string; end: string }> }>(
          manager,
          "GET",
          `/api/public/branches/${branchId}/slots?serviceId=${cashId}&date=${next}`,
        )
      ).body.slots;
    // The first day after the closed one that offers slots.
    for (let tries = 0; tries < 7; tries++) {
      next = new Date(Date.parse(`${next}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      if ((await slotsOf()).length > 0) break;
    }
    const before = await slotsOf();
    await manager.getByTestId("closure-from").fill(next);
    await manager
      .getByTestId("closure-kind")
      .getByText(/特殊营业时间|Special hours/)
      .click();
    await manager.getByTestId("closure-opens").fill("10:00");
    await manager.getByTestId("closure-closes").fill("11:00");
    await manager.getByTestId("closure-reason").fill("培训");
    await manager.getByTestId("closure-add").click();
    await manager.getByTestId(`closure-remove-${next}`).waitFor();
    expect(await manager.getByTestId("closures-table").textContent()).toContain("10:00–11:00");
    const after = await slotsOf();
    expect(after.length).toBeGreaterThan(0);
    expect(after.length).toBeLessThan(before.length);
    for (const s of after) expect(s.start.slice(11, 16) >= "10:00" && s.end.slice(11, 16) <= "11:00").toBe(true);
    await shootBoth(manager, "admin-closures-hours");
    await manager.getByTestId(`closure-remove-${next}`).click();
    await manager.locator(".ant-popconfirm .ant-btn-primary").click();
    await expect.poll(async () => manager.getByTestId(`closure-remove-${next}`).count()).toBe(0);
    expect((await slotsOf()).length).toBe(before.length);
  });

  it("offers no slot that day on /book", async () => {
    const phone = await session.page(PHONE);
    await phone.goto(`${session.origin}/book`);
    await phone.getByTestId("book-branch").selectOption(branchId);
    await phone.getByTestId("book-service-CASH").click();
    await phone.getByTestId(`day-${day}`).click();
    await phone.getByTestId("no-slots").waitFor();
    expect(await phone.locator("[data-testid^=slot-]").count()).toBe(0);
    await shootBoth(phone, "book-closed-day", { fullPage: true });
  });

  it("offers a branch manager only the roles and branches they may grant when adding staff", async () => {
    await manager.goto(`${session.origin}/admin`);
    await manager.getByRole("tab", { name: /员工|Staff/ }).click();
    await manager.getByTestId("users-create").click();
    await manager.getByTestId("user-roles").click();
    const options = manager.locator(".ant-select-dropdown:visible .ant-select-item-option");
    await options.first().waitFor();
    const offered = await options.allTextContents();
    expect(offered.join("|")).toMatch(/柜员|Teller/);
    for (const adminOnly of [/总行管理员|Head-office admin/, /审计|Auditor/, /总行（分析只读）|Head office \(/]) {
      expect(offered.some((o) => adminOnly.test(o))).toBe(false);
    }
    await manager.keyboard.press("Escape");
  });
});
