import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations } from "./axe.ts";
import { apiCall, type BrowserSession, chromiumAvailable, login, openBrowserSession, shootBoth } from "./harness.ts";

const DESK = { width: 1440, height: 1000 };

describe.skipIf(!chromiumAvailable())("the analytics dashboard", () => {
  let session: BrowserSession;

  beforeAll(async () => {
    // The server this file starts simulates two weeks of the demo branch's past, as a first start does with 90.
    process.env.DATANG_DEMO_HISTORY_DAYS = "14";
    session = await openBrowserSession();
  }, 120_000);
  afterAll(() => {
    process.env.DATANG_DEMO_HISTORY_DAYS = "0";
    return session?.close();
  });

  it("a branch manager reads the past weeks' figures, charts and tables in both languages", async () => {
    const page = await session.page(DESK);
    await login(page, session.origin, "manager", "/");
    // The history is simulated after the server starts listening: wait until it is there.
    const today = new Date();
    const from = new Date(today.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(today.getTime() + 86_400_000).toISOString().slice(0, 10);
    await expect
      .poll(
        async () =>
          (
            await apiCall<{ total: { arrived: number } }>(
              page,
              "GET",
              `/api/analytics/summary?from=${from}&to=${to}&groupBy=day`,
            )
          ).body.total.arrived,
        { timeout: 60_000 },
      )
      .toBeGreaterThan(1000);
    await page.getByTestId("home-analytics").click();
    await page.waitForURL(`${session.origin}/analytics`);
    await page.getByTestId("analytics-kpis").waitFor();
    await page.locator("[data-testid=chart-days] canvas").first().waitFor();
    // The heat map of waits by weekday × hour, and plan against actual for today.
    await page.locator("[data-testid=chart-heat] canvas").first().waitFor();
    await page.locator("[data-testid=chart-plan] canvas").first().waitFor();
    // The six business types; complaints naming no visit (the demo's past has some on most weeks) are counted in
    // a row of their own without a business type ("—").
    const keys = page.locator("[data-testid=analytics-table] tbody tr.ant-table-row td:first-child");
    await expect
      .poll(async () => (await keys.allTextContents()).filter((k) => k.trim() !== "—"))
      .toEqual(["ACCOUNT", "CARD", "CASH", "CORP", "TRANSFER", "WEALTH"]);
    // NPS, complaints per 1,000 visits and the review figures beside the others; the appointments card.
    expect((await page.getByTestId("analytics-kpis").textContent()) ?? "").toContain("千次到访投诉");
    expect((await page.getByTestId("analytics-table").textContent()) ?? "").toContain("净推荐值");
    await page.getByTestId("analytics-appointments").waitFor();
    // The demo's past has surveys, complaints, reviews and appointments: no figure of the dashboard is "—".
    const kpis = await page.locator("[data-testid=analytics-kpis] .ant-statistic-content").allTextContents();
    expect(kpis.length).toBe(15);
    expect(kpis.filter((v) => v.includes("—"))).toEqual([]);
    const appointments = page.locator("[data-testid=analytics-appointments] .ant-statistic-content");
    await expect.poll(() => appointments.count()).toBe(6);
    expect((await appointments.allTextContents()).filter((v) => v.includes("—") || v.trim() === "0")).toEqual([]);
    await shootBoth(page, "analytics", { fullPage: true });
    await page.getByRole("tab", { name: "柜员" }).click();
    // Appointments and complaints naming no visit belong to no teller: their row is "—".
    await expect
      .poll(async () => (await keys.allTextContents()).filter((k) => k.trim() !== "—")[0] ?? "")
      .toContain("teller");
    // Staff evaluation: the branch's eight tellers with satisfaction first; no league for one branch.
    const staff = page.locator("[data-testid=staff-table] tbody tr.ant-table-row");
    await expect.poll(() => staff.count()).toBe(8);
    expect(await page.getByTestId("league").count()).toBe(0);
  });

  it("head office compares the two demo branches in the fair league table, in both languages", async () => {
    const page = await session.page(DESK);
    await login(page, session.origin, "admin", "/");
    const today = new Date();
    const from = new Date(today.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(today.getTime() + 86_400_000).toISOString().slice(0, 10);
    // The second branch's history is simulated after the first's: wait until both are ranked.
    await expect
      .poll(
        async () =>
          (
            await apiCall<{ rows: Array<{ rank: number | null }> }>(
              page,
              "GET",
              `/api/analytics/league?from=${from}&to=${to}`,
            )
          ).body.rows.filter((r) => r.rank !== null).length,
        { timeout: 120_000 },
      )
      .toBe(2);
    await page.getByTestId("home-analytics").click();
    await page.waitForURL(`${session.origin}/analytics`);
    const league = page.locator("[data-testid=league-table] tbody tr.ant-table-row");
    await expect.poll(() => league.count(), { timeout: 30_000 }).toBe(2);
    const text = (await page.getByTestId("league").textContent()) ?? "";
    expect(text).toContain("SH001");
    expect(text).toContain("SH002");
    expect(text).toContain("窗口开关记录");
    // What the expectation includes: the learned patience, walk-aways actual against expected.
    expect((await page.getByTestId("league-includes").textContent()) ?? "").toContain("耐心");
    expect(text).toContain("客户平均耐心");
    await page.getByTestId("league").scrollIntoViewIfNeeded();
    await shootBoth(page, "analytics-league", { fullPage: true });
    await expectNoAxeViolations(page, "analytics with the league table");
  });

  it("the admin reads the chat's figures: containment, hand-over, satisfaction per agent", async () => {
    // Two customers: the bot answers one; the other asks for a person, agent1 answers, closes, and is rated 满意.
    const agent = await session.page(DESK);
    await login(agent, session.origin, "agent1", "/agent");
    const online = await agent.evaluate(async () => {
      const res = await fetch("/api/chat/me/presence", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ presence: "online" }),
      });
      return res.status;
    });
    expect(online).toBe(200);
    const json = { "content-type": "application/json" };
    const start = async () =>
      (await (
        await fetch(`${session.origin}/api/public/chat`, { method: "POST", headers: json, body: "{}" })
      ).json()) as { conversationId: string; token: string };
    const post = async (c: { conversationId: string; token: string }, what: string, body: unknown) => {
      const res = await fetch(`${session.origin}/api/public/chat/${c.conversationId}/${what}`, {
        method: "POST",
        headers: { ...json, authorization: `Bearer ${c.token}` },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
    };
    const answered = await start();
    await post(answered, "messages", { text: "银行卡丢了怎么办" });
    const handed = await start();
    await post(handed, "messages", { text: "转人工" });
    expect(
      (await apiCall(agent, "POST", `/api/chat/conversations/${handed.conversationId}/messages`, { text: "您好" }))
        .status,
    ).toBe(201);
    expect((await apiCall(agent, "POST", `/api/chat/conversations/${handed.conversationId}/close`)).status).toBe(204);
    await post(handed, "rating", { score: 3 });

    const page = await session.page(DESK);
    await login(page, session.origin, "admin", "/analytics");
    const card = page.getByTestId("chat-figures");
    await card.waitFor();
    await expect.poll(async () => (await page.getByTestId("chat-conversations").textContent()) ?? "").toContain("2");
    expect(await page.getByTestId("chat-containment").textContent()).toContain("50%");
    expect(await page.getByTestId("chat-handover").textContent()).toContain("50%");
    const row = page.locator("[data-testid=chat-figures-agents] tbody tr.ant-table-row");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.first().textContent()).toMatch(/孙客服.*1.*100%.*3\.00/);
    await card.scrollIntoViewIfNeeded();
    await shootBoth(page, "analytics-chat");
    // A teller's dashboard has no chat card (the figures are the contact centre's).
    const teller = await session.page(DESK);
    await login(teller, session.origin, "teller1", "/analytics");
    await teller.getByTestId("analytics-kpis").waitFor();
    expect(await teller.getByTestId("chat-figures").count()).toBe(0);
  });

  it("a teller sees only his own figures", async () => {
    const page = await session.page(DESK);
    await login(page, session.origin, "teller1", "/analytics");
    await page.getByTestId("analytics-kpis").waitFor();
    await expect.poll(async () => (await page.getByTestId("analytics").textContent()) ?? "").toContain("仅为您本人");
    // His own evaluation: one row, his own.
    const staff = page.locator("[data-testid=staff-table] tbody tr.ant-table-row");
    await expect.poll(() => staff.count()).toBe(1);
    expect((await staff.first().textContent()) ?? "").toContain("teller1");
    expect(await page.getByTestId("league").count()).toBe(0);
  });
});
