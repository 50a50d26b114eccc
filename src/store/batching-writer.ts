import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";
import { bindBatchConnection, execute, sql, unbindBatchConnection } from "./sql.ts";
import type { Tx, WriteFn } from "./store.ts";

interface PendingWrite {
  readonly fn: WriteFn<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

// Prepared once: these run around every write.
const SAVEPOINT = sql("SAVEPOINT w");
const RELEASE = sql("RELEASE SAVEPOINT w");
const ROLLBACK_TO = sql("ROLLBACK TO SAVEPOINT w");

type Outcome =
  | { ok: true; value: unknown; after: Array<() => void>; visible: Array<() => void> }
  | { ok: false; error: unknown };

/**
 * Group commit. A durable commit waits for the disk, and that wait is the cost of every write; so writes
 * that arrive together share one commit. Requests queue up while a batch runs; the next batch takes them
 * all into one transaction, each inside its own savepoint so that a write that fails rolls back alone, and
 * every caller is answered only after that single COMMIT is on disk (`flush`, see sqlite-store.ts). Nothing
 * is acknowledged before it is durable, and callbacks registered with afterCommit (publishing events) run
 * only for writes that committed, in commit order.
 *
 * The wait for the disk does not hold the writer: while one batch's flush runs on libuv's thread pool, the
 * next batch already executes and commits. Batches are answered strictly in order, each after its own flush.
 */
/** Upper bound on writes that share one commit, so that one batch cannot hold the writer for long. */
const MAX_BATCH = 512;

export function createBatchingWriter(
  db: Kysely<Database>,
  /** The connection, or how to get the current one (the store may reopen it: see sqlite-store.ts). */
  connectionOf: BetterSqlite3.Database | (() => BetterSqlite3.Database),
  /** Makes everything committed so far durable; resolves when it is on disk. */
  flush: () => Promise<void>,
  /** Told once when a flush fails (see SqliteStoreOptions). */
  onDurabilityLost?: (error: unknown) => void,
) {
  const maxBatch = MAX_BATCH;
  const current = typeof connectionOf === "function" ? connectionOf : () => connectionOf;
  let queue: PendingWrite[] = [];
  let running = false;
  let scheduled = false;
  /** The answers of committed batches, in order: each waits for the one before and for its own flush. */
  let answered: Promise<void> = Promise.resolve();
  /** Set when a flush failed: the disk may have lost acknowledged-looking data, so no write is taken any more. */
  let failed: unknown;
  /** Settles when the newest batch that reached COMMIT is durable (or failed): see `durable()`. */
  let horizon: Promise<void> = Promise.resolve();

  async function runJob(tx: Tx, job: PendingWrite): Promise<Outcome> {
    const after: Array<() => void> = [];
    const visible: Array<() => void> = [];
    await execute(tx, SAVEPOINT, []);
    try {
      const value = await job.fn(
        tx,
        (cb) => after.push(cb),
        (cb) => visible.push(cb),
      );
      await execute(tx, RELEASE, []);
      return { ok: true, value, after, visible };
    } catch (error) {
      // SQLite rolls the whole transaction back by itself after some errors (SQLITE_FULL, an I/O error): the
      // batch is gone, and its writes fail with that error, not with the ROLLBACK TO that has nothing to undo.
      if (!current().inTransaction) throw error;
      await execute(tx, ROLLBACK_TO, []);
      await execute(tx, RELEASE, []);
      return { ok: false, error };
    }
  }

  async function runBatch(batch: readonly PendingWrite[]): Promise<void> {
    const outcomes: Outcome[] = [];
    let settle = (): void => {};
    try {
      await db.transaction().execute(async (tx) => {
        // Hot-path statements (sql.ts) run straight on the connection while this transaction holds it.
        bindBatchConnection(tx, current());
        try {
          for (const job of batch) outcomes.push(await runJob(tx, job));
        } finally {
          unbindBatchConnection(tx);
        }
        // Before COMMIT, while no reader can have the connection: from here on a reader may see this batch.
        horizon = new Promise<void>((resolve) => {
          settle = resolve;
        });
      });
    } catch (commitError) {
      // The commit itself failed (disk full, lost connection): nothing of the batch is durable.
      answered = answered.then(() => {
        settle();
        for (const job of batch) job.reject(commitError);
      });
      return;
    }
    // Committed and visible to readers, not yet durable: what only needs the data visible runs now (whenVisible),
    // not after the flush, whose completion waits behind every request the event loop has ready.
    for (const outcome of outcomes) if (outcome.ok) runCallbacks(outcome.visible, "when-visible");
    // A batch in which every write failed committed nothing: there is nothing to sync (and a disk that refuses
    // writes must not be taken for one that lost them).
    const flushed = outcomes.some((o) => o.ok) ? flush() : Promise.resolve();
    flushed.catch(() => {}); // handled in order below, not as an unhandled rejection meanwhile
    // Strictly in commit order: this batch's outcome waits for the earlier batches' and then for its own flush.
    // Never rejects: a failed flush is turned into rejected writes here.
    answered = answered
      .then(() => flushed)
      .then(
        () => {
          settle();
          // A later flush that succeeds does not bring back what an earlier failed one lost.
          if (failed === undefined) answer(batch, outcomes);
          else for (const job of batch) job.reject(failed);
        },
        (flushError: unknown) => {
          settle();
          // Like PostgreSQL after a failed fsync, trust nothing more: these writes and every later one fail.
          if (failed === undefined) {
            failed = flushError;
            onDurabilityLost?.(flushError);
          }
          for (const job of batch) job.reject(failed);
        },
      );
  }

  function answer(batch: readonly PendingWrite[], outcomes: readonly Outcome[]): void {
    for (const [i, job] of batch.entries()) {
      const outcome = outcomes[i];
      if (!outcome) job.reject(new Error("write lost its outcome"));
      else if (!outcome.ok) job.reject(outcome.error);
      else {
        // Publishing is not the write: the write is durable and its caller is answered regardless.
        runCallbacks(outcome.after, "after-commit");
        job.resolve(outcome.value);
      }
    }
  }

  function runCallbacks(callbacks: ReadonlyArray<() => void>, what: string): void {
    for (const cb of callbacks) {
      try {
        cb();
      } catch (error) {
        console.error(`${what} callback failed`, error);
      }
    }
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) {
        const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
        queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
        await runBatch(batch);
        // Let the event loop read the requests that arrived during the commit, so they join the next batch.
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      running = false;
    }
  }

  return {
    write<T>(fn: WriteFn<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (failed !== undefined) {
          reject(
            new Error("the database could not make earlier writes durable; restart the server", { cause: failed }),
          );
          return;
        }
        queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        if (running || scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          void drain();
        });
      });
    },
    /**
     * Resolves once everything committed so far is durable. A read that must not pass on what a power cut
     * could still take back (event numbers, which a later event would reuse) calls it after reading.
     */
    durable(): Promise<void> {
      return horizon;
    },
    async idle(): Promise<void> {
      while (running || scheduled || queue.length > 0) await new Promise((r) => setTimeout(r, 5));
      await answered;
    },
  };
}
