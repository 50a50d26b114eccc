import {
  Alert,
  Button,
  Card,
  Col,
  Form,
  InputNumber,
  Radio,
  Row,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, unwrapList } from "../api/client.ts";
import {
  type DayPlan,
  DISPATCH_POLICIES,
  type Service,
  SHIPPED_SCENARIOS,
  type ShippedScenario,
  type WaitFigures,
  type WhatIfResult,
} from "../api/types.ts";
import { BranchPicker } from "../components/BranchPicker.tsx";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import { useBranches } from "../lib/branch.ts";
import { localName } from "../lib/format.ts";
import { hasRole } from "../lib/session.ts";
import "../styles/staff.css";

// ECharts is a chunk of its own, fetched when the plan is drawn: the page's first load stays Ant Design only.
const PlanChart = lazy(() => import("../components/PlanChart.tsx"));
const AppointmentShare = lazy(() => import("./planning/AppointmentShare.tsx"));

const HOURS = Array.from({ length: 24 }, (_, h) => h);
const hh = (h: number): string => String(h).padStart(2, "0");
const TIMES = Array.from({ length: 49 }, (_, i) => `${hh(Math.floor(i / 2))}:${i % 2 === 0 ? "00" : "30"}`);

type Mode = "perHour" | "extra";
type Better = "lower" | "higher" | null;

interface ShownError {
  readonly message: string;
  readonly details: readonly string[];
}

function shownError(e: unknown): ShownError {
  if (!(e instanceof ApiError)) return { message: e instanceof Error ? e.message : String(e), details: [] };
  const details = Array.isArray(e.details)
    ? e.details.map((d: unknown) => {
        if (d !== null && typeof d === "object") {
          const r = d as Record<string, unknown>;
          return [r.instancePath, r.message].filter((x) => typeof x === "string" && x !== "").join(" ");
        }
        return String(d);
      })
    : e.details === undefined || e.details === null
      ? []
      : [JSON.stringify(e.details)];
  // The server's localized sentence only: a bare code such as "(conflict)" means nothing to staff.
  return { message: e.message, details: details.filter((d) => d !== "") };
}

function ErrorInPlace({ error, testId, onClose }: { error: ShownError; testId: string; onClose: () => void }) {
  return (
    <Alert
      type="error"
      showIcon
      closable
      onClose={onClose}
      data-testid={testId}
      title={error.message}
      description={
        error.details.length > 0 ? (
          <ul className="plan-error-details">
            {error.details.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}

const minutes = (x: number): string => x.toFixed(1);
const percent = (x: number): string => `${Math.round(x * 1000) / 10}%`;
const meanOf = (r: Readonly<Record<string, number>>): number => {
  const v = Object.values(r);
  return v.length === 0 ? 0 : v.reduce((s, x) => s + x, 0) / v.length;
};

/** Which side is better, for highlighting; null when they tie or the measure has no better direction. */
function betterSide(a: number, b: number, better: Better): "a" | "b" | null {
  if (better === null || Math.abs(a - b) < 1e-9) return null;
  const aWins = better === "lower" ? a < b : a > b;
  return aWins ? "a" : "b";
}

function Cell({ children, best, testId }: { children: ReactNode; best: boolean; testId?: string }) {
  return (
    <span className={best ? "plan-better" : undefined} data-testid={testId} data-better={best ? "1" : undefined}>
      {children}
    </span>
  );
}

interface MetricRow {
  readonly key: string;
  readonly label: string;
  readonly a: number;
  readonly b: number;
  readonly format: (x: number) => string;
  readonly better: Better;
}

function metricRows(
  t: (k: string) => string,
  a: WaitFigures & { utilization?: Readonly<Record<string, number>> },
  b: typeof a,
) {
  const rows: MetricRow[] = [
    {
      key: "mean",
      label: t("planning.mean"),
      a: a.meanWaitMinutes,
      b: b.meanWaitMinutes,
      format: minutes,
      better: "lower",
    },
    {
      key: "p90",
      label: t("planning.p90"),
      a: a.p90WaitMinutes,
      b: b.p90WaitMinutes,
      format: minutes,
      better: "lower",
    },
    {
      key: "p95",
      label: t("planning.p95"),
      a: a.p95WaitMinutes,
      b: b.p95WaitMinutes,
      format: minutes,
      better: "lower",
    },
    {
      key: "max",
      label: t("planning.max"),
      a: a.maxWaitMinutes,
      b: b.maxWaitMinutes,
      format: minutes,
      better: "lower",
    },
    {
      key: "within",
      label: t("planning.within"),
      a: a.withinTargetShare,
      b: b.withinTargetShare,
      format: percent,
      better: "higher",
    },
    {
      key: "walkAways",
      label: t("planning.walkAways"),
      a: a.walkAways,
      b: b.walkAways,
      format: String,
      better: "lower",
    },
    {
      key: "overAlarm",
      label: t("planning.overAlarm"),
      a: a.overAlarm,
      b: b.overAlarm,
      format: String,
      better: "lower",
    },
  ];
  if (a.utilization && b.utilization) {
    // Busier counters are not better or worse by themselves: shown, not judged.
    rows.push({
      key: "utilization",
      label: t("planning.utilization"),
      a: meanOf(a.utilization),
      b: meanOf(b.utilization),
      format: percent,
      better: null,
    });
  }
  rows.push({
    key: "customers",
    label: t("planning.customers"),
    a: a.customers,
    b: b.customers,
    format: String,
    better: null,
  });
  return rows;
}

function Results({ result, services }: { result: WhatIfResult; services: readonly Service[] }) {
  const { t } = useTranslation();
  const policy = (p: string): string => t(`admin.policy.${p}`, { defaultValue: p });
  const serviceName = (id: string): string => {
    const own = services.find((s) => s.id === id);
    if (own) return localName(own);
    return t(`planning.scenarioServices.${id}`, { defaultValue: id });
  };
  const rows = metricRows(t, result.baseline, result.whatIf);
  const diff = (row: MetricRow): string => {
    const d = row.b - row.a;
    if (Math.abs(d) < 1e-9) return "±0";
    const sign = d > 0 ? "+" : "−";
    return `${sign}${row.format(Math.abs(d))}`;
  };
  const serviceIds = Object.keys(result.baseline.byService);
  const scenarioLabel =
    result.source === "scenario"
      ? t(`planning.scenarios.${result.scenario}`, { defaultValue: result.scenario })
      : result.scenario;

  return (
    <Card
      size="small"
      title={t("planning.results")}
      data-testid="whatif-results"
      extra={<Typography.Text type="secondary">{t("planning.betterHint")}</Typography.Text>}
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t("planning.resultMeta", {
          scenario: scenarioLabel,
          seed: result.seed,
          baseline: policy(result.baseline.policy),
          whatIf: policy(result.whatIf.policy),
        })}
      </Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Table<MetricRow>
            size="small"
            pagination={false}
            rowKey="key"
            dataSource={rows}
            columns={[
              { title: t("planning.metric"), dataIndex: "label", key: "label" },
              {
                title: t("planning.baseline"),
                key: "a",
                align: "right",
                onHeaderCell: () => ({ "data-testid": "col-baseline" }) as React.HTMLAttributes<HTMLElement>,
                render: (_, r) => (
                  <Cell best={betterSide(r.a, r.b, r.better) === "a"} testId={`baseline-${r.key}`}>
                    {r.format(r.a)}
                  </Cell>
                ),
              },
              {
                title: t("planning.whatIfCol"),
                key: "b",
                align: "right",
                onHeaderCell: () => ({ "data-testid": "col-whatif" }) as React.HTMLAttributes<HTMLElement>,
                render: (_, r) => (
                  <Cell best={betterSide(r.a, r.b, r.better) === "b"} testId={`whatif-${r.key}`}>
                    {r.format(r.b)}
                  </Cell>
                ),
              },
              {
                title: t("planning.diff"),
                key: "d",
                align: "right",
                render: (_, r) => <Typography.Text type="secondary">{diff(r)}</Typography.Text>,
              },
            ]}
          />
        </Col>
        <Col xs={24} xl={14}>
          <Table<string>
            size="small"
            pagination={false}
            rowKey={(id) => id}
            dataSource={serviceIds}
            className="plan-nowrap-head"
            scroll={{ x: "max-content" }}
            data-testid="whatif-by-service"
            title={() => <strong>{t("planning.byService")}</strong>}
            columns={[
              { title: t("planning.service"), key: "svc", render: (_, id) => serviceName(id) },
              {
                title: t("planning.customers"),
                key: "n",
                align: "right",
                render: (_, id) => result.baseline.byService[id]?.customers ?? 0,
              },
              ...(
                [
                  ["mean", "meanWaitMinutes", minutes, "lower"],
                  ["p95", "p95WaitMinutes", minutes, "lower"],
                  ["within", "withinTargetShare", percent, "higher"],
                ] as const
              ).map(([label, field, format, better]) => ({
                title: t(`planning.${label}`),
                key: label,
                children: (["a", "b"] as const).map((side) => ({
                  title: side === "a" ? t("planning.baseline") : t("planning.whatIfCol"),
                  key: `${label}-${side}`,
                  align: "right" as const,
                  render: (_: unknown, id: string) => {
                    const a = result.baseline.byService[id]?.[field] ?? 0;
                    const b = result.whatIf.byService[id]?.[field] ?? 0;
                    return <Cell best={betterSide(a, b, better) === side}>{format(side === "a" ? a : b)}</Cell>;
                  },
                })),
              })),
            ]}
          />
        </Col>
      </Row>
    </Card>
  );
}

function WhatIf({
  branchId,
  plan,
  scenario,
  services,
}: {
  branchId: string;
  plan: DayPlan;
  scenario: ShippedScenario | undefined;
  services: readonly Service[];
}) {
  const { t } = useTranslation();
  const recommended = useMemo(() => {
    const perHour = new Array<number>(24).fill(0);
    for (const h of plan.hours) perHour[h.hour] = h.recommendedCounters;
    return perHour;
  }, [plan]);
  const openHours = useMemo(() => new Set(plan.hours.map((h) => h.hour)), [plan]);
  const peak = useMemo(
    () =>
      plan.hours.reduce(
        (best, h) => (h.arrivals > best.arrivals ? h : best),
        plan.hours[0] ?? { hour: 10, arrivals: 0 },
      ),
    [plan],
  );
  const [mode, setMode] = useState<Mode>("perHour");
  const [perHour, setPerHour] = useState<number[]>(recommended);
  const [extra, setExtra] = useState({
    count: 1,
    from: `${hh(peak.hour)}:00`,
    to: `${hh(Math.min(24, peak.hour + 2))}:00`,
  });
  const [policy, setPolicy] = useState<string>(plan.policy);
  const [seed, setSeed] = useState<number>(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const [result, setResult] = useState<WhatIfResult | null>(null);

  useEffect(() => {
    setPerHour(recommended);
    setExtra({ count: 1, from: `${hh(peak.hour)}:00`, to: `${hh(Math.min(24, peak.hour + 2))}:00` });
    setPolicy(plan.policy);
    setResult(null);
  }, [recommended, peak, plan.policy]);

  const run = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const body = {
        ...(mode === "perHour" ? { countersPerHour: perHour } : { extraCounters: extra }),
        policy,
        seed,
        ...(scenario === undefined ? {} : { scenario }),
      };
      setResult(await api.post<WhatIfResult>(`/api/branches/${branchId}/simulate`, body));
    } catch (e) {
      setError(shownError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Card size="small" title={t("planning.whatIf")} data-testid="whatif-form">
        <Form layout="vertical" onFinish={() => void run()}>
          <Row gutter={16}>
            <Col xs={24} md={8} lg={6}>
              <Form.Item label={t("planning.mode")}>
                <Radio.Group
                  value={mode}
                  onChange={(e) => setMode(e.target.value as Mode)}
                  optionType="button"
                  options={[
                    { value: "perHour", label: t("planning.modePerHour") },
                    { value: "extra", label: t("planning.modeExtra") },
                  ]}
                  data-testid="whatif-mode"
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={8} lg={5}>
              <Form.Item label={t("planning.policy")}>
                <Select
                  aria-label={t("planning.policy")}
                  value={policy}
                  onChange={setPolicy}
                  options={DISPATCH_POLICIES.map((p) => ({ value: p, label: t(`admin.policy.${p}`) }))}
                  data-testid="whatif-policy"
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={8} lg={4}>
              <Form.Item label={t("planning.seed")} tooltip={t("planning.seedHint")}>
                <InputNumber
                  aria-label={t("planning.seed")}
                  value={seed}
                  min={0}
                  max={2_147_483_647}
                  precision={0}
                  onChange={(v) => setSeed(v ?? 0)}
                  style={{ width: "100%" }}
                  data-testid="whatif-seed"
                />
              </Form.Item>
            </Col>
          </Row>
          {mode === "perHour" ? (
            <Form.Item
              label={
                <Space size={8} wrap>
                  <span>{t("planning.modePerHour")}</span>
                  <Button size="small" onClick={() => setPerHour(recommended)} data-testid="whatif-fill">
                    {t("planning.fillRecommended")}
                  </Button>
                  <Button
                    size="small"
                    onClick={() => setPerHour((p) => p.map((n, h) => (openHours.has(h) ? Math.min(60, n + 1) : n)))}
                    data-testid="whatif-plus-one"
                  >
                    {t("planning.plusOne")}
                  </Button>
                </Space>
              }
            >
              <div className="plan-hours">
                {HOURS.map((h) => (
                  <div key={h} className={openHours.has(h) ? "plan-hour open" : "plan-hour"}>
                    <label htmlFor={`whatif-hour-${hh(h)}`}>{hh(h)}</label>
                    <InputNumber
                      id={`whatif-hour-${hh(h)}`}
                      size="small"
                      min={0}
                      max={60}
                      precision={0}
                      controls={false}
                      value={perHour[h] ?? 0}
                      onChange={(v) => setPerHour((p) => p.map((n, i) => (i === h ? (v ?? 0) : n)))}
                      data-testid={`whatif-hour-${hh(h)}`}
                    />
                  </div>
                ))}
              </div>
            </Form.Item>
          ) : (
            <Space size={16} wrap align="end" style={{ marginBottom: 16 }}>
              <Form.Item label={t("planning.extraCount")} style={{ marginBottom: 0 }}>
                <InputNumber
                  aria-label={t("planning.extraCount")}
                  min={1}
                  max={30}
                  precision={0}
                  value={extra.count}
                  onChange={(v) => setExtra((x) => ({ ...x, count: v ?? 1 }))}
                  data-testid="whatif-extra-count"
                />
              </Form.Item>
              <Form.Item label={t("planning.from")} style={{ marginBottom: 0 }}>
                <Select
                  aria-label={t("planning.from")}
                  value={extra.from}
                  onChange={(from) => setExtra((x) => ({ ...x, from }))}
                  options={TIMES.map((v) => ({ value: v, label: v }))}
                  showSearch
                  style={{ width: 110 }}
                  data-testid="whatif-extra-from"
                />
              </Form.Item>
              <Form.Item label={t("planning.to")} style={{ marginBottom: 0 }}>
                <Select
                  aria-label={t("planning.to")}
                  value={extra.to}
                  onChange={(to) => setExtra((x) => ({ ...x, to }))}
                  options={TIMES.map((v) => ({ value: v, label: v }))}
                  showSearch
                  style={{ width: 110 }}
                  data-testid="whatif-extra-to"
                />
              </Form.Item>
            </Space>
          )}
          <Button type="primary" htmlType="submit" loading={busy} data-testid="whatif-run">
            {t("planning.run")}
          </Button>
        </Form>
        {error !== null ? (
          <div style={{ marginTop: 12 }}>
            <ErrorInPlace error={error} testId="whatif-error" onClose={() => setError(null)} />
          </div>
        ) : null}
      </Card>
      {result !== null ? <Results result={result} services={services} /> : null}
    </>
  );
}

function PlanningConsole() {
  const { t } = useTranslation();
  const user = useStaffUser();
  const { branches, branchId, setBranchId } = useBranches(user);
  const [scenario, setScenario] = useState<ShippedScenario | undefined>(undefined);
  const [plan, setPlan] = useState<DayPlan | null>(null);
  const [services, setServices] = useState<readonly Service[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const canSimulate = hasRole(user, "admin", "branch_manager");

  const load = useCallback(async () => {
    if (branchId === null) return;
    setLoading(true);
    setError(null);
    try {
      const query = scenario === undefined ? "" : `?scenario=${encodeURIComponent(scenario)}`;
      const [p, s] = await Promise.all([
        api.get<DayPlan>(`/api/branches/${branchId}/plan${query}`),
        api.get<unknown>(`/api/branches/${branchId}/services`).catch(() => []),
      ]);
      setPlan(p);
      setServices(unwrapList<Service>(s, "services"));
    } catch (e) {
      setPlan(null);
      setError(shownError(e));
    } finally {
      setLoading(false);
    }
  }, [branchId, scenario]);
  useEffect(() => {
    void load();
  }, [load]);

  const chart = useMemo(() => {
    const hours = plan?.hours ?? [];
    return {
      hours: hours.map((h) => `${hh(h.hour)}:00`),
      arrivals: hours.map((h) => h.arrivals),
      counters: hours.map((h) => h.recommendedCounters),
    };
  }, [plan]);

  if (branchId === null) return null;
  const policy = plan ? t(`admin.policy.${plan.policy}`, { defaultValue: plan.policy }) : "";
  const planScenario = SHIPPED_SCENARIOS.find((s) => s === plan?.scenario);

  return (
    <div className="planning-page">
      <Space className="lobby-toolbar" wrap size={[12, 8]}>
        <BranchPicker branches={branches} branchId={branchId} onChange={setBranchId} />
        {plan ? (
          <Tag color={plan.source === "history" ? "green" : "gold"} data-testid="plan-source" data-source={plan.source}>
            {plan.source === "history"
              ? t("planning.sourceHistory", { days: plan.historyDays })
              : t("planning.sourceScenario", {
                  name: t(`planning.scenarios.${plan.scenario}`, { defaultValue: plan.scenario }),
                })}
          </Tag>
        ) : null}
        {plan?.source === "scenario" ? (
          <Space size={6}>
            <Typography.Text type="secondary">{t("planning.scenarioPick")}</Typography.Text>
            <Select
              aria-label={t("planning.scenarioPick")}
              value={scenario ?? planScenario ?? "weekday"}
              onChange={(v: ShippedScenario) => setScenario(v)}
              style={{ minWidth: 150 }}
              options={SHIPPED_SCENARIOS.map((s) => ({ value: s, label: t(`planning.scenarios.${s}`) }))}
              data-testid="plan-scenario"
            />
          </Space>
        ) : null}
      </Space>
      {error !== null ? <ErrorInPlace error={error} testId="plan-error" onClose={() => setError(null)} /> : null}
      {plan ? (
        <Typography.Text type="secondary">
          {t("planning.targetLine", {
            share: Math.round(plan.targetShare * 100),
            minutes: plan.targetMinutes,
            policy,
            date: plan.date,
          })}
          {" · "}
          {t("planning.counterHours", { count: plan.recommendedCounterHours, erlang: plan.erlangCounterHours })}
          {plan.maxCounters !== null ? (
            <>
              {" · "}
              <span data-testid="plan-branch-counters">{t("daily.branchCounters", { count: plan.maxCounters })}</span>
            </>
          ) : null}
          {plan.confirmed ? null : (
            <Tag color="orange" style={{ marginLeft: 8 }}>
              {t("planning.notConfirmed")}
            </Tag>
          )}
        </Typography.Text>
      ) : null}
      {plan !== null && plan.hoursNeedingMore.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          data-testid="plan-needs-more"
          title={t("daily.needsMore", {
            count: plan.hoursNeedingMore.length,
            hours: plan.hoursNeedingMore.map((h) => `${hh(h)}:00`).join(t("daily.sep")),
            max: plan.maxCounters ?? 0,
          })}
        />
      ) : null}

      <Card size="small" title={t("planning.chartTitle")} loading={loading && plan === null}>
        {plan ? (
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={14}>
              <Suspense fallback={<Skeleton active paragraph={{ rows: 6 }} />}>
                <PlanChart
                  hours={chart.hours}
                  arrivals={chart.arrivals}
                  counters={chart.counters}
                  arrivalsLabel={t("planning.arrivals")}
                  countersLabel={t("planning.recommended")}
                />
              </Suspense>
            </Col>
            <Col xs={24} xl={10}>
              <Table
                size="small"
                pagination={false}
                rowKey="hour"
                dataSource={[...plan.hours]}
                data-testid="plan-table"
                locale={{ emptyText: t("planning.noPlan") }}
                columns={[
                  { title: t("planning.hour"), key: "h", render: (_, h) => `${hh(h.hour)}:00` },
                  { title: t("planning.arrivals"), dataIndex: "arrivals", key: "a", align: "right" },
                  { title: t("planning.erlang"), dataIndex: "erlangCounters", key: "e", align: "right" },
                  {
                    title: t("planning.recommended"),
                    dataIndex: "recommendedCounters",
                    key: "r",
                    align: "right",
                    render: (n: number, h) => (
                      <Space size={4}>
                        <strong>{n}</strong>
                        {h.needsMoreCounters ? (
                          <Tag color="red" data-testid={`needs-more-${h.hour}`}>
                            {t("daily.needsMoreTag", { max: plan.maxCounters ?? n })}
                          </Tag>
                        ) : null}
                      </Space>
                    ),
                  },
                  {
                    title: t("planning.simWithin"),
                    key: "w",
                    align: "right",
                    render: (_, h) => percent(h.simulatedWithinTargetShare),
                  },
                  {
                    title: t("planning.simMean"),
                    key: "m",
                    align: "right",
                    render: (_, h) => minutes(h.simulatedMeanWaitMinutes),
                  },
                ]}
              />
            </Col>
          </Row>
        ) : null}
      </Card>

      {plan === null ? null : canSimulate ? (
        <WhatIf branchId={branchId} plan={plan} scenario={scenario} services={services} />
      ) : (
        <Alert type="info" showIcon title={t("planning.whatIfNotAllowed")} data-testid="whatif-not-allowed" />
      )}
      {plan !== null && canSimulate ? (
        <Suspense fallback={<Skeleton active />}>
          <AppointmentShare branchId={branchId} {...(scenario !== undefined && { scenario })} />
        </Suspense>
      ) : null}
    </div>
  );
}

export default function Planning() {
  const { t } = useTranslation();
  return (
    <StaffShell title={t("planning.title")} roles={["branch_manager", "lobby_manager"]}>
      <PlanningConsole />
    </StaffShell>
  );
}
