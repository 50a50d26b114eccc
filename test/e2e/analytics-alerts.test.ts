import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations } from "./axe.ts";
import {
  apiCall,
  type BrowserSession,
  chooseOption,
  chromiumAvailable,
  login,
  openBrowserSession,
  shootBoth,
} from "./harness.ts";

const DESK = { width: 1440, height: 1000 };

/**
 * Threshold alerts and scheduled reports in the browser, on a real server whose job runner evaluates the rules
 * (every 30 s): a branch manager adds a rule in the analytics page, a ticket breaches it, the alert shows on
 * the dashboard and on the lobby, the lobby manager acknowledges it; a report subscription is added and sent.
 */
describe.skipIf(!chromiumAvailable())("threshold alerts and scheduled reports", () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowserSession();
  }, 180_000);
  afterAll(() => session?.close());

  it("a rule added on the dashboard fires on a real breach and shows on the dashboard and the lobby", async () => {
    const page = await session.page(DESK);
    await login(page, session.origin, "manager", "/analytics");
    const branches = await apiCall<Array<{ id: string }>>(page, "GET", "/api/branches");
    const branchId = (Array.isArray(branches.body) ? branches.body : [])[0]?.id as string;
    // The rule, through the form: people waiting above (how many wait now).
    await page.getByTestId("alert-rules").waitFor();
    await chooseOption(page, "alert-rule-metric", "等候人数");
    const services = await apiCall<Array<{ id: string }>>(page, "GET", `/api/branches/${branchId}/services`);
    const serviceId = (Array.isArray(services.body) ? services.body : [])[0]?.id;
    // The figure now, as the server counts it, read from a rule made for that purpose and removed.
    const probe = await apiCall<{ id: string }>(page, "POST", `/api/branches/${branchId}/analytics/alert-rules`, {
      metric: "waitingCount",
      windowMinutes: 15,
      comparison: "above",
      threshold: 100000,
      active: false,
    });
    const rules = await apiCall<Array<{ id: string; currentValue: number }>>(
      page,
      "GET",
      `/api/branches/${branchId}/analytics/alert-rules`,
    );
    const waiting = rules.body.find((r) => r.id === probe.body.id)?.currentValue ?? 0;
    await page.evaluate(
      (id) => fetch(`/api/analytics/alert-rules/${id}`, { method: "DELETE" }).then((r) => r.status),
      probe.body.id,
    );
    await page.getByTestId("alert-rule-threshold").fill(String(waiting));
    await page.getByTestId("alert-rule-add").click();
    const ruleRows = page.locator("[data-testid=alert-rules] tbody tr.ant-table-row");
    await expect.poll(() => ruleRows.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await ruleRows.first().textContent()) ?? "").toContain("等候人数");

    // One more ticket: the count passes the threshold; the job runner fires the rule within its 30 s round.
    const issued = await apiCall(page, "POST", `/api/branches/${branchId}/tickets`, { serviceId });
    expect(issued.status).toBe(201);
    await expect
      .poll(
        async () =>
          (
            await apiCall<Array<{ clearedAt: string | null }>>(
              page,
              "GET",
              `/api/branches/${branchId}/analytics/alerts`,
            )
          ).body.length,
        { timeout: 90_000, interval: 2_000 },
      )
      .toBe(1);
    await page.reload();
    const banner = page.getByTestId("analytics-alert");
    await banner.first().waitFor({ timeout: 30_000 });
    expect(await banner.first().textContent()).toContain(`等候人数 高于 ${waiting}（触发时为 ${waiting + 1}）`);
    await expect.poll(async () => (await ruleRows.first().textContent()) ?? "").toContain("告警中");

    // The report subscription, through the form.
    const recipients = page.getByTestId("report-recipients").locator("input");
    await recipients.fill("boss@example.com");
    await recipients.press("Enter");
    await page.getByTestId("report-time").fill("07:45");
    await page.getByTestId("report-add").click();
    const subRows = page.locator("[data-testid=report-subscriptions] tbody tr.ant-table-row");
    await expect.poll(() => subRows.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await subRows.first().textContent()) ?? "").toContain("boss@example.com");
    await page.getByTestId("report-send-now").click();
    await expect.poll(async () => (await page.locator(".ant-message").textContent()) ?? "").toContain("已发送");
    const outbox = await apiCall<{ messages: Array<{ kind: string }> }>(page, "GET", "/api/messages");
    expect(outbox.body.messages.filter((m) => m.kind === "analytics.report")).toHaveLength(1);

    await page.getByTestId("analytics-alerts").scrollIntoViewIfNeeded();
    await expectNoAxeViolations(page, "analytics with alerts and reports");
    await shootBoth(page, "analytics-alerts", { fullPage: true });

    // The lobby manager sees it on the lobby and acknowledges it.
    const lobby = await session.page(DESK);
    await login(lobby, session.origin, "lobby", "/lobby");
    const lobbyBanner = lobby.getByTestId("analytics-alert");
    await lobbyBanner.first().waitFor({ timeout: 30_000 });
    await lobby.getByTestId("analytics-alert-ack").click();
    await expect.poll(async () => (await lobbyBanner.first().textContent()) ?? "").toContain("已确认");
    await shootBoth(lobby, "lobby-analytics-alert");
  }, 300_000);
});
