import type pg from "pg";
import { isWholeWrite, preparedNameOf } from "./sql.ts";

/**
 * Where a checked-out client stands in the transaction Kysely runs on it:
 * - `none`: no transaction (Kysely's plain queries);
 * - `held`: Kysely asked for BEGIN, which has not been sent because nothing was written yet;
 * - `open`: BEGIN was sent;
 * - `done`: a whole-write statement ran (or runs) as its own transaction; COMMIT only remains.
 */
type TxState = "none" | "held" | "open" | "done";

/** What Kysely gets back for a BEGIN, COMMIT or ROLLBACK that did not need sending. */
const NOT_SENT = { command: "", rowCount: 0, oid: 0, fields: [], rows: [] };

/** What makes a SELECT more than a read: a row lock, or a function that locks or changes something. */
const LOCKING =
  /\bfor\s+(update|no\s+key\s+update|share|key\s+share)\b|pg_advisory|pg_notify|nextval|setval|set_config/i;

/** A read that takes no lock and changes nothing, which may run before the transaction's BEGIN. */
export function isPlainRead(text: string): boolean {
  return /^\s*select\b/i.test(text) && !LOCKING.test(text);
}

type QueryFn = (...args: unknown[]) => Promise<unknown>;
const LEAN = Symbol("datang.lean");
/** A client's transaction state, and which checkout of the client it belongs to. */
interface Lean {
  state: TxState;
  checkout: number;
}
interface LeanClient {
  [LEAN]?: Lean;
}

/**
 * The pool Kysely gets. Its clients save PostgreSQL round trips, because a round trip costs this process and
 * the server far more CPU than a hot statement itself: in the in-process issue bench, writev to PostgreSQL
 * sockets was a third of Node's time, and each statement also wakes a server process.
 * - Hot statements (sql.ts) run as named prepared statements: parsed and planned once per connection.
 * - A transaction's BEGIN is held back until its first statement that writes or locks. The reads before it
 *   run on their own, and see what they would have seen inside the transaction: at READ COMMITTED every
 *   statement takes its own snapshot either way. A write that only reads, or fails before it writes, then
 *   sends neither BEGIN nor COMMIT/ROLLBACK.
 * - A whole-write statement (sql.ts `postgresOnly`) that comes while BEGIN is still held runs as its own
 *   transaction: the write costs one round trip, and its row locks are held only while PostgreSQL runs it
 *   and flushes its commit, never across round trips to this process. It answers at least one row exactly
 *   when it wrote. After one that wrote, another statement is refused, and so is a ROLLBACK: the write
 *   failed, but the whole write's change stays.
 * Any other use of a client (a query config, a callback) passes through untouched.
 */
export function leanPool(pool: pg.Pool): pg.Pool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== "connect") return Reflect.get(target, property, receiver);
      return async () => {
        const client = (await target.connect()) as pg.PoolClient & LeanClient;
        let lean = client[LEAN];
        if (!lean) {
          lean = { state: "none", checkout: 0 };
          client[LEAN] = lean;
          const tx = lean;
          const query = client.query.bind(client) as QueryFn;
          const send = (text: string, values: unknown[]): Promise<unknown> => {
            const name = preparedNameOf(text);
            return name ? query({ name, text, values }) : query(text, values);
          };
          (client as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
            const [text, values] = args;
            if (typeof text !== "string" || !Array.isArray(values) || args.length > 2) return query(...args);
            return leanQuery(tx, text, values, send);
          };
        }
        // A client comes back to the pool only after its transaction ended; start clean regardless.
        lean.state = "none";
        lean.checkout++;
        return client;
      };
    },
  });
}

function leanQuery(
  tx: Lean,
  text: string,
  values: unknown[],
  send: (text: string, values: unknown[]) => Promise<unknown>,
): Promise<unknown> {
  switch (text) {
    case "begin":
      if (tx.state !== "none") break;
      tx.state = "held";
      return Promise.resolve(NOT_SENT);
    case "commit":
    case "rollback": {
      const state = tx.state;
      tx.state = "none";
      if (state === "open") return send(text, values);
      // Something failed after the whole write committed: its change stays, which must not pass unnoticed.
      if (state === "done" && text === "rollback")
        return Promise.reject(
          new Error("a write failed after its whole-write statement had committed; that change stays"),
        );
      return Promise.resolve(NOT_SENT);
    }
  }
  // A transaction with an isolation level or access mode (Kysely's "start transaction …") begins at once.
  if (tx.state === "none" && /^start transaction\b/i.test(text)) {
    tx.state = "open";
    return send(text, values);
  }
  if (tx.state === "done")
    return Promise.reject(new Error(`a statement after a whole-write statement in the same write: ${text}`));
  if (tx.state === "held") {
    if (isWholeWrite(text)) {
      tx.state = "done";
      const checkout = tx.checkout;
      // Failed, or answered no row (which for a whole write means it wrote nothing): nothing is committed
      // and nothing is open, so the write may still fail on its own terms (a 409) and its ROLLBACK is a no-op.
      const nothingWritten = (): void => {
        if (tx.checkout === checkout && tx.state === "done") tx.state = "held";
      };
      return send(text, values).then(
        (result) => {
          if ((result as { rowCount?: number | null }).rowCount === 0) nothingWritten();
          return result;
        },
        (error: unknown) => {
          nothingWritten();
          throw error;
        },
      );
    }
    if (!isPlainRead(text)) {
      tx.state = "open";
      return send("begin", []).then(() => send(text, values));
    }
  }
  return send(text, values);
}
