/**
 * Many rows into one table, fast: the import of a bank's history (hundreds of thousands of tickets) and the
 * analytics rebuild (hundreds of tally rows per branch-day) insert more rows than anything else. Building and
 * compiling a Kysely INSERT of a few hundred rows costs more CPU than the database takes to run it, so these are
 * plain multi-row INSERTs through the hot-path statements of sql.ts: prepared once per size (on SQLite inside a
 * write, run straight on the writer's connection; on PostgreSQL a named prepared statement per connection).
 * Rows go out in statements of a few fixed sizes (256, 64, 16, 4, 1 rows), so a table has at most five
 * statements per column list, whatever the number of rows; 256 rows of 40 columns stay far below either
 * database's bound on parameters.
 */
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";
import { execute, type Sql, sql, sqlVariants } from "./sql.ts";
import type { Tx } from "./store.ts";

const SIZES = [256, 64, 16, 4, 1] as const;

const insertOf = sqlVariants((table: string, columns: string, width: number, rows: number): Sql => {
  const row = `(${new Array<string>(width).fill("?").join(", ")})`;
  return sql(`INSERT INTO ${table} (${columns}) VALUES ${new Array<string>(rows).fill(row).join(", ")}`);
});

/**
 * Inserts `rows` into `table`, each row's values taken in the order of `columns` (every column given must be in
 * every row: undefined is refused rather than silently written as NULL over a default), inside the caller's write.
 */
export async function insertRows<Row extends object>(
  tx: Tx | Kysely<Database>,
  table: keyof Database & string,
  columns: ReadonlyArray<keyof Row & string>,
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const list = columns.join(", ");
  const width = columns.length;
  let at = 0;
  for (const size of SIZES) {
    const statement = rows.length - at >= size ? insertOf(table, list, width, size) : undefined;
    while (statement && rows.length - at >= size) {
      const params = new Array<unknown>(size * width);
      let k = 0;
      for (let r = at; r < at + size; r++) {
        const row = rows[r] as Record<string, unknown>;
        for (const c of columns) {
          const value = row[c];
          if (value === undefined) throw new Error(`insertRows: ${table}.${c} is undefined in a row`);
          params[k++] = value;
        }
      }
      await execute(tx, statement, params);
      at += size;
    }
  }
}
