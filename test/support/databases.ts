import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
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

/**
 * A fresh database of the given kind holding what `build` writes into an empty one, copied from a template that
 * `build` filled once per kind, key and worker process (test files share a worker: vitest.config.ts). Copying is
 * about 10 ms on SQLite (a file) and 0.6 s on PostgreSQL (`CREATE DATABASE … TEMPLATE`; STRATEGY FILE_COPY, which
 * checkpoints, took 2 s), where migrating and seeding afresh took 0.6 s and 2.7 s (load 9, 2026-12-07). `build` must be deterministic in what later tests read (same clock, same inputs); it gets
 * the empty database's location and closes what it opened; its answer (e.g. the seeded demo's ids and device
 * tokens) is handed to every copy.
 */
export async function databaseFromTemplate<T>(
  kind: DbKind,
  key: string,
  build: (location: string) => Promise<T>,
): Promise<{ location: string; drop: () => Promise<void>; built: T }> {
  const cacheKey = `${kind}:${key}`;
  let template = templates.get(cacheKey) as Promise<Template<T>> | undefined;
  if (!template) {
    template = (async () => {
      const db = await freshDatabase(kind);
      return { location: db.location, built: await build(db.location) };
    })();
    templates.set(cacheKey, template);
    template.catch(() => templates.delete(cacheKey));
  }
  const { location: from, built } = await template;
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "datang-test-"));
    const location = join(dir, "datang.db");
    copyFileSync(from, location);
    // `build` closed its store, which checkpoints the WAL into the file; a WAL left behind is copied too.
    if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${location}-wal`);
    return { location, built, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const adminUrl = inject("pgUrl");
  const name = `dt_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${new URL(from).pathname.slice(1)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    location: url.toString(),
    built,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

interface Template<T> {
  readonly location: string;
  readonly built: T;
}
const templates = new Map<string, Promise<Template<unknown>>>();
