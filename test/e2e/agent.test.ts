import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSession, chromiumAvailable, login, openBrowserSession, setLanguage, shoot } from "./harness.ts";

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };

/**
 * The hand-over, end to end in two browsers: a customer chats on the phone, asks for a person; an agent in
 * another browser takes it with the transcript, answers; the customer sees the answer live; the agent closes
 * and the customer rates.
 */
describe.skipIf(!chromiumAvailable())("chat hand-over to an agent", () => {
  let session: BrowserSession;
  let customer: Page;
  let agent: Page;

  beforeAll(async () => {
    session = await openBrowserSession();
    customer = await session.page(PHONE);
    agent = await session.page(DESK);
  }, 120_000);
  afterAll(() => session?.close());

  it("carries the conversation from the bot to an agent and back to the customer's rating", async () => {
    // The agent goes online first.
    await login(agent, session.origin, "agent1", "/agent");
    await agent.getByTestId("agent-presence").getByText("在线", { exact: true }).click();
    await expect.poll(() => agent.locator(".ant-radio-button-wrapper-checked").textContent()).toBe("在线");

    await customer.goto(`${session.origin}/chat`);
    const log = customer.getByTestId("chat-log");
    await expect.poll(() => log.locator("[data-author=bot]").count()).toBeGreaterThan(0);
    const box = customer.getByRole("textbox");
    await box.fill("银行卡丢了怎么办");
    await box.press("Enter");
    await expect.poll(() => log.textContent()).toContain("400-800-9555");
    await customer.getByRole("button", { name: "转人工" }).click();
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain("已接入");
    await shoot(customer, "chat-phone-handover");

    // The agent's board shows the chat live; the transcript carries what the customer asked and what the bot tried.
    await expect.poll(() => agent.getByTestId("agent-chat").count(), { timeout: 15_000 }).toBe(1);
    const transcript = agent.getByTestId("agent-transcript");
    await expect.poll(() => transcript.textContent()).toContain("银行卡丢了怎么办");
    expect(await agent.locator(".agent-side").textContent()).toContain("挂失");
    await agent.getByTestId("agent-reply").fill("您好，我是客服孙客服，已为您查到挂失方式。");
    await agent.getByTestId("agent-send").click();
    await expect
      .poll(() => log.locator("[data-author=agent]").textContent(), { timeout: 15_000 })
      .toContain("已为您查到挂失方式");
    await shoot(agent, "agent-workstation");

    // The customer answers; the agent sees it; the agent closes; the customer rates 满意.
    await box.fill("好的，谢谢");
    await box.press("Enter");
    await expect.poll(() => transcript.textContent(), { timeout: 15_000 }).toContain("好的，谢谢");
    await agent.getByRole("button", { name: "结束会话" }).click();
    await agent
      .locator(".ant-popconfirm")
      .getByRole("button", { name: /确\s*定|OK/ })
      .click();
    await expect.poll(() => customer.getByTestId("chat-rate").count(), { timeout: 15_000 }).toBe(1);
    await customer.getByRole("button", { name: "满意", exact: true }).click();
    await expect.poll(() => customer.locator(".chat-status").textContent()).toContain("感谢您的评价");
    await expect.poll(() => agent.getByTestId("agent-chat").count()).toBe(0);
  });

  it("shows the customer's page in English, and a reload keeps the conversation", async () => {
    await setLanguage(customer, "en");
    await customer.goto(`${session.origin}/chat`);
    await expect.poll(() => customer.getByRole("button", { name: "Start a new conversation" }).count()).toBe(1);
    await customer.getByRole("button", { name: "Start a new conversation" }).click();
    const log = customer.getByTestId("chat-log");
    await expect.poll(() => log.textContent()).toContain("Datang assistant");
    const box = customer.getByRole("textbox");
    await box.fill("my card was stolen");
    await box.press("Enter");
    await expect.poll(() => log.textContent()).toContain("Report a lost or stolen card");
    await customer.reload();
    await expect.poll(() => customer.getByTestId("chat-log").textContent()).toContain("my card was stolen");
    await shoot(customer, "chat-phone-en");
  });
  it("lets the admin write canned answers on the same page", async () => {
    const admin = await session.page(DESK);
    await login(admin, session.origin, "admin", "/agent");
    await admin.getByRole("button", { name: "新建快捷回复" }).click();
    const dialog = admin.locator(".ant-modal");
    await dialog.getByLabel("名称").fill("问候");
    await dialog.getByLabel("中文内容").fill("您好，很高兴为您服务。");
    await dialog.getByRole("button", { name: /确\s*定|OK/ }).click();
    await expect.poll(() => admin.locator(".ant-table-row").first().textContent()).toContain("很高兴为您服务");
    await admin.getByRole("tab", { name: "坐席设置" }).click();
    await expect.poll(() => admin.locator(".ant-table-row", { hasText: "孙客服" }).count()).toBe(1);
    await shoot(admin, "agent-admin");
  });
});
