/**
 * A throwaway PostgreSQL cluster made from the installed server binaries: initdb into a temp dir, listening on
 * 127.0.0.1 only, stopped and removed by `stop`. Used by the test setup and by the bench. initdb refuses to
 * run as root, so as root the cluster belongs to the postgres user and is run through runuser. With `keepIn`
 * (the analytics bench's BENCH_REUSE_DIR) the cluster lives in that directory instead: made there the first time,
 * started again from it later, and `stop` only stops the server, keeping the data.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

export interface Cluster {
  /** Superuser URL of the cluster's `postgres` database. */
  readonly url: string;
  readonly dir: string;
  stop(): void;
  /** Stops the server (as an operator or a crash would) and keeps its data, for `startServer`. */
  stopServer(mode: "fast" | "immediate"): void;
  startServer(): void;
}

export function findPostgresBin(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, "bin", "initdb"))) return join(base, v, "bin");
  return undefined;
}

export async function startCluster(
  options: { maxConnections?: number; sharedBuffers?: string; keepIn?: string } = {},
): Promise<Cluster | undefined> {
  const bin = findPostgresBin();
  if (!bin) return undefined;
  const asRoot = process.getuid?.() === 0;
  const keep = options.keepIn;
  if (keep) mkdirSync(keep, { recursive: true });
  const dir = keep ?? mkdtempSync(join(tmpdir(), "datang-pg-"));
  const data = join(dir, "data");
  const run = (cmd: string, args: string[]): void => {
    const full = asRoot ? ["-u", "postgres", "--", join(bin, cmd), ...args] : args;
    const result = spawnSync(asRoot ? "runuser" : join(bin, cmd), full, { encoding: "utf8", timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  if (!keep || !existsSync(join(data, "PG_VERSION")))
    run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    `-c max_connections=${options.maxConnections ?? 300}`,
    `-c shared_buffers=${options.sharedBuffers ?? "64MB"}`,
  ].join(" ");
  run("pg_ctl", ["-D", data, "-o", settings, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    stopServer(mode) {
      run("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
    },
    startServer() {
      run("pg_ctl", ["-D", data, "-o", settings, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (keep) {
        run("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "120", "stop"]);
        return;
      }
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
