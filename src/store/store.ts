import type { Kysely, Transaction } from "kysely";
import type { DialectName } from "./dialect-name.ts";
import type { StoreFault } from "./faults.ts";
import type { Database } from "./schema.ts";

export type Tx = Transaction<Database>;

/** Work to do once the transaction is durably committed (publishing events, for one). */
export type AfterCommit = (callback: () => void) => void;

/**
 * Work to do as soon as the transaction committed and readers can see it, which on SQLite is a moment before it
 * is durable (see sqlite-store.ts): only what a read of the committed data could do as well (dropping or keeping
 * a cached fact about it, letting a queued request read it). Never tells anyone the write succeeded; a
 * callback that throws is logged and does not fail the write.
 */
export type WhenVisible = (callback: () => void) => void;

export type WriteFn<T> = (tx: Tx, afterCommit: AfterCommit, whenVisible: WhenVisible) => Promise<T>;

/**
 * The database port of every use case. `write` resolves only after its transaction is durable;
 * a write that throws changes nothing (its own savepoint or transaction is rolled back).
 */
export interface Store {
  readonly dialect: DialectName;
  /** For reads. Writes go through `write`. */
  readonly db: Kysely<Database>;
  write<T>(fn: WriteFn<T>): Promise<T>;
  /**
   * Resolves once every commit a read could have seen is durable. On SQLite a commit is visible a moment
   * before its flush ends (see sqlite-store.ts); PostgreSQL shows only durable commits, and resolves at once.
   */
  durable(): Promise<void>;
  /**
   * Whether the storage can serve now: undefined when it can, otherwise what is wrong (PostgreSQL unreachable,
   * the SQLite file on a full disk or read-only). Tries the storage again, so a fault that passed clears here.
   */
  health(): Promise<StoreFault | undefined>;
  close(): Promise<void>;
}
