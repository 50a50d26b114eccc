import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";

export type DbKind = "sqlite" | "postgres";

/** The databases this run tests on: SQLite always, PostgreSQL when the global setup provided one. */
export const DB_KINDS: readonly DbKind[] = inject("pgUrl") ? ["sqlite", "postgres"] : ["sqlite"];

/** A fresh, empty database location of the given kind, and a function that removes it. */
export async function freshDatabase(kind: DbKind): Promise<{ location: string; drop: () => Promise<void> }> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "datang-test-"));
    return { location: join(dir, "datang.db"), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const adminUrl = inject("pgUrl");
  const name = `dt_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    location: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
