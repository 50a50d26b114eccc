import { Alert, App as AntApp, Button, Checkbox, Drawer, Form, Input, Radio, Skeleton, Space, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, call, client } from "../api/client.ts";
import i18n, { type Language } from "../i18n/index.ts";

type Channel = "email" | "sms";

/** GET/PUT /api/me/contact's answer. */
interface Contact {
  readonly phone: string | null;
  readonly email: string | null;
  readonly lang: Language | null;
  readonly channels: readonly Channel[];
  readonly account: { readonly phone: string | null; readonly email: string | null };
}

interface Values {
  readonly lang: Language;
  readonly phone: string;
  readonly email: string;
  readonly channels: Channel[];
}

/** The field a server refusal names (`details.field`), when it is one of this form's. */
function fieldOf(error: unknown): "phone" | "email" | null {
  if (!(error instanceof ApiError)) return null;
  const field = (error.details as { field?: unknown } | undefined)?.field;
  return field === "phone" || field === "email" ? field : null;
}

function SettingsForm({ onDone }: { readonly onDone: () => void }) {
  const { t } = useTranslation("mySettings");
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [contact, setContact] = useState<Contact | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const channels = Form.useWatch("channels", form);

  useEffect(() => {
    call(client.GET("/api/me/contact")).then(
      (answer) => {
        const c = answer as unknown as Contact;
        setContact(c);
        form.setFieldsValue({
          // Not chosen yet: the language the screens are in now.
          lang: c.lang ?? (i18n.language === "en" ? "en" : "zh-CN"),
          phone: c.phone ?? "",
          email: c.email ?? "",
          channels: [...c.channels],
        });
      },
      (error: unknown) => setProblem(t("loadFailed", { message: error instanceof Error ? error.message : error })),
    );
  }, [form, t]);

  const save = async (v: Values) => {
    setSaving(true);
    setProblem(null);
    try {
      const saved = (await call(
        client.PUT("/api/me/contact", {
          body: { lang: v.lang, phone: v.phone.trim() || null, email: v.email.trim() || null, channels: v.channels },
        }),
      )) as unknown as Contact;
      setContact(saved);
      form.setFields([
        { name: "phone", value: saved.phone ?? "", errors: [] },
        { name: "email", value: saved.email ?? "", errors: [] },
      ]);
      // The screens follow at once; the choice is kept in this browser (and on the server for every other one).
      if (saved.lang && saved.lang !== i18n.language) await i18n.changeLanguage(saved.lang);
      void message.success(i18n.t("mySettings:saved"));
    } catch (error) {
      const field = fieldOf(error);
      if (field !== null && error instanceof Error) form.setFields([{ name: field, errors: [error.message] }]);
      else setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setSaving(false);
    }
  };

  if (contact === null && problem === null) return <Skeleton active />;
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={(v) => void save(v)}
      // A server refusal shown on a field goes once that field is edited.
      onValuesChange={(changed: Partial<Values>) => {
        if ("phone" in changed) form.setFields([{ name: "phone", errors: [] }]);
      }}
      data-testid="my-settings-form"
    >
      <Typography.Paragraph type="secondary">{t("intro")}</Typography.Paragraph>
      {problem !== null ? (
        <Alert type="error" showIcon message={problem} style={{ marginBottom: 16 }} data-testid="my-settings-error" />
      ) : null}
      <Form.Item name="lang" label={t("language")} extra={t("languageHelp")}>
        <Radio.Group
          data-testid="my-lang"
          options={[
            { value: "zh-CN", label: "中文" },
            { value: "en", label: "English" },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="phone"
        label={t("phone")}
        extra={
          contact?.account.phone && !contact.phone ? t("accountFallback", { value: contact.account.phone }) : undefined
        }
      >
        <Input
          inputMode="tel"
          autoComplete="tel"
          maxLength={30}
          placeholder={t("phonePlaceholder")}
          data-testid="my-phone"
        />
      </Form.Item>
      <Form.Item
        name="email"
        label={t("email")}
        rules={[{ type: "email", message: t("emailInvalid") }]}
        extra={
          contact?.account.email && !contact.email ? t("accountFallback", { value: contact.account.email }) : undefined
        }
      >
        <Input
          type="email"
          autoComplete="email"
          maxLength={254}
          placeholder={t("emailPlaceholder")}
          data-testid="my-email"
        />
      </Form.Item>
      <Form.Item
        name="channels"
        label={t("channels")}
        extra={channels !== undefined && channels.length === 0 ? t("channelsNone") : undefined}
      >
        <Checkbox.Group
          data-testid="my-channels"
          options={[
            { value: "email", label: t("channelEmail") },
            { value: "sms", label: t("channelSms") },
          ]}
        />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="my-settings-save">
          {t("save")}
        </Button>
        <Button onClick={onDone}>{t("cancel")}</Button>
      </Space>
    </Form>
  );
}

/**
 * The signed-in member of staff's own settings, from the staff header of every console: the language of the
 * screens and of the notices sent to them, their phone and e-mail for notices, and the channels they want. Their
 * own data is shown in full. A chunk of its own, loaded on first open.
 */
export default function MySettingsDrawer({ open, onClose }: { readonly open: boolean; readonly onClose: () => void }) {
  const { t } = useTranslation("mySettings");
  return (
    <Drawer open={open} onClose={onClose} title={t("title")} destroyOnHidden data-testid="my-settings-drawer">
      <AntApp>{open ? <SettingsForm onDone={onClose} /> : null}</AntApp>
    </Drawer>
  );
}
