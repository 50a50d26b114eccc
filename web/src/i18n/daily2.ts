/**
 * Strings of issue 12's second round (the counter's waiting list, counter rules in admin, the lobby's notices editor,
 * the kiosk's own return time), merged under `daily2.` in both dictionaries.
 */
export const daily2Zh = {
  othersWaiting_one: "{{count}} 位客户在等候其他窗口的业务",
  othersWaiting_other: "{{count}} 位客户在等候其他窗口的业务",
  othersWaitingAlso_one: "另有 {{count}} 位客户在等候其他窗口的业务",
  othersWaitingAlso_other: "另有 {{count}} 位客户在等候其他窗口的业务",
  noShowAfter: "叫号无人应答自动过号（秒，0 为不自动）",
  minRecallGap: "两次重呼最短间隔（秒）",
  maxRecalls: "过号前至少重呼次数",
  notices: "公告栏",
  editNotices: "编辑公告栏",
  kioskReturn: "本机自动返回首页（秒）",
  kioskReturnHint: "留空则沿用网点的设置（显示屏与取号机设置页）",
  kioskReturnShort: "{{seconds}} 秒",
  kioskReturnBranch: "沿用网点设置",
};

export const daily2En: typeof daily2Zh = {
  othersWaiting_one: "{{count}} customer is waiting for business other counters handle",
  othersWaiting_other: "{{count}} customers are waiting for business other counters handle",
  othersWaitingAlso_one: "{{count}} more customer is waiting for business other counters handle",
  othersWaitingAlso_other: "{{count}} more customers are waiting for business other counters handle",
  noShowAfter: "An unanswered call becomes a no-show after (seconds, 0: never)",
  minRecallGap: "Minimum gap between recalls (seconds)",
  maxRecalls: "Recalls before a no-show",
  notices: "Notices board",
  editNotices: "Edit the notices board",
  kioskReturn: "This kiosk returns to its start screen after (seconds)",
  kioskReturnHint: "Empty: the branch's setting (display and kiosk tab)",
  kioskReturnShort: "{{seconds}} s",
  kioskReturnBranch: "branch setting",
};
