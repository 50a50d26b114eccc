/**
 * Rows of the threshold alerts and scheduled reports (migration 026). The firing and the sending are claimed
 * by conditional updates, so any number of instances evaluating at once fire a rule or send a report once.
 */
import type { Kysely } from "kysely";
import type { AlertTicket } from "../domain/analytics/alerts.ts";
import type { AnalyticsAlertRuleTable, AnalyticsAlertTable, Database, ReportSubscriptionTable } from "./schema.ts";
import type { Tx } from "./store.ts";

type Db = Kysely<Database> | Tx;

export const ANALYTICS_ALERT_KIND = "analytics.alert";
export const ANALYTICS_REPORT_KIND = "analytics.report";

export function listRuleRows(db: Db, branchIds?: readonly string[]): Promise<AnalyticsAlertRuleTable[]> {
  let q = db.selectFrom("analytics_alert_rules").selectAll().orderBy("created_at").orderBy("id");
  if (branchIds) {
    if (branchIds.length === 0) return Promise.resolve([]);
    q = q.where("branch_id", "in", [...branchIds]);
  }
  return q.execute();
}

export function findRuleRow(db: Db, id: string): Promise<AnalyticsAlertRuleTable | undefined> {
  return db.selectFrom("analytics_alert_rules").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertRuleRow(tx: Tx, row: AnalyticsAlertRuleTable): Promise<void> {
  await tx.insertInto("analytics_alert_rules").values(row).execute();
}

export async function updateRuleRow(
  tx: Tx,
  id: string,
  changes: Partial<Omit<AnalyticsAlertRuleTable, "id" | "branch_id">>,
): Promise<void> {
  await tx.updateTable("analytics_alert_rules").set(changes).where("id", "=", id).execute();
}

export async function deleteRuleRow(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom("analytics_alert_rules").where("id", "=", id).execute();
}

/**
 * Arms → firing, only if the rule is still armed and unchanged since it was read (`updatedAt`): of several
 * instances evaluating at once, exactly one gets `true` and notifies.
 */
export async function claimFiring(tx: Tx, id: string, updatedAt: number, value: number, now: number): Promise<boolean> {
  const r = await tx
    .updateTable("analytics_alert_rules")
    .set({ firing: 1, last_value: value, last_evaluated_at: now })
    .where("id", "=", id)
    .where("firing", "=", 0)
    .where("updated_at", "=", updatedAt)
    .where("active", "=", 1)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Firing → armed again (the breach cleared); `true` for the one instance that made the change. */
export async function claimClearing(tx: Tx, id: string, value: number | null, now: number): Promise<boolean> {
  const r = await tx
    .updateTable("analytics_alert_rules")
    .set({ firing: 0, last_value: value, last_evaluated_at: now })
    .where("id", "=", id)
    .where("firing", "=", 1)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertAlertRow(tx: Tx, row: AnalyticsAlertTable): Promise<void> {
  await tx.insertInto("analytics_alerts").values(row).execute();
}

/** Ends the rule's open alert (its breach cleared, or the rule was changed or removed). */
export async function clearOpenAlerts(tx: Tx, ruleId: string, now: number): Promise<void> {
  await tx
    .updateTable("analytics_alerts")
    .set({ cleared_at: now })
    .where("rule_id", "=", ruleId)
    .where("cleared_at", "is", null)
    .execute();
}

/** A branch's alerts still open, and those that fired since `since`, newest first. */
export function listAlertRows(db: Db, branchId: string, since: number): Promise<AnalyticsAlertTable[]> {
  return db
    .selectFrom("analytics_alerts")
    .selectAll()
    .where("branch_id", "=", branchId)
    .where((eb) => eb.or([eb("cleared_at", "is", null), eb("fired_at", ">=", since)]))
    .orderBy("fired_at", "desc")
    .orderBy("id")
    .limit(100)
    .execute();
}

export function findAlertRow(db: Db, id: string): Promise<AnalyticsAlertTable | undefined> {
  return db.selectFrom("analytics_alerts").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function acknowledgeAlertRow(tx: Tx, id: string, userId: string, now: number): Promise<boolean> {
  const r = await tx
    .updateTable("analytics_alerts")
    .set({ acknowledged_at: now, acknowledged_by: userId })
    .where("id", "=", id)
    .where("acknowledged_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * The tickets an evaluation at `now` needs: those waiting, first called or ended since `since` (issued in the
 * last day and a half: the branch's index on issue time; older ones were closed with their day).
 */
export async function alertTickets(db: Db, branchId: string, since: number, now: number): Promise<AlertTicket[]> {
  const rows = await db
    .selectFrom("tickets")
    .select(["service_id", "status", "issued_at", "first_called_at", "completed_at"])
    .where("branch_id", "=", branchId)
    .where("issued_at", ">=", now - 36 * 3_600_000)
    .where((eb) =>
      eb.or([eb("status", "=", "waiting"), eb("first_called_at", ">", since), eb("completed_at", ">", since)]),
    )
    .execute();
  return rows.map((r) => ({
    serviceId: r.service_id,
    status: r.status,
    issuedAt: Number(r.issued_at),
    firstCalledAt: r.first_called_at === null ? null : Number(r.first_called_at),
    completedAt: r.completed_at === null ? null : Number(r.completed_at),
  }));
}

// Scheduled reports.

export function listSubscriptionRows(db: Db): Promise<ReportSubscriptionTable[]> {
  return db.selectFrom("report_subscriptions").selectAll().orderBy("created_at").orderBy("id").execute();
}

export function findSubscriptionRow(db: Db, id: string): Promise<ReportSubscriptionTable | undefined> {
  return db.selectFrom("report_subscriptions").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertSubscriptionRow(tx: Tx, row: ReportSubscriptionTable): Promise<void> {
  await tx.insertInto("report_subscriptions").values(row).execute();
}

export async function updateSubscriptionRow(
  tx: Tx,
  id: string,
  changes: Partial<Omit<ReportSubscriptionTable, "id">>,
): Promise<void> {
  await tx.updateTable("report_subscriptions").set(changes).where("id", "=", id).execute();
}

export async function deleteSubscriptionRow(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom("report_subscriptions").where("id", "=", id).execute();
}

export function dueSubscriptionRows(db: Db, now: number): Promise<ReportSubscriptionTable[]> {
  return db
    .selectFrom("report_subscriptions")
    .selectAll()
    .where("active", "=", 1)
    .where("next_run_at", "<=", now)
    .orderBy("next_run_at")
    .limit(20)
    .execute();
}

/**
 * Moves a due subscription to its next run; `true` for the one instance whose update did it (it sends, or records
 * the refusal). A refused run does not count as the period sent.
 */
export async function claimRun(
  tx: Tx,
  id: string,
  dueAt: number,
  next: { nextRunAt: number; period: string; now: number; refusal: string | null },
): Promise<boolean> {
  const outcome = {
    last_run_at: next.now,
    last_outcome: next.refusal === null ? "sent" : "refused",
    last_reason: next.refusal,
  };
  const r = await tx
    .updateTable("report_subscriptions")
    .set(
      next.refusal === null
        ? { next_run_at: next.nextRunAt, last_period: next.period, last_sent_at: next.now, ...outcome }
        : { next_run_at: next.nextRunAt, ...outcome },
    )
    .where("id", "=", id)
    .where("next_run_at", "=", dueAt)
    .where("active", "=", 1)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface SubscriptionOwner {
  readonly active: boolean;
  readonly roles: readonly string[];
  readonly branchIds: readonly string[];
}

/** A subscription owner's account as it is now: whether active, its roles and its branches; undefined if gone. */
export async function findSubscriptionOwner(db: Db, userId: string): Promise<SubscriptionOwner | undefined> {
  const user = await db.selectFrom("users").select(["active", "roles"]).where("id", "=", userId).executeTakeFirst();
  if (!user) return undefined;
  const memberships = await db.selectFrom("memberships").select("branch_id").where("user_id", "=", userId).execute();
  return {
    active: Number(user.active) === 1,
    roles: JSON.parse(user.roles) as string[],
    branchIds: memberships.map((m) => m.branch_id),
  };
}
