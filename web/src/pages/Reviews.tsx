import { Alert, App as AntApp, Button, Card, Descriptions, Empty, Input, Select, Space, Table, Tag } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../api/client.ts";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import { useBranches } from "../lib/branch.ts";
import { localName } from "../lib/format.ts";
import "../styles/staff.css";

interface ReviewItem {
  readonly id: string;
  readonly ticketId: string;
  readonly branchId: string;
  readonly number: string;
  readonly serviceNameZh: string;
  readonly serviceNameEn: string;
  readonly counterNumber: number | null;
  readonly tellerName: string;
  readonly round: number;
  readonly status: "pending" | "taken";
  readonly takenBy: string | null;
  readonly waitedMinutes: number;
  readonly pastTarget: boolean;
  readonly pastAlarm: boolean;
  readonly outcome: string | null;
  readonly notes: string | null;
  readonly earlierRejections: readonly string[];
  readonly mayDecide: boolean;
  readonly record: {
    readonly issuedAt: string;
    readonly calledAt: string | null;
    readonly startedAt: string | null;
    readonly completedAt: string | null;
    readonly needs: string | null;
    readonly products: readonly string[];
    readonly recordOutcome: string | null;
  };
  readonly form: {
    readonly answers: Readonly<Record<string, string | number | boolean>>;
    readonly fields: ReadonlyArray<{ key: string; labelZh: string; labelEn: string }>;
    readonly withheld: boolean;
  };
}

const CENTRAL = "__central__";
const clock = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : "—");

/** The ticket's times and service record, and the booking form's answers the reviewer checks against. */
function RecordAndForm({ item }: { readonly item: ReviewItem }) {
  const { t, i18n } = useTranslation("record14");
  const en = i18n.language === "en";
  const value = (v: string | number | boolean | undefined) =>
    v === undefined || v === ""
      ? t("review.unanswered")
      : v === true
        ? t("review.yes")
        : v === false
          ? t("review.no")
          : String(v);
  const { record, form } = item;
  return (
    <>
      <Descriptions
        column={1}
        size="small"
        bordered
        title={t("review.serviceRecord")}
        data-testid="review-service-record"
      >
        <Descriptions.Item label={`${t("review.issued")} / ${t("review.called")}`}>
          {clock(record.issuedAt)} / {clock(record.calledAt)}
        </Descriptions.Item>
        <Descriptions.Item label={`${t("review.started")} / ${t("review.completed")}`}>
          {clock(record.startedAt)} / {clock(record.completedAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t("review.needs")}>{record.needs || "—"}</Descriptions.Item>
        <Descriptions.Item label={t("review.products")}>{record.products.join("、") || "—"}</Descriptions.Item>
        <Descriptions.Item label={t("review.recordOutcome")}>{record.recordOutcome || "—"}</Descriptions.Item>
      </Descriptions>
      <Descriptions column={1} size="small" bordered title={t("review.form")} data-testid="review-form">
        {form.withheld ? (
          <Descriptions.Item label={t("review.form")}>{t("review.formWithheld")}</Descriptions.Item>
        ) : form.fields.length === 0 ? (
          <Descriptions.Item label={t("review.form")}>{t("review.formEmpty")}</Descriptions.Item>
        ) : (
          form.fields.map((f) => (
            <Descriptions.Item key={f.key} label={en ? f.labelEn : f.labelZh}>
              <span data-testid={`review-answer-${f.key}`}>{value(form.answers[f.key])}</span>
            </Descriptions.Item>
          ))
        )}
      </Descriptions>
    </>
  );
}
const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

function Workstation() {
  const { t, i18n } = useTranslation("feedback");
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const { branches, branchId, setBranchId } = useBranches(user);
  const [scope, setScope] = useState<string | null>(null);
  const [items, setItems] = useState<readonly ReviewItem[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const current = scope ?? branchId;
  const base = current === CENTRAL ? "/api/reviews" : `/api/branches/${current}/reviews`;

  const load = useCallback(() => {
    if (!current) return;
    api
      .get<{ items: ReviewItem[] }>(base)
      .then((r) => setItems(r.items))
      .catch((e: unknown) => void message.error(errorText(e)));
  }, [current, base, message]);
  useEffect(load, [load]);
  useEffect(() => {
    const timer = window.setInterval(load, 15_000);
    return () => window.clearInterval(timer);
  }, [load]);

  const item = items.find((i) => i.id === selected);
  const takeNext = () => {
    setBusy(true);
    api
      .post<ReviewItem | undefined>(`${base}/next`)
      .then((taken) => {
        if (!taken) void message.info(t("reviews.noneLeft"));
        else setSelected(taken.id);
        load();
      })
      .catch((e: unknown) => void message.error(errorText(e)))
      .finally(() => setBusy(false));
  };
  const decide = (kind: "approve" | "reject") => {
    if (!item) return;
    if (kind === "reject" && !reason.trim()) {
      void message.warning(t("reviews.reasonRequired"));
      return;
    }
    setBusy(true);
    api
      .post(`/api/reviews/${item.id}/${kind}`, kind === "reject" ? { reason: reason.trim() } : {})
      .then(() => {
        void message.success(t(kind === "approve" ? "reviews.approved" : "reviews.rejected"));
        setSelected(null);
        setReason("");
        load();
      })
      .catch((e: unknown) => void message.error(errorText(e)))
      .finally(() => setBusy(false));
  };

  return (
    <div
      className="reviews-layout"
      style={{ display: "grid", gridTemplateColumns: "minmax(0, 3fr) minmax(0, 2fr)", gap: 16 }}
    >
      <Card
        title={
          <Space>
            <Select
              style={{ minWidth: 220 }}
              value={current ?? undefined}
              onChange={(v: string) => {
                if (v === CENTRAL) setScope(CENTRAL);
                else {
                  setScope(null);
                  setBranchId(v);
                }
              }}
              options={[
                ...branches.map((b) => ({ value: b.id, label: localName(b) })),
                { value: CENTRAL, label: t("reviews.central") },
              ]}
              data-testid="review-scope"
              aria-label={t("record14:review.queue")}
            />
            <Button onClick={load} data-testid="reviews-refresh">
              {t("reviews.refresh")}
            </Button>
          </Space>
        }
        extra={
          <Button type="primary" loading={busy} onClick={takeNext} data-testid="review-take-next">
            {t("reviews.takeNext")}
          </Button>
        }
      >
        <Table<ReviewItem>
          rowKey="id"
          size="small"
          dataSource={[...items]}
          pagination={false}
          locale={{ emptyText: t("reviews.empty") }}
          data-testid="reviews-table"
          onRow={(r) => ({ onClick: () => setSelected(r.id), style: { cursor: "pointer" } })}
          rowClassName={(r) => (r.id === selected ? "ant-table-row-selected" : "")}
          columns={[
            { title: t("reviews.number"), dataIndex: "number" },
            {
              title: t("reviews.service"),
              render: (_v, r) => (i18n.language === "en" ? r.serviceNameEn : r.serviceNameZh),
            },
            { title: t("reviews.counter"), dataIndex: "counterNumber" },
            { title: t("reviews.teller"), dataIndex: "tellerName" },
            {
              title: t("reviews.waited"),
              render: (_v, r) => (
                <Space size={4}>
                  {t("reviews.waitedMinutes", { count: r.waitedMinutes })}
                  {r.pastAlarm ? (
                    <Tag color="red">{t("reviews.pastAlarm")}</Tag>
                  ) : r.pastTarget ? (
                    <Tag color="orange">{t("reviews.pastTarget")}</Tag>
                  ) : null}
                </Space>
              ),
            },
            {
              title: t("reviews.status"),
              render: (_v, r) => (
                <Space size={4}>
                  <Tag color={r.status === "taken" ? "blue" : "default"}>{t(`reviews.${r.status}`)}</Tag>
                  {!r.mayDecide && <Tag>{t("reviews.ownTicket")}</Tag>}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card title={t("reviews.record")} data-testid="review-detail">
        {!item ? (
          <Empty description={t("reviews.select")} />
        ) : (
          <Space direction="vertical" style={{ width: "100%" }}>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t("reviews.number")}>
                {item.number} · {t("reviews.round", { round: item.round })}
              </Descriptions.Item>
              <Descriptions.Item label={t("reviews.service")}>
                {i18n.language === "en" ? item.serviceNameEn : item.serviceNameZh}
              </Descriptions.Item>
              <Descriptions.Item label={t("reviews.teller")}>
                {item.tellerName} · {t("reviews.counter")} {item.counterNumber ?? "—"}
              </Descriptions.Item>
              <Descriptions.Item label={t("reviews.outcome")}>{item.outcome ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("reviews.notes")}>
                <span style={{ whiteSpace: "pre-wrap" }} data-testid="review-notes">
                  {item.notes ?? "—"}
                </span>
              </Descriptions.Item>
              {item.earlierRejections.length > 0 && (
                <Descriptions.Item label={t("reviews.earlier")}>{item.earlierRejections.join("；")}</Descriptions.Item>
              )}
            </Descriptions>
            <RecordAndForm item={item} />
            {!item.mayDecide ? (
              <Alert type="warning" showIcon message={t("reviews.ownTicket")} />
            ) : (
              <>
                <Input.TextArea
                  rows={2}
                  maxLength={500}
                  placeholder={t("reviews.reason")}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  aria-label={t("reviews.reason")}
                  data-testid="review-reason"
                />
                <Space>
                  <Button type="primary" loading={busy} onClick={() => decide("approve")} data-testid="review-approve">
                    {t("reviews.approve")}
                  </Button>
                  <Button danger loading={busy} onClick={() => decide("reject")} data-testid="review-reject">
                    {t("reviews.reject")}
                  </Button>
                </Space>
              </>
            )}
          </Space>
        )}
      </Card>
    </div>
  );
}

export default function Reviews() {
  const { t } = useTranslation("feedback");
  return (
    <StaffShell title={t("reviews.title")} roles={["admin", "branch_manager", "back_office", "lobby_manager"]}>
      <AntApp>
        <Workstation />
      </AntApp>
    </StaffShell>
  );
}
