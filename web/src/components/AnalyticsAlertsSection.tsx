import type { ButtonProps } from "antd";
import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  message as toast,
} from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, unwrapList } from "../api/client.ts";
import type { Branch, Service } from "../api/types.ts";
import { localName } from "../lib/format.ts";
import { useDescribeRule } from "./AnalyticsAlertBanner.tsx";

interface Rule {
  readonly id: string;
  readonly metric: string;
  readonly windowMinutes: number;
  readonly comparison: "above" | "below";
  readonly threshold: number;
  readonly serviceId: string | null;
  readonly active: boolean;
  readonly firing: boolean;
  readonly currentValue: number | null;
}

interface Subscription {
  readonly id: string;
  readonly active: boolean;
  readonly lastOutcome: "sent" | "refused" | null;
  readonly lastReason: string | null;
  readonly branchId: string | null;
  readonly period: "daily" | "weekly" | "monthly";
  readonly recipients: readonly string[];
  readonly timeOfDay: string;
  readonly timeZone: string;
  readonly lang: "zh-CN" | "en";
  readonly nextRunAt: string;
  readonly lastPeriod: string | null;
}

const METRICS = ["meanWait", "longestWait", "waitingCount", "withinTargetShare", "noShowCount"] as const;
const errorText = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** The fields of a rule, in the add form (inline) and in the edit dialog (`id` prefixes their test ids). */
function RuleFields({ services, id }: { readonly services: readonly Service[]; readonly id: string }) {
  const { t } = useTranslation("analyticsAlerts");
  return (
    <>
      <Form.Item name="metric" label={t("rules.metric")}>
        <Select
          style={{ minWidth: 200 }}
          data-testid={`${id}-metric`}
          options={METRICS.map((m) => ({ value: m, label: t(`metric.${m}`) }))}
        />
      </Form.Item>
      <Form.Item name="windowMinutes" label={t("rules.window")}>
        <InputNumber min={1} max={1440} data-testid={`${id}-window`} />
      </Form.Item>
      <Form.Item name="comparison" label={t("rules.comparison")}>
        <Select
          style={{ minWidth: 90 }}
          data-testid={`${id}-comparison`}
          options={(["above", "below"] as const).map((c) => ({ value: c, label: t(`comparison.${c}`) }))}
        />
      </Form.Item>
      <Form.Item name="threshold" label={t("rules.threshold")}>
        <InputNumber min={0} data-testid={`${id}-threshold`} />
      </Form.Item>
      <Form.Item name="serviceId" label={t("rules.service")}>
        <Select
          style={{ minWidth: 160 }}
          options={[
            { value: "", label: t("rules.allServices") },
            ...services.map((s) => ({ value: s.id, label: localName(s) })),
          ]}
        />
      </Form.Item>
    </>
  );
}

/**
 * A dialog that edits one record with a form of its fields; Save sends the form's values (`save`), whose error
 * shows in the dialog. Closed: `values` null.
 */
function EditDialog({
  title,
  values,
  testId,
  onSave,
  onClose,
  children,
}: {
  readonly title: string;
  readonly values: Record<string, unknown> | null;
  readonly testId: string;
  readonly onSave: (values: Record<string, unknown>) => Promise<void>;
  readonly onClose: () => void;
  readonly children: React.ReactNode;
}) {
  const { t } = useTranslation("analyticsEdit");
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    setError(undefined);
    if (values) form.setFieldsValue(values);
  }, [values, form]);
  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await onSave(form.getFieldsValue());
      void toast.success(t("saved"));
      onClose();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={values !== null}
      title={title}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t("save")}
      cancelText={t("cancel")}
      confirmLoading={saving}
      okButtonProps={{ "data-testid": `${testId}-save` } as ButtonProps}
      forceRender
    >
      <div data-testid={testId}>
        {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} /> : null}
        <Form form={form} layout="vertical">
          {children}
        </Form>
      </div>
    </Modal>
  );
}

/** "Remove" with a confirmation: DELETE `url`, then `onDone`, or the error's text to `onError`. */
function RemoveButton(props: {
  readonly url: string;
  readonly label: string;
  readonly testId: string;
  readonly onDone: () => void;
  readonly onError: (text: string) => void;
}) {
  return (
    <Popconfirm
      title={props.label}
      onConfirm={() => void api.delete(props.url).then(props.onDone, (e) => props.onError(errorText(e)))}
    >
      <Button size="small" danger data-testid={props.testId}>
        {props.label}
      </Button>
    </Popconfirm>
  );
}

function AlertRules({ branchId, canEdit }: { readonly branchId: string; readonly canEdit: boolean }) {
  const { t } = useTranslation("analyticsAlerts");
  const e = useTranslation("analyticsEdit").t;
  const [editing, setEditing] = useState<Rule | null>(null);
  const ruleValues = useMemo(() => editing && { ...editing, serviceId: editing.serviceId ?? "" }, [editing]);
  const describe = useDescribeRule();
  const [rules, setRules] = useState<readonly Rule[]>([]);
  const [services, setServices] = useState<readonly Service[]>([]);
  const [error, setError] = useState<string>();
  const [form] = Form.useForm();
  const load = useCallback(() => {
    api.get<Rule[]>(`/api/branches/${branchId}/analytics/alert-rules`).then(setRules, (e) => setError(errorText(e)));
  }, [branchId]);
  useEffect(() => {
    load();
    api
      .get<unknown>(`/api/branches/${branchId}/services`)
      .then((v) => setServices(unwrapList<Service>(v, "services")))
      .catch(() => undefined);
  }, [branchId, load]);
  const serviceName = (id: string | null) =>
    id === null ? t("rules.allServices") : localName(services.find((s) => s.id === id));
  const add = async (values: Record<string, unknown>) => {
    setError(undefined);
    try {
      await api.post(`/api/branches/${branchId}/analytics/alert-rules`, {
        metric: values.metric,
        windowMinutes: values.windowMinutes,
        comparison: values.comparison,
        threshold: values.threshold,
        serviceId: values.serviceId || null,
      });
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <Card size="small" title={t("rules.title")} data-testid="alert-rules">
      <Typography.Paragraph type="secondary">{t("rules.hint")}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon message={error} /> : null}
      <Table<Rule>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={[...rules]}
        locale={{ emptyText: t("rules.none") }}
        columns={[
          { title: t("rules.metric"), key: "d", render: (_: unknown, r) => describe(r) },
          { title: t("rules.service"), key: "s", render: (_: unknown, r) => serviceName(r.serviceId) },
          { title: t("rules.now"), key: "v", render: (_: unknown, r) => r.currentValue ?? "—" },
          {
            title: t("rules.state"),
            key: "f",
            render: (_: unknown, r) =>
              r.firing ? <Tag color="red">{t("rules.firing")}</Tag> : <Tag color="green">{t("rules.armed")}</Tag>,
          },
          {
            title: t("rules.active"),
            key: "a",
            render: (_: unknown, r) => (
              <Switch
                size="small"
                checked={r.active}
                disabled={!canEdit}
                aria-label={t("rules.active")}
                onChange={(active) =>
                  void api
                    .patch(`/api/analytics/alert-rules/${r.id}`, { active })
                    .then(load, (e) => setError(errorText(e)))
                }
              />
            ),
          },
          ...(canEdit
            ? [
                {
                  title: "",
                  key: "x",
                  render: (_: unknown, r: Rule) => (
                    <Space>
                      <Button size="small" data-testid="alert-rule-edit" onClick={() => setEditing(r)}>
                        {e("edit")}
                      </Button>
                      <RemoveButton
                        url={`/api/analytics/alert-rules/${r.id}`}
                        label={t("rules.remove")}
                        testId="alert-rule-remove"
                        onDone={load}
                        onError={setError}
                      />
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {canEdit ? (
        <Form
          form={form}
          layout="inline"
          style={{ marginTop: 12, rowGap: 8 }}
          initialValues={{ metric: "meanWait", windowMinutes: 15, comparison: "above", threshold: 20, serviceId: "" }}
          onFinish={add}
        >
          <RuleFields services={services} id="alert-rule" />
          <Form.Item>
            <Button type="primary" htmlType="submit" data-testid="alert-rule-add">
              {t("rules.add")}
            </Button>
          </Form.Item>
        </Form>
      ) : (
        <Alert type="info" showIcon message={e("readOnly")} style={{ marginTop: 12 }} />
      )}
      <EditDialog
        title={e("editRule")}
        testId="alert-rule-dialog"
        values={ruleValues}
        onClose={() => setEditing(null)}
        onSave={async (v) => {
          await api.patch(`/api/analytics/alert-rules/${editing?.id}`, {
            metric: v.metric,
            windowMinutes: v.windowMinutes,
            comparison: v.comparison,
            threshold: v.threshold,
            serviceId: v.serviceId || null,
            active: v.active,
          });
          load();
        }}
      >
        <RuleFields services={services} id="alert-rule-dialog" />
        <Form.Item name="active" label={e("active")} valuePropName="checked">
          <Switch />
        </Form.Item>
      </EditDialog>
    </Card>
  );
}

/** The fields of a subscription but its branch, in the add form and in the edit dialog (`id` prefixes test ids). */
function SubscriptionFields({ id }: { readonly id: string }) {
  const { t } = useTranslation("analyticsAlerts");
  return (
    <>
      <Form.Item name="period" label={t("reports.period")}>
        <Select
          style={{ minWidth: 140 }}
          data-testid={`${id}-period`}
          options={(["daily", "weekly", "monthly"] as const).map((p) => ({ value: p, label: t(`period.${p}`) }))}
        />
      </Form.Item>
      <Form.Item name="recipients" label={t("reports.recipients")} tooltip={t("reports.recipientsHelp")}>
        <Select
          mode="tags"
          style={{ minWidth: 260 }}
          open={false}
          tokenSeparators={[",", " ", ";"]}
          data-testid={`${id}-recipients`}
          aria-label={t("reports.recipients")}
        />
      </Form.Item>
      <Form.Item name="timeOfDay" label={t("reports.time")}>
        <Input style={{ width: 90 }} data-testid={`${id}-time`} />
      </Form.Item>
      <Form.Item name="lang" label={t("reports.lang")}>
        <Select
          style={{ minWidth: 100 }}
          options={(["zh-CN", "en"] as const).map((l) => ({ value: l, label: t(`langs.${l}`) }))}
        />
      </Form.Item>
    </>
  );
}

function ReportSubscriptions({
  branches,
  mayAll,
  defaultBranchId,
}: {
  readonly branches: readonly Branch[];
  /** Admins and head office subscribe to every branch's report. */
  readonly mayAll: boolean;
  readonly defaultBranchId: string | null;
}) {
  const { t } = useTranslation("analyticsAlerts");
  const e = useTranslation("analyticsEdit").t;
  const [subs, setSubs] = useState<readonly Subscription[]>([]);
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState<Subscription | null>(null);
  const subscriptionValues = useMemo(() => editing && { ...editing, recipients: [...editing.recipients] }, [editing]);
  const load = useCallback(() => {
    api.get<Subscription[]>("/api/analytics/report-subscriptions").then(setSubs, (e) => setError(errorText(e)));
  }, []);
  useEffect(load, [load]);
  const branchName = (id: string | null) =>
    id === null ? t("reports.allBranches") : localName(branches.find((b) => b.id === id));
  const add = async (values: Record<string, unknown>) => {
    setError(undefined);
    try {
      await api.post("/api/analytics/report-subscriptions", {
        branchId: values.branchId === "" ? null : values.branchId,
        period: values.period,
        recipients: values.recipients,
        timeOfDay: values.timeOfDay,
        lang: values.lang,
      });
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const sendNow = async (id: string) => {
    try {
      const r = await api.post<{ period: string; messages: number }>(`/api/analytics/report-subscriptions/${id}/send`);
      void toast.success(t("reports.sent", { period: r.period, count: r.messages }));
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const branchOptions = [
    ...(mayAll ? [{ value: "", label: t("reports.allBranches") }] : []),
    ...branches.map((b) => ({ value: b.id, label: localName(b) })),
  ];
  const outcome = (s: Subscription) =>
    s.lastOutcome === "sent" ? (
      <Tag color="green">{e("outcomeSent")}</Tag>
    ) : s.lastOutcome === "refused" ? (
      <Tag color="red" data-testid="report-refused">
        {e("outcomeRefused", { reason: e(`reason.${s.lastReason}`) })}
      </Tag>
    ) : (
      "—"
    );
  return (
    <Card size="small" title={t("reports.title")} data-testid="report-subscriptions">
      <Typography.Paragraph type="secondary">{t("reports.hint")}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon message={error} /> : null}
      <Table<Subscription>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={[...subs]}
        locale={{ emptyText: t("reports.none") }}
        scroll={{ x: true }}
        columns={[
          { title: t("reports.branch"), key: "b", render: (_: unknown, s) => branchName(s.branchId) },
          { title: t("reports.period"), key: "p", render: (_: unknown, s) => t(`period.${s.period}`) },
          { title: t("reports.recipients"), key: "r", render: (_: unknown, s) => s.recipients.join(", ") },
          { title: t("reports.time"), key: "t", render: (_: unknown, s) => `${s.timeOfDay} (${s.timeZone})` },
          { title: t("reports.lang"), key: "l", render: (_: unknown, s) => t(`langs.${s.lang}`) },
          {
            title: e("active"),
            key: "a",
            render: (_: unknown, s) => (s.active ? <Tag color="blue">{e("active")}</Tag> : "—"),
          },
          { title: t("reports.next"), key: "n", render: (_: unknown, s) => new Date(s.nextRunAt).toLocaleString() },
          { title: t("reports.last"), key: "lp", render: (_: unknown, s) => s.lastPeriod ?? "—" },
          { title: e("outcome"), key: "o", render: (_: unknown, s) => outcome(s) },
          {
            title: "",
            key: "x",
            render: (_: unknown, s) => (
              <Space>
                <Button size="small" data-testid="report-edit" onClick={() => setEditing(s)}>
                  {e("edit")}
                </Button>
                <Button size="small" data-testid="report-send-now" onClick={() => void sendNow(s.id)}>
                  {t("reports.sendNow")}
                </Button>
                <RemoveButton
                  url={`/api/analytics/report-subscriptions/${s.id}`}
                  label={t("reports.remove")}
                  testId="report-remove"
                  onDone={load}
                  onError={setError}
                />
              </Space>
            ),
          },
        ]}
      />
      <Form
        layout="inline"
        style={{ marginTop: 12, rowGap: 8 }}
        initialValues={{
          branchId: defaultBranchId ?? branches[0]?.id ?? "",
          period: "daily",
          recipients: [],
          timeOfDay: "07:30",
          lang: "zh-CN",
        }}
        onFinish={add}
      >
        <Form.Item name="branchId" label={t("reports.branch")}>
          <Select style={{ minWidth: 180 }} options={branchOptions} data-testid="report-branch" />
        </Form.Item>
        <SubscriptionFields id="report" />
        <Form.Item>
          <Button type="primary" htmlType="submit" data-testid="report-add">
            {t("reports.add")}
          </Button>
        </Form.Item>
      </Form>
      <EditDialog
        title={e("editSubscription")}
        testId="report-dialog"
        values={subscriptionValues}
        onClose={() => setEditing(null)}
        onSave={async (v) => {
          await api.patch(`/api/analytics/report-subscriptions/${editing?.id}`, {
            period: v.period,
            recipients: v.recipients,
            timeOfDay: v.timeOfDay,
            lang: v.lang,
            active: v.active,
          });
          load();
        }}
      >
        <SubscriptionFields id="report-dialog" />
        <Form.Item name="active" label={e("active")} valuePropName="checked">
          <Switch />
        </Form.Item>
      </EditDialog>
    </Card>
  );
}

/**
 * The analytics page's alert rules and report subscriptions (issue 15): branch managers and admins keep them;
 * head office reads the rules and keeps report subscriptions of its own. The open alerts themselves are the
 * banner at the top of the page (AnalyticsAlertBanner).
 */
export default function AnalyticsAlertsSection({
  branchId,
  branches,
  roles,
}: {
  /** The branch chosen on the dashboard; null or "" for all branches. */
  readonly branchId: string | null;
  readonly branches: readonly Branch[];
  readonly roles: readonly string[];
}) {
  const { t } = useTranslation("analyticsAlerts");
  const isAdmin = roles.includes("admin");
  const headOffice = roles.includes("head_office");
  const manages = isAdmin || roles.includes("branch_manager");
  const one = branchId !== null && branchId !== "" ? branchId : null;
  if (!manages && !headOffice) return null;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="analytics-alerts">
      {one ? (
        <AlertRules branchId={one} canEdit={manages} />
      ) : (
        <Card size="small" title={t("rules.title")}>
          <Alert type="info" showIcon message={t("rules.pickBranch")} />
        </Card>
      )}
      <ReportSubscriptions branches={branches} mayAll={isAdmin || headOffice} defaultBranchId={one} />
    </Space>
  );
}
