/**
 * The one error type every use case throws; the HTTP layer turns it into `{error, message, details?}`.
 * `message` is English; `messageZh`, when given, is the same in Chinese for clients that prefer it.
 */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 429,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly messageZh?: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const invalid = (message: string, details?: unknown, messageZh?: string) =>
  new AppError(400, "invalid_request", message, details, messageZh);
export const unauthorized = (
  message = "Sign in first.",
  messageZh = message === "Sign in first." ? "请先登录。" : undefined,
) => new AppError(401, "unauthorized", message, undefined, messageZh);
export const forbidden = (
  message = "Your role or branch does not allow this.",
  messageZh = message === "Your role or branch does not allow this." ? "您的角色或所属网点无权执行此操作。" : undefined,
) => new AppError(403, "forbidden", message, undefined, messageZh);

/** Chinese names of the things `notFound` is called with; an unknown name stays as given. */
const WHAT_ZH: Readonly<Record<string, string>> = {
  Ticket: "号票",
  Counter: "窗口",
  Branch: "网点",
  "Business type": "业务类型",
  User: "用户",
  Device: "设备",
  Article: "知识库文章",
  Conversation: "会话",
  Review: "复核任务",
  Complaint: "投诉",
  Survey: "满意度调查",
  "Alert rule": "告警规则",
  Alert: "告警",
  "Report subscription": "报表订阅",
};
export const notFound = (what: string, id: string) =>
  new AppError(404, "not_found", `${what} ${id} does not exist.`, undefined, `${WHAT_ZH[what] ?? what} ${id} 不存在。`);
export const conflict = (message: string, details?: unknown, messageZh?: string) =>
  new AppError(409, "conflict", message, details, messageZh);

/** Chinese words for ticket statuses, actions and counter states (as the web app names them), for messages built from them. */
export const TICKET_STATUS_ZH: Readonly<Record<string, string>> = {
  waiting: "等候中",
  called: "已叫号",
  serving: "办理中",
  done: "已完成",
  no_show: "过号",
  parked: "已挂起",
  cancelled: "已取消",
  redirected: "已分流",
  in_review: "待复核",
};
export const TICKET_ACTION_ZH: Readonly<Record<string, string>> = {
  call: "叫号",
  recall: "重呼",
  start: "开始办理",
  complete: "办结",
  "no-show": "标记过号",
  transfer: "转移",
  park: "挂起",
  resume: "恢复排队",
  cancel: "取消",
  redirect: "分流",
  prioritize: "调整优先级",
  rate: "评价",
  requeue: "重新排队",
  "submit-review": "提交复核",
  approve: "复核通过",
  reject: "复核退回",
  "reject-requeue": "复核退回",
};
export const COUNTER_STATE_ZH: Readonly<Record<string, string>> = {
  open: "开放",
  paused: "暂停",
  closed: "关闭",
};
