import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { type StoreFault, storeFaultOf } from "./faults.ts";
import { leanPool } from "./postgres-client.ts";
import type { Database } from "./schema.ts";
import type { Store, WriteFn } from "./store.ts";

// bigint columns hold epoch milliseconds and sequence numbers, all far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

/**
 * SQLSTATEs after which a write may simply run again: a deadlock victim, a serialization failure, or a
 * unique key another instance committed first (the rerun sees it and answers as the use case decides).
 */
const RETRYABLE = new Set(["40001", "40P01", "23505"]);
const MAX_ATTEMPTS = 5;

/** A connection attempt that takes longer fails (and the request gets 503) instead of waiting on a dead host. */
const CONNECT_TIMEOUT_MS = 5_000;
/** How long a health check waits for the database's answer. */
const HEALTH_TIMEOUT_MS = 2_000;

const ignore = (): void => {};

/**
 * A pool whose every connection has an 'error' listener for as long as it lives. node-postgres emits 'error'
 * on a client whose connection breaks (a database restart's 57P01, a reset socket) even while a query of it
 * is failing with the same error, and the pool listens only to idle clients: one checked out at that moment
 * (inside a transaction, between two statements) had no listener, and the process ended. The error reaches
 * the query or transaction that used the connection anyway, and the pool drops a broken client on release.
 */
export function createPgPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: "datang",
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  pool.on("connect", (client) => client.on("error", ignore));
  // An idle client that loses its connection must not crash the process either.
  pool.on("error", ignore);
  return pool;
}

/**
 * PostgreSQL groups concurrent commits by itself (one WAL flush for the transactions committing together),
 * so each write is its own READ COMMITTED transaction. Writes are not batched into shared transactions here
 * as they are in SQLite: across instances, two batches each holding a branch's locks deadlock, and a deadlock
 * victim inside a batch cannot release the locks of the batch's earlier writes. A write that loses a race (a
 * deadlock, a unique key another instance committed first) is simply run again from the start.
 */
export function createPostgresStore(url: string): Store & { readonly pool: pg.Pool } {
  const pool = createPgPool(url);
  // Health checks get a connection of their own: a busy main pool must not make a reachable database look down.
  const probe = createPgPool(url, 1);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: leanPool(pool) }) });
  return {
    dialect: "postgres",
    db,
    pool,
    async write<T>(fn: WriteFn<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const after: Array<() => void> = [];
        try {
          // A commit PostgreSQL acknowledged is durable and visible at once: whenVisible is afterCommit here.
          const value = await db.transaction().execute((tx) =>
            fn(
              tx,
              (cb) => after.push(cb),
              (cb) =>
                after.push(() => {
                  try {
                    cb();
                  } catch (error) {
                    console.error("when-visible callback failed", error);
                  }
                }),
            ),
          );
          for (const cb of after) cb();
          return value;
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (attempt >= MAX_ATTEMPTS || typeof code !== "string" || !RETRYABLE.has(code)) throw error;
        }
      }
    },
    durable: () => Promise.resolve(),
    async health(): Promise<StoreFault | undefined> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("Connection terminated: no answer in time")), HEALTH_TIMEOUT_MS);
      });
      try {
        await Promise.race([probe.query("SELECT 1"), timeout]);
        return undefined;
      } catch (error) {
        return storeFaultOf(error) ?? "database_unavailable";
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await db.destroy();
      await probe.end();
    },
  };
}
