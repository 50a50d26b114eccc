/**
 * How the browser tests start Debian's Chromium through playwright-core: one shared browser for a whole browser
 * run (test/setup/global-chromium.ts, `npm test`), or one per test file when a file is run on its own.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--lang=zh-CN"],
  timeout: 30_000,
} as const;
