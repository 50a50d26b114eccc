import type BetterSqlite3 from "better-sqlite3";
import { CompiledQuery, type Kysely, PostgresAdapter } from "kysely";
import type { Database } from "./schema.ts";

/**
 * Hot-path statements: the few written on every ticket operation (issue, call, start, complete and
 * their transitions, events and audit lines). Building and compiling a Kysely query costs more CPU than
 * SQLite takes to run it (`node --cpu-prof` under `npm run bench`: Kysely's builders and compiler were
 * a fifth of the server's time), so these are written once as plain, portable SQL with `?` placeholders,
 * rewritten to `$1, $2, …` for PostgreSQL once, and executed without a builder:
 * - inside a SQLite batch (see batching-writer.ts), straight on the writer's connection through a cached
 *   prepared statement, synchronously;
 * - anywhere else (PostgreSQL, SQLite reads outside a write), through Kysely's executor as a compiled
 *   query, so connection handling, transactions and locking stay Kysely's.
 * Everything else keeps using Kysely's query builder.
 */
export class Sql {
  readonly postgres: string;
  constructor(
    /** Null for a PostgreSQL-only statement (see `postgresOnly`). */
    readonly sqlite: string | null,
    postgres: string = sqlite ?? "",
  ) {
    let n = 0;
    this.postgres = postgres.replace(/\?/g, () => `$${++n}`);
    if (!preparedNames.has(this.postgres)) preparedNames.set(this.postgres, `datang_${preparedNames.size + 1}`);
  }
}

/**
 * PostgreSQL text of every hot-path statement → the name it is prepared under on each connection, so that
 * PostgreSQL parses and plans it once per connection instead of on every execution (see postgres-client.ts).
 */
const preparedNames = new Map<string, string>();

export function preparedNameOf(postgresText: string): string | undefined {
  return preparedNames.get(postgresText);
}

/** PostgreSQL texts of the statements that are each a whole write by themselves (see `postgresOnly`). */
const wholeWrites = new Set<string>();

export function isWholeWrite(postgresText: string): boolean {
  return wholeWrites.has(postgresText);
}

function checkPlaceholders(text: string): void {
  // Odd pieces between single quotes are string literals, where a ? would be taken for a parameter.
  if (text.split("'").some((piece, i) => i % 2 === 1 && piece.includes("?")))
    throw new Error(`a ? inside a string literal would be taken for a parameter: ${text}`);
}

/** A statement for both databases; `postgres` when PostgreSQL needs other words (same parameters, same order). */
export function sql(text: string, postgres?: string): Sql {
  checkPlaceholders(text);
  if (postgres !== undefined) checkPlaceholders(postgres);
  return new Sql(text, postgres);
}

/**
 * A statement only PostgreSQL can run (data-modifying CTEs), for a store function whose SQLite path takes
 * several statements. `wholeWrite`: the statement is all that its write changes, so when it comes first
 * among the write's changes it runs as a transaction of its own, without BEGIN and COMMIT round trips
 * (postgres-client.ts); nothing may be written after it in the same write. A whole write must answer at
 * least one row exactly when it wrote something.
 */
export function postgresOnly(text: string, options: { wholeWrite?: boolean } = {}): Sql {
  checkPlaceholders(text);
  const statement = new Sql(null, text);
  if (options.wholeWrite) wholeWrites.add(statement.postgres);
  return statement;
}

/**
 * One statement per distinct set of arguments, built on first use: a statement with optional parts (an audit
 * line, a NOTIFY) is prepared once per variant that actually runs.
 */
export function sqlVariants<A extends unknown[]>(build: (...args: A) => Sql): (...args: A) => Sql {
  const built = new Map<string, Sql>();
  return (...args) => {
    const key = JSON.stringify(args);
    let statement = built.get(key);
    if (!statement) {
      statement = build(...args);
      built.set(key, statement);
    }
    return statement;
  };
}

/**
 * `INSERT INTO t (…) VALUES (…) [rest]` as `INSERT INTO t (…) SELECT … <source> [rest]`: the same row, written
 * only when `source` (`FROM k`, `WHERE EXISTS (SELECT 1 FROM u)`) yields one. For PostgreSQL statements that
 * chain writes as CTEs.
 */
export function insertFrom(insertValues: string, source: string): string {
  const parts = /^(INSERT INTO \w+ \([^)]*\)) VALUES \(([^()]*)\)(.*)$/.exec(insertValues);
  if (!parts) throw new Error(`not an INSERT … VALUES (…): ${insertValues}`);
  return `${parts[1]} SELECT ${parts[2]} ${source}${parts[3]}`;
}

/**
 * Every column of a table, by name, for hot statements: a prepared statement on PostgreSQL must not
 * `SELECT *`, or a column that a later migration adds (another instance upgraded first) changes its result,
 * and it fails on every connection until a restart. Does not compile while the list misses a column.
 */
export function allColumns<T>() {
  return <const C extends ReadonlyArray<keyof T & string>>(
    list: C & (Exclude<keyof T, C[number]> extends never ? unknown : { missing: Exclude<keyof T, C[number]> }),
  ): string => list.join(", ");
}

/** The SQLite connection under a batch's transaction, registered by the batching writer for its duration. */
const batchConnections = new WeakMap<object, BetterSqlite3.Database>();
const prepared = new WeakMap<BetterSqlite3.Database, Map<Sql, BetterSqlite3.Statement>>();

export function bindBatchConnection(tx: Kysely<Database>, connection: BetterSqlite3.Database): void {
  batchConnections.set(tx, connection);
}

export function unbindBatchConnection(tx: Kysely<Database>): void {
  batchConnections.delete(tx);
}

function sqliteText(statement: Sql): string {
  if (statement.sqlite === null)
    throw new Error(`a PostgreSQL-only statement was run on SQLite: ${statement.postgres}`);
  return statement.sqlite;
}

function statementOn(connection: BetterSqlite3.Database, statement: Sql): BetterSqlite3.Statement {
  let cache = prepared.get(connection);
  if (!cache) {
    cache = new Map();
    prepared.set(connection, cache);
  }
  let s = cache.get(statement);
  if (!s) {
    s = connection.prepare(sqliteText(statement));
    cache.set(statement, s);
  }
  return s;
}

export function isPostgres(db: Kysely<Database>): boolean {
  // getExecutor is marked internal in Kysely 0.28 but is how a Kysely instance exposes its dialect adapter.
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function compiled(db: Kysely<Database>, statement: Sql, params: readonly unknown[]): CompiledQuery {
  return CompiledQuery.raw(isPostgres(db) ? statement.postgres : sqliteText(statement), params as unknown[]);
}

/** Rows of a statement that returns rows (SELECT, or a write with RETURNING). */
export async function queryRows<R>(db: Kysely<Database>, statement: Sql, params: readonly unknown[]): Promise<R[]> {
  const connection = batchConnections.get(db);
  if (connection) return statementOn(connection, statement).all(...params) as R[];
  const result = await db.executeQuery<R>(compiled(db, statement, params));
  return result.rows as R[];
}

export async function queryRow<R>(
  db: Kysely<Database>,
  statement: Sql,
  params: readonly unknown[],
): Promise<R | undefined> {
  const connection = batchConnections.get(db);
  if (connection) return statementOn(connection, statement).get(...params) as R | undefined;
  const result = await db.executeQuery<R>(compiled(db, statement, params));
  return result.rows[0];
}

/** Runs a statement that returns no rows; answers how many rows it changed. */
export async function execute(db: Kysely<Database>, statement: Sql, params: readonly unknown[]): Promise<number> {
  const connection = batchConnections.get(db);
  if (connection) return statementOn(connection, statement).run(...params).changes;
  const result = await db.executeQuery(compiled(db, statement, params));
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * `read` over `ids` in parts of at most 500 (one `in (...)` each: far under both databases' parameter limits),
 * the answers joined in order.
 */
export async function readInChunks<T>(ids: readonly string[], read: (part: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 500) out.push(...(await read(ids.slice(i, i + 500))));
  return out;
}
