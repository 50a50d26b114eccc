import SQLite from "better-sqlite3";
import { Kysely, type SqliteDatabase, SqliteDialect, sql } from "kysely";
import type { Database } from "./schema.ts";
import type { Store, WriteFn } from "./store.ts";

interface PendingWrite {
  readonly fn: WriteFn<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Upper bound on writes that share one commit, so that one batch cannot hold the connection for long. */
const MAX_BATCH = 512;

/**
 * SQLite in WAL mode with synchronous=FULL: a commit returns only after the WAL is on disk, so an
 * acknowledged write survives a crash or a power cut. A commit that waits for the disk is the cost of
 * every write, so writes arriving together share one: requests queue up while a batch runs, the next
 * batch takes them all in one transaction, each inside its own savepoint (a write that fails rolls back
 * alone), and every caller is answered after that single COMMIT. Nothing is acknowledged before it is durable.
 */
export function createSqliteStore(path: string): Store {
  const connection = new SQLite(path);
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = FULL");
  connection.pragma("foreign_keys = ON");
  connection.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });

  let queue: PendingWrite[] = [];
  let running = false;
  let scheduled = false;

  async function runBatch(batch: readonly PendingWrite[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown; after: Array<() => void> } | { ok: false; error: unknown }> = [];
    try {
      await db.transaction().execute(async (tx) => {
        for (const job of batch) {
          const after: Array<() => void> = [];
          await sql`SAVEPOINT w`.execute(tx);
          try {
            const value = await job.fn(tx, (cb) => after.push(cb));
            await sql`RELEASE SAVEPOINT w`.execute(tx);
            outcomes.push({ ok: true, value, after });
          } catch (error) {
            await sql`ROLLBACK TO SAVEPOINT w`.execute(tx);
            await sql`RELEASE SAVEPOINT w`.execute(tx);
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (commitError) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is durable.
      for (const job of batch) job.reject(commitError);
      return;
    }
    for (const [i, job] of batch.entries()) {
      const outcome = outcomes[i];
      if (!outcome) job.reject(new Error("write lost its outcome"));
      else if (!outcome.ok) job.reject(outcome.error);
      else {
        for (const cb of outcome.after) cb();
        job.resolve(outcome.value);
      }
    }
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) {
        const batch = queue.length <= MAX_BATCH ? queue : queue.slice(0, MAX_BATCH);
        queue = queue.length <= MAX_BATCH ? [] : queue.slice(MAX_BATCH);
        await runBatch(batch);
        // Let the event loop read the requests that arrived during the commit, so they join the next batch.
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      running = false;
    }
  }

  return {
    dialect: "sqlite",
    db,
    write<T>(fn: WriteFn<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        if (running || scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          void drain();
        });
      });
    },
    async close() {
      while (running || scheduled || queue.length > 0) await new Promise((r) => setTimeout(r, 5));
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
