/**
 * Browser-test harness: a real `datang serve --demo` in a child process on a free port with a temp SQLite
 * database, Debian's Chromium through playwright-core, and screenshots under test-output/screenshots.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect, inject } from "vitest";
import { CHROMIUM, CHROMIUM_LAUNCH } from "../support/chromium.ts";

export { CHROMIUM };
export const ROOT = new URL("../../", import.meta.url).pathname;
export const SHOTS = join(ROOT, "test-output/screenshots");
export const PASSWORD = "demo123";

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

import { freePort } from "../support/free-port.ts";
import { SERVER_BUNDLE } from "../support/server-bundle.ts";

export { freePort };

export function ensureWebBuild(): void {
  const result = spawnSync(process.execPath, [join(ROOT, "scripts/ensure-web-build.mjs")], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("web build failed");
}

export interface DeviceTokens {
  readonly kiosk: string;
  readonly display: string;
  readonly rating_pad: string;
}

export interface RunningServer {
  readonly port: number;
  readonly dbPath: string;
  readonly tokens: DeviceTokens;
  stop(): Promise<void>;
}

/** Starts the server and waits until it says it is serving; device tokens are read from its demo output. */
export async function startServer(port: number, dbPath: string, previous?: DeviceTokens): Promise<RunningServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [SERVER_BUNDLE, "serve", "--demo", "--port", String(port), "--db", dbPath],
    {
      cwd: ROOT,
      env: { ...process.env, DATANG_DEMO_PASSWORD: PASSWORD, NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  // Generous by default: browser test files run two at a time, and each start compiles the server on a 2-core
  // machine; E2E_START_TIMEOUT_MS changes it.
  const deadline = Date.now() + Number(process.env.E2E_START_TIMEOUT_MS ?? 120_000);
  while (!/serving on/i.test(output)) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const token = (kind: string): string => new RegExp(`^\\s*${kind}\\s+(\\S+)`, "m").exec(output)?.[1] ?? "";
  const tokens: DeviceTokens = previous ?? {
    kiosk: token("kiosk"),
    display: token("display"),
    rating_pad: token("rating_pad"),
  };
  return {
    port,
    dbPath,
    tokens,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

/** The server serves the built app itself (web/dist, SPA fallback); fail early and clearly if it does not. */
export async function assertServesWeb(port: number): Promise<string> {
  const origin = `http://127.0.0.1:${port}`;
  const answer = await fetch(`${origin}/kiosk`);
  const type = answer.headers.get("content-type") ?? "";
  if (!answer.ok || !type.includes("text/html")) {
    throw new Error(`the server does not serve web/dist at /kiosk (got ${answer.status} ${type})`);
  }
  return origin;
}

/**
 * The run's shared Chromium when there is one (test/setup/global-chromium.ts: a connection, whose close() closes
 * only this file's contexts), else a Chromium of this file's own. Either way, close() it when done.
 */
export async function launchBrowser(): Promise<Browser> {
  const endpoint = inject("chromiumEndpoint");
  if (endpoint) {
    try {
      return await chromium.connect(endpoint, { timeout: 30_000 });
    } catch (error) {
      console.warn(`the shared Chromium did not answer, launching one for this file: ${String(error)}`);
    }
  }
  // playwright gives every launch a fresh temporary profile (its own --user-data-dir), removed on close.
  return chromium.launch({ ...CHROMIUM_LAUNCH, args: [...CHROMIUM_LAUNCH.args] });
}

/** Records what the page asks speech synthesis to say, and ends each utterance at once so the queue moves. */
export const SPEECH_STUB = `
  window.__spoken = [];
  const synth = window.speechSynthesis;
  if (synth) {
    synth.speak = (utterance) => {
      window.__spoken.push({ text: utterance.text, lang: utterance.lang });
      setTimeout(() => utterance.onend && utterance.onend(new Event("end")), 50);
    };
  }
`;

export async function newContext(
  browser: Browser,
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  // Reduced motion: the staff consoles then open drawers and modals without animation (the product honours the
  // setting), so no click lands on a closing modal's mask and axe never reads a colour halfway through a fade.
  const context = await browser.newContext({
    viewport,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    reducedMotion: "reduce",
  });
  // 20 s for an element to appear or an action to be possible: a waitFor that passes does not wait longer, and a
  // loaded 2-core machine (two workers, each with Chromium and a server) once took over 10 s to show a page after a
  // restart or a clock jump (branch-flow, book-flow), failing a run whose product behaviour was right.
  context.setDefaultTimeout(20_000);
  await context.addInitScript(SPEECH_STUB);
  return context;
}

export async function setLanguage(page: Page, lang: "zh-CN" | "en"): Promise<void> {
  await page.evaluate((l) => window.localStorage.setItem("datang.lang", l), lang);
  await page.reload();
}

export async function shoot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const lang = await page.evaluate(() => document.documentElement.lang);
  const file = join(SHOTS, `${name}-${lang === "en" ? "en" : "zh"}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
  return file;
}

/** Both languages of one page through its own switch (no reload, so its state stays); ends in Chinese. */
export async function shootBoth(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const lang = () => page.evaluate(() => document.documentElement.lang);
  await shoot(page, name, options);
  await page.getByTestId("lang-switch").first().click();
  await expect.poll(lang).toBe("en");
  await page.waitForTimeout(200);
  await shoot(page, name, options);
  await page.getByTestId("lang-switch").first().click();
  await expect.poll(lang).toBe("zh-CN");
}

/**
 * Picks an Ant Design Select option by its text, and returns once the choice shows and the dropdown is closed.
 * On a busy machine a re-render (the consoles refresh on every branch event) can leave the dropdown open
 * over the dialog's buttons; then it is toggled shut with a click on the select, never Escape (that would
 * close the dialog too).
 */
export async function chooseOption(page: Page, testId: string, text: string): Promise<void> {
  const select = page.getByTestId(testId);
  const dropdown = page.locator(".ant-select-dropdown:visible");
  const option = () => dropdown.locator(".ant-select-item-option").filter({ hasText: text }).first();
  await select.click();
  await option().click();
  // Ant Design closes the list itself once an option is chosen; on a loaded machine that takes a while. Never
  // click the select to close it: a click while the list is still closing opens it again over the dialog.
  let openSince: number | undefined;
  for (let attempt = 0; attempt < 100; attempt++) {
    const chosen = ((await select.textContent()) ?? "").includes(text);
    const open = (await dropdown.count()) > 0;
    if (chosen && !open) return;
    openSince = open ? (openSince ?? attempt) : undefined;
    if (!chosen && open && attempt % 10 === 9) await option().click();
    else if (!chosen && !open && attempt % 10 === 9) await select.click();
    // Chosen, but the list stays open: moving the focus away closes it (Tab, unlike Escape, never closes a dialog).
    else if (chosen && open && openSince !== undefined && attempt - openSince >= 30) {
      await page.keyboard.press("Tab");
      openSince = attempt;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`could not choose "${text}" in ${testId}`);
}

export async function login(page: Page, origin: string, username: string, next: string): Promise<void> {
  await page.goto(`${origin}/login?next=${encodeURIComponent(next)}`);
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(PASSWORD);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(`${origin}${next}`);
}

/** A real server on a free port with its own database, one Chromium, and pages each in their own context. */
export interface BrowserSession {
  /** Replaced by a test that restarts the server. */
  server: RunningServer;
  readonly origin: string;
  page(viewport: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function openBrowserSession(): Promise<BrowserSession> {
  ensureWebBuild();
  const db = tempDb();
  const server = await startServer(await freePort(), db.path);
  let browser: Browser;
  let origin: string;
  try {
    origin = await assertServesWeb(server.port);
    browser = await launchBrowser();
  } catch (error) {
    await server.stop();
    db.cleanup();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  const session: BrowserSession = {
    server,
    origin,
    async page(viewport) {
      const context = await newContext(browser, viewport);
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await session.server.stop();
      db.cleanup();
    },
  };
  return session;
}

export function tempDb(): { dir: string; path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "datang-e2e-"));
  return { dir, path: join(dir, "e2e.db"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

/** One API request from inside the page, so it carries that page's session or device cookie. */
export async function apiCall<T = unknown>(
  page: Page,
  method: "GET" | "POST" | "PATCH",
  path: string,
  body?: unknown,
): Promise<ApiAnswer<T>> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const answer = await fetch(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await answer.text();
      return { status: answer.status, body: text ? JSON.parse(text) : undefined };
    },
    { method, path, body },
  ) as Promise<ApiAnswer<T>>;
}

/** `{things: [...]}` or a bare array, whichever the route answers. */
export function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const inner = (body as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

/** `{thing: {...}}` or the bare object. */
export function oneOf<T>(body: unknown, key: string): T {
  const inner = (body as Record<string, unknown> | undefined)?.[key];
  return (inner ?? body) as T;
}

/** A single-key shortcut as a teller types it: nothing focused (shortcuts are ignored inside fields). */
export async function shortcut(page: Page, key: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press(key);
}

export function pdftoppmAvailable(): boolean {
  return spawnSync("pdftoppm", ["-v"], { stdio: "ignore" }).error === undefined;
}

/**
 * The page as a printer gets it: a screenshot under print media (at the roll's width), and a PDF of the given
 * paper size rasterised with `pdftoppm -png -r 150` (poppler-utils). Returns the files and the PDF's page count.
 */
export async function printPage(
  page: Page,
  name: string,
  paper: { width: string; height: string; cssWidth: number; cssHeight: number },
): Promise<{ screenshot: string; pdf: string; png: string; pages: number }> {
  mkdirSync(SHOTS, { recursive: true });
  const viewport = page.viewportSize();
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width: paper.cssWidth, height: paper.cssHeight });
  const screenshot = join(SHOTS, `${name}-media.png`);
  await page.screenshot({ path: screenshot, fullPage: true });
  const pdf = join(SHOTS, `${name}.pdf`);
  await page.pdf({ path: pdf, width: paper.width, height: paper.height, printBackground: true });
  await page.emulateMedia({ media: "screen" });
  if (viewport !== null) await page.setViewportSize(viewport);
  const stem = join(SHOTS, `${name}-pdf`);
  execFileSync("pdftoppm", ["-png", "-r", "150", "-singlefile", pdf, stem]);
  const png = `${stem}.png`;
  if (!existsSync(png)) renameSync(`${stem}-1.png`, png);
  const info = execFileSync("pdfinfo", [pdf]).toString();
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
  return { screenshot, pdf, png, pages };
}
