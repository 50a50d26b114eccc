/** Strings of the dashboard's further figures and the league's expectation (namespace "analytics3"), in both languages. */
export const analytics3Zh = {
  col: {
    nps: "净推荐值",
    complaintsPer1000: "千次到访投诉",
    reviewWait: "复核等候（分）",
    reviewTime: "复核时长（分）",
  },
  kpi: {
    nps: "净推荐值（NPS）",
    complaintsPer1000: "千次到访投诉",
    reviewWait: "平均复核等候",
    reviewTime: "平均复核时长",
  },
  appointments: {
    title: "预约",
    booked: "预约数",
    cancelled: "取消",
    noShows: "未到",
    checkedIn: "签到",
    onTime: "准时率（签到不晚于预约时间）",
    leadTime: "平均提前预约",
    hours: "{{value}} 小时",
    none: "所选日期没有预约。",
  },
  league: {
    includes:
      "应有等候还包含：各网点自身的过号率，以及从其离队号票（未叫号即取消、非营业日结束取消）学得的客户平均耐心；客户等得越久，越多人离开，与实际一样。没有离队记录的网点按客户不离队计算。",
    patience: "客户平均耐心（分）",
    walkActual: "实际离队率",
    walkExpected: "应有离队率",
    noShow: "过号率",
  },
};

export const analytics3En: typeof analytics3Zh = {
  col: {
    nps: "NPS",
    complaintsPer1000: "Complaints / 1,000 visits",
    reviewWait: "Review wait (min)",
    reviewTime: "Review time (min)",
  },
  kpi: {
    nps: "NPS",
    complaintsPer1000: "Complaints per 1,000 visits",
    reviewWait: "Mean review wait",
    reviewTime: "Mean review time",
  },
  appointments: {
    title: "Appointments",
    booked: "Booked",
    cancelled: "Cancelled",
    noShows: "No-shows",
    checkedIn: "Checked in",
    onTime: "On time (checked in by the booked start)",
    leadTime: "Mean lead time",
    hours: "{{value}} h",
    none: "No appointments on these days.",
  },
  league: {
    includes:
      "The expected waits also include each branch's own no-show share and its customers' mean patience, learned from its walk-aways (tickets cancelled before any call, not by the day's close): the longer the line, the more leave, as in reality. A branch without walk-aways is simulated with customers who never leave.",
    patience: "Mean patience (min)",
    walkActual: "Walk-aways, actual",
    walkExpected: "Walk-aways, expected",
    noShow: "No-show share",
  },
};
