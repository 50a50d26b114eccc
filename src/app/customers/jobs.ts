/**
 * Customer-record work of the job runner (app/messages/runner.ts calls it each round): service reports of
 * finished tickets, and the retention run once a day.
 */
import type { AppContext } from "../context.ts";
import { runScheduledRetention } from "./retention.ts";
import { generateServiceReports } from "./service-record.ts";

export async function runCustomerJobs(ctx: AppContext): Promise<void> {
  await generateServiceReports(ctx);
  await runScheduledRetention(ctx);
}
