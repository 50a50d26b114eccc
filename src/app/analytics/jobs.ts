/**
 * The analytics' scheduled jobs, run by the job runner (app/messages/runner.ts) on every instance; each is
 * safe on several at once (firing a rule and sending a report are conditional updates).
 */
import type { ScheduledJob } from "../messages/runner.ts";
import { evaluateAlertRules } from "./alerts.ts";
import { sendDueReports } from "./reports.ts";

export const ANALYTICS_JOBS: readonly ScheduledJob[] = [
  // Threshold alerts: every rule judged on its branch's tickets twice a minute.
  { name: "analytics.alerts", everyMs: 30_000, run: evaluateAlertRules },
  // Scheduled reports whose time has come.
  { name: "analytics.reports", everyMs: 60_000, run: sendDueReports },
];
