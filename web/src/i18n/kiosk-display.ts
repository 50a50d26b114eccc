/**
 * Strings of the kiosk, display and device capability (opening rules, honest waits, printers, devices), merged
 * into the dictionaries by index.ts under their own top-level keys.
 */
const zh = {
  opening: {
    noCounterOpen: "暂无窗口开放",
    noCounterOpenHint: "暂无办理此业务的窗口开放，无法估计等候时间",
    waitUnknown: "暂无法估计",
    closed: "暂停取号",
    notOpenYet: "{{at}} 起取号",
    cutOff: "今日取号已于 {{at}} 截止",
    full: "今日号已取完（{{cap}} 个）",
    inactive: "暂停办理",
    refused: "暂时无法取号：{{reason}}",
    rulesTitle: "取号规则",
    opensAt: "开始取号",
    closesAt: "结束办理",
    ticketCutoff: "取号截止",
    dailyCap: "每日限号",
    noRule: "不限",
    rulesHelp: "留空表示不限；取号截止默认为结束办理时间",
  },
};

type Dictionary = typeof zh;

const en: Dictionary = {
  opening: {
    noCounterOpen: "No counter open",
    noCounterOpenHint: "No counter serving this business is open, so no wait can be estimated",
    waitUnknown: "Cannot estimate yet",
    closed: "Not taking tickets",
    notOpenYet: "Tickets from {{at}}",
    cutOff: "Tickets stopped at {{at}} today",
    full: "No tickets left today (limit {{cap}})",
    inactive: "Not offered now",
    refused: "Cannot take a ticket now: {{reason}}",
    rulesTitle: "Ticket rules",
    opensAt: "Tickets from",
    closesAt: "Service until",
    ticketCutoff: "Ticket cut-off",
    dailyCap: "Daily cap",
    noRule: "No limit",
    rulesHelp: "Leave empty for no limit; the cut-off defaults to the service end",
  },
};

export const kioskDisplayStrings = { zh, en };
