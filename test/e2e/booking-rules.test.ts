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
  setLanguage,
  shoot,
} from "./harness.ts";

const DESK = { width: 1440, height: 900 };

/**
 * The admin's booking rules and reminder settings (below the booking forms) in the browser (issue 13): the branch manager changes a business
 * type's rules and the branch's reminder times and quiet hours; a wrong value is refused next to its field, in
 * Chinese and in English; what is saved is what the API then answers. Axe in both languages.
 */
describe.skipIf(!chromiumAvailable())("admin booking rules and reminder settings", () => {
  let session: BrowserSession;
  let page: Page;
  let branchId: string;
  let firstServiceId: string;

  /** The <input> of an Ant Design field by its test id (set on the input or on its wrapper). */
  const input = (testId: string) =>
    page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
  /** The error Ant Design shows under the field holding this test id. */
  const fieldError = (testId: string) =>
    page
      .locator(".ant-form-item")
      .filter({ has: page.locator(`[data-testid="${testId}"]`) })
      .locator(".ant-form-item-explain-error");
  const openTab = async () => {
    await page.getByRole("tab", { name: /预约表单|Booking forms/ }).click();
    await page.getByTestId("booking-rules").waitFor();
    await page.getByTestId("reminder-settings").waitFor();
    // The rules of the first business type have arrived once the form is enabled with its values.
    await expect.poll(async () => input("rule-daysAhead").inputValue(), { timeout: 30_000 }).not.toBe("");
    await expect.poll(async () => input("rule-daysAhead").isEnabled()).toBe(true);
  };

  beforeAll(async () => {
    session = await openBrowserSession();
    page = await session.page(DESK);
    await login(page, session.origin, "manager", "/admin");
    branchId = listOf<{ id: string }>((await apiCall(page, "GET", "/api/branches")).body, "branches")[0]?.id as string;
    firstServiceId = listOf<{ id: string }>(
      (await apiCall(page, "GET", `/api/branches/${branchId}/services`)).body,
      "services",
    )[0]?.id as string;
    expect(firstServiceId).toBeDefined();
  }, 240_000);
  afterAll(() => session?.close());

  it("in Chinese: refuses a wrong value next to its field, saves the rules and the reminder times (axe)", async () => {
    await setLanguage(page, "zh-CN");
    await openTab();
    expect(await input("rule-daysAhead").inputValue()).toBe("14");
    await page.getByTestId("reminders-default").waitFor();
    await expectNoAxeViolations(page, "admin booking rules (zh)");
    await shoot(page, "admin-booking-rules", { fullPage: true });

    // A wrong value: the message stands next to the field, nothing is saved.
    await input("rule-daysAhead").fill("400");
    await page.getByTestId("rules-save").click();
    await expect.poll(async () => fieldError("rule-daysAhead").textContent()).toBe("请输入 0 至 365 之间的整数");
    const unchanged = await apiCall<{ daysAhead: number }>(
      page,
      "GET",
      `/api/services/${firstServiceId}/booking-rules`,
    );
    expect(unchanged.body.daysAhead).toBe(14);
    await expectNoAxeViolations(page, "admin booking rules with an error (zh)");
    await shoot(page, "admin-booking-rules-error", { fullPage: true });

    await input("rule-daysAhead").fill("7");
    await input("rule-holdMinutes").fill("15");
    await input("rule-sharePercent").fill("40");
    await page.getByTestId("rule-waitlist").click();
    await page.getByTestId("rules-save").click();
    await expect
      .poll(async () => (await apiCall(page, "GET", `/api/services/${firstServiceId}/booking-rules`)).body)
      .toMatchObject({ daysAhead: 7, holdMinutes: 15, share: 0.4, waitlist: true });
    expect(await fieldError("rule-daysAhead").count()).toBe(0);

    // Reminders 3 h and 30 min before, quiet 22:00–07:00; a wrong time of day is refused at its field first.
    await input("reminder-hours-0").fill("3");
    await input("reminder-hours-1").fill("0");
    await input("reminder-minutes-1").fill("30");
    await input("quiet-start").fill("22:00");
    await input("quiet-end").fill("7");
    await page.getByTestId("reminders-save").click();
    await expect.poll(async () => fieldError("quiet-end").textContent()).toBe("时:分，如 21:00");
    // Two reminders at the same time are refused at the second.
    await input("reminder-hours-1").fill("3");
    await input("reminder-minutes-1").fill("0");
    await input("quiet-end").fill("07:00");
    await page.getByTestId("reminders-save").click();
    await expect.poll(async () => fieldError("reminder-hours-1").textContent()).toBe("与另一次提醒时间相同");
    await input("reminder-hours-1").fill("0");
    await input("reminder-minutes-1").fill("30");
    await page.getByTestId("reminders-save").click();
    await expect
      .poll(async () => (await apiCall(page, "GET", `/api/branches/${branchId}/reminder-settings`)).body)
      .toMatchObject({
        reminderOffsetsMinutes: [180, 30],
        quietHours: { start: "22:00", end: "07:00" },
        isDefault: false,
      });
    await expect.poll(async () => page.getByTestId("reminders-default").count()).toBe(0);
    await shoot(page, "admin-booking-rules-saved", { fullPage: true });
  });

  it("in English: the saved values come back, and a wrong value is refused in English (axe)", async () => {
    await setLanguage(page, "en");
    await openTab();
    expect(await input("rule-daysAhead").inputValue()).toBe("7");
    expect(await input("rule-holdMinutes").inputValue()).toBe("15");
    expect(await input("reminder-hours-0").inputValue()).toBe("3");
    expect(await input("reminder-minutes-1").inputValue()).toBe("30");
    expect(await input("quiet-start").inputValue()).toBe("22:00");
    expect(await page.getByTestId("booking-rules").textContent()).toContain("Booking rules per business type");
    await shoot(page, "admin-booking-rules", { fullPage: true });
    await expectNoAxeViolations(page, "admin booking rules (en)");

    await input("rule-holdMinutes").fill("0");
    await page.getByTestId("rules-save").click();
    await expect.poll(async () => fieldError("rule-holdMinutes").textContent()).toBe("A whole number from 1 to 60");
    await input("reminder-hours-0").fill("400");
    await page.getByTestId("reminders-save").click();
    await expect
      .poll(async () => fieldError("reminder-hours-0").textContent())
      .toBe("A reminder goes from 5 minutes to 14 days before");
    await expectNoAxeViolations(page, "admin booking rules with errors (en)");
    await shoot(page, "admin-booking-rules-error", { fullPage: true });
    const rules = await apiCall<{ holdMinutes: number }>(page, "GET", `/api/services/${firstServiceId}/booking-rules`);
    expect(rules.body.holdMinutes).toBe(15);
    await setLanguage(page, "zh-CN");
  });
});
