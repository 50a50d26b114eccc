import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
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

export function createPgPool(url: string, max = 10): pg.Pool {
  return new pg.Pool({ connectionString: url, max, application_name: "datang" });
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
  // An idle client that loses its connection must not crash the process.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: leanPool(pool) }) });
  return {
    dialect: "postgres",
    db,
    pool,
    async write<T>(fn: WriteFn<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const after: Array<() => void> = [];
        try {
          const value = await db.transaction().execute((tx) => fn(tx, (cb) => after.push(cb)));
          for (const cb of after) cb();
          return value;
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (attempt >= MAX_ATTEMPTS || typeof code !== "string" || !RETRYABLE.has(code)) throw error;
        }
      }
    },
    durable: () => Promise.resolve(),
    async close() {
      await db.destroy();
    },
  };
}
