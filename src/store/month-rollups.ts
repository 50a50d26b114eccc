/**
 * Month rollups (migration 027): the day rollups of one branch-month merged per grain and key. A month's rows are
 * always rebuilt whole from its day rollups, so they never disagree with them, and histograms merge exactly: every
 * figure read from a month rollup is the figure the days (and the fine cells under them) give.
 */
import type { Kysely } from "kysely";
import { ROLLUP_GRAINS, type RollupGrain } from "../domain/analytics/rollup.ts";
import { emptyTally, mergeTally, type Tally } from "../domain/analytics/tally.ts";
import { insertRows } from "./bulk-insert.ts";
import type { AnalyticsMonthRollupTable, Database } from "./schema.ts";
import type { Tx } from "./store.ts";
import { TALLY_COLUMNS, tallyColumns, tallyOfRow } from "./tally-row.ts";

type Db = Kysely<Database> | Tx;

const MONTH_ROLLUP_COLUMNS = ["branch_id", "grain", "month", "key", ...TALLY_COLUMNS] as const satisfies ReadonlyArray<
  keyof AnalyticsMonthRollupTable
>;

/** The last day of a month "2026-02" → "2026-02-31": days compare as text, so an upper bound past the end is fine. */
const monthEnd = (month: string): string => `${month}-31`;

/** Rebuilds the month rollups of one branch-month from its day rollups (inside the caller's write, if any). */
export async function refreshMonthRollups(db: Db, branchId: string, month: string): Promise<void> {
  const rows = await db
    .selectFrom("analytics_rollups")
    .selectAll()
    .where("branch_id", "=", branchId)
    .where("grain", "in", [...ROLLUP_GRAINS])
    .where("day", ">=", `${month}-01`)
    .where("day", "<=", monthEnd(month))
    .execute();
  const merged = new Map<string, { grain: string; key: string; tally: Tally }>();
  for (const r of rows) {
    const id = `${r.grain}\u0000${r.key}`;
    let m = merged.get(id);
    if (!m) {
      m = { grain: r.grain, key: r.key, tally: emptyTally() };
      merged.set(id, m);
    }
    mergeTally(m.tally, tallyOfRow(r));
  }
  for (const grain of ROLLUP_GRAINS)
    await db
      .deleteFrom("analytics_month_rollups")
      .where("branch_id", "=", branchId)
      .where("grain", "=", grain)
      .where("month", "=", month)
      .execute();
  const values = [...merged.values()].map(
    ({ grain, key, tally }): AnalyticsMonthRollupTable => ({
      branch_id: branchId,
      grain,
      month,
      key,
      ...tallyColumns(tally),
    }),
  );
  await insertRows(db, "analytics_month_rollups", MONTH_ROLLUP_COLUMNS, values);
}

export interface StoredMonthRollup {
  readonly branchId: string;
  readonly month: string;
  readonly key: string;
  readonly tally: Tally;
}

/** The month rollups of one grain of some branches over months [from, to] ("2026-01"); the primary key answers it. */
export async function readMonthRollups(
  db: Kysely<Database>,
  grain: RollupGrain,
  f: { readonly branchIds: readonly string[]; readonly from: string; readonly to: string },
): Promise<StoredMonthRollup[]> {
  if (f.branchIds.length === 0) return [];
  const rows = await db
    .selectFrom("analytics_month_rollups")
    .selectAll()
    .where("branch_id", "in", [...f.branchIds])
    .where("grain", "=", grain)
    .where("month", ">=", f.from)
    .where("month", "<=", f.to)
    .execute();
  return rows.map((r) => ({
    branchId: r.branch_id,
    month: r.month,
    key: r.key,
    tally: tallyOfRow(r),
  }));
}
