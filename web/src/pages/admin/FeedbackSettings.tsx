import { App as AntApp, Button, Checkbox, Form, InputNumber, Radio, Space, Switch, Table, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.ts";
import type { Service } from "../../api/types.ts";
import { serviceLabel } from "../../lib/format.ts";

interface Settings {
  readonly survey: {
    enabled: boolean;
    intervalDays: number;
    defaultIntervalDays: number;
    channel: "preferred" | "sms";
  };
  readonly review: { targetMinutes: number; alarmMinutes: number; central: boolean };
  readonly staff: { lang: "zh-CN" | "en" | null };
}
interface RetentionClass {
  readonly dataClass: string;
  readonly days: number;
  readonly defaultDays: number;
}
interface Plan {
  readonly at: string;
  readonly items: ReadonlyArray<{ dataClass: string; days: number; cutoff: string; rows: Record<string, number> }>;
}

function useSettings(branchId: string) {
  const [settings, setSettings] = useState<Settings | null>(null);
  useEffect(() => {
    api
      .get<Settings>(`/api/branches/${branchId}/feedback-settings`)
      .then(setSettings)
      .catch(() => undefined);
  }, [branchId]);
  return [settings, setSettings] as const;
}

/** Admin: the survey after service of one branch — on/off, days between two surveys of a customer, channel. */
export function SurveySettingsTab({ branchId }: { readonly branchId: string }) {
  const { t } = useTranslation("feedback2");
  const { message } = AntApp.useApp();
  const [settings, setSettings] = useSettings(branchId);
  const [form] = Form.useForm();
  useEffect(() => {
    if (settings)
      form.setFieldsValue({
        enabled: settings.survey.enabled,
        intervalDays: settings.survey.intervalDays,
        channel: settings.survey.channel,
      });
  }, [settings, form]);
  if (!settings) return null;
  const save = (v: { enabled: boolean; intervalDays: number | null; channel: "preferred" | "sms" }) =>
    api
      .put<Settings>(`/api/branches/${branchId}/feedback-settings`, {
        survey: { enabled: v.enabled, intervalDays: v.intervalDays ?? null, channel: v.channel },
      })
      .then((s) => {
        setSettings(s);
        void message.success(t("settings.saved"));
      })
      .catch((e: unknown) => void message.error(e instanceof Error ? e.message : String(e)));
  return (
    <Form form={form} layout="vertical" onFinish={save} style={{ maxWidth: 520 }} data-testid="survey-settings">
      <Form.Item name="enabled" label={t("settings.surveyEnabled")} valuePropName="checked">
        <Switch data-testid="survey-enabled" />
      </Form.Item>
      <Form.Item
        name="intervalDays"
        label={t("settings.intervalDays")}
        extra={t("settings.defaultDays", { days: settings.survey.defaultIntervalDays })}
      >
        <InputNumber min={0} max={365} data-testid="survey-interval" aria-label={t("settings.intervalDays")} />
      </Form.Item>
      <Form.Item name="channel" label={t("settings.channel")}>
        <Radio.Group
          options={[
            { value: "preferred", label: t("settings.channelPreferred") },
            { value: "sms", label: t("settings.channelSms") },
          ]}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit" data-testid="survey-save">
        {t("settings.save")}
      </Button>
    </Form>
  );
}

/** Admin: back-office review — which business types need it, the queue's target and alarm, the central queue. */
export function ReviewSettingsTab({
  branchId,
  services,
  reload,
}: {
  readonly branchId: string;
  readonly services: readonly Service[];
  readonly reload: () => void;
}) {
  const { t } = useTranslation("feedback2");
  const { message } = AntApp.useApp();
  const [settings, setSettings] = useSettings(branchId);
  const [form] = Form.useForm();
  useEffect(() => {
    if (settings) form.setFieldsValue(settings.review);
  }, [settings, form]);
  const fail = (e: unknown) => void message.error(e instanceof Error ? e.message : String(e));
  const setNeedsReview = (serviceId: string, needsReview: boolean) =>
    api
      .patch(`/api/services/${serviceId}`, { needsReview })
      .then(() => {
        reload();
        void message.success(t("settings.saved"));
      })
      .catch(fail);
  if (!settings) return null;
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Form
        form={form}
        layout="vertical"
        style={{ maxWidth: 520 }}
        data-testid="review-settings"
        onFinish={(v: Settings["review"]) =>
          api
            .put<Settings>(`/api/branches/${branchId}/feedback-settings`, { review: v })
            .then((s) => {
              setSettings(s);
              void message.success(t("settings.saved"));
            })
            .catch(fail)
        }
      >
        <Form.Item name="targetMinutes" label={t("settings.reviewTarget")}>
          <InputNumber min={1} max={1440} data-testid="review-target" aria-label={t("settings.reviewTarget")} />
        </Form.Item>
        <Form.Item name="alarmMinutes" label={t("settings.reviewAlarm")}>
          <InputNumber min={2} max={2880} data-testid="review-alarm" aria-label={t("settings.reviewAlarm")} />
        </Form.Item>
        <Form.Item name="central" valuePropName="checked">
          <Checkbox data-testid="review-central">{t("settings.central")}</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="review-save">
          {t("settings.save")}
        </Button>
      </Form>
      <Space direction="vertical">
        <Typography.Text id="staff-lang-label">{t("staffLang.label")}</Typography.Text>
        <Radio.Group
          aria-labelledby="staff-lang-label"
          data-testid="staff-lang"
          value={settings.staff.lang ?? "zh-CN"}
          onChange={(e) =>
            api
              .put<Settings>(`/api/branches/${branchId}/feedback-settings`, { staff: { lang: e.target.value } })
              .then((s) => {
                setSettings(s);
                void message.success(t("settings.saved"));
              })
              .catch(fail)
          }
          options={[
            { value: "zh-CN", label: "中文" },
            { value: "en", label: "English" },
          ]}
        />
        <Typography.Text type="secondary">{t("staffLang.help")}</Typography.Text>
      </Space>
      <Typography.Title level={5}>{t("settings.needsReview")}</Typography.Title>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={[...services]}
        data-testid="review-services"
        columns={[
          { title: t("settings.service"), key: "name", render: (_, s: Service) => `${s.prefix} ${serviceLabel(s)}` },
          {
            title: t("settings.needsReview"),
            key: "nr",
            render: (_, s: Service) => (
              <Switch
                checked={s.needsReview}
                aria-label={`${t("settings.needsReview")}: ${serviceLabel(s)}`}
                data-testid={`needs-review-${s.code}`}
                onChange={(on) => void setNeedsReview(s.id, on)}
              />
            ),
          },
        ]}
      />
    </Space>
  );
}

/** Admin: days kept per data class, and the dry run of the next retention run. */
export function RetentionTab() {
  const { t } = useTranslation("feedback2");
  const { message } = AntApp.useApp();
  const [classes, setClasses] = useState<readonly RetentionClass[]>([]);
  const [edited, setEdited] = useState<Record<string, number>>({});
  const [plan, setPlan] = useState<Plan | null>(null);
  const fail = (e: unknown) => void message.error(e instanceof Error ? e.message : String(e));
  useEffect(() => {
    api
      .get<{ classes: RetentionClass[] }>("/api/retention")
      .then((r) => setClasses(r.classes))
      .catch(() => undefined);
  }, []);
  const dryRun = () => api.get<Plan>("/api/retention/dry-run").then(setPlan).catch(fail);
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Typography.Paragraph>{t("settings.retentionIntro")}</Typography.Paragraph>
      <Table
        size="small"
        rowKey="dataClass"
        pagination={false}
        dataSource={[...classes]}
        data-testid="retention-classes"
        columns={[
          {
            title: t("settings.dataClass"),
            key: "c",
            render: (_, c: RetentionClass) => t(`settings.classes.${c.dataClass}`, { defaultValue: c.dataClass }),
          },
          {
            title: t("settings.days"),
            key: "d",
            render: (_, c: RetentionClass) => (
              <InputNumber
                min={1}
                max={100000}
                value={edited[c.dataClass] ?? c.days}
                aria-label={`${t("settings.days")}: ${t(`settings.classes.${c.dataClass}`, { defaultValue: c.dataClass })}`}
                data-testid={`retention-days-${c.dataClass}`}
                onChange={(v) => setEdited((e) => ({ ...e, [c.dataClass]: Number(v) }))}
              />
            ),
          },
          { title: t("settings.defaultDaysCol"), dataIndex: "defaultDays", key: "def" },
        ]}
      />
      <Space>
        <Button
          type="primary"
          data-testid="retention-save"
          disabled={Object.keys(edited).length === 0}
          onClick={() =>
            api
              .put<{ classes: RetentionClass[] }>("/api/retention", { days: edited })
              .then((r) => {
                setClasses(r.classes);
                setEdited({});
                void message.success(t("settings.saved"));
                void dryRun();
              })
              .catch(fail)
          }
        >
          {t("settings.save")}
        </Button>
        <Button data-testid="retention-dry-run" onClick={() => void dryRun()}>
          {t("settings.dryRun")}
        </Button>
      </Space>
      {plan && (
        <>
          <Typography.Title level={5}>{t("settings.dryRunTitle")}</Typography.Title>
          <Table
            size="small"
            rowKey="dataClass"
            pagination={false}
            dataSource={[...plan.items]}
            data-testid="retention-plan"
            columns={[
              {
                title: t("settings.dataClass"),
                key: "c",
                render: (_, i: Plan["items"][number]) =>
                  t(`settings.classes.${i.dataClass}`, { defaultValue: i.dataClass }),
              },
              { title: t("settings.days"), dataIndex: "days", key: "d" },
              {
                title: t("settings.cutoff"),
                key: "cut",
                render: (_, i: Plan["items"][number]) => new Date(i.cutoff).toLocaleDateString(),
              },
              {
                title: t("settings.rows"),
                key: "rows",
                render: (_, i: Plan["items"][number]) =>
                  Object.entries(i.rows)
                    .map(([table, n]) => `${table}: ${n}`)
                    .join(", ") || "0",
              },
            ]}
          />
        </>
      )}
    </Space>
  );
}
