import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Migrator } from "kysely";
import { migrationProvider } from "./migrations/index.ts";
import { createPostgresStore } from "./postgres-store.ts";
import { createSqliteStore, type SqliteStoreOptions } from "./sqlite-store.ts";
import type { Store } from "./store.ts";

export const DEFAULT_SQLITE_PATH = "./data/datang.db";

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/** Opens the database named by a path (SQLite) or a postgres:// URL. */
export function openStore(location: string, options: SqliteStoreOptions = {}): Store {
  if (isPostgresUrl(location)) return createPostgresStore(location);
  if (location !== ":memory:") mkdirSync(dirname(location), { recursive: true });
  return createSqliteStore(location, options);
}

/** Brings the schema up to date. Safe to run from several instances at once on PostgreSQL (Kysely takes a lock). */
export async function migrateToLatest(store: Store): Promise<readonly string[]> {
  // Capabilities are built in parallel, each with its own migration numbers: a database already past 045 still
  // gets 040 when it arrives later. Every migration only adds its own tables and columns, so order is free.
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.dialect),
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
