/**
 * Starts a throwaway PostgreSQL cluster for the test run (or uses TEST_DATABASE_URL) and hands its URL to
 * the tests. Under CI=true a missing PostgreSQL fails the run: the PostgreSQL half of the suite must run
 * there, never skip.
 */
import type { TestProject } from "vitest/node";
import { startCluster } from "../support/postgres-cluster.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide("pgUrl", process.env.TEST_DATABASE_URL);
    return undefined;
  }
  const cluster = await startCluster();
  if (!cluster) {
    if (process.env.CI === "true") {
      throw new Error(
        "PostgreSQL server binaries not found and TEST_DATABASE_URL unset: CI must run the PostgreSQL tests.",
      );
    }
    project.provide("pgUrl", "");
    return undefined;
  }
  project.provide("pgUrl", cluster.url);
  return () => cluster.stop();
}
