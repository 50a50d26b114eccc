import { App as AntApp, Button, Card, InputNumber, Select, Space, Switch, Table, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.ts";
import type { Answer } from "../../api/types.ts";
import { useStaffUser } from "../../components/StaffShell.tsx";

type Settings = Answer<"getFollowupSettings">;
type Rule = Settings["rules"][number];
type Purpose = "service" | "marketing";
interface Draft {
  active: boolean;
  days: number;
  purpose: Purpose;
}

/** Admin tab: which business types want a follow-up after how many days, and the bank's marketing cap. */
export function FollowupSettings({ branchId }: { readonly branchId: string }) {
  const { t, i18n } = useTranslation("followups");
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const admin = user?.roles.includes("admin") ?? false;
  const [settings, setSettings] = useState<Settings | null>(null);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [policy, setPolicy] = useState<Settings["policy"] | null>(null);
  const fail = useCallback(
    (e: unknown) => void message.error(e instanceof ApiError || e instanceof Error ? e.message : String(e)),
    [message],
  );
  const load = useCallback(() => {
    api
      .get<Settings>(`/api/branches/${branchId}/followup-settings`)
      .then((s) => {
        setSettings(s);
        setPolicy(s.policy);
        setDrafts(
          Object.fromEntries(
            s.rules.map((r) => [
              r.serviceId,
              { active: r.active, days: r.days ?? 7, purpose: (r.purpose ?? "service") as Purpose },
            ]),
          ),
        );
      })
      .catch(fail);
  }, [branchId, fail]);
  useEffect(load, [load]);
  if (!settings || !policy) return null;
  const draft = (r: Rule): Draft => drafts[r.serviceId] ?? { active: false, days: 7, purpose: "service" };
  const change = (r: Rule, patch: Partial<Draft>) => setDrafts({ ...drafts, [r.serviceId]: { ...draft(r), ...patch } });
  const saveRule = (r: Rule) =>
    api
      .put(`/api/services/${r.serviceId}/followup-rule`, draft(r))
      .then(() => {
        void message.success(t("saved"));
        load();
      })
      .catch(fail);
  const savePolicy = () =>
    api
      .put("/api/followup-policy", policy)
      .then(() => {
        void message.success(t("saved"));
        load();
      })
      .catch(fail);
  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="followup-settings">
      <Typography.Paragraph type="secondary">{t("settings.help")}</Typography.Paragraph>
      <Table<Rule>
        rowKey="serviceId"
        size="small"
        pagination={false}
        dataSource={[...settings.rules]}
        columns={[
          {
            title: t("settings.business"),
            render: (_, r) => `${r.code} ${i18n.language === "en" ? r.nameEn : r.nameZh}`,
          },
          {
            title: t("settings.active"),
            render: (_, r) => (
              <Switch
                aria-label={`${t("settings.active")} ${r.code}`}
                checked={draft(r).active}
                onChange={(v) => change(r, { active: v })}
                data-testid={`rule-active-${r.code}`}
              />
            ),
          },
          {
            title: t("settings.days"),
            render: (_, r) => (
              <InputNumber
                aria-label={`${t("settings.days")} ${r.code}`}
                min={1}
                max={365}
                value={draft(r).days}
                onChange={(v) => change(r, { days: Number(v ?? 1) })}
                data-testid={`rule-days-${r.code}`}
              />
            ),
          },
          {
            title: t("settings.purpose"),
            render: (_, r) => (
              <Select
                aria-label={`${t("settings.purpose")} ${r.code}`}
                style={{ width: 140 }}
                value={draft(r).purpose}
                onChange={(v: Purpose) => change(r, { purpose: v })}
                data-testid={`rule-purpose-${r.code}`}
                options={[
                  { value: "service", label: t("purposes.service") },
                  { value: "marketing", label: t("purposes.marketing") },
                ]}
              />
            ),
          },
          {
            title: "",
            render: (_, r) => (
              <Button size="small" onClick={() => void saveRule(r)} data-testid={`rule-save-${r.code}`}>
                {t("save")}
              </Button>
            ),
          },
        ]}
      />
      <Card size="small" title={t("settings.policy")}>
        <Space wrap>
          <label htmlFor="fu-cap">{t("settings.cap")}</label>
          <InputNumber
            id="fu-cap"
            min={0}
            max={100}
            disabled={!admin}
            value={policy.marketingCap}
            onChange={(v) => setPolicy({ ...policy, marketingCap: Number(v ?? 0) })}
          />
          <label htmlFor="fu-window">{t("settings.window")}</label>
          <InputNumber
            id="fu-window"
            min={1}
            max={365}
            disabled={!admin}
            value={policy.windowDays}
            onChange={(v) => setPolicy({ ...policy, windowDays: Number(v ?? 1) })}
          />
          <label htmlFor="fu-reminder">{t("settings.reminder")}</label>
          <InputNumber
            id="fu-reminder"
            min={0}
            max={30}
            disabled={!admin}
            value={policy.reminderDays}
            onChange={(v) => setPolicy({ ...policy, reminderDays: Number(v ?? 0) })}
          />
          <label htmlFor="fu-attempts">{t("settings.maxAttempts")}</label>
          <InputNumber
            id="fu-attempts"
            min={1}
            max={10}
            disabled={!admin}
            value={policy.maxAttempts ?? 3}
            onChange={(v) => setPolicy({ ...policy, maxAttempts: Number(v ?? 3) })}
            data-testid="policy-max-attempts"
          />
          {admin ? (
            <Button onClick={() => void savePolicy()} data-testid="policy-save">
              {t("save")}
            </Button>
          ) : (
            <Typography.Text type="secondary">{t("settings.adminOnly")}</Typography.Text>
          )}
        </Space>
      </Card>
    </Space>
  );
}
