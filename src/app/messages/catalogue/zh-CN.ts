/** 中文消息模板（短信与电子邮件）。 */
import { type Catalogue, link, message, nameIn, str, when } from "./types.ts";

const at = (d: Readonly<Record<string, unknown>>, key = "start") => when(d[key], d.timeZone, "zh-CN");
const place = (d: Readonly<Record<string, unknown>>) =>
  [nameIn(d.branch, "zh"), nameIn(d.service, "zh")].filter(Boolean).join(" · ");

export const zhCN: Catalogue = {
  otp: (d) =>
    message("验证码", [`【大堂】您的验证码是 ${str(d.code)}，${str(d.minutes) || "5"} 分钟内有效。请勿告诉他人。`]),
  "appointment.confirmed": (d, c) =>
    message("预约成功", [
      `【大堂】预约成功：${place(d)}，${at(d)}。预约码 ${str(d.code)}，到店后在取号机输入或扫码签到。`,
      link(d.managePath, c) ? `查看、改期或取消：${link(d.managePath, c)}` : "",
    ]),
  "appointment.reminder": (d, c) =>
    message("预约提醒", [
      `【大堂】提醒：您预约了 ${place(d)}，时间 ${at(d)}，预约码 ${str(d.code)}。`,
      link(d.managePath, c) ? `改期或取消：${link(d.managePath, c)}` : "",
    ]),
  "appointment.cancelled": (d) =>
    message("预约已取消", [
      `【大堂】您在 ${at(d)} 的预约（${place(d)}，预约码 ${str(d.code)}）已取消。`,
      str(d.reason) ? `原因：${str(d.reason)}` : "",
    ]),
  "appointment.rescheduled": (d, c) =>
    message("预约已改期", [
      `【大堂】您的预约（${place(d)}，预约码 ${str(d.code)}）已改到 ${at(d)}。`,
      link(d.managePath, c) ? `查看或取消：${link(d.managePath, c)}` : "",
    ]),
  "ticket.near": (d) =>
    message("快到您了", [
      `【大堂】${nameIn(d.branch, "zh")} ${str(d.number)} 号：前面还有 ${str(d.ahead)} 位，请回到等候区。`,
    ]),
  "survey.invite": (d, c) =>
    message("服务评价邀请", [
      `【大堂】感谢您在${nameIn(d.branch, "zh")}办理业务（${str(d.number)} 号）。请花一分钟评价本次服务：`,
      link(d.surveyPath, c),
    ]),
  "complaint.extended": (d) =>
    message("投诉处理期限延长通知", [
      `【大堂】您的投诉（编号 ${str(d.reference)}）情况复杂，经审批处理期限延长至 ${when(d.dueAt, d.timeZone, "zh-CN")}。`,
      str(d.reason) ? `原因：${str(d.reason)}` : "",
    ]),
  "complaint.closed": (d, c) =>
    message("投诉处理结果", [
      `【大堂】您的投诉（编号 ${str(d.reference)}）处理结果：${str(d.reply)}`,
      link(d.reopenPath, c) ? `如不满意，可在此申请重新处理：${link(d.reopenPath, c)}` : "",
    ]),
  "wait.alarm": (d) =>
    message(`等候超时：${str(d.number)} 号`, [
      `【大堂】${nameIn(d.branch, "zh")}：${str(d.number)} 号（${nameIn(d.service, "zh")}）已等候 ${str(d.waitedMinutes)} 分钟，超过告警时长 ${str(d.alarmMinutes)} 分钟，请协调窗口。`,
    ]),
  "appointment.arrived": (d) =>
    message("您的客户已到店", [
      `【大堂】您的客户 ${str(d.name)}（${place(d)}，预约 ${at(d)}，预约码 ${str(d.code)}）已签到，号码 ${str(d.number)}。`,
    ]),
  "waitlist.offer": (d, c) =>
    message("有空位了", [
      `【大堂】您候补的 ${place(d)} 有空位：${at(d)}。已为您保留至 ${at(d, "expiresAt")}。`,
      link(d.offerPath, c) ? `确认预约：${link(d.offerPath, c)}` : "",
    ]),
  "analytics.alert": (d) =>
    message(`运营告警：${nameIn(d.branch, "zh")}`, [
      `【大堂】${nameIn(d.branch, "zh")}${nameIn(d.service, "zh") ? `（${nameIn(d.service, "zh")}）` : ""}：${ALERT_METRIC_ZH[str(d.metric)] ?? str(d.metric)}${windowZh(d)} 为 ${str(d.value)}${unitZh(d)}，${d.comparison === "below" ? "低于" : "高于"}阈值 ${str(d.threshold)}${unitZh(d)}。`,
    ]),
  "analytics.report": (d) =>
    message(`大堂运营报告：${nameIn(d.branch, "zh")} ${str(d.key)}`, [
      `${nameIn(d.branch, "zh")} ${str(d.from)} 至 ${str(d.to)} 的运营报告见附件（XLSX 明细与 PDF 摘要）。`,
      `到达 ${str(d.arrived)}，办结 ${str(d.served)}，平均等候 ${d.meanWaitMinutes === null ? "—" : `${str(d.meanWaitMinutes)} 分钟`}。`,
    ]),
  "followup.reminder": (d, c) =>
    message(`回访提醒：${str(d.number)} 号客户`, [
      `【大堂】${place(d)}：您负责的回访（${str(d.number)} 号，客户 ${str(d.customer)}）应在 ${at(d, "dueAt")} 前完成。`,
      link(d.path, c) ? `查看：${link(d.path, c)}` : "",
    ]),
  "followup.escalated": (d, c) =>
    message(`回访逾期：${str(d.number)} 号客户`, [
      `【大堂】${place(d)}：回访（${str(d.number)} 号，客户 ${str(d.customer)}）已过期限 ${at(d, "dueAt")}${d.assigned ? "" : "，且尚未指派负责人"}，请跟进。`,
      link(d.path, c) ? `查看：${link(d.path, c)}` : "",
    ]),
  "complaint.reminder": (d, c) =>
    message(`投诉处理提醒：${str(d.reference)}`, [
      `【大堂】${nameIn(d.branch, "zh")}：投诉 ${str(d.reference)} 应在 ${at(d, "dueAt")} 前办结，请及时处理。`,
      link(d.path, c) ? `查看：${link(d.path, c)}` : "",
    ]),
  "complaint.escalated": (d, c) =>
    message(`投诉逾期：${str(d.reference)}`, [
      `【大堂】${nameIn(d.branch, "zh")}：投诉 ${str(d.reference)} 已超过办结期限 ${at(d, "dueAt")}${d.owned ? "" : "，且尚未指派处理人"}，请跟进。`,
      link(d.path, c) ? `查看：${link(d.path, c)}` : "",
    ]),
  fallback: (d) => message(str(d.subject) || "大堂通知", [str(d.text)]),
  // Issue 14: the service report, to the customer (SMS: a short link; e-mail: the PDF attached). A message queued
  // before the link existed carries its own subject and text.
  "service.report": (d, c) =>
    d.number === undefined
      ? message(str(d.subject) || "您的业务办理报告", [str(d.text)])
      : message("您的业务办理报告", [
          `【大堂】您在${nameIn(d.branch, "zh")}办理的${nameIn(d.service, "zh")}（${str(d.number)} 号）${d.reportPath ? `业务办理报告：${link(d.reportPath, c)}` : "业务办理报告见附件"}`,
          d.reportPath ? `链接 ${at(d, "expiresAt")} 前有效。` : `SHA-256：${str(d.sha256)}`,
        ]),
};

const ALERT_METRIC_ZH: Readonly<Record<string, string>> = {
  meanWait: "平均等候",
  longestWait: "当前最长等候",
  waitingCount: "等候人数",
  withinTargetShare: "等候达标率",
  noShowCount: "过号数",
};
const windowZh = (d: Readonly<Record<string, unknown>>) =>
  d.metric === "longestWait" || d.metric === "waitingCount" ? "" : `（近 ${str(d.windowMinutes)} 分钟）`;
const unitZh = (d: Readonly<Record<string, unknown>>) =>
  d.metric === "withinTargetShare" ? "%" : d.metric === "meanWait" || d.metric === "longestWait" ? " 分钟" : "";
