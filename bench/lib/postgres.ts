/**
 * A throwaway PostgreSQL cluster for the bench (as test/setup/global-postgres.ts does): initdb into a temp
 * dir, listen on 127.0.0.1 only, stopped and removed at the end. fsync stays on, as in production: the
 * PostgreSQL figures are durable commits too. BENCH_DATABASE_URL uses an existing server instead. `keepIn`: the
 * cluster's data directory is kept there (made the first time, started again from it later).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { startCluster } from "../../test/support/postgres-cluster.ts";
import type { OutageControl } from "./pg-outage.ts";
import { log, onExit } from "./procs.ts";

export interface PgCluster {
  /** URL of a fresh, empty database named `name` on the cluster. */
  createDatabase(name: string): Promise<string>;
  /** URL of the database named `name` as it is (none made or dropped). */
  databaseUrl(name: string): string;
  stop(): void;
  /** The postmaster's pid (the bench's own cluster only): its backends' CPU is the database's share of a load. */
  postmasterPid?(): number | undefined;
  /** Stopping and starting the server itself: only on the bench's own throwaway cluster. */
  readonly control?: OutageControl;
}

function clusterFor(
  adminUrl: string,
  stop: () => void,
  control?: OutageControl,
  postmasterPid?: () => number | undefined,
): PgCluster {
  const databaseUrl = (name: string): string => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    control,
    ...(postmasterPid && { postmasterPid }),
    databaseUrl,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return databaseUrl(name);
    },
    stop,
  };
}

export async function startPostgres(keepIn?: string): Promise<PgCluster | undefined> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return clusterFor(given, () => {});
  const cluster = await startCluster({ maxConnections: 200, sharedBuffers: "128MB", keepIn });
  if (!cluster) return undefined;
  log(`PostgreSQL cluster at ${cluster.url} (${cluster.dir})`);
  onExit(() => cluster.stop());
  return clusterFor(
    cluster.url,
    () => cluster.stop(),
    { stopServer: (mode) => cluster.stopServer(mode), startServer: () => cluster.startServer() },
    () => {
      try {
        return Number(readFileSync(join(cluster.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]) || undefined;
      } catch {
        return undefined;
      }
    },
  );
}
