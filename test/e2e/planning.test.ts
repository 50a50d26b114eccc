import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSession, chromiumAvailable, login, openBrowserSession, shoot, shootBoth } from "./harness.ts";

const DESK = { width: 1440, height: 900 };

/** A time from a long (virtual) option list: typed into the select's search, then chosen. */
async function chooseTime(page: Page, testId: string, time: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.keyboard.type(time);
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: time }).first().click();
  await expect.poll(async () => (await page.getByTestId(testId).textContent()) ?? "").toContain(time);
}

const number = async (page: Page, testId: string): Promise<number> =>
  Number.parseFloat((await page.getByTestId(testId).textContent()) ?? "NaN");

describe.skipIf(!chromiumAvailable())("the planning page", () => {
  let session: BrowserSession;
  let origin = "";

  const page = (): Promise<Page> => session.page(DESK);

  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
  }, 120_000);

  afterAll(() => session?.close());

  it("a branch manager reads the plan and runs a what-if with more counters", async () => {
    const manager = await page();
    await login(manager, origin, "manager", "/");
    await manager.getByTestId("home-planning").click();
    await manager.waitForURL(`${origin}/planning`);

    // The demo branch has no history yet: the plan says it used a shipped scenario.
    await expect.poll(() => manager.getByTestId("plan-source").getAttribute("data-source")).toBe("scenario");
    await manager.locator("[data-testid=plan-chart] canvas").first().waitFor();
    const hours = manager.locator("[data-testid=plan-table] tbody tr.ant-table-row");
    await expect.poll(() => hours.count()).toBeGreaterThanOrEqual(6);
    expect(await hours.first().textContent()).toMatch(/^\d{2}:00/);

    // ECharts is its own lazy chunk: the page's first load did not carry it, the chart fetched it.
    const scripts = await manager.evaluate(() =>
      performance.getEntriesByType("resource").map((e) => e.name.split("/").pop() ?? ""),
    );
    expect(scripts.some((s) => s.startsWith("PlanChart-"))).toBe(true);

    // What-if: the recommendation plus one counter in every open hour, against today's plan.
    const before = Number(await manager.getByTestId("whatif-hour-11").inputValue());
    expect(before).toBeGreaterThan(0);
    await manager.getByTestId("whatif-plus-one").click();
    expect(Number(await manager.getByTestId("whatif-hour-11").inputValue())).toBe(before + 1);
    expect(Number(await manager.getByTestId("whatif-hour-03").inputValue())).toBe(0);
    await manager.getByTestId("whatif-run").click();
    await manager.getByTestId("whatif-results").waitFor({ timeout: 20_000 });
    await manager.getByTestId("col-baseline").waitFor();
    await manager.getByTestId("col-whatif").waitFor();
    const baselineMean = await number(manager, "baseline-mean");
    const whatIfMean = await number(manager, "whatif-mean");
    expect(baselineMean).toBeGreaterThan(0);
    expect(whatIfMean).toBeLessThan(baselineMean);
    expect(await manager.getByTestId("whatif-mean").getAttribute("data-better")).toBe("1");
    expect(await manager.getByTestId("whatif-by-service").locator("tbody tr.ant-table-row").count()).toBeGreaterThan(0);
    await shootBoth(manager, "planning", { fullPage: true });
    await shoot(manager, "planning-top");

    // A refusal of the server appears in place, under the form.
    await manager.getByTestId("whatif-mode").getByText("增开窗口").click();
    await chooseTime(manager, "whatif-extra-from", "15:00");
    await chooseTime(manager, "whatif-extra-to", "10:00");
    await manager.getByTestId("whatif-run").click();
    await expect
      .poll(async () => (await manager.getByTestId("whatif-error").textContent()) ?? "")
      .toContain("extraCounters.to 必须晚于");
    await manager.keyboard.press("Escape");
    await manager.locator(".ant-select-dropdown:visible").waitFor({ state: "hidden" });
    await manager.getByTestId("whatif-error").scrollIntoViewIfNeeded();
    await shoot(manager, "planning-error");

    // Extra counters over the peak, with the error fixed, answer too.
    await chooseTime(manager, "whatif-extra-to", "13:00");
    await chooseTime(manager, "whatif-extra-from", "10:00");
    await manager.getByTestId("whatif-run").click();
    await expect.poll(() => manager.getByTestId("whatif-error").count()).toBe(0);
    await expect.poll(() => number(manager, "whatif-mean")).toBeLessThanOrEqual(baselineMean);
  });

  it("a lobby manager reads the plan from the lobby console but may not simulate", async () => {
    const lobby = await page();
    await login(lobby, origin, "lobby", "/lobby");
    await lobby.getByTestId("lobby-planning").click();
    await lobby.waitForURL(`${origin}/planning`);
    await lobby.locator("[data-testid=plan-chart] canvas").first().waitFor();
    await lobby.getByTestId("whatif-not-allowed").waitFor();
    expect(await lobby.getByTestId("whatif-form").count()).toBe(0);
    await shootBoth(lobby, "planning-lobby-manager");
  });

  it("a teller gets 403 on the planning page", async () => {
    const teller = await page();
    await login(teller, origin, "teller1", "/planning");
    await teller.getByTestId("forbidden").waitFor();
  });
});
