import { Card, Descriptions, Space, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { call, client } from "../../api/client.ts";
import { answerText, fieldLabel, type TicketAnswers } from "../../lib/booking.ts";

/**
 * What the customer filled in online (or the lobby manager for a walk-in), for the teller when the ticket is
 * called; the counter page already lists the business type's documents as a checklist beside it. Shows nothing
 * for a walk-in ticket without answers.
 */
export function CounterTicketAnswers({ ticketId }: { readonly ticketId: string }) {
  const { t } = useTranslation("booking");
  const [data, setData] = useState<TicketAnswers | null>(null);
  useEffect(() => {
    setData(null);
    let stop = false;
    call(client.GET("/api/tickets/{ticketId}/answers", { params: { path: { ticketId } } })).then(
      (answer) => {
        if (!stop) setData(answer as TicketAnswers);
      },
      () => undefined,
    );
    return () => {
      stop = true;
    };
  }, [ticketId]);

  if (data === null) return null;
  const keys = Object.keys(data.answers);
  if (keys.length === 0 && data.appointmentId === null) return null;
  const known = new Set(data.fields.map((f) => f.key));
  const items = [
    ...data.fields
      .filter((f) => f.key in data.answers)
      .map((f) => ({ key: f.key, label: fieldLabel(f), value: answerText(f, data.answers[f.key], t("yes"), t("no")) })),
    ...keys
      .filter((k) => !known.has(k))
      .map((k) => ({ key: k, label: k, value: answerText(undefined, data.answers[k], t("yes"), t("no")) })),
  ];
  return (
    <Card
      size="small"
      title={t("counter.title")}
      extra={data.appointmentId !== null ? <Tag color="purple">{t("counter.fromAppointment")}</Tag> : null}
      style={{ margin: "8px 0" }}
      data-testid="ticket-answers"
    >
      <Space direction="vertical" style={{ width: "100%" }}>
        <Typography.Text strong>{t("counter.answers")}</Typography.Text>
        {items.length > 0 ? (
          <Descriptions
            size="small"
            column={1}
            bordered
            items={items.map((i) => ({
              key: i.key,
              label: i.label,
              children: <span data-testid={`answer-${i.key}`}>{i.value}</span>,
            }))}
          />
        ) : (
          <Typography.Text type="secondary">{t("counter.noAnswers")}</Typography.Text>
        )}
      </Space>
    </Card>
  );
}
