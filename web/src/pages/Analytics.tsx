import { Alert, Button, Card, Col, Collapse, DatePicker, Row, Select, Space, Statistic, Table, Tabs } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../api/client.ts";
import type { Answer } from "../api/types.ts";
import { AnalyticsAlertBanner } from "../components/AnalyticsAlertBanner.tsx";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import { useBranches } from "../lib/branch.ts";
import { localName } from "../lib/format.ts";
import { ChatFiguresCard } from "./chat/ChatFiguresCard.tsx";
import "../styles/staff.css";
import { LeagueCard, StaffEvaluationCard } from "./analytics/LeagueAndStaff.tsx";

const AnalyticsChart = lazy(() => import("../components/AnalyticsChart.tsx"));
const WaitHeatMap = lazy(() => import("../components/WaitHeatMap.tsx"));
const AnalyticsAlertsSection = lazy(() => import("../components/AnalyticsAlertsSection.tsx"));

type GroupBy =
  | "service"
  | "counter"
  | "staff"
  | "hour"
  | "weekday"
  | "weekdayHour"
  | "day"
  | "week"
  | "month"
  | "branch";

/** The summary as the server sends it (the generated client), not a copy of its shape. */
type Summary = Answer<"getAnalyticsSummary">;
type SummaryRow = Summary["rows"][number];
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

interface PlanActual {
  readonly day: string;
  readonly planSource: "history" | "scenario";
  readonly recommendedCounterHours: number;
  readonly actualCounterHours: number;
  readonly hours: ReadonlyArray<{
    readonly hour: number;
    readonly recommendedCounters: number;
    readonly actualCounters: number;
    readonly meanWaitMinutes: number | null;
  }>;
}

function usePlanActual(branchId: string | null, day: string) {
  const [state, setState] = useState<{ data?: PlanActual; error?: string }>({});
  useEffect(() => {
    if (branchId === null || branchId === ALL) return;
    let live = true;
    api.get<PlanActual>(`/api/branches/${branchId}/analytics/plan-vs-actual?day=${day}`).then(
      (data) => live && setState({ data }),
      (e: unknown) => live && setState({ error: e instanceof ApiError ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [branchId, day]);
  return state;
}

function Dashboard() {
  const { t, i18n } = useTranslation("analytics");
  const { t: t3 } = useTranslation("analytics3");
  const mins = (v: number | null): string => (v === null ? "—" : t("minutes", { value: v }));
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
  const heat = useSummary(branchId, from, to, "weekdayHour");
  const [planDay, setPlanDay] = useState<Dayjs>(dayjs());
  // The plan is the branch's managers' (a teller alone reads only his own figures).
  const plans = user.roles.some(
    (r) => r === "admin" || r === "head_office" || r === "branch_manager" || r === "lobby_manager",
  );
  const planActual = usePlanActual(plans ? branchId : null, planDay.format("YYYY-MM-DD"));
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

  const heatMap = useMemo(() => {
    const rows = heat.data?.rows ?? [];
    const parsed = rows
      .map((r) => {
        const [weekday, hour] = String(r.key).split("T").map(Number);
        return { weekday: weekday ?? 0, hour: hour ?? 0, wait: r.meanWaitMinutes };
      })
      .filter((c) => c.wait !== null);
    const hourList = [...new Set(parsed.map((c) => c.hour))].sort((a, b) => a - b);
    const hours =
      hourList.length === 0
        ? []
        : Array.from({ length: (hourList.at(-1) ?? 0) - (hourList[0] ?? 0) + 1 }, (_, i) => (hourList[0] ?? 0) + i);
    return {
      weekdays: (t("weekdays", { returnObjects: true }) as string[]).slice(1),
      hours,
      cells: parsed.map((c) => [hours.indexOf(c.hour), c.weekday - 1, c.wait ?? 0] as const),
      label: t("meanWaitLine"),
    };
  }, [heat.data, t]);

  const planChart = useMemo(() => {
    const hours = planActual.data?.hours ?? [];
    return {
      labels: hours.map((h) => `${String(h.hour).padStart(2, "0")}:00`),
      bars: { name: t("plan.recommended"), values: hours.map((h) => h.recommendedCounters) },
      bars2: { name: t("plan.actual"), values: hours.map((h) => h.actualCounters) },
      line: { name: t("meanWaitLine"), values: hours.map((h) => h.meanWaitMinutes) },
    };
  }, [planActual.data, t]);

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
    { title: t3("col.nps"), key: "nps", render: (_: unknown, r: SummaryRow) => num(r.nps) },
    {
      title: t3("col.complaintsPer1000"),
      key: "cpt",
      render: (_: unknown, r: SummaryRow) => num(r.complaintsPer1000Visits),
    },
    { title: t3("col.reviewWait"), key: "rw", render: (_: unknown, r: SummaryRow) => num(r.meanReviewWaitMinutes) },
    { title: t3("col.reviewTime"), key: "rt", render: (_: unknown, r: SummaryRow) => num(r.meanReviewMinutes) },
    ...(tab === "service" || tab === "staff"
      ? []
      : [
          { title: t("col.openHours"), key: "oh", render: (_: unknown, r: SummaryRow) => num(r.counterOpenHours) },
          { title: t("col.utilisation"), key: "ut", render: (_: unknown, r: SummaryRow) => pct(r.utilisation) },
          { title: t("col.idle"), key: "idle", render: (_: unknown, r: SummaryRow) => num(r.idleMinutes) },
        ]),
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
      {branchId && user.roles.some((r) => r === "admin" || r === "branch_manager" || r === "lobby_manager") ? (
        <AnalyticsAlertBanner branchId={branchId} />
      ) : branchId && user.roles.includes("head_office") ? (
        <AnalyticsAlertBanner branchId={branchId} readOnly />
      ) : null}
      {days.error ? <Alert type="error" showIcon message={days.error} /> : null}
      {days.data?.ownFiguresOnly ? <Alert type="info" showIcon message={t("ownOnly")} /> : null}
      {total ? (
        <Row gutter={[12, 12]} data-testid="analytics-kpis">
          {(
            [
              [t("kpi.arrived"), String(total.arrived)],
              [t("kpi.served"), String(total.served)],
              [t("kpi.meanWait"), mins(total.meanWaitMinutes)],
              [t("kpi.p90Wait"), mins(total.p90WaitMinutes)],
              [t("kpi.withinTarget"), pct(total.withinTargetShare)],
              [t("kpi.noShow"), pct(total.noShowShare)],
              [t("kpi.walkAway"), pct(total.walkAwayShare)],
              [t("kpi.serviceTime"), mins(total.meanServiceMinutes)],
              [t("kpi.satisfied"), pct(total.satisfiedShare)],
              [t("kpi.utilisation"), pct(total.utilisation)],
              [t("kpi.idle"), mins(total.idleMinutes)],
              [t3("kpi.nps"), num(total.nps)],
              [t3("kpi.complaintsPer1000"), num(total.complaintsPer1000Visits)],
              [t3("kpi.reviewWait"), mins(total.meanReviewWaitMinutes)],
              [t3("kpi.reviewTime"), mins(total.meanReviewMinutes)],
            ] as const
          ).map(([title, value]) => (
            <Col key={title} xs={12} sm={8} md={6} lg={4}>
              <Card size="small">
                <Statistic title={title} value={value} />
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
      <Card size="small" title={t("heatMap")}>
        {heatMap.cells.length === 0 ? (
          <Alert type="info" showIcon message={t("noData")} />
        ) : (
          <Suspense fallback={null}>
            <WaitHeatMap {...heatMap} testId="chart-heat" />
          </Suspense>
        )}
      </Card>
      {branchId !== null && branchId !== ALL && (planActual.data || planActual.error) ? (
        <Card
          size="small"
          title={t("plan.title")}
          extra={
            <DatePicker
              aria-label={t("plan.day")}
              value={planDay}
              allowClear={false}
              onChange={(v) => {
                if (v) setPlanDay(v);
              }}
            />
          }
          data-testid="plan-actual"
        >
          {planActual.error ? <Alert type="error" showIcon message={planActual.error} /> : null}
          {planActual.data ? (
            <>
              <p>
                {t("plan.summary", {
                  recommended: planActual.data.recommendedCounterHours,
                  actual: planActual.data.actualCounterHours,
                })}
              </p>
              <Suspense fallback={null}>
                <AnalyticsChart {...planChart} testId="chart-plan" />
              </Suspense>
            </>
          ) : null}
        </Card>
      ) : null}
      {total ? (
        <Card size="small" title={t3("appointments.title")} data-testid="analytics-appointments">
          {total.appointmentsBooked === 0 ? (
            <Alert type="info" showIcon message={t3("appointments.none")} />
          ) : (
            <Row gutter={[12, 12]}>
              {(
                [
                  ["booked", String(total.appointmentsBooked)],
                  ["cancelled", String(total.appointmentsCancelled)],
                  ["noShows", String(total.appointmentNoShows)],
                  ["checkedIn", String(total.appointmentsCheckedIn)],
                  ["onTime", pct(total.appointmentOnTimeShare)],
                  [
                    "leadTime",
                    total.meanLeadTimeHours === null
                      ? "—"
                      : t3("appointments.hours", { value: total.meanLeadTimeHours }),
                  ],
                ] as const
              ).map(([key, value]) => (
                <Col key={key} xs={12} sm={8} md={6} lg={4}>
                  <Statistic title={t3(`appointments.${key}`)} value={value} />
                </Col>
              ))}
            </Row>
          )}
        </Card>
      ) : null}
      <ChatFiguresCard from={from} to={to} />
      {user.roles.includes("admin") ||
      user.roles.includes("head_office") ||
      (user.roles.includes("branch_manager") && branches.length > 1) ? (
        <LeagueCard from={from} to={to} />
      ) : null}
      {user.roles.some((r) => r === "admin" || r === "head_office" || r === "branch_manager" || r === "teller") &&
      branchId !== null ? (
        <StaffEvaluationCard branchId={branchId === ALL ? null : branchId} from={from} to={to} />
      ) : null}
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
      <Suspense fallback={null}>
        <AnalyticsAlertsSection branchId={branchId} branches={branches} roles={user.roles} />
      </Suspense>
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
    <StaffShell title={t("title")} roles={["admin", "head_office", "branch_manager", "lobby_manager", "teller"]}>
      <Dashboard />
    </StaffShell>
  );
}
