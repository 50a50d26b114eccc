import { Alert, App as AntApp, Button, Card, Descriptions, Input, Space, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, call, client } from "../api/client.ts";
import { AttachCustomer } from "./AttachCustomer.tsx";

/** The call card's answer (GET /api/tickets/:ticketId/call-card); identity fields arrive masked. */
interface CallCardData {
  ticketId: string;
  customer: {
    id: string;
    code: string;
    name: string;
    phone: string;
    segments: Array<{ code: string; source: "staff" | "rule" }>;
    vipTier: string | null;
    preferences: { lang: string; channel: string; counter: string | null };
    consents: Array<{ purpose: string; granted: boolean }>;
    notes: string;
  } | null;
  lastVisits: Array<{
    ticketId: string;
    day: string;
    number: string;
    serviceNameZh: string;
    serviceNameEn: string;
    outcome: string | null;
  }>;
  openComplaints: Array<{ id: string; category: string; status: string; dueAt: string }>;
  answers: {
    answers: Record<string, string | number | boolean>;
    fields: Array<{ key: string; labelZh: string; labelEn: string }>;
    requiredDocuments: string[];
  };
}

interface ServiceRecord {
  needs: string;
  products: string[];
  outcome: string;
  reportId: string | null;
}

/**
 * The counter's call card (issue 14): who the called ticket's customer is (masked), their segments,
 * consents, last visits, open complaints and form answers, and the teller's service record. A walk-in
 * without a customer may be attached by phone here.
 */
export function CallCard({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation("customers");
  const { message } = AntApp.useApp();
  const en = i18n.language === "en";
  const [card, setCard] = useState<CallCardData | null>(null);
  const [record, setRecord] = useState<ServiceRecord>({ needs: "", products: [], outcome: "", reportId: null });
  const [products, setProducts] = useState("");

  const load = useCallback(async () => {
    const [c, r] = await Promise.all([
      api.get<CallCardData>(`/api/tickets/${ticketId}/call-card`),
      api.get<ServiceRecord>(`/api/tickets/${ticketId}/service-record`),
    ]);
    setCard(c);
    setRecord(r);
    setProducts(r.products.join(", "));
  }, [ticketId]);

  useEffect(() => {
    load().catch(() => setCard(null));
  }, [load]);

  const save = async () => {
    try {
      const saved = await call(
        client.PUT("/api/tickets/{ticketId}/service-record", {
          params: { path: { ticketId } },
          body: {
            needs: record.needs,
            products: products
              .split(/[,，]/)
              .map((p) => p.trim())
              .filter(Boolean),
            outcome: record.outcome,
          },
        }),
      );
      setRecord(saved as unknown as ServiceRecord);
      void message.success(t("saved"));
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    }
  };

  if (!card) return null;
  const c = card.customer;
  const labels = new Map(card.answers.fields.map((f) => [f.key, en ? f.labelEn : f.labelZh]));
  return (
    <Card size="small" title={t("callCard")} data-testid="call-card" style={{ margin: "8px 0" }}>
      {c === null ? (
        <Space wrap>
          <Typography.Text type="secondary">{t("walkIn")}</Typography.Text>
          <AttachCustomer ticketId={ticketId} onAttached={() => void load()} />
        </Space>
      ) : (
        <Descriptions size="small" column={2}>
          <Descriptions.Item label={t("name")}>
            <span data-testid="call-card-name">{c.name}</span> ({c.code})
          </Descriptions.Item>
          <Descriptions.Item label={t("phone")}>{c.phone}</Descriptions.Item>
          <Descriptions.Item label={t("segments")}>
            {c.segments.map((s) => (
              <Tag key={s.code} color={s.code === "vip" ? "gold" : "blue"}>
                {t(`segment.${s.code}`)}
              </Tag>
            ))}
            {c.vipTier ? <Tag color="gold">{t(`tier.${c.vipTier}`)}</Tag> : null}
          </Descriptions.Item>
          <Descriptions.Item label={t("consents")}>
            {c.consents.map((k) => (
              <Tag key={k.purpose} color={k.granted ? "green" : "default"}>
                {t(`consent.${k.purpose}`)}: {k.granted ? t("granted") : t("withdrawn")}
              </Tag>
            ))}
          </Descriptions.Item>
          {c.notes ? <Descriptions.Item label={t("notes")}>{c.notes}</Descriptions.Item> : null}
          <Descriptions.Item label={t("lastVisits")} span={2}>
            {card.lastVisits.length === 0
              ? "—"
              : card.lastVisits
                  .map(
                    (v) =>
                      `${v.day} ${v.number} ${en ? v.serviceNameEn : v.serviceNameZh}${v.outcome ? ` (${v.outcome})` : ""}`,
                  )
                  .join("; ")}
          </Descriptions.Item>
          <Descriptions.Item label={t("complaints")} span={2}>
            {card.openComplaints.length === 0
              ? t("noComplaints")
              : card.openComplaints.map((x) => x.category).join(", ")}
          </Descriptions.Item>
        </Descriptions>
      )}
      {Object.keys(card.answers.answers).length > 0 ? (
        <Alert
          type="info"
          title={t("formAnswers")}
          description={Object.entries(card.answers.answers)
            .map(([k, v]) => `${labels.get(k) ?? k}: ${String(v)}`)
            .join("; ")}
          style={{ margin: "8px 0" }}
        />
      ) : null}
      <Typography.Text strong>{t("serviceRecord")}</Typography.Text>
      <Space direction="vertical" style={{ width: "100%" }}>
        <Input
          aria-label={t("needs")}
          placeholder={t("needs")}
          value={record.needs}
          maxLength={1000}
          disabled={record.reportId !== null}
          onChange={(e) => setRecord({ ...record, needs: e.target.value })}
          data-testid="record-needs"
        />
        <Input
          aria-label={t("products")}
          placeholder={`${t("products")} (${t("productsPlaceholder")})`}
          value={products}
          disabled={record.reportId !== null}
          onChange={(e) => setProducts(e.target.value)}
        />
        <Input
          aria-label={t("outcome")}
          placeholder={t("outcome")}
          value={record.outcome}
          maxLength={500}
          disabled={record.reportId !== null}
          onChange={(e) => setRecord({ ...record, outcome: e.target.value })}
        />
        <Button onClick={() => void save()} disabled={record.reportId !== null} data-testid="record-save">
          {t("save")}
        </Button>
      </Space>
    </Card>
  );
}
