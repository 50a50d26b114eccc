/**
 * A branch league table that is fair to branches with a harder business mix: each branch's actual waits are set
 * against what the simulator predicts for the same branch (its own arrivals by hour, its own mix of business
 * types at their standard service times, its own counters with their skills and the hours they were open).
 * A branch whose waits are long because its customers bring long business, or because it had few counters, is
 * expected to have long waits; the table ranks by how much longer (or shorter) the waits were than that.
 */

export interface LeagueInput {
  readonly branchId: string;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** Called tickets over the range: the population of both wait figures. */
  readonly called: number;
  readonly actualMeanWaitMinutes: number | null;
  readonly actualWithinTargetShare: number | null;
  /** The simulator's mean wait for the branch's own day; null where it could not be simulated. */
  readonly expectedMeanWaitMinutes: number | null;
  readonly expectedWithinTargetShare: number | null;
}

export interface LeagueRow extends LeagueInput {
  /** 1 for the branch whose waits beat its expectation most; null for a branch that cannot be ranked. */
  readonly rank: number | null;
  /** Actual minus expected mean wait, minutes: negative is better than expected. */
  readonly excessWaitMinutes: number | null;
  /** Actual ÷ expected mean wait; null where the expected wait is under a minute (a ratio of small numbers says little). */
  readonly waitRatio: number | null;
  /** Actual minus expected within-target share. */
  readonly withinTargetGap: number | null;
}

/** Expected waits below this are too small to divide by. */
export const MIN_RATIO_BASE_MINUTES = 1;

const round1 = (v: number): number => Math.round(v * 10) / 10;
const round2 = (v: number): number => Math.round(v * 100) / 100;
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * Ranks the branches by excess wait (actual − expected mean wait), lowest first; ties by ratio, then by code.
 * Branches without called tickets or without an expectation are listed after the ranked ones, unranked.
 */
export function leagueTable(inputs: readonly LeagueInput[]): LeagueRow[] {
  const rows: LeagueRow[] = inputs.map((b) => {
    const comparable = b.called > 0 && b.actualMeanWaitMinutes !== null && b.expectedMeanWaitMinutes !== null;
    const actual = b.actualMeanWaitMinutes ?? 0;
    const expected = b.expectedMeanWaitMinutes ?? 0;
    return {
      ...b,
      rank: null,
      excessWaitMinutes: comparable ? round1(actual - expected) : null,
      waitRatio: comparable && expected >= MIN_RATIO_BASE_MINUTES ? round2(actual / expected) : null,
      withinTargetGap:
        comparable && b.actualWithinTargetShare !== null && b.expectedWithinTargetShare !== null
          ? round3(b.actualWithinTargetShare - b.expectedWithinTargetShare)
          : null,
    };
  });
  const ranked = rows
    .filter((r) => r.excessWaitMinutes !== null)
    .sort(
      (a, b) =>
        (a.excessWaitMinutes ?? 0) - (b.excessWaitMinutes ?? 0) ||
        (a.waitRatio ?? Number.POSITIVE_INFINITY) - (b.waitRatio ?? Number.POSITIVE_INFINITY) ||
        (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
    )
    .map((r, i) => ({ ...r, rank: i + 1 }));
  const unranked = rows
    .filter((r) => r.excessWaitMinutes === null)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return [...ranked, ...unranked];
}

/** What the expected day of a branch is built from, read from its stored tallies and counter time. */
export interface ExpectedDayInput {
  /** Days of the range with at least one arrival. */
  readonly days: number;
  /** Arrivals per branch-local hour of issue over the range (index 0–23). */
  readonly arrivedByHour: readonly number[];
  /**
   * Open (not paused) counter time per counter and hour over the range, ms; empty where the range has no counter
   * events (imported history), and the counters are then taken as open all the opening hours.
   */
  readonly openMsByCounterHour: ReadonlyMap<string, readonly number[]>;
}

export interface ExpectedDay {
  /** Mean arrivals per hour on a day of the range. */
  readonly perHour: number[];
  /** Per counter: the hours [from, to) in minutes it was open on most days; undefined where no counter time was recorded. */
  readonly intervals: ReadonlyMap<string, Array<[number, number]>> | undefined;
}

/**
 * Pure: the branch's average day: arrivals per hour averaged over the days with arrivals, and each counter
 * open in the hours it was open (not paused) at least half of, on average, merged into intervals.
 */
export function expectedDay(input: ExpectedDayInput): ExpectedDay {
  const days = Math.max(1, input.days);
  const perHour = Array.from({ length: 24 }, (_, h) => (input.arrivedByHour[h] ?? 0) / days);
  if (input.openMsByCounterHour.size === 0) return { perHour, intervals: undefined };
  const intervals = new Map<string, Array<[number, number]>>();
  for (const [counterId, byHour] of input.openMsByCounterHour) {
    const list: Array<[number, number]> = [];
    for (let h = 0; h < 24; h++) {
      if ((byHour[h] ?? 0) / days < 30 * 60_000) continue;
      const last = list.at(-1);
      if (last && last[1] === h * 60) last[1] = (h + 1) * 60;
      else list.push([h * 60, (h + 1) * 60]);
    }
    intervals.set(counterId, list);
  }
  return { perHour, intervals };
}

/** What a branch's patience is learned from: its called tickets' waits and its walk-aways' time in line. */
export interface PatienceInput {
  /** Called tickets and their summed wait (issue → first call), ms: customers who were still there. */
  readonly called: number;
  readonly waitSumMs: number;
  /** Walk-aways who left by themselves at a known time, and their summed time in line, ms. */
  readonly leftCount: number;
  readonly leftWaitSumMs: number;
}

/**
 * Pure: the mean patience (minutes) of a branch's customers, taking patience as exponential: every customer
 * either left after his patience ran out (a walk-away: an observed patience) or was called first (his patience
 * was longer than his wait: a censored one). The maximum-likelihood mean is then the time all of them spent in
 * line over the number who left. Null without walk-aways (nobody's patience ran out: none is assumed).
 */
export function patienceMinutes(p: PatienceInput): number | null {
  if (p.leftCount <= 0) return null;
  return Math.round(((p.waitSumMs + p.leftWaitSumMs) / p.leftCount / 60_000) * 10) / 10;
}
