import type { Kysely } from "kysely";
import type { Database, LoginLimitTable } from "./schema.ts";
import { isPostgres } from "./sql.ts";

export type LimitRow = LoginLimitTable;

/**
 * The rows of these keys, locked for the rest of the transaction so that concurrent attempts (other instances
 * on PostgreSQL) count one after another; a key without a row gets an empty one first. Keys are taken in
 * sorted order, as every caller does, so two attempts cannot deadlock. On SQLite the batching writer already
 * runs one write at a time.
 */
export async function lockLimitRows(
  tx: Kysely<Database>,
  keys: readonly string[],
  now: number,
): Promise<Map<string, LimitRow>> {
  const sorted = [...new Set(keys)].sort();
  await tx
    .insertInto("login_limits")
    .values(sorted.map((key) => ({ key, failures: 0, locked_until: 0, last_at: now })))
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  let q = tx.selectFrom("login_limits").selectAll().where("key", "in", sorted).orderBy("key");
  if (isPostgres(tx)) q = q.forUpdate();
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.key, r]));
}

/** The rows of these keys as they are, without creating or locking any. */
export async function readLimitRows(db: Kysely<Database>, keys: readonly string[]): Promise<Map<string, LimitRow>> {
  const rows = await db
    .selectFrom("login_limits")
    .selectAll()
    .where("key", "in", [...keys])
    .execute();
  return new Map(rows.map((r) => [r.key, r]));
}

export async function saveLimitRow(tx: Kysely<Database>, row: LimitRow): Promise<void> {
  await tx
    .updateTable("login_limits")
    .set({ failures: row.failures, locked_until: row.locked_until, last_at: row.last_at })
    .where("key", "=", row.key)
    .execute();
}

/** Adds one to a counter row (created at zero), and answers its new count. */
export async function incrementLimitRow(tx: Kysely<Database>, key: string, now: number): Promise<number> {
  const row = await tx
    .insertInto("login_limits")
    .values({ key, failures: 1, locked_until: 0, last_at: now })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet((eb) => ({ failures: eb("login_limits.failures", "+", 1), last_at: now })),
    )
    .returning("failures")
    .executeTakeFirstOrThrow();
  return row.failures;
}

export async function upsertLimitRow(tx: Kysely<Database>, row: LimitRow): Promise<void> {
  await tx
    .insertInto("login_limits")
    .values(row)
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({ failures: row.failures, locked_until: row.locked_until, last_at: row.last_at }),
    )
    .execute();
}

export async function deleteLimitRow(tx: Kysely<Database>, key: string): Promise<void> {
  await tx.deleteFrom("login_limits").where("key", "=", key).execute();
}

/** Forgets the rows of each key prefix whose last change is before that prefix's `before`. */
export async function deleteStaleLimitRows(
  tx: Kysely<Database>,
  kinds: ReadonlyArray<{ prefix: string; before: number }>,
): Promise<void> {
  for (const { prefix, before } of kinds) {
    await tx.deleteFrom("login_limits").where("key", "like", `${prefix}%`).where("last_at", "<", before).execute();
  }
}
