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
  printer: {
    takeSlip: "请从出票口取走号票",
    paper_low: "打印纸即将用完",
    paper_out: "打印机缺纸，号票无法打印，请记下号码或扫码",
    offline: "打印机未就绪，号票无法打印，请记下号码或扫码",
    unreachable: "打印机无法连接，号票无法打印，请记下号码或扫码",
    ok: "正常",
    url: "小票打印机",
    urlHint: "网络打印机地址，如 tcp://192.168.1.50:9100；留空则用浏览器打印",
    state: "打印机",
    lastSeen: "最后在线",
    version: "页面版本",
    offlineDevice: "离线",
    onlineDevice: "在线",
    never: "从未连接",
  },
  voice: {
    silent: "本屏无法播报叫号：声音未启用，请点击下方按钮（或按 README 设置浏览器自动播放）",
    clipsFailed: "本屏无法播报叫号：叫号录音无法播放，请检查音箱与网络",
  },
  displayNotices: {
    region: "公告与汇率",
  },
  kioskPager: {
    label: "翻页",
    prev: "‹ 上一页",
    next: "更多业务 ›",
    where: "第 {{page}} / {{pages}} 页",
  },
  displaySetupTab: "大堂屏与取号机",
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
  printer: {
    takeSlip: "Please take your ticket from the slot",
    paper_low: "Printer paper running low",
    paper_out: "The printer is out of paper: note your number or scan the code",
    offline: "The printer is not ready: note your number or scan the code",
    unreachable: "The printer cannot be reached: note your number or scan the code",
    ok: "OK",
    url: "Receipt printer",
    urlHint: "Network printer address, e.g. tcp://192.168.1.50:9100; empty prints through the browser",
    state: "Printer",
    lastSeen: "Last seen",
    version: "Page version",
    offlineDevice: "Offline",
    onlineDevice: "Online",
    never: "Never connected",
  },
  voice: {
    silent:
      "This screen cannot announce calls: sound is off. Press the button below (or set the browser to autoplay, see the README)",
    clipsFailed:
      "This screen cannot announce calls: the recorded voice does not play. Check the speakers and the network",
  },
  displayNotices: {
    region: "Notices and exchange rates",
  },
  kioskPager: {
    label: "Pages",
    prev: "‹ Back",
    next: "More services ›",
    where: "Page {{page}} of {{pages}}",
  },
  displaySetupTab: "Display & kiosk",
};

export const kioskDisplayStrings = { zh, en };
