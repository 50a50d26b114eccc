import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Analytics, third part (issue 15): threshold alert rules per branch with their firing state, the alerts they
 * raised (shown in the app until the breach clears), and scheduled report subscriptions.
 *
 * - `analytics_alert_rules.firing` is the rule's arming state: a rule fires once per breach (a conditional
 *   update from 0 to 1, so two instances evaluating at once fire it once) and re-arms when the breach clears.
 * - `report_subscriptions.next_run_at` is claimed the same way: the instance whose update moves it on sends.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("analytics_alert_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull().references("branches.id"))
    .addColumn("metric", "text", (c) => c.notNull())
    .addColumn("window_minutes", "integer", (c) => c.notNull())
    .addColumn("comparison", "text", (c) => c.notNull())
    .addColumn("threshold", "double precision", (c) => c.notNull())
    .addColumn("service_id", "text")
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("firing", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_value", "double precision")
    .addColumn("last_evaluated_at", "bigint")
    .addColumn("created_by", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("analytics_alert_rules_branch")
    .on("analytics_alert_rules")
    .columns(["branch_id"])
    .execute();
  await db.schema
    .createTable("analytics_alerts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("rule_id", "text", (c) => c.notNull())
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("metric", "text", (c) => c.notNull())
    .addColumn("window_minutes", "integer", (c) => c.notNull())
    .addColumn("comparison", "text", (c) => c.notNull())
    .addColumn("threshold", "double precision", (c) => c.notNull())
    .addColumn("service_id", "text")
    .addColumn("value", "double precision", (c) => c.notNull())
    .addColumn("fired_at", "bigint", (c) => c.notNull())
    .addColumn("cleared_at", "bigint")
    .addColumn("acknowledged_at", "bigint")
    .addColumn("acknowledged_by", "text")
    .execute();
  await db.schema
    .createIndex("analytics_alerts_branch_fired")
    .on("analytics_alerts")
    .columns(["branch_id", "fired_at"])
    .execute();
  await db.schema
    .createTable("report_subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    // Null: every branch (head office).
    .addColumn("branch_id", "text", (c) => c.references("branches.id"))
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("recipients", "text", (c) => c.notNull())
    .addColumn("time_of_day", "text", (c) => c.notNull())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("lang", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("next_run_at", "bigint", (c) => c.notNull())
    .addColumn("last_period", "text")
    .addColumn("last_sent_at", "bigint")
    .addColumn("created_by", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("report_subscriptions_due")
    .on("report_subscriptions")
    .columns(["active", "next_run_at"])
    .execute();
}
