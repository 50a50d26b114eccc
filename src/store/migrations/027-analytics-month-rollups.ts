import type { Kysely } from "kysely";
import { sql } from "kysely";
import { decodeBins, encodeBins } from "../../domain/analytics/tally.ts";
import type { DialectName } from "../dialect-name.ts";

/**
 * Analytics, third part: the day rollups (migration 020) merged per branch × calendar month × grain × key, so a
 * year of a branch grouped by business type, counter, teller, hour or month reads twelve months of rows instead
 * of 365 days of them; filled here from the day rollups already stored, one branch-month at a time.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("analytics_month_rollups")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("grain", "text", (c) => c.notNull())
    // "2026-11"
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("arrived", "integer", (c) => c.notNull())
    .addColumn("served", "integer", (c) => c.notNull())
    .addColumn("no_shows", "integer", (c) => c.notNull())
    .addColumn("walk_aways", "integer", (c) => c.notNull())
    .addColumn("redirected", "integer", (c) => c.notNull())
    .addColumn("called", "integer", (c) => c.notNull())
    .addColumn("wait_sum_ms", "bigint", (c) => c.notNull())
    .addColumn("wait_max_ms", "bigint", (c) => c.notNull())
    .addColumn("within_target", "integer", (c) => c.notNull())
    .addColumn("above_alarm", "integer", (c) => c.notNull())
    .addColumn("wait_bins", "text", (c) => c.notNull())
    .addColumn("timed", "integer", (c) => c.notNull())
    .addColumn("service_sum_ms", "bigint", (c) => c.notNull())
    .addColumn("rated", "integer", (c) => c.notNull())
    .addColumn("satisfied", "integer", (c) => c.notNull())
    .addColumn("neutral", "integer", (c) => c.notNull())
    .addColumn("dissatisfied", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("analytics_month_rollups_pk", ["branch_id", "grain", "month", "key"])
    .execute();
  const months = await sql<{ branch_id: string; month: string }>`
    SELECT DISTINCT branch_id, substr(day, 1, 7) AS month FROM analytics_rollups WHERE grain = 'day'`.execute(db);
  for (const { branch_id, month } of months.rows) await fillMonth(db, branch_id, month);
}

/** The columns of the tables as this migration made them (later migrations add more, with defaults). */
const SUMS = [
  "arrived",
  "served",
  "no_shows",
  "walk_aways",
  "redirected",
  "called",
  "wait_sum_ms",
  "within_target",
  "above_alarm",
  "timed",
  "service_sum_ms",
  "rated",
  "satisfied",
  "neutral",
  "dissatisfied",
] as const;

/**
 * One branch-month's rows from its day rollups, as the tables were when this migration was written (the store's
 * `refreshMonthRollups` writes the columns of today's schema, which a database at this migration lacks).
 */
async function fillMonth(db: Kysely<unknown>, branchId: string, month: string): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: a migration reads the table as it was when it was written.
  const rows = await sql<Record<string, any>>`SELECT * FROM analytics_rollups WHERE branch_id = ${branchId}
    AND day >= ${`${month}-01`} AND day <= ${`${month}-31`}`.execute(db);
  const merged = new Map<
    string,
    { grain: string; key: string; sums: number[]; max: number; bins: Map<number, number> }
  >();
  for (const r of rows.rows) {
    const id = `${r.grain}\u0000${r.key}`;
    let m = merged.get(id);
    if (!m) {
      m = { grain: String(r.grain), key: String(r.key), sums: SUMS.map(() => 0), max: 0, bins: new Map() };
      merged.set(id, m);
    }
    m.sums = m.sums.map((v, i) => v + Number(r[SUMS[i] as string]));
    m.max = Math.max(m.max, Number(r.wait_max_ms));
    for (const [bin, n] of decodeBins(String(r.wait_bins))) m.bins.set(bin, (m.bins.get(bin) ?? 0) + n);
  }
  const columns = sql.join([...SUMS, "wait_max_ms", "wait_bins"].map((c) => sql.ref(c)));
  for (const m of merged.values())
    await sql`INSERT INTO analytics_month_rollups (branch_id, grain, month, key, ${columns}) VALUES (${branchId},
      ${m.grain}, ${month}, ${m.key}, ${sql.join([...m.sums, m.max, encodeBins(m.bins)])})`.execute(db);
}
