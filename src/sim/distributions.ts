import type { Random } from "./random.ts";

/** How a duration (service time, patience) is drawn, in minutes. */
export type Distribution =
  | { readonly dist: "fixed"; readonly minutes: number }
  | { readonly dist: "exponential"; readonly meanMinutes: number }
  /** Lognormal by its mean and coefficient of variation (sd/mean): the usual shape of service times. */
  | { readonly dist: "lognormal"; readonly meanMinutes: number; readonly cv: number }
  /** Draws one of the observed values, each equally likely. */
  | { readonly dist: "empirical"; readonly minutes: readonly number[] };

export function distributionMean(d: Distribution): number {
  switch (d.dist) {
    case "fixed":
      return d.minutes;
    case "exponential":
    case "lognormal":
      return d.meanMinutes;
    case "empirical":
      return d.minutes.reduce((s, m) => s + m, 0) / d.minutes.length;
  }
}

/** A sampler bound to its parameters, so the hot loop does no parameter arithmetic. */
export function sampler(d: Distribution): (random: Random) => number {
  switch (d.dist) {
    case "fixed": {
      const m = d.minutes;
      return () => m;
    }
    case "exponential": {
      const mean = d.meanMinutes;
      // 1 − u lies in (0, 1], so the log is finite.
      return (r) => -Math.log(1 - r.next()) * mean;
    }
    case "lognormal": {
      const sigma2 = Math.log(1 + d.cv * d.cv);
      const sigma = Math.sqrt(sigma2);
      const mu = Math.log(d.meanMinutes) - sigma2 / 2;
      return (r) => Math.exp(mu + sigma * standardNormal(r));
    }
    case "empirical": {
      const values = d.minutes.slice();
      return (r) => values[Math.floor(r.next() * values.length)] ?? 0;
    }
  }
}

/** Box–Muller; one of the pair is discarded to keep the sampler stateless (cost is negligible here). */
export function standardNormal(r: Random): number {
  const u = 1 - r.next();
  const v = r.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Index drawn with the given weights (need not sum to 1). */
export function pickWeighted(r: Random, cumulative: readonly number[]): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const x = r.next() * total;
  for (let i = 0; i < cumulative.length; i++) if (x < (cumulative[i] ?? 0)) return i;
  return cumulative.length - 1;
}
