/**
 * Two issue-14 controls in the browser: the complaint desk's severity reclassify button (the statutory clock is
 * recomputed from 15 to 30 days and shown, and the change is audited) and the branch's default language for
 * staff notices in admin (saved through its API, audited, kept after a reload). Axe in Chinese and English.
 */
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations } from "./axe.ts";
import { apiCall, type BrowserSession, chromiumAvailable, login, openBrowserSession, shoot } from "./harness.ts";

const DESK = { width: 1440, height: 900 };
const DAY = 86_400_000;

describe.skipIf(!chromiumAvailable())("complaint reclassification and the branch's staff-notice language", () => {
  let session: BrowserSession;
  let origin = "";
  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
  }, 120_000);
  afterAll(() => session?.close());

  const lang = (page: Page) => page.evaluate(() => document.documentElement.lang);
  const switchLanguage = async (page: Page, to: "en" | "zh-CN") => {
    await page.getByTestId("lang-switch").first().click();
    await expect.poll(() => lang(page)).toBe(to);
  };
  const auditDetails = (action: string, entityId: string): Array<Record<string, unknown>> => {
    const db = new Database(session.server.dbPath, { readonly: true });
    try {
      return (
        db
          .prepare("SELECT details FROM audit_log WHERE action = ? AND entity_id = ? ORDER BY id")
          .all(action, entityId) as Array<{ details: string }>
      ).map((r) => JSON.parse(r.details) as Record<string, unknown>);
    } finally {
      db.close();
    }
  };

  it("reclassifying a simple complaint as complex moves its clock to 30 days, shown on the desk and audited", async () => {
    const desk = await session.page(DESK);
    await login(desk, origin, "lobby", "/complaints");
    const branches = await apiCall<Array<{ id: string }>>(desk, "GET", "/api/branches");
    const branchId = (branches.body as Array<{ id: string }>)[0]?.id as string;
    const created = await apiCall<{ id: string; dueAt: string; status: string }>(desk, "POST", "/api/complaints", {
      branchId,
      category: "service_quality",
      severity: "simple",
      description: "排队时没有人引导，等了一个小时",
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const simpleDue = Date.parse(created.body.dueAt);

    await desk.getByTestId("complaints-refresh").click();
    const table = desk.getByTestId("complaints-table");
    const row = table.locator("tr", { hasText: "排队时没有人引导" });
    await expect.poll(async () => (await row.textContent()) ?? "").toContain("简单");
    await row.first().click();
    const drawer = desk.getByTestId("complaint-detail");
    await expect.poll(async () => (await drawer.textContent()) ?? "").toContain("排队时没有人引导");
    const shownDue = (iso: string) => desk.evaluate((at) => new Date(at).toLocaleString(), iso);
    expect((await drawer.textContent()) ?? "").toContain(await shownDue(created.body.dueAt));
    await expect.poll(async () => (await desk.getByTestId("reclassify").textContent()) ?? "").toContain("改为复杂投诉");
    await expectNoAxeViolations(desk, "complaint detail (zh)");
    await shoot(desk, "complaint-reclassify-before");

    // Without a reason the desk refuses (the server's message: the reason may not be empty); the clock stays.
    await desk.getByTestId("reclassify").click();
    await expect
      .poll(async () => (await desk.locator(".ant-message").allTextContents()).join(" "))
      .toContain("不能为空");
    expect((await apiCall<{ severity: string }>(desk, "GET", `/api/complaints/${id}`)).body.severity).toBe("simple");

    await desk.getByTestId("severity-reason").fill("涉及多个部门，需要调取录像");
    await desk.getByTestId("reclassify").click();
    await expect
      .poll(async () => (await apiCall<{ severity: string }>(desk, "GET", `/api/complaints/${id}`)).body.severity)
      .toBe("complex");
    const after = (await apiCall<{ dueAt: string; daysLeft: number }>(desk, "GET", `/api/complaints/${id}`)).body;
    const complexDue = Date.parse(after.dueAt);
    // 30 days instead of 15 from the same receipt, counted on the branch's calendar: at least 15 more days.
    expect(complexDue - simpleDue).toBeGreaterThanOrEqual(15 * DAY);
    expect(after.daysLeft).toBeGreaterThanOrEqual(29);
    // The desk shows the new clock: the new due time and the days left, and the button now offers the way back.
    await expect.poll(async () => (await drawer.textContent()) ?? "").toContain(await shownDue(after.dueAt));
    expect((await drawer.textContent()) ?? "").not.toContain(await shownDue(created.body.dueAt));
    expect((await drawer.textContent()) ?? "").toContain(`${after.daysLeft}`);
    await expect.poll(async () => (await desk.getByTestId("reclassify").textContent()) ?? "").toContain("改为简易投诉");
    await expect.poll(async () => (await row.textContent()) ?? "").toContain("复杂");
    // The complaint's own history says so too.
    expect((await drawer.textContent()) ?? "").toContain("调整类型");
    await shoot(desk, "complaint-reclassify-after");

    const audited = auditDetails("complaint.reclassify", id);
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      from: "simple",
      to: "complex",
      reason: "涉及多个部门，需要调取录像",
      dueAt: after.dueAt,
      previousDueAt: created.body.dueAt,
    });

    // The drawer covers the header: close it, switch the language, open the complaint again.
    await desk.keyboard.press("Escape");
    await expect.poll(() => drawer.isVisible()).toBe(false);
    await switchLanguage(desk, "en");
    await row.first().click();
    await expect.poll(async () => (await desk.getByTestId("reclassify").textContent()) ?? "").toMatch(/simple/i);
    expect((await drawer.textContent()) ?? "").toContain(await shownDue(after.dueAt));
    await expectNoAxeViolations(desk, "complaint detail (en)");
    await shoot(desk, "complaint-reclassify-after");
  });

  it("admin sets the branch's default language for staff notices; kept after a reload and audited", async () => {
    const admin = await session.page(DESK);
    await login(admin, origin, "admin", "/admin");
    const branches = await apiCall<Array<{ id: string }>>(admin, "GET", "/api/branches");
    const branchId = (branches.body as Array<{ id: string }>)[0]?.id as string;
    const staffLang = async () =>
      (await apiCall<{ staff: { lang: string | null } }>(admin, "GET", `/api/branches/${branchId}/feedback-settings`))
        .body.staff.lang;
    expect(await staffLang()).not.toBe("en");

    const openTab = async (name: string) => {
      await admin.getByRole("tab", { name }).click();
      await expect.poll(async () => (await admin.getByTestId("staff-lang").count()) > 0).toBe(true);
    };
    await openTab("后台复核");
    const control = admin.getByTestId("staff-lang");
    expect(await control.locator('input[value="zh-CN"]').isChecked()).toBe(true);
    await expectNoAxeViolations(admin, "branch staff-notice language (zh)");
    await shoot(admin, "admin-staff-lang");

    await control.getByText("English").click();
    await expect.poll(staffLang).toBe("en");
    await expect
      .poll(async () => (await admin.locator(".ant-message").allTextContents()).join(" "))
      .toContain("已保存");
    expect(auditDetails("branch.feedback_settings", branchId)).toContainEqual({ staff: { lang: "en" } });

    await admin.reload();
    await openTab("后台复核");
    await expect.poll(() => admin.getByTestId("staff-lang").locator('input[value="en"]').isChecked()).toBe(true);

    await switchLanguage(admin, "en");
    await openTab("Review");
    await expectNoAxeViolations(admin, "branch staff-notice language (en)");
    await shoot(admin, "admin-staff-lang");
    // And back to Chinese from the English screen.
    await admin.getByTestId("staff-lang").getByText("中文").click();
    await expect.poll(staffLang).toBe("zh-CN");
    await switchLanguage(admin, "zh-CN");
  });
});
