import SQLite from "better-sqlite3";
import { Kysely, type SqliteDatabase, SqliteDialect } from "kysely";
import { createBatchingWriter } from "./batching-writer.ts";
import type { Database } from "./schema.ts";
import type { Store } from "./store.ts";

/**
 * SQLite in WAL mode with synchronous=FULL: a commit returns only after the WAL is on disk, so an
 * acknowledged write survives a crash or a power cut. Writes share commits through the batching writer.
 */
export function createSqliteStore(path: string): Store {
  const connection = new SQLite(path);
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = FULL");
  connection.pragma("foreign_keys = ON");
  connection.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });

  const writer = createBatchingWriter(db, connection);
  return {
    dialect: "sqlite",
    db,
    write: writer.write,
    async close() {
      await writer.idle();
      await db.destroy();
    },
  };
}

/** Statements kept prepared; the application issues a few dozen distinct ones, so this bound is never reached in use. */
const MAX_CACHED_STATEMENTS = 1000;

/**
 * Kysely prepares every statement anew; compiling SQL each time was a tenth of the server's CPU under load.
 * Prepared statements are reusable in better-sqlite3 as long as none is iterated while reused, and Kysely
 * runs one statement at a time on this single connection.
 */
function withStatementCache(connection: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => connection.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = connection.prepare(sql);
        if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
