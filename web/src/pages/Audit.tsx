import { Alert, Button, Card, Input, Space, Table, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../api/client.ts";
import { StaffShell } from "../components/StaffShell.tsx";
import "../styles/staff.css";

interface AuditLine {
  readonly id: number;
  readonly at: number;
  readonly actorType: string;
  readonly actorName: string | null;
  readonly action: string;
  readonly entityType: string | null;
  readonly entityId: string | null;
  readonly branchId: string | null;
  readonly ip: string | null;
  readonly details?: unknown;
}

interface Filters {
  readonly actor: string;
  readonly action: string;
  readonly entityId: string;
  /** yyyy-mm-dd, the reader's local day */
  readonly from: string;
  readonly to: string;
}
const EMPTY: Filters = { actor: "", action: "", entityId: "", from: "", to: "" };

/** The filters as the API's query: days are the reader's local days, `to` inclusive. */
function query(f: Filters): string {
  const q = new URLSearchParams();
  if (f.actor.trim()) q.set("actor", f.actor.trim());
  if (f.action.trim()) q.set("action", f.action.trim());
  if (f.entityId.trim()) q.set("entityId", f.entityId.trim());
  if (f.from) q.set("from", new Date(`${f.from}T00:00:00`).toISOString());
  if (f.to) q.set("to", new Date(new Date(`${f.to}T00:00:00`).getTime() + 86_400_000).toISOString());
  const text = q.toString();
  return text ? `?${text}` : "";
}

function Trail() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [rows, setRows] = useState<readonly AuditLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (f: Filters) => {
    setLoading(true);
    setError(null);
    try {
      setRows(await api.get<AuditLine[]>(`/api/audit${query(f)}`));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load(applied);
  }, [load, applied]);

  const field = (key: keyof Filters, type = "text") => (
    <Space direction="vertical" size={2} key={key}>
      <label htmlFor={`audit-field-${key}`}>{t(`audit.${key}`)}</label>
      <Input
        id={`audit-field-${key}`}
        type={type}
        value={filters[key]}
        onChange={(e) => setFilters({ ...filters, [key]: e.target.value })}
        onPressEnter={() => setApplied(filters)}
        placeholder={type === "text" ? t(`audit.${key}Hint`) : undefined}
        data-testid={`audit-${key}`}
        style={{ width: type === "date" ? 160 : 200 }}
      />
    </Space>
  );

  return (
    <Space direction="vertical" style={{ width: "100%" }} size={16}>
      <Card size="small">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setApplied(filters);
          }}
        >
          <Space wrap align="end">
            {field("actor")}
            {field("action")}
            {field("entityId")}
            {field("from", "date")}
            {field("to", "date")}
            <Button type="primary" htmlType="submit" data-testid="audit-search">
              {t("audit.search")}
            </Button>
            <Button
              onClick={() => {
                setFilters(EMPTY);
                setApplied(EMPTY);
              }}
            >
              {t("audit.reset")}
            </Button>
            <a className="ant-btn" href={`/api/audit.csv${query(applied)}`} download data-testid="audit-csv">
              {t("audit.csv")}
            </a>
          </Space>
        </form>
      </Card>
      {error !== null ? <Alert type="error" showIcon title={error} data-testid="audit-error" /> : null}
      <Card size="small" title={t("audit.title")}>
        <Typography.Paragraph type="secondary">{t("audit.count", { count: rows.length })}</Typography.Paragraph>
        <Table<AuditLine>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={[...rows]}
          pagination={{ pageSize: 50, showSizeChanger: false }}
          data-testid="audit-table"
          columns={[
            { title: t("audit.at"), dataIndex: "at", render: (at: number) => new Date(at).toLocaleString() },
            { title: t("audit.actor"), dataIndex: "actorName", render: (v: string | null, r) => v ?? r.actorType },
            { title: t("audit.action"), dataIndex: "action" },
            {
              title: t("audit.entityId"),
              render: (_: unknown, r) => (r.entityType ? `${r.entityType} ${r.entityId ?? ""}` : "—"),
            },
            { title: t("audit.ip"), dataIndex: "ip", render: (v: string | null) => v ?? "—" },
            {
              title: t("audit.details"),
              dataIndex: "details",
              render: (v: unknown) => (v === null || v === undefined ? "—" : <code>{JSON.stringify(v)}</code>),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

/** The auditor's page: the audit trail as a table with filters, and the same lines as CSV. */
export default function Audit() {
  const { t } = useTranslation();
  return (
    <StaffShell title={t("audit.title")} roles={["auditor", "admin"]}>
      <Trail />
    </StaffShell>
  );
}
