import { createServer, type Server } from "node:http";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "./axe.ts";
import { type BrowserSession, chromiumAvailable, freePort, openBrowserSession, shoot } from "./harness.ts";

const DESK = { width: 1280, height: 860 };

/**
 * The website widget, as a bank's site uses it: a plain HTML page on another site (localhost, while Datang is
 * at 127.0.0.1) includes the one <script> tag from the README; a customer opens the chat with the keyboard,
 * takes a remote ticket through the bot, and closes it with Escape. Datang is started with that site in
 * DATANG_CHAT_EMBED_ORIGINS (unset, only Datang's own origin may frame the chat); a site not listed gets a
 * refused frame.
 */
describe.skipIf(!chromiumAvailable())("the embeddable chat widget", () => {
  let session: BrowserSession;
  let site: Server;
  let other: Server;
  let siteOrigin: string;
  let otherOrigin: string;

  beforeAll(async () => {
    const port = await freePort();
    siteOrigin = `http://localhost:${port}`;
    // The server reads the allowed sites at start (the harness passes this process's environment on).
    const before = process.env.DATANG_CHAT_EMBED_ORIGINS;
    process.env.DATANG_CHAT_EMBED_ORIGINS = siteOrigin;
    try {
      session = await openBrowserSession();
    } finally {
      if (before === undefined) delete process.env.DATANG_CHAT_EMBED_ORIGINS;
      else process.env.DATANG_CHAT_EMBED_ORIGINS = before;
    }
    // The bank's own page: nothing but its content and the widget's tag (the same page serves as a site
    // the bank did not name, on another port).
    site = createServer((req, res) => {
      const lang = req.url?.includes("en") ? "en" : "zh-CN";
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>Example Bank</title></head>
<body><main><h1>${lang === "en" ? "Example Bank" : "示例银行"}</h1><p>${lang === "en" ? "Welcome." : "欢迎访问。"}</p></main>
<script src="${session.origin}/widget.js" data-lang="${lang}" async></script>
</body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(port, "127.0.0.1", resolve));
    const otherPort = await freePort();
    other = createServer((req, res) => site.emit("request", req, res));
    await new Promise<void>((resolve) => other.listen(otherPort, "127.0.0.1", resolve));
    otherOrigin = `http://localhost:${otherPort}`;
  }, 120_000);
  afterAll(async () => {
    for (const server of [site, other]) {
      if (!server) continue;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await session?.close();
  });

  const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? "");

  it("opens from the keyboard on another site's page, chats, takes a ticket, and closes with Escape", async () => {
    const page = await session.page(DESK);
    await page.goto(`${siteOrigin}/`);
    const button = page.locator("#datang-chat-button");
    await button.waitFor();
    expect(await button.textContent()).toContain("在线客服");
    expect(await button.getAttribute("aria-expanded")).toBe("false");
    // Keyboard only: Tab reaches the button, Enter opens the panel and puts focus in the chat.
    await page.keyboard.press("Tab");
    expect(await activeId(page)).toBe("datang-chat-button");
    await page.keyboard.press("Enter");
    expect(await button.getAttribute("aria-expanded")).toBe("true");
    const frame = page.frameLocator("#datang-chat-panel iframe");
    const log = frame.getByTestId("chat-log");
    await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain("大堂智能助手");
    const box = frame.getByRole("textbox");
    await box.focus();
    await page.keyboard.type("帮我取个号");
    await page.keyboard.press("Enter");
    // The demo has two branches: the bot asks which one first, and offers both as buttons.
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain("请问您要在哪个网点取号");
    const branch = frame.getByTestId("chat-choices").getByRole("button", { name: "上海南京西路支行" });
    await branch.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain("请选择要办理的业务");
    const choice = frame.getByTestId("chat-choices").getByRole("button", { name: "现金存取" });
    await choice.focus();
    await page.keyboard.press("Enter");
    const link = frame.getByTestId("chat-ticket-link");
    await expect.poll(() => link.count(), { timeout: 15_000 }).toBe(1);
    expect(await link.textContent()).toMatch(/查看号票 [A-Z]+\d+ 的实时进度/);
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toMatch(/\/t\/[\w-]+$/);
    // The link opens the live ticket page outside the frame; the page is Datang's and shows the number.
    expect(await link.getAttribute("target")).toBe("_blank");
    const number = /([A-Z]+\d+)/.exec((await link.textContent()) ?? "")?.[1] ?? "";
    const live = await fetch(`${session.origin}/api/public/tickets/${href.split("/t/")[1]}`);
    expect(live.status).toBe(200);
    expect(((await live.json()) as { number: string }).number).toBe(number);
    await shoot(page, "chat-widget-zh");
    // axe on the bank's page with the widget open (the frame is checked on its own page below).
    expect(await axeViolations(page)).toEqual([]);

    // Escape inside the chat closes the panel and gives the focus back to the button.
    await box.focus();
    await page.keyboard.press("Escape");
    await expect.poll(() => button.getAttribute("aria-expanded")).toBe("false");
    expect(await page.locator("#datang-chat-panel").isHidden()).toBe(true);
    expect(await activeId(page)).toBe("datang-chat-button");
    // Opened again: the same conversation, the ticket still there.
    await page.keyboard.press("Space");
    await expect.poll(() => button.getAttribute("aria-expanded")).toBe("true");
    expect(await frame.getByTestId("chat-ticket-link").count()).toBe(1);
  });

  it("speaks English on an English site", async () => {
    const page = await session.page(DESK);
    await page.goto(`${siteOrigin}/en`);
    const button = page.locator("#datang-chat-button");
    await button.waitFor();
    expect(await button.textContent()).toContain("Chat with us");
    await button.click();
    const frame = page.frameLocator("#datang-chat-panel iframe");
    await expect
      .poll(() => frame.getByTestId("chat-log").textContent(), { timeout: 30_000 })
      .toContain("Datang assistant");
    expect(await page.locator("#datang-chat-panel iframe").getAttribute("title")).toBe("Online service");
    await shoot(page, "chat-widget-en");
  });

  it("identifies the customer inside the chat with the SMS code", async () => {
    const page = await session.page({ width: 390, height: 760 });
    await page.goto(`${session.origin}/chat?embed=1&lang=zh-CN`);
    await page.getByTestId("chat-log").locator("[data-author=bot]").first().waitFor();
    await page.getByTestId("chat-identify-open").click();
    const form = page.getByTestId("chat-identify");
    await form.getByLabel("手机号码").fill("13812345678");
    await form.getByRole("button", { name: "获取验证码" }).click();
    await form.getByRole("status").waitFor();
    // The code as the SMS gateway would get it: from the server's outbox.
    const db = new Database(session.server.dbPath, { readonly: true, fileMustExist: true });
    let code = "";
    try {
      await expect
        .poll(() => {
          const row = db
            .prepare("SELECT data FROM outbox WHERE kind = 'otp' AND recipient = ? ORDER BY created_at DESC")
            .get("+8613812345678") as { data: string } | undefined;
          code = row ? (JSON.parse(row.data) as { code: string }).code : "";
          return code;
        })
        .toMatch(/^\d{6}$/);
    } finally {
      db.close();
    }
    await form.getByLabel("验证码").fill(code);
    expect(await axeViolations(page)).toEqual([]);
    await form.getByRole("button", { name: "验证", exact: true }).click();
    await expect
      .poll(() => page.getByTestId("chat-identified").textContent(), { timeout: 15_000 })
      .toBe("已验证：138****5678");
    await expect.poll(() => page.getByTestId("chat-log").textContent()).toContain("已验证身份：138****5678");
    expect(await page.getByTestId("chat-identify").count()).toBe(0);
    await shoot(page, "chat-identified");
  });

  it("refuses the frame on a site the bank did not name", async () => {
    const page = await session.page(DESK);
    await page.goto(`${otherOrigin}/`);
    await page.locator("#datang-chat-button").click();
    await page.locator("#datang-chat-panel iframe").waitFor();
    // Chromium replaces a frame that frame-ancestors refuses with its error page; the chat never loads in it.
    await expect
      .poll(() => page.frames().map((f) => f.url()), { timeout: 30_000 })
      .toContainEqual(expect.stringMatching(/^chrome-error:/));
    expect(await page.frameLocator("#datang-chat-panel iframe").getByTestId("chat-log").count()).toBe(0);
    await page.close();
  });

  it("lets only the embedded chat page be framed, and the page passes axe in both languages", async () => {
    const embedded = await fetch(`${session.origin}/chat?embed=1`);
    expect(embedded.headers.get("content-security-policy")).toMatch(new RegExp(`frame-ancestors ${siteOrigin}$`));
    expect(embedded.headers.get("x-frame-options")).toBeNull();
    for (const path of ["/chat", "/agent", "/api/health"]) {
      const other = await fetch(`${session.origin}${path}`);
      expect(other.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(other.headers.get("x-frame-options"), path).toBe("DENY");
    }
    const script = await fetch(`${session.origin}/widget.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("javascript");
    for (const lang of ["zh-CN", "en"]) {
      const page = await session.page({ width: 380, height: 620 });
      await page.goto(`${session.origin}/chat?embed=1&lang=${lang}`);
      await page.getByTestId("chat-log").locator("[data-author=bot]").first().waitFor();
      expect(await axeViolations(page), lang).toEqual([]);
    }
  });
});
