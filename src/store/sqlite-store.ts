import { realpathSync } from "node:fs";
import SQLite from "better-sqlite3";
import { Kysely, type SqliteDatabase, SqliteDialect } from "kysely";
import { createBatchingWriter } from "./batching-writer.ts";
import { type StoreFault, storeFaultOf } from "./faults.ts";
import type { Database } from "./schema.ts";
import type { Store } from "./store.ts";
import { createWalFlusher } from "./wal-flusher.ts";

export interface SqliteStoreOptions {
  /**
   * Called once if the disk fails to sync the WAL. Writes fail from then on; what was committed but not
   * synced may or may not be on disk, so the server should stop (see server-commands.ts) and start again from
   * what the disk really holds, as PostgreSQL does after a failed fsync.
   */
  readonly onDurabilityLost?: (error: unknown) => void;
}

/**
 * SQLite in WAL mode, and no write is acknowledged before its commit is on disk, so an acknowledged write
 * survives a crash or a power cut. Writes share commits through the batching writer.
 *
 * What synchronous=FULL would do inside COMMIT (fdatasync the WAL, blocking the one JavaScript thread for
 * the disk's time), the store does itself after COMMIT: synchronous=NORMAL writes the WAL frames without
 * syncing them, and `flush` then fdatasyncs the WAL file on libuv's thread pool while the server goes on
 * with the next requests; the batch is answered only when that returns. SQLite still syncs the WAL before
 * each checkpoint and the database file after it, and the WAL header when the file is reused, so what a
 * flush made durable stays durable. A read may see a commit in the moment before its flush completes; nobody
 * is told it succeeded before then, live events go out only after it, and the replay of missed events waits
 * for it (`durable()`), so no client ever holds an event number a power cut could hand to another event.
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const connection = new SQLite(path);
  const onDisk = path !== ":memory:" && path !== "";
  const mode = connection.pragma("journal_mode = WAL", { simple: true });
  // The flusher below makes commits durable by syncing the WAL: without WAL mode nothing would be synced.
  if (onDisk && mode !== "wal") throw new Error(`SQLite at ${path} cannot use WAL mode (it answered "${mode}")`);
  connection.pragma(onDisk ? "synchronous = NORMAL" : "synchronous = FULL");
  connection.pragma("foreign_keys = ON");
  connection.pragma("busy_timeout = 5000");
  // Each write of a batch runs in its own savepoint, whose journal keeps the original of every page the write
  // changes (a ticket touches some ten already-dirty pages). Past 64 KiB that journal moved to a temporary file
  // and stayed there for the rest of the batch, so every later write paid file writes; kept in memory, one
  // write's journal is a copy of its pages, freed at its RELEASE. Sorts and temporary tables also stay in
  // memory: the application's queries sort one branch's day or less, and no migration rebuilds a large table.
  connection.pragma("temp_store = MEMORY");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });

  // SQLite keeps the WAL beside the real file when the path is a symbolic link.
  const wal = onDisk ? createWalFlusher(`${realpathSync(path)}-wal`) : undefined;
  const writer = createBatchingWriter(db, connection, wal ? wal.flush : async () => {}, options.onDurabilityLost);
  /** The storage fault the last write met, until a write succeeds again. */
  let fault: StoreFault | undefined;
  return {
    dialect: "sqlite",
    db,
    write<T>(fn: Parameters<Store["write"]>[0]): Promise<T> {
      return (writer.write(fn) as Promise<T>).then(
        (value) => {
          fault = undefined;
          return value;
        },
        (error: unknown) => {
          const met = storeFaultOf(error);
          if (met && met !== "database_unavailable") fault = met;
          throw error;
        },
      );
    },
    durable: writer.durable,
    async health() {
      return fault;
    },
    async close() {
      await writer.idle();
      await db.destroy();
      wal?.close();
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
