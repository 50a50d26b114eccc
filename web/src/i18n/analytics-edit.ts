/** Strings of editing alert rules and report subscriptions, and of head office's read-only view (namespace "analyticsEdit"). */
export const analyticsEditZh = {
  edit: "编辑",
  save: "保存",
  cancel: "取消",
  saved: "已保存。",
  editRule: "编辑告警规则",
  editSubscription: "编辑报表订阅",
  active: "启用",
  readOnly: "总行只读：告警规则由网点负责人或管理员维护。",
  outcome: "上次执行",
  outcomeSent: "已发送",
  outcomeRefused: "未发送：{{reason}}",
  reason: {
    owner_unknown: "订阅创建人账号不存在",
    owner_inactive: "订阅创建人账号已停用",
    owner_not_allowed: "订阅创建人已无权查看该网点",
  },
};

export const analyticsEditEn: typeof analyticsEditZh = {
  edit: "Edit",
  save: "Save",
  cancel: "Cancel",
  saved: "Saved.",
  editRule: "Edit alert rule",
  editSubscription: "Edit report subscription",
  active: "On",
  readOnly: "Head office reads only: alert rules are kept by the branch's managers and admins.",
  outcome: "Last run",
  outcomeSent: "Sent",
  outcomeRefused: "Not sent: {{reason}}",
  reason: {
    owner_unknown: "the subscriber's account no longer exists",
    owner_inactive: "the subscriber's account is deactivated",
    owner_not_allowed: "the subscriber may no longer read this branch",
  },
};
