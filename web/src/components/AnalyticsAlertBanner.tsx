import { Alert, Button, Space } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client.ts";

export interface AnalyticsAlert {
  readonly id: string;
  readonly metric: string;
  readonly windowMinutes: number;
  readonly comparison: "above" | "below";
  readonly threshold: number;
  readonly serviceId: string | null;
  readonly value: number;
  readonly firedAt: string;
  readonly clearedAt: string | null;
  readonly acknowledgedAt: string | null;
}

const WINDOWLESS = new Set(["longestWait", "waitingCount"]);

/** "Mean wait (minutes) (last 15 min) above 20": a rule or an alert in words. */
export function useDescribeRule() {
  const { t } = useTranslation("analyticsAlerts");
  return (r: Pick<AnalyticsAlert, "metric" | "windowMinutes" | "comparison" | "threshold">) =>
    t("describe", {
      metric: t(`metric.${r.metric}`),
      window: WINDOWLESS.has(r.metric) ? t("windowless") : t("lastMinutes", { minutes: r.windowMinutes }),
      comparison: t(`comparison.${r.comparison}`),
      threshold: r.threshold,
    });
}

/**
 * On the lobby and the dashboard: the branch's open threshold alerts (issue 15), polled every 20 s, each with
 * its figure when it fired; "Got it" acknowledges one (it stays until its breach clears). Head office reads them
 * only (`readOnly`: no "Got it").
 */
export function AnalyticsAlertBanner({
  branchId,
  readOnly = false,
}: {
  readonly branchId: string;
  readonly readOnly?: boolean;
}) {
  const { t } = useTranslation("analyticsAlerts");
  const describe = useDescribeRule();
  const [open, setOpen] = useState<readonly AnalyticsAlert[]>([]);
  const load = useCallback(
    () =>
      api
        .get<AnalyticsAlert[]>(`/api/branches/${branchId}/analytics/alerts`)
        .then((all) => setOpen(all.filter((a) => a.clearedAt === null)))
        .catch(() => undefined),
    [branchId],
  );
  useEffect(() => {
    void load();
    const timer = window.setInterval(load, 20_000);
    return () => window.clearInterval(timer);
  }, [load]);
  if (open.length === 0) return null;
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {open.map((a) => (
        <Alert
          key={a.id}
          type={a.acknowledgedAt === null ? "error" : "warning"}
          showIcon
          data-testid="analytics-alert"
          message={t("banner", { rule: describe(a), value: a.value })}
          action={
            a.acknowledgedAt === null && !readOnly ? (
              <Button
                size="small"
                data-testid="analytics-alert-ack"
                onClick={() => void api.post(`/api/analytics/alerts/${a.id}/acknowledge`).then(load)}
              >
                {t("acknowledge")}
              </Button>
            ) : a.acknowledgedAt !== null ? (
              <span>{t("acknowledged")}</span>
            ) : null
          }
        />
      ))}
    </Space>
  );
}
