import { Alert, Card, Col, Row, Statistic, Table } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.ts";
import { useStaffUser } from "../../components/StaffShell.tsx";

interface AgentFigures {
  readonly agentId: string;
  readonly name: string;
  readonly handled: number;
  readonly meanHandlingSeconds: number | null;
  readonly meanFirstResponseSeconds: number | null;
  readonly rated: number;
  readonly satisfiedShare: number | null;
  readonly meanRating: number | null;
}
interface ChatFigures {
  readonly conversations: number;
  readonly containment: number | null;
  readonly handoverRate: number | null;
  readonly meanQueueWaitSeconds: number | null;
  readonly meanFirstResponseSeconds: number | null;
  readonly meanHandlingSeconds: number | null;
  readonly callbacks: number;
  readonly agents: readonly AgentFigures[];
}

/**
 * The chat's figures for the dashboard's days (GET /api/chat/figures): containment, hand-over rate, queue wait,
 * first response, handling time and satisfaction per agent. The contact centre's figures are the admin's
 * (and each agent's own); for other roles the card is not shown.
 */
export function ChatFiguresCard({ from, to }: { readonly from: string; readonly to: string }) {
  const { t } = useTranslation("chat2");
  const user = useStaffUser();
  const allowed = user.roles.some((r) => r === "admin" || r === "agent");
  const [state, setState] = useState<{ data?: ChatFigures; error?: string }>({});
  useEffect(() => {
    if (!allowed) return;
    let live = true;
    api.get<ChatFigures>(`/api/chat/figures?${new URLSearchParams({ from, to })}`).then(
      (data) => live && setState({ data }),
      (e: unknown) => live && setState({ error: e instanceof ApiError || e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [allowed, from, to]);
  if (!allowed) return null;
  const pct = (v: number | null | undefined) =>
    v === null || v === undefined ? t("none") : `${Math.round(v * 1000) / 10}%`;
  const secs = (v: number | null | undefined) =>
    v === null || v === undefined ? t("none") : t("seconds", { value: Math.round(v) });
  const d = state.data;
  return (
    <Card size="small" title={t("figuresTitle")} data-testid="chat-figures" loading={!d && !state.error}>
      {state.error ? <Alert type="error" showIcon message={state.error} /> : null}
      {d ? (
        <>
          <Row gutter={[16, 16]}>
            {(
              [
                ["figuresConversations", String(d.conversations), "chat-conversations"],
                ["containment", pct(d.containment), "chat-containment"],
                ["handoverRate", pct(d.handoverRate), "chat-handover"],
                ["queueWait", secs(d.meanQueueWaitSeconds), "chat-queue-wait"],
                ["firstResponse", secs(d.meanFirstResponseSeconds), "chat-first-response"],
                ["handling", secs(d.meanHandlingSeconds), "chat-handling"],
                ["callbacks", String(d.callbacks), "chat-callbacks"],
              ] as const
            ).map(([key, value, testId]) => (
              <Col key={key} xs={12} md={6} lg={3}>
                <Statistic title={t(key)} value={value} data-testid={testId} />
              </Col>
            ))}
          </Row>
          <Table<AgentFigures>
            size="small"
            rowKey="agentId"
            pagination={false}
            scroll={{ x: true }}
            locale={{ emptyText: t("noAgents") }}
            dataSource={[...d.agents]}
            data-testid="chat-figures-agents"
            columns={[
              { title: t("agent"), dataIndex: "name" },
              { title: t("handled"), dataIndex: "handled" },
              { title: t("handling"), render: (_, r) => secs(r.meanHandlingSeconds) },
              { title: t("firstResponse"), render: (_, r) => secs(r.meanFirstResponseSeconds) },
              { title: t("rated"), dataIndex: "rated" },
              { title: t("satisfied"), render: (_, r) => pct(r.satisfiedShare) },
              {
                title: t("meanRating"),
                render: (_, r) => (r.meanRating === null ? t("none") : r.meanRating.toFixed(2)),
              },
            ]}
          />
        </>
      ) : null}
    </Card>
  );
}
