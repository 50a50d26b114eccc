/**
 * The analytics' scheduled jobs, run by the job runner (app/messages/runner.ts) on every instance; each is
 * safe on several at once (firing a rule and sending a report are conditional updates; queued rebuilds are
 * claimed with leases; the tally job runs on one instance at a time, by a lease).
 */
import type { ScheduledJob } from "../messages/runner.ts";
import { evaluateAlertRules } from "./alerts.ts";
import { rebuildQueuedDays } from "./rebuild-queue.ts";
import { sendDueReports } from "./reports.ts";
import { TALLY_EVERY_MS, tallyMarkedDays } from "./tally-marks.ts";

export const ANALYTICS_JOBS: readonly ScheduledJob[] = [
  // Threshold alerts: every rule judged on its branch's tickets twice a minute.
  { name: "analytics.alerts", everyMs: 30_000, run: evaluateAlertRules },
  // Scheduled reports whose time has come.
  { name: "analytics.reports", everyMs: 60_000, run: sendDueReports },
  // Branch-days queued for a rebuild (migration 038: those tallied before 033), a batch every 5 s.
  { name: "analytics.rebuild-queue", everyMs: 5_000, run: rebuildQueuedDays },
  // The branch-days marked since the last run (migration 045), re-tallied: today's figures stay current.
  { name: "analytics.tally", everyMs: TALLY_EVERY_MS, run: tallyMarkedDays },
];
