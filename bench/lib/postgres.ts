/**
 * A throwaway PostgreSQL cluster for the bench (as test/setup/global-postgres.ts does): initdb into a temp
 * dir, listen on 127.0.0.1 only, stopped and removed at the end. fsync stays on, as in production: the
 * PostgreSQL figures are durable commits too. BENCH_DATABASE_URL uses an existing server instead.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort, log, onExit } from "./procs.ts";

export interface PgCluster {
  /** URL of a fresh, empty database named `name` on the cluster. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

function findBinDir(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, "bin", "initdb"))) return join(base, v, "bin");
  return undefined;
}

function clusterFor(adminUrl: string, stop: () => void): PgCluster {
  return {
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    stop,
  };
}

export async function startPostgres(): Promise<PgCluster | undefined> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return clusterFor(given, () => {});
  const bin = findBinDir();
  if (!bin) return undefined;
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "datang-bench-pg-"));
  const data = join(dir, "data");
  const run = (cmd: string, args: string[]): void => {
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
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB`;
  run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
  log(`PostgreSQL cluster on 127.0.0.1:${port} (${dir})`);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  onExit(stop);
  return clusterFor(`postgres://postgres@127.0.0.1:${port}/postgres`, stop);
}
