import { Alert, Button, Card, Col, Collapse, DatePicker, Row, Select, Space, Statistic, Table, Tabs } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../api/client.ts";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import { useBranches } from "../lib/branch.ts";
import { localName } from "../lib/format.ts";
import "../styles/staff.css";

const AnalyticsChart = lazy(() => import("../components/AnalyticsChart.tsx"));

type GroupBy = "service" | "counter" | "staff" | "hour" | "weekday" | "day" | "week" | "month" | "branch";

interface Figures {
  readonly arrived: number;
  readonly served: number;
  readonly noShows: number;
  readonly walkAways: number;
  readonly called: number;
  readonly meanWaitMinutes: number | null;
  readonly medianWaitMinutes: number | null;
  readonly p90WaitMinutes: number | null;
  readonly maxWaitMinutes: number | null;
  readonly withinTargetShare: number | null;
  readonly aboveAlarm: number;
  readonly meanServiceMinutes: number | null;
  readonly noShowShare: number | null;
  readonly walkAwayShare: number | null;
  readonly satisfiedShare: number | null;
  readonly csat: number | null;
}
interface SummaryRow extends Figures {
  readonly key: string | number;
  readonly nameZh: string | null;
  readonly nameEn: string | null;
}
interface Summary {
  readonly ownFiguresOnly: boolean;
  readonly rows: readonly SummaryRow[];
  readonly total: Figures;
}
interface GlossaryEntry {
  readonly key: string;
  readonly zh: string;
  readonly en: string;
}

const ALL = "";
const pct = (v: number | null): string => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null): string => (v === null ? "—" : String(v));

function query(branchId: string, from: string, to: string, groupBy: GroupBy): string {
  const q = new URLSearchParams({ from, to, groupBy });
  if (branchId !== ALL) q.set("branchId", branchId);
  return q.toString();
}

function useSummary(branchId: string | null, from: string, to: string, groupBy: GroupBy) {
  const [state, setState] = useState<{ data?: Summary; error?: string }>({});
  useEffect(() => {
    if (branchId === null) return;
    let live = true;
    api.get<Summary>(`/api/analytics/summary?${query(branchId, from, to, groupBy)}`).then(
      (data) => live && setState({ data }),
      (e: unknown) => live && setState({ error: e instanceof ApiError ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [branchId, from, to, groupBy]);
  return state;
}

function Dashboard() {
  const { t, i18n } = useTranslation("analytics");
  const user = useStaffUser();
  const { branches } = useBranches(user);
  const [branchId, setBranchId] = useState<string | null>(null);
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(30, "day"), dayjs()]);
  const [tab, setTab] = useState<GroupBy>("service");
  const [glossary, setGlossary] = useState<readonly GlossaryEntry[]>([]);
  useEffect(() => {
    if (branchId === null && branches.length > 0) setBranchId(branches.length > 1 ? ALL : (branches[0]?.id ?? ALL));
  }, [branches, branchId]);
  useEffect(() => {
    api.get<{ figures: GlossaryEntry[] }>("/api/analytics/glossary").then(
      (g) => setGlossary(g.figures),
      () => {},
    );
  }, []);
  const from = range[0].format("YYYY-MM-DD");
  const to = range[1].format("YYYY-MM-DD");
  const days = useSummary(branchId, from, to, "day");
  const hours = useSummary(branchId, from, to, "hour");
  const details = useSummary(branchId, from, to, tab);
  const en = i18n.language === "en";
  const total = days.data?.total;

  const dayChart = useMemo(() => {
    const rows = days.data?.rows ?? [];
    return {
      labels: rows.map((r) => String(r.key).slice(5)),
      bars: { name: t("arrivedBar"), values: rows.map((r) => r.arrived) },
      line: { name: t("meanWaitLine"), values: rows.map((r) => r.meanWaitMinutes) },
    };
  }, [days.data, t]);
  const hourChart = useMemo(() => {
    const rows = hours.data?.rows ?? [];
    return {
      labels: rows.map((r) => `${String(r.key).padStart(2, "0")}:00`),
      bars: { name: t("arrivedBar"), values: rows.map((r) => r.arrived) },
      line: { name: t("meanWaitLine"), values: rows.map((r) => r.meanWaitMinutes) },
    };
  }, [hours.data, t]);

  const keyLabel = (r: SummaryRow): string => {
    if (tab === "weekday") return (t("weekdays", { returnObjects: true }) as string[])[Number(r.key)] ?? String(r.key);
    if (tab === "hour") return `${String(r.key).padStart(2, "0")}:00`;
    return String(r.key);
  };
  const columns = [
    { title: t("col.key"), key: "key", render: (_: unknown, r: SummaryRow) => keyLabel(r) },
    ...(tab === "service" || tab === "staff" || tab === "branch"
      ? [
          {
            title: t("col.name"),
            key: "name",
            render: (_: unknown, r: SummaryRow) => (en ? r.nameEn : r.nameZh) ?? "—",
          },
        ]
      : []),
    { title: t("col.arrived"), dataIndex: "arrived", key: "arrived" },
    { title: t("col.served"), dataIndex: "served", key: "served" },
    { title: t("col.noShows"), dataIndex: "noShows", key: "noShows" },
    { title: t("col.walkAways"), dataIndex: "walkAways", key: "walkAways" },
    { title: t("col.meanWait"), key: "mw", render: (_: unknown, r: SummaryRow) => num(r.meanWaitMinutes) },
    { title: t("col.p90Wait"), key: "p90", render: (_: unknown, r: SummaryRow) => num(r.p90WaitMinutes) },
    { title: t("col.withinTarget"), key: "wt", render: (_: unknown, r: SummaryRow) => pct(r.withinTargetShare) },
    { title: t("col.aboveAlarm"), dataIndex: "aboveAlarm", key: "aboveAlarm" },
    { title: t("col.serviceTime"), key: "st", render: (_: unknown, r: SummaryRow) => num(r.meanServiceMinutes) },
    { title: t("col.satisfied"), key: "sat", render: (_: unknown, r: SummaryRow) => pct(r.satisfiedShare) },
    { title: t("col.csat"), key: "csat", render: (_: unknown, r: SummaryRow) => num(r.csat) },
  ];
  const exportQuery = branchId === null ? "" : query(branchId, from, to, tab);
  const tabs: GroupBy[] = [
    "service",
    "counter",
    "staff",
    "weekday",
    "week",
    "month",
    ...(branches.length > 1 ? (["branch"] as GroupBy[]) : []),
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="analytics">
      <Space wrap>
        {branches.length > 1 ? (
          <Select
            aria-label={t("title")}
            value={branchId ?? ALL}
            onChange={setBranchId}
            style={{ minWidth: 200 }}
            options={[
              { value: ALL, label: t("allBranches") },
              ...branches.map((b) => ({ value: b.id, label: localName(b) })),
            ]}
          />
        ) : null}
        <DatePicker.RangePicker
          aria-label={t("range")}
          value={range}
          allowClear={false}
          onChange={(v) => {
            if (v?.[0] && v[1]) setRange([v[0], v[1]]);
          }}
        />
        <Button href={`/api/analytics/summary.csv?${exportQuery}`} data-testid="export-csv">
          {t("exportCsv")}
        </Button>
        <Button href={`/api/analytics/summary.xlsx?${exportQuery}`} data-testid="export-xlsx">
          {t("exportXlsx")}
        </Button>
      </Space>
      {days.error ? <Alert type="error" showIcon message={days.error} /> : null}
      {days.data?.ownFiguresOnly ? <Alert type="info" showIcon message={t("ownOnly")} /> : null}
      {total ? (
        <Row gutter={[12, 12]} data-testid="analytics-kpis">
          {(
            [
              ["arrived", String(total.arrived)],
              ["served", String(total.served)],
              ["meanWait", total.meanWaitMinutes === null ? "—" : t("minutes", { value: total.meanWaitMinutes })],
              ["p90Wait", total.p90WaitMinutes === null ? "—" : t("minutes", { value: total.p90WaitMinutes })],
              ["withinTarget", pct(total.withinTargetShare)],
              ["noShow", pct(total.noShowShare)],
              ["walkAway", pct(total.walkAwayShare)],
              [
                "serviceTime",
                total.meanServiceMinutes === null ? "—" : t("minutes", { value: total.meanServiceMinutes }),
              ],
              ["satisfied", pct(total.satisfiedShare)],
            ] as const
          ).map(([key, value]) => (
            <Col key={key} xs={12} sm={8} md={6} lg={4}>
              <Card size="small">
                <Statistic title={t(`kpi.${key}`)} value={value} />
              </Card>
            </Col>
          ))}
        </Row>
      ) : null}
      {total && total.arrived === 0 ? <Alert type="warning" showIcon message={t("noData")} /> : null}
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t("trend")}>
            <Suspense fallback={null}>
              <AnalyticsChart {...dayChart} testId="chart-days" />
            </Suspense>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t("byHour")}>
            <Suspense fallback={null}>
              <AnalyticsChart {...hourChart} testId="chart-hours" />
            </Suspense>
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t("tables")}>
        <Tabs
          activeKey={tab}
          onChange={(k) => setTab(k as GroupBy)}
          items={tabs.map((g) => ({ key: g, label: t(`group.${g}`) }))}
        />
        {details.error ? <Alert type="error" showIcon message={details.error} /> : null}
        <Table<SummaryRow>
          size="small"
          rowKey={(r) => String(r.key)}
          columns={columns}
          dataSource={[...(details.data?.rows ?? [])]}
          pagination={false}
          scroll={{ x: true }}
          data-testid="analytics-table"
        />
      </Card>
      <Collapse
        items={[
          {
            key: "glossary",
            label: t("glossary"),
            children: (
              <dl className="analytics-glossary">
                {glossary.map((g) => (
                  <div key={g.key}>
                    <dd>{en ? g.en : g.zh}</dd>
                  </div>
                ))}
              </dl>
            ),
          },
        ]}
      />
    </Space>
  );
}

/** Branch managers and head office: waits, service, no-shows and satisfaction over any days; a teller sees his own. */
export default function Analytics() {
  const { t } = useTranslation("analytics");
  return (
    <StaffShell title={t("title")} roles={["admin", "branch_manager", "lobby_manager", "teller"]}>
      <Dashboard />
    </StaffShell>
  );
}
