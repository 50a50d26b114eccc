import { accessSync, closeSync, constants, fsyncSync, openSync, realpathSync, rmSync, writeSync } from "node:fs";
import SQLite from "better-sqlite3";
import { Kysely, type SqliteDatabase, SqliteDialect } from "kysely";
import { createBatchingWriter } from "./batching-writer.ts";
import { type StoreFault, storeFaultOf } from "./faults.ts";
import type { Database } from "./schema.ts";
import type { Store, WriteFn } from "./store.ts";
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
  const onDisk = path !== ":memory:" && path !== "";
  let connection = openConnection(path, onDisk);
  const statements = withStatementCache(() => connection);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements.database }) });

  // SQLite keeps the WAL beside the real file when the path is a symbolic link.
  const wal = onDisk ? createWalFlusher(`${realpathSync(path)}-wal`) : undefined;
  const writer = createBatchingWriter(db, () => connection, wal ? wal.flush : async () => {}, options.onDurabilityLost);

  /**
   * The storage fault the last write met (the disk full, the file read-only), until a write succeeds again. While
   * it lasts, a probe write runs every second so that the store recovers by itself once the fault is gone, with
   * or without traffic. A file that was read-only when SQLite opened it stays read-only to that connection, so
   * while the fault is `storage_read_only` the probe opens the connection again once the file is writable.
   */
  let fault: StoreFault | undefined;
  let probeTimer: NodeJS.Timeout | undefined;
  let probing: Promise<void> | undefined;
  const setFault = (met: StoreFault, error: unknown): void => {
    if (fault !== met) {
      const e = error as { code?: unknown; message?: unknown };
      console.error(`Datang: ${met}: the database at ${path} refuses writes (${String(e.code)}: ${String(e.message)})`);
    }
    fault = met;
    probeTimer ??= setInterval(() => void probe(), PROBE_INTERVAL_MS).unref();
  };
  const clearFault = (): void => {
    if (fault === undefined) return;
    console.error(`Datang: the database at ${path} takes writes again (was ${fault})`);
    fault = undefined;
    clearInterval(probeTimer);
    probeTimer = undefined;
  };
  const write = <T>(fn: WriteFn<T>): Promise<T> =>
    writer.write(fn).then(
      (value) => {
        clearFault();
        return value;
      },
      (error: unknown) => {
        const met = storeFaultOf(error);
        if (met === "storage_full" || met === "storage_read_only") setFault(met, error);
        throw error;
      },
    );
  /**
   * A new connection in place of one that SQLite opened read-only. Only between transactions (no batch and no
   * reader holds the connection then: better-sqlite3 runs each statement synchronously); the statements
   * prepared on the old connection are dropped with it.
   */
  const reopen = (): void => {
    if (!onDisk || connection.inTransaction || !writable(path)) return;
    const fresh = openConnection(path, onDisk);
    const old = connection;
    connection = fresh;
    statements.clear();
    old.close();
  };
  const probe = (): Promise<void> => {
    probing ??= (async () => {
      if (fault === "storage_read_only") reopen();
      // A full disk may still take the probe's one-row update (a page SQLite reuses) while a ticket, with its
      // indexes and tallies, needs new pages: the disk must first have room for a burst of writes.
      if (fault === "storage_full" && onDisk) roomFor(`${path}-space-probe`, SPACE_PROBE_BYTES);
      await write((tx) => tx.updateTable("storage_probe").set({ at: Date.now() }).where("id", "=", 1).execute());
    })()
      .catch(() => {})
      .finally(() => {
        probing = undefined;
      });
    return probing;
  };
  // A file this process may not write (its permissions) is read-only from the start: say so before a write fails.
  if (onDisk && !writable(path))
    setFault("storage_read_only", { code: "SQLITE_READONLY", message: "the file is not writable by this process" });

  return {
    dialect: "sqlite",
    db,
    write,
    durable: writer.durable,
    async health() {
      if (fault !== undefined) await probe();
      return fault;
    },
    async close() {
      clearInterval(probeTimer);
      await probing;
      await writer.idle();
      await db.destroy();
      wal?.close();
    },
  };
}

/** While the disk refuses writes, how often the store tries a write again. */
const PROBE_INTERVAL_MS = 1_000;

/** Room a full disk must have again before the store says it takes writes: a burst of writes, not one page. */
const SPACE_PROBE_BYTES = 256 * 1024;

/** Writes and syncs `bytes` to a scratch file beside the database, then removes it; throws (ENOSPC) without room. */
function roomFor(file: string, bytes: number): void {
  const fd = openSync(file, "w");
  try {
    writeSync(fd, Buffer.alloc(bytes));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === "ENOENT";
  }
}

function openConnection(path: string, onDisk: boolean): SQLite.Database {
  const connection = new SQLite(path);
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
  return connection;
}

/** Statements kept prepared; the application issues a few dozen distinct ones, so this bound is never reached in use. */
const MAX_CACHED_STATEMENTS = 1000;

/**
 * Kysely prepares every statement anew; compiling SQL each time was a tenth of the server's CPU under load.
 * Prepared statements are reusable in better-sqlite3 as long as none is iterated while reused, and Kysely
 * runs one statement at a time on this single connection. Statements go to the current connection (the store
 * may open it again), and a ROLLBACK after SQLite already rolled the transaction back itself (SQLITE_FULL, an
 * I/O error) does nothing, so that the error that caused it is the one reported, not "cannot rollback".
 */
function withStatementCache(current: () => SQLite.Database): { database: SqliteDatabase; clear: () => void } {
  const cache = new Map<string, SQLite.Statement>();
  const database: SqliteDatabase = {
    close: () => current().close(),
    prepare(sql: string) {
      if (sql === "rollback" && !current().inTransaction) return NO_OP;
      let statement = cache.get(sql);
      if (!statement) {
        statement = current().prepare(sql);
        if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
        cache.set(sql, statement);
      }
      return statement;
    },
  };
  return { database, clear: () => cache.clear() };
}

/** A statement that does nothing, in the shape Kysely's SQLite driver runs. */
const NO_OP = {
  reader: false,
  all: () => [],
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  iterate: () => [][Symbol.iterator](),
} as unknown as SQLite.Statement;
