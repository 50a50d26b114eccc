/**
 * Starts a throwaway PostgreSQL cluster for the test run from the installed server binaries (or uses
 * TEST_DATABASE_URL), and hands its URL to the tests. Under CI=true a missing PostgreSQL fails the run:
 * the PostgreSQL half of the suite must run there, never skip.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

function findBinDir(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, "bin", "initdb"))) return join(base, v, "bin");
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide("pgUrl", process.env.TEST_DATABASE_URL);
    return undefined;
  }
  const bin = findBinDir();
  if (!bin) {
    if (process.env.CI === "true")
      throw new Error(
        "PostgreSQL server binaries not found and TEST_DATABASE_URL unset: CI must run the PostgreSQL tests.",
      );
    project.provide("pgUrl", "");
    return undefined;
  }
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "datang-pg-"));
  const data = join(dir, "data");
  const run = (cmd: string, args: string[]) => {
    const full = asRoot ? ["-u", "postgres", "--", join(bin, cmd), ...args] : args;
    const result = spawnSync(asRoot ? "runuser" : join(bin, cmd), full, { encoding: "utf8", timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    // initdb refuses to run as root: the cluster belongs to the postgres user.
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=64MB`;
  run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
  project.provide("pgUrl", `postgres://postgres@127.0.0.1:${port}/postgres`);
  return () => {
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
