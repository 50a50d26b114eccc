/** The summary as a file: CSV for machines and spreadsheets, XLSX with both languages' headings and the glossary. */
import { GLOSSARY } from "../../domain/analytics/figures.ts";
import { csvField } from "../../domain/csv.ts";
import { loadExcelJS } from "../lazy-modules.ts";
import type { Summary, SummaryRow } from "./summary.ts";

/** The columns of both files, in order: the key, its names, then every figure. */
export const SUMMARY_COLUMNS = [
  "key",
  "nameZh",
  "nameEn",
  "arrived",
  "served",
  "noShows",
  "walkAways",
  "redirected",
  "called",
  "meanWaitMinutes",
  "medianWaitMinutes",
  "p90WaitMinutes",
  "maxWaitMinutes",
  "withinTargetShare",
  "aboveAlarm",
  "meanServiceMinutes",
  "noShowShare",
  "walkAwayShare",
  "rated",
  "satisfiedShare",
  "csat",
  "counterOpenHours",
  "utilisation",
  "idleMinutes",
  "pausedMinutes",
  "npsResponses",
  "nps",
  "complaints",
  "complaintsPer1000Visits",
  "reviews",
  "meanReviewWaitMinutes",
  "meanReviewMinutes",
  "appointmentsBooked",
  "appointmentsCancelled",
  "appointmentNoShows",
  "appointmentsCheckedIn",
  "appointmentsOnTime",
  "appointmentOnTimeShare",
  "meanLeadTimeHours",
] as const satisfies ReadonlyArray<keyof SummaryRow>;

export function summaryCsv(summary: Summary): string {
  const lines = [SUMMARY_COLUMNS.join(",")];
  for (const row of summary.rows) lines.push(SUMMARY_COLUMNS.map((c) => csvField(row[c])).join(","));
  // A byte-order mark so that Excel opens the Chinese names as UTF-8.
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export const HEADING_ZH: Readonly<Record<string, string>> = {
  key: "分组",
  nameZh: "名称",
  nameEn: "Name",
  arrived: "到达",
  served: "办结",
  noShows: "过号",
  walkAways: "离队",
  redirected: "分流",
  called: "已叫号",
  meanWaitMinutes: "平均等候(分)",
  medianWaitMinutes: "等候中位数(分)",
  p90WaitMinutes: "90%等候(分)",
  maxWaitMinutes: "最长等候(分)",
  withinTargetShare: "达标率",
  aboveAlarm: "超警戒",
  meanServiceMinutes: "平均办理(分)",
  noShowShare: "过号率",
  walkAwayShare: "离队率",
  rated: "评价数",
  satisfiedShare: "满意率",
  csat: "满意度均分",
  counterOpenHours: "窗口开放(时)",
  utilisation: "窗口利用率",
  idleMinutes: "空闲(分)",
  pausedMinutes: "暂停(分)",
  npsResponses: "推荐度答复",
  nps: "净推荐值",
  complaints: "投诉",
  complaintsPer1000Visits: "千次到访投诉",
  reviews: "复核数",
  meanReviewWaitMinutes: "平均复核等候(分)",
  meanReviewMinutes: "平均复核时长(分)",
  appointmentsBooked: "预约数",
  appointmentsCancelled: "预约取消",
  appointmentNoShows: "预约未到",
  appointmentsCheckedIn: "预约签到",
  appointmentsOnTime: "准时预约",
  appointmentOnTimeShare: "预约准时率",
  meanLeadTimeHours: "平均预约提前(时)",
};

export async function summaryXlsx(summary: Summary): Promise<Buffer> {
  const ExcelJS = await loadExcelJS();
  const book = new ExcelJS.Workbook();
  book.creator = "Datang";
  const sheet = book.addWorksheet(`${summary.groupBy} ${summary.from}~${summary.to}`.slice(0, 31));
  sheet.addRow(SUMMARY_COLUMNS.map((c) => HEADING_ZH[c] ?? c));
  sheet.addRow([...SUMMARY_COLUMNS]);
  sheet.getRow(1).font = { bold: true };
  for (const row of summary.rows) sheet.addRow(SUMMARY_COLUMNS.map((c) => row[c] ?? null));
  sheet.views = [{ state: "frozen", ySplit: 2 }];
  const glossary = book.addWorksheet("Glossary 指标说明");
  glossary.addRow(["figure", "中文", "English"]);
  glossary.getRow(1).font = { bold: true };
  for (const g of GLOSSARY) glossary.addRow([g.key, g.zh, g.en]);
  glossary.getColumn(2).width = 60;
  glossary.getColumn(3).width = 80;
  return Buffer.from(await book.xlsx.writeBuffer());
}
