/**
 * One Chromium for the whole browser run (vitest.e2e.config.ts): each browser test file connects to it and works
 * in its own contexts, instead of launching (and closing) a Chromium of its own: about 3 s of CPU and 4 s of
 * wall less per file on the 2-core machine. A file run on its own (`npx vitest run test/e2e/<file> --isolate`)
 * launches its own as before.
 */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import type { TestProject } from "vitest/node";
import { CHROMIUM, CHROMIUM_LAUNCH } from "../support/chromium.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The shared Chromium's playwright endpoint; empty when every file launches its own. */
    chromiumEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!existsSync(CHROMIUM)) {
    project.provide("chromiumEndpoint", "");
    return undefined;
  }
  const server = await chromium.launchServer({ ...CHROMIUM_LAUNCH, args: [...CHROMIUM_LAUNCH.args] });
  project.provide("chromiumEndpoint", server.wsEndpoint());
  return () => server.close();
}
