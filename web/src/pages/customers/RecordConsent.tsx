import { App as AntApp, Button, Checkbox, Radio, Select, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { call, client } from "../../api/client.ts";

export interface ConsentEntry {
  purpose: string;
  granted: boolean;
  channel: string;
  textVersion: string;
  at: string;
  covers: string[];
}

type Purpose = "service" | "marketing";
type Way = "sms" | "email" | "call";
const WAYS: Record<Purpose, Way[]> = { service: ["sms", "email"], marketing: ["sms", "email", "call"] };

/** The profile's current consents: per purpose and way, the latest answer, where and when it was given. */
export function ConsentTags({ consents }: { readonly consents: readonly ConsentEntry[] }) {
  const { t } = useTranslation("customers");
  if (consents.length === 0) return <>—</>;
  return (
    <Space size={4} wrap data-testid="profile-consents">
      {consents.map((c) => (
        <Tag
          key={`${c.purpose}-${c.covers.join(",")}`}
          color={c.granted ? "green" : "default"}
          title={`${new Date(c.at).toLocaleString([], { hour12: false })} · ${c.textVersion}`}
        >
          {t(`consent.${c.purpose}`)} ({c.covers.map((w) => t(`consentForm.ways.${w}`)).join("/")}):{" "}
          {c.granted ? t("granted") : t("withdrawn")} ·{" "}
          {t(`consentForm.sources.${c.channel}`, { defaultValue: c.channel })}
        </Tag>
      ))}
    </Space>
  );
}

/**
 * Records a consent the customer gives to staff — on the phone, at the counter or in the chat — or withdraws
 * (POST /api/customers/:id/consents). A withdrawal of service messages also stops reminders already queued.
 */
export function RecordConsent({
  customerId,
  onRecorded,
}: {
  readonly customerId: string;
  readonly onRecorded: (consents: ConsentEntry[]) => void;
}) {
  const { t } = useTranslation("customers");
  const { message } = AntApp.useApp();
  const [purpose, setPurpose] = useState<Purpose>("service");
  const [granted, setGranted] = useState(true);
  const [channel, setChannel] = useState<"phone" | "counter" | "chat">("counter");
  const [covers, setCovers] = useState<Way[]>(WAYS.service);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      const r = await call(
        client.POST("/api/customers/{customerId}/consents", {
          params: { path: { customerId } },
          body: { purpose, granted, channel, covers },
        }),
      );
      onRecorded(r.consents as ConsentEntry[]);
      void message.success(t("consentForm.recorded"));
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" size={4} data-testid="consent-form" style={{ margin: "8px 0" }}>
      <Typography.Text strong>{t("consentForm.title")}</Typography.Text>
      <Space wrap>
        <Select
          aria-label={t("consentForm.purpose")}
          size="small"
          style={{ width: 200 }}
          value={purpose}
          data-testid="consent-purpose"
          onChange={(v: Purpose) => {
            setPurpose(v);
            setCovers(WAYS[v]);
          }}
          options={(["service", "marketing"] as const).map((p) => ({ value: p, label: t(`consent.${p}`) }))}
        />
        <Radio.Group
          size="small"
          value={granted}
          onChange={(e) => setGranted(e.target.value as boolean)}
          options={[
            { value: true, label: t("consentForm.grant") },
            { value: false, label: t("consentForm.withdraw") },
          ]}
          data-testid="consent-answer"
        />
        <Select
          aria-label={t("consentForm.channel")}
          size="small"
          style={{ width: 130 }}
          value={channel}
          data-testid="consent-channel"
          onChange={setChannel}
          options={(["counter", "phone", "chat"] as const).map((c) => ({
            value: c,
            label: t(`consentForm.sources.${c}`),
          }))}
        />
        <Checkbox.Group
          value={covers}
          onChange={(v) => setCovers(v as Way[])}
          options={WAYS[purpose].map((w) => ({ value: w, label: t(`consentForm.ways.${w}`) }))}
          data-testid="consent-covers"
        />
        <Button
          size="small"
          type="primary"
          loading={busy}
          disabled={covers.length === 0}
          onClick={() => void submit()}
          data-testid="consent-record"
        >
          {t("consentForm.record")}
        </Button>
      </Space>
    </Space>
  );
}
