/**
 * Threshold alerts (issue 15): a rule such as "mean wait of the last 15 minutes above 20 minutes" is a figure
 * of one branch (optionally one business type) over a sliding window, compared with a threshold. The figures:
 *
 * - `meanWait`: mean wait in minutes (first call − issue) of the tickets first called in the window; none
 *   called in the window: no figure.
 * - `longestWait`: the longest current wait in minutes (now − issue) of the tickets waiting now; 0 when
 *   nobody waits. The window does not apply.
 * - `waitingCount`: how many tickets wait now. The window does not apply.
 * - `withinTargetShare`: percent (0–100) of the tickets first called in the window whose wait was at most the
 *   branch's target; none called: no figure.
 * - `noShowCount`: tickets marked no-show in the window.
 *
 * A rule fires once per breach and re-arms when the breach clears (`nextAlertState`). A window without a
 * figure neither fires nor clears: "nobody was called" is no evidence either way.
 */
import { MINUTE_MS } from "../ids.ts";

export const ALERT_METRICS = ["meanWait", "longestWait", "waitingCount", "withinTargetShare", "noShowCount"] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];
export const ALERT_COMPARISONS = ["above", "below"] as const;
export type AlertComparison = (typeof ALERT_COMPARISONS)[number];

/** The metrics whose figure is a state of now, not of the window. */
export const WINDOWLESS_METRICS: readonly AlertMetric[] = ["longestWait", "waitingCount"];

export interface AlertRuleSpec {
  readonly metric: AlertMetric;
  readonly windowMinutes: number;
  readonly comparison: AlertComparison;
  readonly threshold: number;
  /** Only this business type's tickets; null: all. */
  readonly serviceId: string | null;
}

/** What the evaluation needs of a ticket. */
export interface AlertTicket {
  readonly serviceId: string;
  readonly status: string;
  readonly issuedAt: number;
  readonly firstCalledAt: number | null;
  /** When it ended (a no-show's moment). */
  readonly completedAt: number | null;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

/** The rule's figure at `now` over the tickets (null: no figure in this window). */
export function alertFigure(
  rule: AlertRuleSpec,
  tickets: readonly AlertTicket[],
  now: number,
  targetWaitMinutes: number,
): number | null {
  const mine = rule.serviceId === null ? tickets : tickets.filter((t) => t.serviceId === rule.serviceId);
  const since = now - rule.windowMinutes * MINUTE_MS;
  const inWindow = (at: number | null): at is number => at !== null && at > since && at <= now;
  switch (rule.metric) {
    case "meanWait": {
      const waits = mine.filter((t) => inWindow(t.firstCalledAt)).map((t) => (t.firstCalledAt as number) - t.issuedAt);
      if (waits.length === 0) return null;
      return round1(waits.reduce((a, b) => a + b, 0) / waits.length / MINUTE_MS);
    }
    case "longestWait": {
      const waiting = mine.filter((t) => t.status === "waiting" && t.issuedAt <= now);
      return round1(Math.max(0, ...waiting.map((t) => now - t.issuedAt)) / MINUTE_MS);
    }
    case "waitingCount":
      return mine.filter((t) => t.status === "waiting" && t.issuedAt <= now).length;
    case "withinTargetShare": {
      const called = mine.filter((t) => inWindow(t.firstCalledAt));
      if (called.length === 0) return null;
      const within = called.filter((t) => (t.firstCalledAt as number) - t.issuedAt <= targetWaitMinutes * MINUTE_MS);
      return round1((within.length / called.length) * 100);
    }
    case "noShowCount":
      return mine.filter((t) => t.status === "no_show" && inWindow(t.completedAt)).length;
  }
}

/** Whether a figure breaches the rule: strictly above or strictly below the threshold. */
export function breaches(value: number, comparison: AlertComparison, threshold: number): boolean {
  return comparison === "above" ? value > threshold : value < threshold;
}

export type AlertTransition = "fire" | "clear" | "stay";

/**
 * Once per breach: an armed rule whose figure breaches fires; a firing rule whose figure no longer breaches
 * clears (and is armed again); no figure changes nothing.
 */
export function nextAlertState(firing: boolean, value: number | null, rule: AlertRuleSpec): AlertTransition {
  if (value === null) return "stay";
  const breach = breaches(value, rule.comparison, rule.threshold);
  if (breach && !firing) return "fire";
  if (!breach && firing) return "clear";
  return "stay";
}

/** Checks a rule's numbers; answers the problem's field and both languages' words, or null when it is fine. */
export function ruleProblem(rule: AlertRuleSpec): { field: string; en: string; zh: string } | null {
  if (!Number.isInteger(rule.windowMinutes) || rule.windowMinutes < 1 || rule.windowMinutes > 24 * 60)
    return { field: "windowMinutes", en: "The window is 1 to 1440 minutes.", zh: "统计窗口应为 1 至 1440 分钟。" };
  if (!Number.isFinite(rule.threshold) || rule.threshold < 0)
    return { field: "threshold", en: "The threshold is a number of 0 or more.", zh: "阈值应为不小于 0 的数。" };
  if (rule.metric === "withinTargetShare" && rule.threshold > 100)
    return { field: "threshold", en: "A share is 0 to 100 percent.", zh: "达标率阈值应为 0 至 100（百分比）。" };
  return null;
}
