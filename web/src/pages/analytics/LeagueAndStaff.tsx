import { Alert, Card, Table, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.ts";

const pct = (v: number | null): string => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null): string => (v === null ? "—" : String(v));

function useGet<T>(url: string | null) {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    if (url === null) return;
    let live = true;
    api.get<T>(url).then(
      (data) => live && setState({ data }),
      (e: unknown) => live && setState({ error: e instanceof ApiError ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return state;
}

interface LeagueRow {
  readonly rank: number | null;
  readonly branchId: string;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly arrivedPerDay: number;
  readonly actualMeanWaitMinutes: number | null;
  readonly expectedMeanWaitMinutes: number | null;
  readonly excessWaitMinutes: number | null;
  readonly waitRatio: number | null;
  readonly actualWithinTargetShare: number | null;
  readonly expectedWithinTargetShare: number | null;
  readonly staffing: "recorded" | "all_counters";
  readonly expectedNoShowShare: number | null;
  readonly patienceMinutes: number | null;
  readonly actualWalkAwayShare: number | null;
  readonly expectedWalkAwayShare: number | null;
}

/** The fair league table of the branches the caller compares (head office: all). */
export function LeagueCard({ from, to }: { from: string; to: string }) {
  const { t, i18n } = useTranslation("analytics2");
  const league = useGet<{ rows: LeagueRow[] }>(`/api/analytics/league?from=${from}&to=${to}`);
  const { t: t3 } = useTranslation("analytics3");
  const en = i18n.language === "en";
  return (
    <Card size="small" title={t("league.title")} data-testid="league">
      <Typography.Paragraph type="secondary">{t("league.help")}</Typography.Paragraph>
      <Typography.Paragraph type="secondary" data-testid="league-includes">
        {t3("league.includes")}
      </Typography.Paragraph>
      {league.error ? <Alert type="error" showIcon message={league.error} /> : null}
      <Table<LeagueRow>
        size="small"
        rowKey="branchId"
        loading={!league.data && !league.error}
        pagination={false}
        scroll={{ x: true }}
        dataSource={league.data?.rows ?? []}
        data-testid="league-table"
        columns={[
          { title: t("league.rank"), key: "rank", render: (_, r) => r.rank ?? "—" },
          { title: t("league.branch"), key: "branch", render: (_, r) => `${r.code} ${en ? r.nameEn : r.nameZh}` },
          { title: t("league.actual"), key: "a", render: (_, r) => num(r.actualMeanWaitMinutes) },
          { title: t("league.expected"), key: "e", render: (_, r) => num(r.expectedMeanWaitMinutes) },
          { title: t("league.excess"), key: "x", render: (_, r) => num(r.excessWaitMinutes) },
          { title: t("league.ratio"), key: "r", render: (_, r) => num(r.waitRatio) },
          { title: t("league.withinActual"), key: "wa", render: (_, r) => pct(r.actualWithinTargetShare) },
          { title: t("league.withinExpected"), key: "we", render: (_, r) => pct(r.expectedWithinTargetShare) },
          { title: t3("league.walkActual"), key: "wka", render: (_, r) => pct(r.actualWalkAwayShare) },
          { title: t3("league.walkExpected"), key: "wke", render: (_, r) => pct(r.expectedWalkAwayShare) },
          { title: t3("league.patience"), key: "pat", render: (_, r) => num(r.patienceMinutes) },
          { title: t3("league.noShow"), key: "ns", render: (_, r) => pct(r.expectedNoShowShare) },
          { title: t("league.perDay"), dataIndex: "arrivedPerDay", key: "pd" },
          { title: t("league.staffing"), key: "s", render: (_, r) => t(`league.${r.staffing}`) },
        ]}
      />
    </Card>
  );
}

interface StaffRow {
  readonly username: string;
  readonly displayName: string | null;
  readonly served: number;
  readonly meanServiceMinutes: number | null;
  readonly rated: number;
  readonly satisfiedShare: number | null;
  readonly csat: number | null;
  readonly complaints: number;
  readonly complaintsPerThousand: number | null;
  readonly called: number;
  readonly withinTargetShare: number | null;
}

/** Staff evaluation per teller; a teller sees his own row only. */
export function StaffEvaluationCard({ branchId, from, to }: { branchId: string | null; from: string; to: string }) {
  const { t } = useTranslation("analytics2");
  const q = new URLSearchParams({ from, to });
  if (branchId) q.set("branchId", branchId);
  const staff = useGet<{ ownFiguresOnly: boolean; rows: StaffRow[] }>(`/api/analytics/staff?${q.toString()}`);
  return (
    <Card size="small" title={t("staff.title")} data-testid="staff-evaluation">
      {staff.error ? <Alert type="error" showIcon message={staff.error} /> : null}
      {staff.data?.ownFiguresOnly ? <Alert type="info" showIcon message={t("staff.own")} /> : null}
      <Table<StaffRow>
        size="small"
        rowKey="username"
        loading={!staff.data && !staff.error}
        pagination={false}
        scroll={{ x: true }}
        dataSource={staff.data?.rows ?? []}
        data-testid="staff-table"
        columns={[
          { title: t("staff.teller"), dataIndex: "username", key: "u" },
          { title: t("staff.name"), key: "n", render: (_, r) => r.displayName ?? "—" },
          { title: t("staff.satisfied"), key: "sat", render: (_, r) => pct(r.satisfiedShare) },
          { title: t("staff.csat"), key: "csat", render: (_, r) => num(r.csat) },
          { title: t("staff.rated"), dataIndex: "rated", key: "rated" },
          { title: t("staff.complaints"), dataIndex: "complaints", key: "c" },
          { title: t("staff.perThousand"), key: "cpt", render: (_, r) => num(r.complaintsPerThousand) },
          { title: t("staff.served"), dataIndex: "served", key: "s" },
          { title: t("staff.meanService"), key: "ms", render: (_, r) => num(r.meanServiceMinutes) },
          { title: t("staff.called"), dataIndex: "called", key: "cl" },
          { title: t("staff.withinTarget"), key: "wt", render: (_, r) => pct(r.withinTargetShare) },
        ]}
      />
    </Card>
  );
}
