import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations } from "./axe.ts";
import { apiCall, type BrowserSession, chromiumAvailable, login, openBrowserSession, shootBoth } from "./harness.ts";

const DESK = { width: 1440, height: 900 };

interface ArticleView {
  readonly id: string;
  readonly titleZh: string;
  readonly titleEn: string;
  readonly version: number;
}

/**
 * The admin's knowledge base editor (/knowledge): write an article, find it at once in the page's own search
 * box, change it and read who changed what, teach the search a synonym, import a Markdown file, delete.
 */
describe.skipIf(!chromiumAvailable())("the knowledge base editor", () => {
  let session: BrowserSession;
  let admin: Page;

  beforeAll(async () => {
    session = await openBrowserSession();
    admin = await session.page(DESK);
  }, 120_000);
  afterAll(() => session?.close());

  const tryResults = () => admin.getByTestId("kb-try-results").locator("li").allTextContents();
  const trySearch = async (q: string) => {
    await admin.getByTestId("kb-try").fill(q);
  };
  const articles = async () => (await apiCall<ArticleView[]>(admin, "GET", "/api/knowledge/articles")).body;

  it("creates, finds at once, edits with a version history, teaches a synonym, imports and deletes", async () => {
    await login(admin, session.origin, "admin", "/");
    await admin.getByTestId("home-knowledge").click();
    await admin.waitForURL(`${session.origin}/knowledge`);
    const rows = admin.locator("[data-testid=kb-table] table tbody tr.ant-table-row");
    await expect.poll(() => rows.count()).toBe(20); // a page of the 49 demo articles

    await trySearch("数字人民币钱包");
    await expect.poll(tryResults).not.toContain("数字人民币钱包怎么开通");

    // Create.
    await admin.getByTestId("kb-create").click();
    await admin.getByTestId("kb-titleZh").fill("数字人民币钱包怎么开通");
    await admin.getByTestId("kb-titleEn").fill("Opening an e-CNY wallet");
    await admin.getByTestId("kb-bodyZh").fill("在手机银行“数字人民币”页面按提示开通钱包，并绑定本行借记卡。");
    await admin
      .getByTestId("kb-bodyEn")
      .fill("Open the wallet on the e-CNY page of the mobile app and link your debit card.");
    const questions = admin.getByTestId("kb-questions").locator("input");
    await questions.fill("怎么开数字钱包");
    await questions.press("Enter");
    await admin.getByTestId("kb-save").click();
    await expect.poll(async () => (await articles()).find((a) => a.titleZh === "数字人民币钱包怎么开通")).toBeTruthy();
    const created = (await articles()).find((a) => a.titleZh === "数字人民币钱包怎么开通") as ArticleView;
    expect(created.version).toBe(1);

    // Searchable at once, from the same box the customer's words go through.
    await trySearch("数字人民币钱包");
    await expect.poll(async () => (await tryResults())[0]).toBe("数字人民币钱包怎么开通");

    // Edit, then read the history: who changed which field.
    await admin.getByTestId("kb-filter").fill("数字人民币");
    await admin.getByTestId(`kb-edit-${created.id}`).click();
    await admin.getByTestId("kb-titleEn").fill("Open a digital yuan (e-CNY) wallet");
    await admin.getByTestId("kb-save").click();
    await expect.poll(async () => (await articles()).find((a) => a.id === created.id)?.version).toBe(2);
    await admin.getByTestId(`kb-history-${created.id}`).click();
    const history = admin.getByTestId("kb-history");
    await expect.poll(async () => (await history.textContent()) ?? "").toContain("v2");
    const text = (await history.textContent()) ?? "";
    expect(text).toContain("英文标题");
    expect(text).toContain("v1");
    await admin.locator(".ant-drawer-open .ant-drawer-close").click();
    await expect.poll(() => history.isVisible()).toBe(false);

    // A synonym no article contains: DCEP finds the article only once staff teach it.
    await trySearch("DCEP");
    await expect.poll(tryResults).not.toContain("数字人民币钱包怎么开通");
    await admin.getByRole("tab", { name: "同义词" }).click();
    await admin.getByTestId("kb-add-group").click();
    const groups = admin.locator("[data-testid^=kb-group-]");
    const group = groups.last().locator("input");
    await group.fill("数字人民币");
    await group.press("Enter");
    await group.fill("DCEP");
    await group.press("Enter");
    await admin.getByTestId("kb-save-synonyms").click();
    await expect
      .poll(async () => (await apiCall<{ groups: string[][] }>(admin, "GET", "/api/knowledge/synonyms")).body.groups)
      .toContainEqual(["数字人民币", "DCEP"]);
    await admin.getByRole("tab", { name: "文章" }).click();
    await trySearch("DCEP");
    await expect.poll(async () => (await tryResults())[0]).toBe("数字人民币钱包怎么开通");

    // Import a Markdown file written like the export: one article changed.
    await admin.getByRole("tab", { name: "导入导出" }).click();
    expect(await admin.getByTestId("kb-export-md").getAttribute("href")).toBe("/api/knowledge/export?format=md");
    const md = await admin.evaluate(async () => (await fetch("/api/knowledge/export?format=md")).text());
    const edited = md.replace("- titleEn: Open a digital yuan (e-CNY) wallet", "- titleEn: Your e-CNY wallet");
    expect(edited).not.toBe(md);
    await admin
      .getByTestId("kb-import-file")
      .setInputFiles({ name: "knowledge.md", mimeType: "text/markdown", buffer: Buffer.from(edited) });
    await expect.poll(async () => (await admin.getByTestId("kb-imported").textContent()) ?? "").toContain("更新 1 篇");
    expect((await articles()).find((a) => a.id === created.id)?.titleEn).toBe("Your e-CNY wallet");
    await expectNoAxeViolations(admin, "knowledge import (zh)");
    await shootBoth(admin, "knowledge-exchange");

    // Delete: gone from the list and from search.
    await admin.getByRole("tab", { name: "文章" }).click();
    await admin.getByTestId("kb-filter").fill("数字人民币");
    await expect.poll(() => rows.count()).toBe(1);
    await expectNoAxeViolations(admin, "knowledge articles (zh)");
    await shootBoth(admin, "knowledge-articles");
    await admin.getByTestId(`kb-delete-${created.id}`).click();
    await admin
      .locator(".ant-popconfirm")
      .getByRole("button", { name: /确\s*定|OK/ })
      .click();
    await expect.poll(() => rows.count()).toBe(0);
    await trySearch("DCEP");
    await expect.poll(tryResults).not.toContain("数字人民币钱包怎么开通");
  }, 180_000);

  it("passes axe in English on every tab, and keeps the editing routes from a teller", async () => {
    await admin.goto(`${session.origin}/knowledge`);
    await admin.getByTestId("lang-switch").first().click();
    await expect.poll(() => admin.evaluate(() => document.documentElement.lang)).toBe("en");
    await expect.poll(() => admin.locator("[data-testid=kb-table] tbody tr.ant-table-row").count()).toBe(20);
    await expectNoAxeViolations(admin, "knowledge articles (en)");
    await admin.getByRole("tab", { name: "Synonyms" }).click();
    await expect.poll(() => admin.locator("[data-testid^=kb-group-]").count()).toBeGreaterThan(5);
    await expectNoAxeViolations(admin, "knowledge synonyms (en)");
    await admin.getByTestId("lang-switch").first().click();
    await expect.poll(() => admin.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    await expectNoAxeViolations(admin, "knowledge synonyms (zh)");
    await shootBoth(admin, "knowledge-synonyms");

    const teller = await session.page(DESK);
    await login(teller, session.origin, "teller1", "/counter");
    const refused = await apiCall(teller, "POST", "/api/knowledge/articles", { titleZh: "标题", bodyZh: "正文" });
    expect(refused.status).toBe(403);
    await teller.goto(`${session.origin}/knowledge`);
    await expect.poll(async () => (await teller.locator("body").textContent()) ?? "").not.toContain("新建文章");
  }, 120_000);
});
