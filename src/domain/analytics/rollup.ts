/**
 * Coarser tallies of one branch-day, made by merging its fine cells (branch × day × hour × business type ×
 * counter × staff member) along one dimension at a time. A summary grouped by business type, say, reads one
 * row per business type and day instead of every hour × counter × staff cell under it. Merging adds the wait
 * histograms bin by bin, so every figure read from a rollup — the median and p90 included — is exactly the
 * figure read from the fine cells.
 */
import { emptyTally, mergeTally, type Tally } from "./tally.ts";

/** The dimension a rollup keeps: the whole day, or one of the fine cell's keys. */
export const ROLLUP_GRAINS = ["day", "hour", "service", "counter", "staff"] as const;
export type RollupGrain = (typeof ROLLUP_GRAINS)[number];

/** What a rollup needs of a fine cell. */
export interface FineCell {
  readonly hour: number;
  readonly serviceId: string;
  readonly counterKey: string;
  readonly staffKey: string;
  readonly tally: Tally;
}

export interface Rollup {
  readonly grain: RollupGrain;
  /** "" for the day, the hour as text, the business type's id, the counter key or the staff key. */
  readonly key: string;
  readonly tally: Tally;
}

export function rollupKey(cell: FineCell, grain: RollupGrain): string {
  switch (grain) {
    case "day":
      return "";
    case "hour":
      return String(cell.hour);
    case "service":
      return cell.serviceId;
    case "counter":
      return cell.counterKey;
    case "staff":
      return cell.staffKey;
  }
}

/** Every rollup of one branch-day's cells: one per grain and key. */
export function rollupsOf(cells: readonly FineCell[]): Rollup[] {
  const out: Rollup[] = [];
  for (const grain of ROLLUP_GRAINS) {
    const byKey = new Map<string, Tally>();
    for (const cell of cells) {
      const key = rollupKey(cell, grain);
      let tally = byKey.get(key);
      if (!tally) {
        tally = emptyTally();
        byKey.set(key, tally);
      }
      mergeTally(tally, cell.tally);
    }
    for (const [key, tally] of byKey) out.push({ grain, key, tally });
  }
  return out;
}
