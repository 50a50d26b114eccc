import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type PgCluster, startPostgres } from "./postgres.ts";
import { round } from "./stats.ts";

/**
 * The end of a two-database bench: runs `sqlite` in a temporary folder (removed after) and `postgres` on a
 * throwaway cluster (stopped after), as `BENCH_DB` chooses (sqlite, postgres or both; `which` when unset), puts their
 * figures into `out.sqlite` and `out.postgres` ("skipped: …" without PostgreSQL's server binaries), adds the load
 * average at the end and prints `out` as the bench's one JSON line.
 */
export async function runOnEachDatabase(
  name: string,
  out: Record<string, unknown>,
  sqlite: (dir: string) => Promise<unknown>,
  postgres: (cluster: PgCluster) => Promise<unknown>,
  which: string = process.env.BENCH_DB ?? "both",
): Promise<void> {
  if (which === "sqlite" || which === "both") {
    const dir = mkdtempSync(join(tmpdir(), `datang-bench-${name}-`));
    try {
      out.sqlite = await sqlite(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (which === "postgres" || which === "both") {
    const cluster = await startPostgres();
    if (!cluster) out.postgres = "skipped: no PostgreSQL server binaries";
    else
      try {
        out.postgres = await postgres(cluster);
      } finally {
        cluster.stop();
      }
  }
  out.loadAtEnd = loadavg().map((l) => round(l, 1));
  console.log(JSON.stringify(out));
}
