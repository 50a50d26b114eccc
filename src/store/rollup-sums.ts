/**
 * Day and month rollups (migrations 020 and 027) summed in the database per the keys a summary groups by, so a
 * month of every branch comes back as a few dozen rows instead of thousands: counts and sums are added by SUM,
 * the maximum wait by MAX, and the wait histograms ("minute:count" pairs) are joined into one text per group,
 * which `decodeBins` reads back adding the counts of a minute that occurs more than once. Every figure is the
 * one the rows give when merged one by one (`test/analytics.test.ts` compares them with the fine cells).
 */
import { type Kysely, sql } from "kysely";
import type { RollupGrain } from "../domain/analytics/rollup.ts";
import type { StoredRollup } from "./analytics.ts";
import type { AnalyticsTallyColumns, Database } from "./schema.ts";
import { isPostgres } from "./sql.ts";
import { TALLY_COLUMNS, tallyOfRow } from "./tally-row.ts";

/** What the rows are summed per: the branch, the day (the month, of month rollups) and the rollup's key. */
export type RollupSumKey = "branch" | "day" | "key";

/** Tally columns that add up; `wait_max_ms` takes the greatest and `wait_bins` is joined. */
const ADDED = TALLY_COLUMNS.filter((c) => c !== "wait_max_ms" && c !== "wait_bins");

const SELECTS = sql.raw(ADDED.map((c) => `SUM(${c}) AS ${c}`).join(", "));

type Row = AnalyticsTallyColumns & { branch_id?: string; period?: string; key?: string };

/**
 * The rollups of one grain of some branches over [from, to] (days of `analytics_rollups`, or months "2026-11" of
 * `analytics_month_rollups`), one tally per distinct value of the keys in `by`; a key not in `by` reads "" (the
 * day of a month rollup reads as its first day).
 */
export async function sumRollups(
  db: Kysely<Database>,
  table: "day" | "month",
  grain: RollupGrain,
  f: { readonly branchIds: readonly string[]; readonly from: string; readonly to: string },
  by: readonly RollupSumKey[],
): Promise<StoredRollup[]> {
  if (f.branchIds.length === 0) return [];
  const period = table === "day" ? "day" : "month";
  const keys = [
    ...(by.includes("branch") ? ["branch_id"] : []),
    ...(by.includes("day") ? [`"${period}" AS period`] : []),
    ...(by.includes("key") ? ['"key"'] : []),
  ];
  const join = isPostgres(db) ? sql`string_agg(wait_bins, ',')` : sql`group_concat(wait_bins, ',')`;
  const groupBy = keys.length
    ? sql.raw(`GROUP BY ${keys.map((k) => k.replace(/ AS period$/, "")).join(", ")}`)
    : // Without keys the sums make one row, even of no rows at all: none is wanted then.
      sql.raw("HAVING COUNT(*) > 0");
  const { rows } = await sql<Row>`SELECT ${sql.raw(keys.map((k) => `${k}, `).join(""))}${SELECTS},
      MAX(wait_max_ms) AS wait_max_ms, ${join} AS wait_bins
    FROM ${sql.table(table === "day" ? "analytics_rollups" : "analytics_month_rollups")}
    WHERE branch_id IN (${sql.join([...f.branchIds])}) AND grain = ${grain}
      AND ${sql.ref(period)} >= ${f.from} AND ${sql.ref(period)} <= ${f.to}
    ${groupBy}`.execute(db);
  return rows.map((r) => ({
    branchId: r.branch_id ?? "",
    day: r.period === undefined ? "" : table === "day" ? r.period : `${r.period}-01`,
    key: r.key ?? "",
    tally: tallyOfRow(r),
  }));
}
