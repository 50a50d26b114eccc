/**
 * Threshold alerts (issue 15). Branch managers and admins keep rules per branch ("mean wait of the last 15
 * minutes above 20 minutes", see src/domain/analytics/alerts.ts); the job runner evaluates them on every
 * instance (`evaluateAlertRules`, ANALYTICS_JOBS). A rule fires once per breach: the alert shows in the app
 * (lobby and dashboard, `listAlerts`) until the breach clears, and each branch manager of the branch with an
 * e-mail address or a mobile number is told through the outbox, once. A cleared rule is armed again.
 *
 *   listAlertRules(ctx, actor, branchId) → the rules with their figure now (admin, branch manager; head office reads)
 *   createAlertRule / updateAlertRule / deleteAlertRule → audited; a change re-arms the rule
 *   listAlerts(ctx, actor, branchId) → open alerts and those of the last day (admin, head office, branch and lobby managers)
 *   acknowledgeAlert(ctx, actor, alertId) → audited; the alert stays open until its breach clears
 */
import {
  type AlertComparison,
  type AlertMetric,
  type AlertRuleSpec,
  alertFigure,
  nextAlertState,
  ruleProblem,
  WINDOWLESS_METRICS,
} from "../../domain/analytics/alerts.ts";
import type { BranchId } from "../../domain/ids.ts";
import {
  ANALYTICS_ALERT_KIND,
  acknowledgeAlertRow,
  alertTickets,
  claimClearing,
  claimFiring,
  clearOpenAlerts,
  deleteRuleRow,
  findAlertRow,
  findRuleRow,
  insertAlertRow,
  insertRuleRow,
  listAlertRows,
  listRuleRows,
  updateRuleRow,
} from "../../store/analytics-alerts.ts";
import { type Branch, findBranch, findService, listBranches } from "../../store/branches.ts";
import { enqueueMessage } from "../../store/outbox.ts";
import type { AnalyticsAlertRuleTable, AnalyticsAlertTable } from "../../store/schema.ts";
import { listBranchContacts } from "../../store/wait-alarms.ts";
import { CONFIG_ROLES, requireBranchAccess, requireBranchRead, requireRole, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";

const DAY_MS = 86_400_000;

export interface AlertRuleInput {
  readonly metric: AlertMetric;
  readonly windowMinutes: number;
  readonly comparison: AlertComparison;
  readonly threshold: number;
  readonly serviceId?: string | null;
  readonly active?: boolean;
}

export interface AlertRuleView {
  readonly id: string;
  readonly branchId: string;
  readonly metric: AlertMetric;
  readonly windowMinutes: number;
  readonly comparison: AlertComparison;
  readonly threshold: number;
  readonly serviceId: string | null;
  readonly active: boolean;
  /** The rule has fired and its breach has not cleared yet. */
  readonly firing: boolean;
  /** The rule's figure now (null: none in the window). */
  readonly currentValue: number | null;
  readonly updatedAt: string;
}

export interface AlertView {
  readonly id: string;
  readonly ruleId: string;
  readonly branchId: string;
  readonly metric: AlertMetric;
  readonly windowMinutes: number;
  readonly comparison: AlertComparison;
  readonly threshold: number;
  readonly serviceId: string | null;
  readonly value: number;
  readonly firedAt: string;
  readonly clearedAt: string | null;
  readonly acknowledgedAt: string | null;
}

const specOf = (row: AnalyticsAlertRuleTable | AnalyticsAlertTable): AlertRuleSpec => ({
  metric: row.metric as AlertMetric,
  windowMinutes: Number(row.window_minutes),
  comparison: row.comparison as AlertComparison,
  threshold: Number(row.threshold),
  serviceId: row.service_id,
});

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function alertView(row: AnalyticsAlertTable): AlertView {
  return {
    id: row.id,
    ruleId: row.rule_id,
    branchId: row.branch_id,
    ...specOf(row),
    value: Number(row.value),
    firedAt: new Date(Number(row.fired_at)).toISOString(),
    clearedAt: iso(row.cleared_at),
    acknowledgedAt: iso(row.acknowledged_at),
  };
}

/** The longest window of the rules: how far back the tickets are read. */
const reach = (rules: readonly AlertRuleSpec[]) =>
  Math.max(1, ...rules.filter((r) => !WINDOWLESS_METRICS.includes(r.metric)).map((r) => r.windowMinutes));

async function figuresNow(
  ctx: AppContext,
  branch: Branch,
  rules: readonly AnalyticsAlertRuleTable[],
  now: number,
): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  if (rules.length === 0) return out;
  const specs = rules.map(specOf);
  const tickets = await alertTickets(ctx.store.db, branch.id, now - reach(specs) * 60_000, now);
  rules.forEach((r, i) => {
    const spec = specs[i];
    if (spec) out.set(r.id, alertFigure(spec, tickets, now, branch.targetWaitMinutes));
  });
  return out;
}

async function requireBranch(ctx: AppContext, branchId: string): Promise<Branch> {
  const branch = await findBranch(ctx.store.db, branchId);
  if (!branch) throw notFound("Branch", branchId);
  return branch;
}

export async function listAlertRules(ctx: AppContext, actor: Actor, branchId: string): Promise<AlertRuleView[]> {
  requireBranchRead(actor, branchId as BranchId, CONFIG_ROLES);
  const branch = await requireBranch(ctx, branchId);
  const rows = await listRuleRows(ctx.store.db, [branchId]);
  const values = await figuresNow(ctx, branch, rows, ctx.clock());
  return rows.map((r) => ruleView(r, values.get(r.id) ?? null));
}

function ruleView(row: AnalyticsAlertRuleTable, currentValue: number | null): AlertRuleView {
  return {
    id: row.id,
    branchId: row.branch_id,
    ...specOf(row),
    active: Number(row.active) === 1,
    firing: Number(row.firing) === 1,
    currentValue,
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

async function checkInput(ctx: AppContext, branchId: string, input: AlertRuleSpec): Promise<void> {
  const problem = ruleProblem(input);
  if (problem) throw invalid(problem.en, { field: problem.field }, problem.zh);
  if (input.serviceId !== null) {
    const service = await findService(ctx.store.db, input.serviceId);
    if (!service || service.branchId !== branchId)
      throw invalid(
        "The business type is not one of this branch's.",
        { field: "serviceId" },
        "该业务类型不属于本网点。",
      );
  }
}

export async function createAlertRule(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  input: AlertRuleInput,
): Promise<AlertRuleView> {
  requireBranchAccess(actor, branchId as BranchId, CONFIG_ROLES);
  await requireBranch(ctx, branchId);
  const spec: AlertRuleSpec = { ...input, serviceId: input.serviceId ?? null };
  await checkInput(ctx, branchId, spec);
  const row = await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const row: AnalyticsAlertRuleTable = {
      id: ctx.newId(),
      branch_id: branchId,
      metric: spec.metric,
      window_minutes: spec.windowMinutes,
      comparison: spec.comparison,
      threshold: spec.threshold,
      service_id: spec.serviceId,
      active: input.active === false ? 0 : 1,
      firing: 0,
      last_value: null,
      last_evaluated_at: null,
      created_by: actor.type === "user" ? actor.id : null,
      created_at: now,
      updated_at: now,
    };
    await insertRuleRow(tx, row);
    await audit(tx, actor, now, "alert_rule.create", { type: "alert_rule", id: row.id, branchId }, spec);
    return row;
  });
  return ruleView(row, null);
}

/** Changes a rule; the change re-arms it (its open alert ends) so the new rule judges from now. */
export async function updateAlertRule(
  ctx: AppContext,
  actor: Actor,
  ruleId: string,
  patch: Partial<AlertRuleInput>,
): Promise<AlertRuleView> {
  // The role first: whether a rule exists is not told to those who may not keep rules.
  requireRole(actor, CONFIG_ROLES);
  const existing = await findRuleRow(ctx.store.db, ruleId);
  if (!existing) throw notFound("Alert rule", ruleId);
  requireBranchAccess(actor, existing.branch_id as BranchId, CONFIG_ROLES);
  const spec: AlertRuleSpec = {
    ...specOf(existing),
    ...(patch.metric !== undefined && { metric: patch.metric }),
    ...(patch.windowMinutes !== undefined && { windowMinutes: patch.windowMinutes }),
    ...(patch.comparison !== undefined && { comparison: patch.comparison }),
    ...(patch.threshold !== undefined && { threshold: patch.threshold }),
    ...(patch.serviceId !== undefined && { serviceId: patch.serviceId }),
  };
  await checkInput(ctx, existing.branch_id, spec);
  const row = await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    // A later time than the one read, even within the same millisecond: the evaluation's claim checks it.
    const updatedAt = Math.max(now, Number(existing.updated_at) + 1);
    const changes = {
      metric: spec.metric,
      window_minutes: spec.windowMinutes,
      comparison: spec.comparison,
      threshold: spec.threshold,
      service_id: spec.serviceId,
      active: patch.active === undefined ? Number(existing.active) : patch.active ? 1 : 0,
      firing: 0,
      updated_at: updatedAt,
    };
    await updateRuleRow(tx, ruleId, changes);
    await clearOpenAlerts(tx, ruleId, now);
    await audit(
      tx,
      actor,
      now,
      "alert_rule.update",
      { type: "alert_rule", id: ruleId, branchId: existing.branch_id },
      patch,
    );
    return { ...existing, ...changes };
  });
  return ruleView(row, null);
}

export async function deleteAlertRule(ctx: AppContext, actor: Actor, ruleId: string): Promise<void> {
  // The role first: whether a rule exists is not told to those who may not keep rules.
  requireRole(actor, CONFIG_ROLES);
  const existing = await findRuleRow(ctx.store.db, ruleId);
  if (!existing) throw notFound("Alert rule", ruleId);
  requireBranchAccess(actor, existing.branch_id as BranchId, CONFIG_ROLES);
  await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    await deleteRuleRow(tx, ruleId);
    await clearOpenAlerts(tx, ruleId, now);
    await audit(tx, actor, now, "alert_rule.delete", { type: "alert_rule", id: ruleId, branchId: existing.branch_id });
  });
}

/** The branch's open alerts first, then those of the last 24 hours. */
export async function listAlerts(ctx: AppContext, actor: Actor, branchId: string): Promise<AlertView[]> {
  requireBranchRead(actor, branchId as BranchId, TRIAGE_ROLES);
  const rows = await listAlertRows(ctx.store.db, branchId, ctx.clock() - DAY_MS);
  const views = rows.map(alertView);
  return [...views.filter((v) => v.clearedAt === null), ...views.filter((v) => v.clearedAt !== null)];
}

export async function acknowledgeAlert(ctx: AppContext, actor: Actor, alertId: string): Promise<AlertView> {
  requireRole(actor, TRIAGE_ROLES);
  const existing = await findAlertRow(ctx.store.db, alertId);
  if (!existing) throw notFound("Alert", alertId);
  requireBranchAccess(actor, existing.branch_id as BranchId, TRIAGE_ROLES);
  await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    if (await acknowledgeAlertRow(tx, alertId, actor.id, now))
      await audit(tx, actor, now, "alert.acknowledge", { type: "alert", id: alertId, branchId: existing.branch_id });
  });
  const row = await findAlertRow(ctx.store.db, alertId);
  return alertView(row ?? existing);
}

export interface AlertTransitionResult {
  readonly ruleId: string;
  readonly branchId: string;
  readonly transition: "fire" | "clear";
  readonly value: number | null;
  /** Messages enqueued (fire only). */
  readonly messages: number;
}

/**
 * The job: every active rule of every branch, judged on the branch's tickets now. Safe on several instances at
 * once: firing and clearing are conditional updates, the messages are written in the firing's transaction
 * with dedupe keys. Answers the transitions this call made.
 */
export async function evaluateAlertRules(ctx: AppContext): Promise<AlertTransitionResult[]> {
  const now = ctx.clock();
  const rules = (await listRuleRows(ctx.store.db)).filter((r) => Number(r.active) === 1);
  if (rules.length === 0) return [];
  const results: AlertTransitionResult[] = [];
  const byBranch = new Map<string, AnalyticsAlertRuleTable[]>();
  for (const r of rules) byBranch.set(r.branch_id, [...(byBranch.get(r.branch_id) ?? []), r]);
  const branches = await listBranches(ctx.store.db, [...byBranch.keys()]);
  for (const branch of branches) {
    const mine = byBranch.get(branch.id) ?? [];
    const values = await figuresNow(ctx, branch, mine, now);
    for (const rule of mine) {
      const value = values.get(rule.id) ?? null;
      const transition = nextAlertState(Number(rule.firing) === 1, value, specOf(rule));
      if (transition === "fire" && value !== null) {
        const messages = await fire(ctx, branch, rule, value, now);
        if (messages !== undefined) results.push({ ruleId: rule.id, branchId: branch.id, transition, value, messages });
      } else if (transition === "clear") {
        const cleared = await ctx.store.write(async (tx) => {
          if (!(await claimClearing(tx, rule.id, value, now))) return false;
          await clearOpenAlerts(tx, rule.id, now);
          return true;
        });
        if (cleared) results.push({ ruleId: rule.id, branchId: branch.id, transition, value, messages: 0 });
      }
    }
  }
  return results;
}

/** Fires a rule (if this instance wins the claim): the alert row and the managers' messages, in one commit. */
async function fire(
  ctx: AppContext,
  branch: Branch,
  rule: AnalyticsAlertRuleTable,
  value: number,
  now: number,
): Promise<number | undefined> {
  const managers = (await listBranchContacts(ctx.store.db, branch.id)).filter((c) =>
    c.roles.includes("branch_manager"),
  );
  const service = rule.service_id ? await findService(ctx.store.db, rule.service_id) : undefined;
  return ctx.store.write(async (tx) => {
    if (!(await claimFiring(tx, rule.id, Number(rule.updated_at), value, now))) return undefined;
    const alert: AnalyticsAlertTable = {
      id: ctx.newId(),
      rule_id: rule.id,
      branch_id: branch.id,
      metric: rule.metric,
      window_minutes: Number(rule.window_minutes),
      comparison: rule.comparison,
      threshold: Number(rule.threshold),
      service_id: rule.service_id,
      value,
      fired_at: now,
      cleared_at: null,
      acknowledged_at: null,
      acknowledged_by: null,
    };
    await insertAlertRow(tx, alert);
    const data = {
      branch: { zh: branch.nameZh, en: branch.nameEn },
      service: service ? { zh: service.nameZh, en: service.nameEn } : "",
      metric: rule.metric,
      windowMinutes: alert.window_minutes,
      comparison: rule.comparison,
      threshold: alert.threshold,
      value,
      firedAt: new Date(now).toISOString(),
      timeZone: branch.timezone,
    };
    let created = 0;
    for (const manager of managers) {
      const channels = [
        ...(manager.email ? [{ channel: "email" as const, recipient: manager.email }] : []),
        ...(manager.phone ? [{ channel: "sms" as const, recipient: manager.phone }] : []),
      ];
      for (const { channel, recipient } of channels) {
        const r = await enqueueMessage(tx, {
          kind: ANALYTICS_ALERT_KIND,
          channel,
          recipient,
          lang: "zh-CN",
          data,
          now,
          dedupeKey: `${ANALYTICS_ALERT_KIND}:${alert.id}:${manager.userId}:${channel}`,
          branchId: branch.id,
          relatedType: "analytics_alert",
          relatedId: alert.id,
        });
        if (r.created) created++;
      }
    }
    return created;
  });
}
