/**
 * Scheduled reports (issue 15): a subscription (a branch, or every branch for head office; daily, weekly or
 * monthly; recipients; a time of day in the branch's time zone) is e-mailed, once the period has ended, an
 * XLSX workbook (the summary by business type, counter, staff member and hour, and by branch for every branch)
 * and a PDF summary (CJK font), both attached, through the outbox.
 *
 *   listReportSubscriptions(ctx, actor) → admins every one, branch managers those of their branches, head office
 *     its own (head office keeps subscriptions of any branch or every branch, and reads; nothing else)
 *   createReportSubscription / updateReportSubscription / deleteReportSubscription → audited
 *   sendReportNow(ctx, actor, id) → the last ended period now (audited), besides the schedule
 *   buildReport(ctx, scope, range, lang) → the figures, the workbook and the PDF
 *   sendDueReports(ctx) → the job: each due subscription is sent by the one instance that moves it on, if its
 *     owner may still read it (`subscriptionRefusal`: checked again at every run, the refusal recorded)
 */

import { existsSync } from "node:fs";
import { Cron } from "croner";
import { DateTime } from "luxon";
import { type Figures, GLOSSARY } from "../../domain/analytics/figures.ts";
import {
  cronPattern,
  isTimeOfDay,
  periodBefore,
  type ReportPeriod,
  type ReportRange,
} from "../../domain/analytics/report-period.ts";
import type { BranchId, UserId } from "../../domain/ids.ts";
import {
  ANALYTICS_REPORT_KIND,
  claimRun,
  deleteSubscriptionRow,
  dueSubscriptionRows,
  findSubscriptionOwner,
  findSubscriptionRow,
  insertSubscriptionRow,
  listSubscriptionRows,
  updateSubscriptionRow,
} from "../../store/analytics-alerts.ts";
import { findBranch, listBranches } from "../../store/branches.ts";
import { enqueueMessage, type MessageLang } from "../../store/outbox.ts";
import type { ReportSubscriptionTable } from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";
import { CONFIG_ROLES, requireRole } from "../access.ts";
import type { Actor, Role, StaffActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { CJK_FONT } from "../customers/service-record.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { loadExcelJS, loadPdfKit } from "../lazy-modules.ts";
import { audit } from "../record.ts";
import { HEADING_ZH, SUMMARY_COLUMNS } from "./export.ts";
import { analyticsSummary, type GroupBy, type Summary } from "./summary.ts";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DEFAULT_TIME_ZONE = "Asia/Shanghai";

export interface SubscriptionInput {
  /** Null: every branch (admins only). */
  readonly branchId: string | null;
  readonly period: ReportPeriod;
  readonly recipients: readonly string[];
  /** "HH:MM" in the branch's time zone. */
  readonly timeOfDay: string;
  readonly lang?: MessageLang;
  readonly active?: boolean;
}

export interface SubscriptionView {
  readonly id: string;
  readonly branchId: string | null;
  readonly period: ReportPeriod;
  readonly recipients: string[];
  readonly timeOfDay: string;
  readonly timeZone: string;
  readonly lang: MessageLang;
  readonly active: boolean;
  readonly nextRunAt: string;
  readonly lastPeriod: string | null;
  readonly lastSentAt: string | null;
  /** The last due run, sent or refused (its owner no longer allowed: `lastReason`). */
  readonly lastRunAt: string | null;
  readonly lastOutcome: "sent" | "refused" | null;
  readonly lastReason: ReportRefusal | null;
}

/** Why a due report was not sent: its owner's account is gone or deactivated, or no longer may read its scope. */
export const REPORT_REFUSALS = ["owner_unknown", "owner_inactive", "owner_not_allowed"] as const;
export type ReportRefusal = (typeof REPORT_REFUSALS)[number];

/** Roles that may keep a report subscription: the branch's managers and admins, and head office. */
const SUBSCRIBER_ROLES: readonly Role[] = [...CONFIG_ROLES, "head_office"];

function view(row: ReportSubscriptionTable): SubscriptionView {
  return {
    id: row.id,
    branchId: row.branch_id,
    period: row.period as ReportPeriod,
    recipients: JSON.parse(row.recipients) as string[],
    timeOfDay: row.time_of_day,
    timeZone: row.time_zone,
    lang: row.lang === "en" ? "en" : "zh-CN",
    active: Number(row.active) === 1,
    nextRunAt: new Date(Number(row.next_run_at)).toISOString(),
    lastPeriod: row.last_period,
    lastSentAt: row.last_sent_at === null ? null : new Date(Number(row.last_sent_at)).toISOString(),
    lastRunAt: row.last_run_at === null ? null : new Date(Number(row.last_run_at)).toISOString(),
    lastOutcome: row.last_outcome === "sent" || row.last_outcome === "refused" ? row.last_outcome : null,
    lastReason: (REPORT_REFUSALS as readonly string[]).includes(row.last_reason ?? "")
      ? (row.last_reason as ReportRefusal)
      : null,
  };
}

/** The first sending time after `after` of a period at its time of day in its time zone (croner). */
export function nextRunAfter(period: ReportPeriod, timeOfDay: string, timeZone: string, after: number): number {
  const cron = new Cron(cronPattern(period, timeOfDay), { timezone: timeZone, paused: true });
  try {
    const next = cron.nextRun(new Date(after));
    if (!next) throw new Error(`no next run of ${period} ${timeOfDay}`);
    return next.getTime();
  } finally {
    cron.stop();
  }
}

/**
 * Who may keep a subscription of this scope: the branch's managers, admins and head office; every branch, admins
 * and head office.
 */
function requireScope(actor: Actor, branchId: string | null): StaffActor {
  const staff = requireRole(actor, SUBSCRIBER_ROLES);
  if (!allowedScope(staff.roles, staff.branchIds, branchId)) throw forbidden();
  return staff;
}

/** Whether roles and branches allow a subscription of this scope (at saving, and again at every run). */
function allowedScope(roles: readonly string[], branchIds: readonly string[], branchId: string | null): boolean {
  if (roles.includes("admin") || roles.includes("head_office")) return true;
  return branchId !== null && roles.includes("branch_manager") && branchIds.includes(branchId);
}

/** Admins see every subscription; head office its own; branch managers those of their branches. */
function mayRead(actor: StaffActor, row: ReportSubscriptionTable): boolean {
  if (actor.roles.includes("admin")) return true;
  if (actor.roles.includes("head_office") && row.created_by === actor.id) return true;
  return (
    row.branch_id !== null &&
    actor.roles.includes("branch_manager") &&
    actor.branchIds.includes(row.branch_id as BranchId)
  );
}

/** The subscription, if the actor may see and keep it (403 before 404 for those who may keep none). */
async function requireSubscription(ctx: AppContext, actor: Actor, id: string): Promise<ReportSubscriptionTable> {
  const staff = requireRole(actor, SUBSCRIBER_ROLES);
  const row = await findSubscriptionRow(ctx.store.db, id);
  if (!row) throw notFound("Report subscription", id);
  if (!mayRead(staff, row)) throw forbidden();
  requireScope(actor, row.branch_id);
  return row;
}

/**
 * Whether the subscription's owner may still have its report, as the account is now: null if so, else why not
 * (deactivated, gone, or no longer a manager of the branch, head office or admin).
 */
export async function subscriptionRefusal(
  ctx: AppContext,
  row: ReportSubscriptionTable,
): Promise<ReportRefusal | null> {
  if (row.created_by === null) return "owner_unknown";
  const owner = await findSubscriptionOwner(ctx.store.db, row.created_by);
  if (!owner) return "owner_unknown";
  if (!owner.active) return "owner_inactive";
  return allowedScope(owner.roles, owner.branchIds, row.branch_id) ? null : "owner_not_allowed";
}

function checkInput(input: SubscriptionInput): void {
  if (!isTimeOfDay(input.timeOfDay))
    throw invalid("The time of day is HH:MM.", { field: "timeOfDay" }, "发送时间格式应为 HH:MM。");
  const recipients = input.recipients.map((r) => r.trim());
  if (recipients.length === 0 || recipients.length > 20)
    throw invalid("1 to 20 recipients.", { field: "recipients" }, "收件人应为 1 至 20 个。");
  const bad = recipients.filter((r) => !EMAIL.test(r) || r.length > 254);
  if (bad.length)
    throw invalid("Not an e-mail address.", { field: "recipients", values: bad }, "收件人不是有效的电子邮件地址。");
}

async function timeZoneOf(ctx: AppContext, branchId: string | null): Promise<string> {
  if (branchId === null) return (await listBranches(ctx.store.db))[0]?.timezone ?? DEFAULT_TIME_ZONE;
  const branch = await findBranch(ctx.store.db, branchId);
  if (!branch) throw notFound("Branch", branchId);
  return branch.timezone;
}

export async function listReportSubscriptions(ctx: AppContext, actor: Actor): Promise<SubscriptionView[]> {
  const staff = requireRole(actor, SUBSCRIBER_ROLES);
  return (await listSubscriptionRows(ctx.store.db)).filter((r) => mayRead(staff, r)).map(view);
}

export async function createReportSubscription(
  ctx: AppContext,
  actor: Actor,
  input: SubscriptionInput,
): Promise<SubscriptionView> {
  const staff = requireScope(actor, input.branchId);
  checkInput(input);
  const timeZone = await timeZoneOf(ctx, input.branchId);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const row: ReportSubscriptionTable = {
      id: ctx.newId(),
      branch_id: input.branchId,
      period: input.period,
      recipients: JSON.stringify(input.recipients.map((r) => r.trim())),
      time_of_day: input.timeOfDay,
      time_zone: timeZone,
      lang: input.lang === "en" ? "en" : "zh-CN",
      active: input.active === false ? 0 : 1,
      next_run_at: nextRunAfter(input.period, input.timeOfDay, timeZone, now),
      last_period: null,
      last_sent_at: null,
      created_by: staff.id,
      created_at: now,
      updated_at: now,
      last_run_at: null,
      last_outcome: null,
      last_reason: null,
    };
    await insertSubscriptionRow(tx, row);
    await audit(
      tx,
      actor,
      now,
      "report_subscription.create",
      {
        type: "report_subscription",
        id: row.id,
        branchId: input.branchId,
      },
      input,
    );
    return view(row);
  });
}

export async function updateReportSubscription(
  ctx: AppContext,
  actor: Actor,
  id: string,
  patch: Partial<Omit<SubscriptionInput, "branchId">>,
): Promise<SubscriptionView> {
  const existing = await requireSubscription(ctx, actor, id);
  const current = view(existing);
  const next: SubscriptionInput = {
    branchId: existing.branch_id,
    period: patch.period ?? current.period,
    recipients: patch.recipients ?? current.recipients,
    timeOfDay: patch.timeOfDay ?? current.timeOfDay,
    lang: patch.lang ?? current.lang,
    active: patch.active ?? current.active,
  };
  checkInput(next);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const changes = {
      period: next.period,
      recipients: JSON.stringify(next.recipients.map((r) => r.trim())),
      time_of_day: next.timeOfDay,
      lang: next.lang === "en" ? "en" : "zh-CN",
      active: next.active === false ? 0 : 1,
      next_run_at: nextRunAfter(next.period, next.timeOfDay, existing.time_zone, now),
      updated_at: now,
    };
    await updateSubscriptionRow(tx, id, changes);
    await audit(
      tx,
      actor,
      now,
      "report_subscription.update",
      { type: "report_subscription", id, branchId: existing.branch_id },
      patch,
    );
    return view({ ...existing, ...changes });
  });
}

export async function deleteReportSubscription(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const existing = await requireSubscription(ctx, actor, id);
  await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    await deleteSubscriptionRow(tx, id);
    await audit(tx, actor, now, "report_subscription.delete", {
      type: "report_subscription",
      id,
      branchId: existing.branch_id,
    });
  });
}

// The report itself.

/**
 * The scheduled job reads the figures as head office does (every branch, read only): the subscription's owner was
 * allowed its scope when it was saved, and is checked again before every report is built (`subscriptionRefusal`).
 */
const REPORTER: StaffActor = {
  type: "user",
  id: "system:reports" as UserId,
  username: "system",
  displayName: "Datang reports",
  roles: ["head_office"],
  branchIds: [],
  ip: "",
};

export interface Report {
  readonly range: ReportRange;
  readonly scopeZh: string;
  readonly scopeEn: string;
  readonly summaries: Readonly<Partial<Record<GroupBy, Summary>>>;
  readonly total: Figures;
  readonly xlsx: Buffer;
  readonly pdf: Buffer;
  readonly filename: string;
}

const SHEETS: ReadonlyArray<{ groupBy: GroupBy; zh: string; en: string }> = [
  { groupBy: "service", zh: "按业务", en: "By business type" },
  { groupBy: "counter", zh: "按窗口", en: "By counter" },
  { groupBy: "staff", zh: "按柜员", en: "By staff" },
  { groupBy: "hour", zh: "按时段", en: "By hour" },
  { groupBy: "branch", zh: "按网点", en: "By branch" },
];

/** The figures of the PDF's totals, with their names in both languages. */
export const PDF_FIGURES: ReadonlyArray<{ key: keyof Figures; zh: string; en: string; percent?: true }> = [
  { key: "arrived", zh: "到达", en: "Arrived" },
  { key: "served", zh: "办结", en: "Served" },
  { key: "noShows", zh: "过号", en: "No-shows" },
  { key: "walkAways", zh: "离队", en: "Walk-aways" },
  { key: "meanWaitMinutes", zh: "平均等候(分)", en: "Mean wait (min)" },
  { key: "medianWaitMinutes", zh: "等候中位数(分)", en: "Median wait (min)" },
  { key: "p90WaitMinutes", zh: "90%等候(分)", en: "90th percentile wait (min)" },
  { key: "maxWaitMinutes", zh: "最长等候(分)", en: "Longest wait (min)" },
  { key: "withinTargetShare", zh: "达标率", en: "Within target", percent: true },
  { key: "meanServiceMinutes", zh: "平均办理(分)", en: "Mean service (min)" },
  { key: "satisfiedShare", zh: "满意率", en: "Satisfied", percent: true },
];

export function formatFigure(value: number | null, percent = false): string {
  if (value === null) return "—";
  return percent ? `${(value * 100).toFixed(1)}%` : String(value);
}

export async function buildReport(
  ctx: AppContext,
  branchId: string | null,
  range: ReportRange,
  now: number,
): Promise<Report> {
  const scope = branchId === null ? undefined : await findBranch(ctx.store.db, branchId);
  if (branchId !== null && !scope) throw notFound("Branch", branchId);
  const sheets = SHEETS.filter((s) => s.groupBy !== "branch" || branchId === null);
  const summaries: Partial<Record<GroupBy, Summary>> = {};
  for (const s of sheets)
    summaries[s.groupBy] = await analyticsSummary(ctx, REPORTER, {
      ...(branchId !== null && { branchId }),
      from: range.from,
      to: range.to,
      groupBy: s.groupBy,
    });
  const total = summaries.service?.total;
  if (!total) throw new Error("no summary");
  const scopeZh = scope ? scope.nameZh : "全部网点";
  const scopeEn = scope ? scope.nameEn : "All branches";
  const code = scope ? scope.code : "ALL";
  const ExcelJS = await loadExcelJS();
  const book = new ExcelJS.Workbook();
  book.creator = "Datang";
  book.created = new Date(now);
  const head = book.addWorksheet("汇总 Summary");
  head.addRow(["大堂运营报告 Datang report"]);
  head.addRow(["网点 Branch", `${scopeZh} ${scopeEn}`]);
  head.addRow(["期间 Period", `${range.from} ~ ${range.to}`, range.key]);
  head.addRow([]);
  head.addRow(["指标", "figure", "值 value"]);
  head.getRow(1).font = { bold: true, size: 14 };
  head.getRow(5).font = { bold: true };
  for (const c of SUMMARY_COLUMNS.slice(3)) head.addRow([HEADING_ZH[c] ?? c, c, total[c as keyof Figures] ?? null]);
  head.getColumn(1).width = 18;
  head.getColumn(2).width = 22;
  for (const s of sheets) {
    const summary = summaries[s.groupBy];
    if (!summary) continue;
    const sheet = book.addWorksheet(`${s.zh} ${s.en}`.slice(0, 31));
    sheet.addRow(SUMMARY_COLUMNS.map((c) => HEADING_ZH[c] ?? c));
    sheet.addRow([...SUMMARY_COLUMNS]);
    sheet.getRow(1).font = { bold: true };
    for (const row of summary.rows) sheet.addRow(SUMMARY_COLUMNS.map((c) => row[c] ?? null));
    sheet.views = [{ state: "frozen", ySplit: 2 }];
  }
  const glossary = book.addWorksheet("Glossary 指标说明");
  glossary.addRow(["figure", "中文", "English"]);
  for (const g of GLOSSARY) glossary.addRow([g.key, g.zh, g.en]);
  const xlsx = Buffer.from(await book.xlsx.writeBuffer());
  const pdf = await reportPdf({ scopeZh, scopeEn, range, total, byService: summaries.service, now });
  return {
    range,
    scopeZh,
    scopeEn,
    summaries,
    total,
    xlsx,
    pdf,
    filename: `datang-report-${code}-${range.key}`,
  };
}

async function reportPdf(input: {
  scopeZh: string;
  scopeEn: string;
  range: ReportRange;
  total: Figures;
  byService: Summary | undefined;
  now: number;
}): Promise<Buffer> {
  const PDFDocument = await loadPdfKit();
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: "A4",
      margin: 56,
      info: {
        Title: "Datang report 大堂运营报告",
        Producer: "Datang",
        Creator: "Datang",
        CreationDate: new Date(input.now),
      },
    });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    if (existsSync(CJK_FONT)) {
      doc.registerFont("cjk", CJK_FONT, "WenQuanYiMicroHei");
      doc.font("cjk");
    }
    doc.fontSize(18).text("大堂运营报告 Datang report");
    doc.moveDown(0.5);
    doc.fontSize(11);
    doc.text(`网点 Branch: ${input.scopeZh} ${input.scopeEn}`);
    doc.text(`期间 Period: ${input.range.from} ~ ${input.range.to} (${input.range.key})`);
    doc.moveDown(0.8);
    doc.fontSize(13).text("总计 Totals");
    doc.fontSize(11);
    for (const f of PDF_FIGURES) doc.text(`${f.zh} ${f.en}: ${formatFigure(input.total[f.key], f.percent)}`);
    doc.moveDown(0.8);
    doc.fontSize(13).text("按业务 By business type");
    doc.fontSize(10);
    for (const row of input.byService?.rows ?? [])
      doc.text(
        `${row.key} ${row.nameZh ?? ""}: 到达 arrived ${row.arrived}, 办结 served ${row.served}, 平均等候 mean wait ${formatFigure(row.meanWaitMinutes)}, 达标率 within target ${formatFigure(row.withinTargetShare, true)}`,
        { width: 480 },
      );
    doc.moveDown(1);
    doc.fontSize(8).text("明细见附件 XLSX。Details in the attached workbook.");
    doc.end();
  });
}

/** The e-mails of one report, one per recipient, in the transaction that claimed the run. */
async function enqueueReport(
  tx: Tx,
  row: ReportSubscriptionTable,
  report: Report,
  now: number,
  dedupePrefix: string,
): Promise<number> {
  let created = 0;
  const recipients = JSON.parse(row.recipients) as string[];
  for (const recipient of recipients) {
    const r = await enqueueMessage(tx, {
      kind: ANALYTICS_REPORT_KIND,
      channel: "email",
      recipient,
      lang: row.lang === "en" ? "en" : "zh-CN",
      data: {
        period: row.period,
        from: report.range.from,
        to: report.range.to,
        key: report.range.key,
        branch: { zh: report.scopeZh, en: report.scopeEn },
        arrived: report.total.arrived,
        served: report.total.served,
        meanWaitMinutes: report.total.meanWaitMinutes,
        withinTargetShare: report.total.withinTargetShare,
        attachments: [
          {
            filename: `${report.filename}.xlsx`,
            contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            base64: report.xlsx.toString("base64"),
          },
          { filename: `${report.filename}.pdf`, contentType: "application/pdf", base64: report.pdf.toString("base64") },
        ],
      },
      now,
      dedupeKey: `${dedupePrefix}:${recipient}`,
      ...(row.branch_id !== null && { branchId: row.branch_id }),
      relatedType: "report_subscription",
      relatedId: row.id,
    });
    if (r.created) created++;
  }
  return created;
}

/** The local day of an instant in a time zone. */
const localDay = (at: number, timeZone: string) =>
  DateTime.fromMillis(at, { zone: timeZone }).toISODate() ?? new Date(at).toISOString().slice(0, 10);

export interface SentReport {
  readonly subscriptionId: string;
  readonly period: string;
  readonly messages: number;
  /** Set when the run sent nothing because its owner may no longer have the report. */
  readonly refused?: ReportRefusal;
}

/**
 * The job: every due subscription's report of the period that ended before its run. The report is built
 * before the claim (no long write transaction); the instance whose conditional update moves `next_run_at` on
 * enqueues the e-mails in that same commit, so several instances send it once. After an outage only the latest
 * period is sent. The owner's rights are checked again first: a run whose owner may no longer read its scope
 * sends nothing, builds nothing, and records why (`last_outcome` "refused", `last_reason`).
 */
export async function sendDueReports(ctx: AppContext): Promise<SentReport[]> {
  const now = ctx.clock();
  const sent: SentReport[] = [];
  for (const row of await dueSubscriptionRows(ctx.store.db, now)) {
    const dueAt = Number(row.next_run_at);
    const range = periodBefore(row.period as ReportPeriod, localDay(dueAt, row.time_zone));
    const nextRunAt = nextRunAfter(row.period as ReportPeriod, row.time_of_day, row.time_zone, Math.max(now, dueAt));
    const refusal = await subscriptionRefusal(ctx, row);
    const report = refusal === null ? await buildReport(ctx, row.branch_id, range, now) : undefined;
    const messages = await ctx.store.write(async (tx) => {
      if (!(await claimRun(tx, row.id, dueAt, { nextRunAt, period: range.key, now, refusal }))) return undefined;
      if (!report) return 0;
      return enqueueReport(tx, row, report, now, `${ANALYTICS_REPORT_KIND}:${row.id}:${range.key}`);
    });
    if (messages !== undefined)
      sent.push({ subscriptionId: row.id, period: range.key, messages, ...(refusal !== null && { refused: refusal }) });
  }
  return sent;
}

/** "Send now": the last ended period's report to the subscription's recipients (audited). */
export async function sendReportNow(ctx: AppContext, actor: Actor, id: string): Promise<SentReport> {
  const row = await requireSubscription(ctx, actor, id);
  // The recipients are the owner's: his rights count too, as at a scheduled run.
  const refusal = await subscriptionRefusal(ctx, row);
  if (refusal !== null)
    throw conflict(
      "The subscription's owner may no longer receive this report; it is not sent.",
      { reason: refusal },
      "该订阅的创建人已无权获取此报表，未发送。",
    );
  const now = ctx.clock();
  const range = periodBefore(row.period as ReportPeriod, localDay(now, row.time_zone));
  const report = await buildReport(ctx, row.branch_id, range, now);
  const messages = await ctx.store.write(async (tx) => {
    await audit(
      tx,
      actor,
      now,
      "report_subscription.send",
      { type: "report_subscription", id, branchId: row.branch_id },
      { period: range.key },
    );
    return enqueueReport(tx, row, report, now, `${ANALYTICS_REPORT_KIND}:${row.id}:${range.key}:now:${ctx.newId()}`);
  });
  return { subscriptionId: id, period: range.key, messages };
}
