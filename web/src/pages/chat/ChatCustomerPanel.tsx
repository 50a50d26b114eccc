import { Descriptions, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.ts";
import { isEnglish } from "../../i18n/index.ts";

interface ChatCustomer {
  readonly customer: {
    readonly code: string;
    readonly name: string;
    readonly phone: string;
    readonly segments: readonly string[];
    readonly vipTier: string | null;
  } | null;
  readonly visits: ReadonlyArray<{
    readonly ticketId: string;
    readonly number: string;
    readonly day: string;
    readonly serviceNameZh: string;
    readonly serviceNameEn: string;
    readonly status: string;
    readonly outcome: string | null;
  }>;
}

/**
 * The customer identified in the chat, as the agent sees them: masked identity, segments and the last visits.
 * Read once per conversation when it becomes identified (each read is recorded as a profile view).
 */
export function ChatCustomerPanel({
  conversationId,
  identified,
}: {
  readonly conversationId: string;
  readonly identified: boolean;
}) {
  const { t } = useTranslation("chat2");
  const [data, setData] = useState<ChatCustomer | null>(null);
  useEffect(() => {
    setData(null);
    if (!identified) return;
    api
      .get<ChatCustomer>(`/api/chat/conversations/${encodeURIComponent(conversationId)}/customer`)
      .then(setData, () => setData(null));
  }, [conversationId, identified]);

  const c = data?.customer;
  return (
    <div data-testid="agent-customer">
      <Typography.Title level={5}>{t("customerTitle")}</Typography.Title>
      {!identified || !c ? (
        <Typography.Text type="secondary">{t("notIdentified")}</Typography.Text>
      ) : (
        <>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t("customerName")}>{c.name || t("none")}</Descriptions.Item>
            <Descriptions.Item label={t("customerPhone")}>{c.phone}</Descriptions.Item>
            <Descriptions.Item label={t("customerCode")}>{c.code}</Descriptions.Item>
            <Descriptions.Item label={t("segments")}>
              {c.segments.length === 0 && !c.vipTier
                ? t("none")
                : [...c.segments, ...(c.vipTier ? [c.vipTier] : [])].map((s) => (
                    <Tag key={s} color={s === "vip" || s === c.vipTier ? "gold" : undefined}>
                      {t(`segment.${s}`, { defaultValue: s })}
                    </Tag>
                  ))}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Text strong>{t("recentVisits")}</Typography.Text>
          {data.visits.length === 0 ? (
            <div>
              <Typography.Text type="secondary">{t("noVisits")}</Typography.Text>
            </div>
          ) : (
            <ul className="agent-visits">
              {data.visits.map((v) => (
                <li key={v.ticketId}>
                  {v.day} {v.number} {isEnglish() ? v.serviceNameEn || v.serviceNameZh : v.serviceNameZh}
                  {v.outcome ? ` · ${v.outcome}` : ""}
                </li>
              ))}
            </ul>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("viewRecorded")}
          </Typography.Text>
        </>
      )}
    </div>
  );
}
