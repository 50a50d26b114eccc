import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  InputNumber,
  Row,
  type FormRule as Rule,
  Select,
  Space,
  Switch,
  Typography,
} from "antd";
import i18next from "i18next";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, call, client } from "../../api/client.ts";
import type { Answer, Service } from "../../api/types.ts";
import { bookingRulesEn, bookingRulesZh } from "../../i18n/booking-rules.ts";
import { localName } from "../../lib/format.ts";

// The section's strings load with it (its own chunk), not with every page's first load.
i18next.addResourceBundle("zh-CN", "bookingRules", bookingRulesZh);
i18next.addResourceBundle("en", "bookingRules", bookingRulesEn);

type Rules = Answer<"getBookingRules">;
/** getReminderSettings' answer (the generated type spells the array in a way the state setter does not take). */
interface ReminderSettings {
  readonly branchId: string;
  readonly timeZone: string;
  readonly reminderOffsetsMinutes: readonly number[];
  readonly quietHours: { readonly start: string; readonly end: string };
  readonly isDefault: boolean;
}

/** The whole-number rules, each with the range the server accepts (src/domain/appointments/rules.ts). */
const NUMBER_RULES = [
  ["daysAhead", 0, 365],
  ["minNoticeBookMinutes", 0, 10_080],
  ["minNoticeCancelMinutes", 0, 10_080],
  ["minNoticeRescheduleMinutes", 0, 10_080],
  ["capPerCustomerPerDay", 1, 20],
  ["holdMinutes", 1, 60],
  ["bufferMinutes", 0, 120],
  ["checkInEarlyMinutes", 0, 240],
  ["checkInLateMinutes", 0, 240],
  ["noShowLimit", 1, 100],
  ["noShowWindowDays", 1, 3650],
] as const;
type NumberRule = (typeof NUMBER_RULES)[number][0];
type RulesForm = Record<NumberRule, number | null> & {
  bookable: boolean;
  waitlist: boolean;
  sharePercent: number | null;
};

interface ReminderRow {
  hours: number | null;
  minutes: number | null;
}
interface RemindersForm {
  reminders: ReminderRow[];
  quietStart: string;
  quietEnd: string;
}

const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const MAX_REMINDERS = 4;
const minutesOf = (r: ReminderRow | undefined) => (r?.hours ?? 0) * 60 + (r?.minutes ?? 0);

/** A wrong field the server named (details.fields), in the page's language. */
interface FieldProblem {
  readonly field: string;
  readonly en: string;
  readonly zh: string;
}
function fieldProblems(e: unknown): FieldProblem[] {
  if (!(e instanceof ApiError)) return [];
  const fields = (e.details as { fields?: unknown } | undefined)?.fields;
  return Array.isArray(fields) ? (fields as FieldProblem[]) : [];
}

/**
 * Admin, below the booking forms (issue 13): a business type's booking rules (days ahead, notice, cap, hold, share, check-in window,
 * no-shows) and the branch's reminder times and quiet hours. Each field is checked where it is typed; a refusal
 * from the server is shown next to the field it names.
 */
export function BookingRulesTab({
  branchId,
  services,
}: {
  readonly branchId: string;
  readonly services: readonly Service[];
}) {
  return (
    <Space direction="vertical" style={{ width: "100%", marginTop: 24 }} size="large">
      <RulesCard services={services} />
      <RemindersCard branchId={branchId} />
    </Space>
  );
}

function RulesCard({ services }: { readonly services: readonly Service[] }) {
  const { t, i18n } = useTranslation("bookingRules");
  const { message } = AntApp.useApp();
  const [serviceId, setServiceId] = useState<string | undefined>(services[0]?.id);
  const [loadedFor, setLoadedFor] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<RulesForm>();
  useEffect(() => {
    if (serviceId === undefined || !services.some((s) => s.id === serviceId)) setServiceId(services[0]?.id);
  }, [services, serviceId]);
  useEffect(() => {
    if (serviceId === undefined) return;
    let current = true;
    setLoadedFor(undefined);
    call(client.GET("/api/services/{serviceId}/booking-rules", { params: { path: { serviceId } } })).then(
      (rules: Rules) => {
        if (!current) return;
        form.resetFields();
        form.setFieldsValue({ ...rules, sharePercent: Math.round(rules.share * 1000) / 10 });
        setLoadedFor(serviceId);
      },
      (e: unknown) => {
        if (current) void message.error(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      current = false;
    };
  }, [serviceId, form, message]);

  const whole = (min: number, max: number): Rule[] => [
    { required: true, message: t("required") },
    {
      validator: (_r: unknown, v: unknown) =>
        v === null || v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max)
          ? Promise.resolve()
          : Promise.reject(new Error(t("range", { min, max }))),
    },
  ];
  const save = async (v: RulesForm) => {
    if (serviceId === undefined) return;
    setSaving(true);
    try {
      const body: Partial<Rules> = {
        bookable: v.bookable,
        waitlist: v.waitlist,
        share: Math.round((v.sharePercent ?? 0) * 10) / 1000,
        ...Object.fromEntries(NUMBER_RULES.map(([k]) => [k, v[k]])),
      };
      const saved = await call(
        client.PUT("/api/services/{serviceId}/booking-rules", { params: { path: { serviceId } }, body }),
      );
      form.setFieldsValue({ ...saved, sharePercent: Math.round(saved.share * 1000) / 10 });
      void message.success(t("saved"));
    } catch (e) {
      const wrong = fieldProblems(e);
      if (wrong.length > 0)
        form.setFields(
          wrong.map((p) => ({
            name: (p.field === "share" ? "sharePercent" : p.field) as keyof RulesForm,
            errors: [i18n.language === "en" ? p.en : p.zh],
          })),
        );
      void message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card title={t("rulesTitle")} data-testid="booking-rules">
      <Typography.Paragraph type="secondary">{t("rulesHint")}</Typography.Paragraph>
      {services.length === 0 ? (
        <Empty description={t("noServices")} />
      ) : (
        <>
          <Space style={{ marginBottom: 16 }}>
            <label htmlFor="rules-service">{t("service")}</label>
            <Select
              id="rules-service"
              data-testid="rules-service"
              style={{ minWidth: 240 }}
              value={serviceId}
              onChange={setServiceId}
              options={services.map((s) => ({ value: s.id, label: `${s.prefix} ${localName(s)}` }))}
            />
          </Space>
          <Form<RulesForm>
            form={form}
            layout="vertical"
            disabled={loadedFor !== serviceId}
            onFinish={(v) => void save(v)}
            onFinishFailed={() => void message.error(t("fixErrors"))}
          >
            <Row gutter={16}>
              <Col xs={24} md={12} lg={8}>
                <Form.Item name="bookable" label={t("bookable")} valuePropName="checked">
                  <Switch data-testid="rule-bookable" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12} lg={8}>
                <Form.Item name="waitlist" label={t("waitlist")} valuePropName="checked">
                  <Switch data-testid="rule-waitlist" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12} lg={8}>
                <Form.Item
                  name="sharePercent"
                  label={t("sharePercent")}
                  rules={[
                    { required: true, message: t("required") },
                    {
                      validator: (_r: unknown, v: unknown) =>
                        v === null || v === undefined || (typeof v === "number" && v >= 0 && v <= 100)
                          ? Promise.resolve()
                          : Promise.reject(new Error(t("rangePercent", { min: 0, max: 100 }))),
                    },
                  ]}
                >
                  <InputNumber style={{ width: "100%" }} step={5} data-testid="rule-sharePercent" />
                </Form.Item>
              </Col>
              {NUMBER_RULES.map(([key, min, max]) => (
                <Col xs={24} md={12} lg={8} key={key}>
                  <Form.Item name={key} label={t(key)} rules={whole(min, max)}>
                    <InputNumber style={{ width: "100%" }} data-testid={`rule-${key}`} />
                  </Form.Item>
                </Col>
              ))}
            </Row>
            <Button type="primary" htmlType="submit" loading={saving} data-testid="rules-save">
              {t("save")}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}

function RemindersCard({ branchId }: { readonly branchId: string }) {
  const { t, i18n } = useTranslation("bookingRules");
  const { message } = AntApp.useApp();
  const [settings, setSettings] = useState<ReminderSettings | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<RemindersForm>();
  const show = useCallback(
    (s: ReminderSettings) => {
      setSettings(s);
      form.setFieldsValue({
        reminders: s.reminderOffsetsMinutes.map((m) => ({ hours: Math.floor(m / 60), minutes: m % 60 })),
        quietStart: s.quietHours.start,
        quietEnd: s.quietHours.end,
      });
    },
    [form],
  );
  useEffect(() => {
    let current = true;
    setSettings(null);
    call(client.GET("/api/branches/{branchId}/reminder-settings", { params: { path: { branchId } } })).then(
      (s) => {
        if (current) show(s as unknown as ReminderSettings);
      },
      (e: unknown) => {
        if (current) void message.error(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      current = false;
    };
  }, [branchId, show, message]);

  const save = async (v: RemindersForm) => {
    setSaving(true);
    setListError(null);
    try {
      const saved = await call(
        client.PUT("/api/branches/{branchId}/reminder-settings", {
          params: { path: { branchId } },
          body: {
            reminderOffsetsMinutes: (v.reminders ?? []).map(minutesOf),
            quietHours: { start: v.quietStart, end: v.quietEnd },
          },
        }),
      );
      show(saved as unknown as ReminderSettings);
      void message.success(t("saved"));
    } catch (e) {
      const wrong = fieldProblems(e);
      const text = (p: FieldProblem) => (i18n.language === "en" ? p.en : p.zh);
      for (const p of wrong) {
        if (p.field === "quietHours.start") form.setFields([{ name: "quietStart", errors: [text(p)] }]);
        else if (p.field === "quietHours.end") form.setFields([{ name: "quietEnd", errors: [text(p)] }]);
        else setListError(text(p));
      }
      void message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };
  const timeRules: Rule[] = [
    { required: true, message: t("required") },
    { pattern: HHMM, message: t("timeFormat") },
  ];
  /** One reminder: from 5 minutes to 14 days before, and not at the time of another. */
  const reminderRule =
    (index: number): Rule =>
    ({ getFieldValue }) => ({
      validator: () => {
        const all = (getFieldValue("reminders") ?? []) as ReminderRow[];
        const m = minutesOf(all[index]);
        const row = all[index];
        const whole = [row?.hours ?? 0, row?.minutes ?? 0].every((n) => Number.isInteger(n) && n >= 0);
        if (!whole || m < 5 || m > 14 * 24 * 60) return Promise.reject(new Error(t("reminderRange")));
        if (all.some((other, i) => i < index && minutesOf(other) === m))
          return Promise.reject(new Error(t("reminderDuplicate")));
        return Promise.resolve();
      },
    });

  if (!settings) return <Card title={t("remindersTitle")} loading />;
  return (
    <Card title={t("remindersTitle")} data-testid="reminder-settings">
      <Typography.Paragraph type="secondary">{t("remindersHint", { zone: settings.timeZone })}</Typography.Paragraph>
      {settings.isDefault && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={t("isDefault")}
          data-testid="reminders-default"
        />
      )}
      <Form<RemindersForm>
        form={form}
        layout="vertical"
        onFinish={(v) => void save(v)}
        onFinishFailed={() => void message.error(t("fixErrors"))}
      >
        <Form.List name="reminders">
          {(fields, { add, remove }) => (
            <>
              {fields.length === 0 && <Typography.Paragraph type="secondary">{t("noReminders")}</Typography.Paragraph>}
              {fields.map((field, index) => (
                <Space key={field.key} align="start" wrap style={{ display: "flex" }} data-testid={`reminder-${index}`}>
                  <Typography.Text style={{ display: "inline-block", minWidth: 96, paddingTop: 5 }}>
                    {t("reminder", { n: index + 1 })}
                  </Typography.Text>
                  <Form.Item
                    name={[field.name, "hours"]}
                    rules={[reminderRule(index)]}
                    dependencies={[["reminders"]]}
                    style={{ marginBottom: 12 }}
                  >
                    <InputNumber
                      aria-label={`${t("reminder", { n: index + 1 })} ${t("hoursBefore")}`}
                      addonAfter={t("hoursBefore")}
                      style={{ width: 140 }}
                      data-testid={`reminder-hours-${index}`}
                    />
                  </Form.Item>
                  <Form.Item name={[field.name, "minutes"]} style={{ marginBottom: 12 }}>
                    <InputNumber
                      aria-label={`${t("reminder", { n: index + 1 })} ${t("minutesBefore")}`}
                      addonAfter={t("minutesBefore")}
                      style={{ width: 190 }}
                      data-testid={`reminder-minutes-${index}`}
                    />
                  </Form.Item>
                  <Button
                    autoInsertSpace={false}
                    aria-label={t("removeReminder", { n: index + 1 })}
                    onClick={() => remove(field.name)}
                    data-testid={`reminder-remove-${index}`}
                  >
                    {t("remove")}
                  </Button>
                </Space>
              ))}
              {listError && (
                <Typography.Paragraph type="danger" role="alert" data-testid="reminders-error">
                  {listError}
                </Typography.Paragraph>
              )}
              <Form.Item>
                <Button
                  type="dashed"
                  disabled={fields.length >= MAX_REMINDERS}
                  onClick={() => add({ hours: 1, minutes: 0 })}
                  data-testid="reminder-add"
                >
                  {fields.length >= MAX_REMINDERS ? t("tooManyReminders", { max: MAX_REMINDERS }) : t("addReminder")}
                </Button>
              </Form.Item>
            </>
          )}
        </Form.List>
        <Space wrap align="start">
          <Form.Item name="quietStart" label={t("quietStart")} rules={timeRules}>
            <Input style={{ width: 140 }} placeholder="21:00" data-testid="quiet-start" />
          </Form.Item>
          <Form.Item name="quietEnd" label={t("quietEnd")} rules={timeRules} extra={t("quietNone")}>
            <Input style={{ width: 140 }} placeholder="08:00" data-testid="quiet-end" />
          </Form.Item>
        </Space>
        <div>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="reminders-save">
            {t("save")}
          </Button>
        </div>
      </Form>
    </Card>
  );
}
