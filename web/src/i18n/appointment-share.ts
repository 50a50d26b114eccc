/** Strings of the planning page's appointment-share panel (namespace "appointmentShare"), in both languages. */
export const appointmentShareZh = {
  title: "预约比例对现场客户等候的影响",
  share: "预约占用的柜台时间",
  run: "模拟",
  model: "假设每个预约时段都被原本会现场取号的客户订满；预约客户提前 0–10 分钟签到，5% 未到。",
  column: "",
  today: "不设预约",
  withShare: "预约 {{share}}%",
  walkIns: "现场客户",
  meanWait: "平均等候（分）",
  withinTarget: "{{minutes}} 分钟内叫号",
  walkAways: "离开未办",
  overAlarm: "超过告警",
  booked_one: "共预约 {{count}} 位，按时叫号 {{onTime}}",
  booked_other: "共预约 {{count}} 位，按时叫号 {{onTime}}",
  failed: "模拟失败",
};

export const appointmentShareEn: typeof appointmentShareZh = {
  title: "What an appointment share does to walk-in waits",
  share: "Counter time kept for appointments",
  run: "Simulate",
  model:
    "Assumes every appointment slot is booked by a customer who would otherwise have walked in; they check in 0–10 minutes early and 5% do not come.",
  column: "",
  today: "No appointments",
  withShare: "{{share}}% appointments",
  walkIns: "Walk-in customers",
  meanWait: "Mean wait (min)",
  withinTarget: "Called within {{minutes}} min",
  walkAways: "Walked away",
  overAlarm: "Past the alarm",
  booked_one: "{{count}} appointment booked, {{onTime}} called on time",
  booked_other: "{{count}} appointments booked, {{onTime}} called on time",
  failed: "The simulation failed",
};
