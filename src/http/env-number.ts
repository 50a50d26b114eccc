/**
 * A whole-number setting from the environment: `fallback` when unset or blank, otherwise a whole number from `min`
 * to `max`; anything else throws, naming the variable, so a typo is said at start instead of running on a guess.
 */
export function wholeNumberFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  range: { readonly min: number; readonly max: number; readonly fallback: number; readonly hint?: string },
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return range.fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    const from = range.hint ? `${range.min} (${range.hint})` : String(range.min);
    throw new Error(`${name} must be a whole number from ${from} to ${range.max}, not "${raw}"`);
  }
  return n;
}
