import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations } from "./axe.ts";
import {
  apiCall,
  type BrowserSession,
  chromiumAvailable,
  login,
  openBrowserSession,
  setLanguage,
  shoot,
  shootBoth,
} from "./harness.ts";

const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!chromiumAvailable())("the customer's online complaint, and the feedback settings", () => {
  let session: BrowserSession;
  let origin = "";
  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
  }, 120_000);
  afterAll(() => session?.close());

  /** The newest one-time code sent to a phone, read from the outbox (the SMS the customer would get). */
  const codeSentTo = (e164: string): string | undefined => {
    const db = new Database(session.server.dbPath, { readonly: true });
    try {
      const row = db
        .prepare("SELECT data FROM outbox WHERE kind = 'otp' AND recipient = ? ORDER BY created_at DESC LIMIT 1")
        .get(e164) as { data: string } | undefined;
      return row ? (JSON.parse(row.data) as { code?: string }).code : undefined;
    } finally {
      db.close();
    }
  };

  it("files on the phone with an SMS code, follows it, sees the desk's reply and reopens it", async () => {
    const phone: Page = await session.page(PHONE);
    await phone.goto(`${origin}/complaint/new`);
    await expect
      .poll(async () => await phone.getByTestId("complaint-branch").locator("option").count())
      .toBeGreaterThan(1);
    await expectNoAxeViolations(phone, "complaint form zh-CN");
    await setLanguage(phone, "en");
    await expect.poll(async () => (await phone.locator("h1").textContent()) ?? "").toBe("File a complaint");
    await expect
      .poll(async () => await phone.getByTestId("complaint-branch").locator("option").count())
      .toBeGreaterThan(1);
    await expectNoAxeViolations(phone, "complaint form en");
    await setLanguage(phone, "zh-CN");
    await expect
      .poll(async () => await phone.getByTestId("complaint-branch").locator("option").count())
      .toBeGreaterThan(1);

    const branchValue = await phone.getByTestId("complaint-branch").locator("option").nth(1).getAttribute("value");
    await phone.getByTestId("complaint-branch").selectOption(branchValue as string);
    await phone.getByTestId("complaint-category-wait_time").click();
    await phone.getByTestId("complaint-description").fill("周六上午排队一个半小时，只开了一个窗口");
    // Submitting without the code: the page says what is missing, nothing is filed.
    await phone.getByTestId("complaint-phone").fill("13900139123");
    await phone.getByTestId("complaint-submit").click();
    await expect.poll(async () => (await phone.getByRole("alert").textContent()) ?? "").toContain("验证码");
    await phone.getByTestId("complaint-send-code").click();
    await expect.poll(() => codeSentTo("+8613900139123") ?? "").toMatch(/^\d{6}$/);
    await phone.getByTestId("complaint-code").fill(codeSentTo("+8613900139123") as string);
    await shootBoth(phone, "complaint-form", { fullPage: true });
    await phone.getByTestId("complaint-submit").click();
    const filed = phone.getByTestId("complaint-filed");
    await expect.poll(async () => (await filed.count()) > 0).toBe(true);
    const reference = /([0-9A-F]{8})/.exec((await filed.textContent()) ?? "")?.[1] as string;
    expect(reference).toMatch(/^[0-9A-F]{8}$/);
    await shoot(phone, "complaint-filed");

    // The link to follow it.
    await phone.getByTestId("complaint-follow").click();
    await expect.poll(async () => (await phone.getByTestId("complaint-state").count()) > 0).toBe(true);
    expect(await phone.getByTestId("complaint-state").textContent()).toBe("处理中");
    expect(await phone.getByTestId("complaint-status").textContent()).toContain(reference);
    const statusUrl = phone.url();
    await expectNoAxeViolations(phone, "complaint status zh-CN");

    // The desk sees it (source: online) and closes it.
    const lobby: Page = await session.page(DESK);
    await login(lobby, origin, "lobby", "/complaints");
    const list = await apiCall<{ items: Array<{ id: string; reference: string; source: string; dueAt: string }> }>(
      lobby,
      "GET",
      `/api/branches/${branchValue}/complaints`,
    );
    const complaint = list.body.items.find((c) => c.reference === reference);
    expect(complaint).toMatchObject({ source: "online" });
    await expect
      .poll(async () => (await lobby.getByTestId("complaints-table").textContent()) ?? "")
      .toContain(reference);
    const closed = await apiCall(lobby, "POST", `/api/complaints/${complaint?.id}/close`, {
      rootCause: "周六上午排班不足",
      reply: "已在周六上午增开两个窗口",
    });
    expect(closed.status).toBe(200);

    // Back on the phone: the reply, the further options, and the request to look again.
    await phone.goto(statusUrl);
    await expect.poll(async () => (await phone.getByTestId("complaint-reply").count()) > 0).toBe(true);
    expect(await phone.getByTestId("complaint-reply").textContent()).toBe("已在周六上午增开两个窗口");
    expect(await phone.getByTestId("complaint-status").textContent()).toContain("12378");
    await expectNoAxeViolations(phone, "complaint closed zh-CN");
    await shootBoth(phone, "complaint-status", { fullPage: true });
    await phone.locator("textarea").fill("窗口还是不够");
    await phone.getByRole("button", { name: "提交申请" }).click();
    await expect.poll(async () => (await phone.getByTestId("reopen-done").count()) > 0).toBe(true);
    await expect.poll(async () => (await phone.getByTestId("complaint-state").textContent()) ?? "").toBe("处理中");
    const after = await apiCall<{ status: string; reopenCount: number }>(
      lobby,
      "GET",
      `/api/complaints/${complaint?.id}`,
    );
    expect(after.body).toMatchObject({ status: "open", reopenCount: 1 });
  });

  it("edits survey, review and retention settings in admin, each tab saved through its API", async () => {
    const admin: Page = await session.page(DESK);
    await login(admin, origin, "admin", "/admin");
    const branches = await apiCall<Array<{ id: string }>>(admin, "GET", "/api/branches");
    const branchId = (branches.body as Array<{ id: string }>)[0]?.id as string;

    await admin.getByRole("tab", { name: "满意度调查" }).click();
    await expect.poll(async () => (await admin.getByTestId("survey-settings").count()) > 0).toBe(true);
    await admin.getByTestId("survey-enabled").click();
    await admin.getByTestId("survey-interval").fill("14");
    await admin.getByText("一律短信").click();
    await admin.getByTestId("survey-save").click();
    await expect
      .poll(
        async () =>
          (await apiCall<{ survey: unknown }>(admin, "GET", `/api/branches/${branchId}/feedback-settings`)).body.survey,
      )
      .toEqual({ enabled: false, intervalDays: 14, defaultIntervalDays: 30, channel: "sms" });
    await expectNoAxeViolations(admin, "survey settings");
    await shootBoth(admin, "admin-survey-settings");

    await admin.getByRole("tab", { name: "后台复核" }).click();
    await expect.poll(async () => (await admin.getByTestId("review-settings").count()) > 0).toBe(true);
    await admin.getByTestId("review-target").fill("15");
    await admin.getByTestId("review-alarm").fill("45");
    await admin.getByTestId("review-central").click();
    await admin.getByTestId("review-save").click();
    await expect
      .poll(
        async () =>
          (await apiCall<{ review: unknown }>(admin, "GET", `/api/branches/${branchId}/feedback-settings`)).body.review,
      )
      .toEqual({ targetMinutes: 15, alarmMinutes: 45, central: false });
    const services = async () =>
      (await apiCall<Array<{ code: string; needsReview: boolean }>>(admin, "GET", `/api/branches/${branchId}/services`))
        .body;
    const before = (await services()).find((s) => s.code === "CASH")?.needsReview;
    await admin.getByTestId("needs-review-CASH").click();
    await expect.poll(async () => (await services()).find((s) => s.code === "CASH")?.needsReview).toBe(!before);
    await expectNoAxeViolations(admin, "review settings");
    await shootBoth(admin, "admin-review-settings");

    await admin.getByRole("tab", { name: "数据保留" }).click();
    await expect.poll(async () => (await admin.getByTestId("retention-classes").count()) > 0).toBe(true);
    await admin.getByTestId("retention-days-survey_texts").fill("200");
    await admin.getByTestId("retention-save").click();
    await expect
      .poll(async () => {
        const r = await apiCall<{ classes: Array<{ dataClass: string; days: number }> }>(
          admin,
          "GET",
          "/api/retention",
        );
        return r.body.classes.find((c) => c.dataClass === "survey_texts")?.days;
      })
      .toBe(200);
    // Saving shows the dry run: what the next run will do, per class.
    await expect
      .poll(async () => (await admin.getByTestId("retention-plan").textContent()) ?? "")
      .toContain("调查文字");
    expect(await admin.getByTestId("retention-plan").textContent()).toContain("200");
    await expectNoAxeViolations(admin, "retention settings");
    await shootBoth(admin, "admin-retention");
  });
});
