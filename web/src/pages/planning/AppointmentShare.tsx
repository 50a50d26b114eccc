import { Alert, Button, Card, Slider, Space, Table, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.ts";

interface WalkIns {
  customers: number;
  meanWaitMinutes: number;
  withinTargetShare: number;
  walkAways: number;
  overAlarm: number;
}

interface ShareResult {
  share: number;
  targetWaitMinutes: number;
  baseline: WalkIns;
  withShare: WalkIns & { appointments: { booked: number; missed: number; onTimeShare: number } };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The planning page's panel: the simulator runs the day with a chosen appointment share, walk-ins compared. */
export default function AppointmentShare({ branchId, scenario }: { branchId: string; scenario?: string }) {
  const { t } = useTranslation("appointmentShare");
  const [share, setShare] = useState(30);
  const [result, setResult] = useState<ShareResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(
        await api.post<ShareResult>(`/api/branches/${branchId}/simulate/appointment-share`, {
          share: share / 100,
          ...(scenario !== undefined && { scenario }),
        }),
      );
    } catch (e) {
      setResult(null);
      setError(e instanceof ApiError ? e.message : t("failed"));
    } finally {
      setBusy(false);
    }
  };

  const rows = result
    ? [
        { key: "customers", label: t("walkIns"), a: result.baseline.customers, b: result.withShare.customers },
        {
          key: "mean",
          label: t("meanWait"),
          a: result.baseline.meanWaitMinutes.toFixed(1),
          b: result.withShare.meanWaitMinutes.toFixed(1),
        },
        {
          key: "within",
          label: t("withinTarget", { minutes: result.targetWaitMinutes }),
          a: pct(result.baseline.withinTargetShare),
          b: pct(result.withShare.withinTargetShare),
        },
        { key: "away", label: t("walkAways"), a: result.baseline.walkAways, b: result.withShare.walkAways },
        { key: "alarm", label: t("overAlarm"), a: result.baseline.overAlarm, b: result.withShare.overAlarm },
      ]
    : [];

  return (
    <Card size="small" title={t("title")} data-testid="appointment-share">
      <Space direction="vertical" style={{ width: "100%" }}>
        <Space wrap align="center">
          <Typography.Text>{t("share")}</Typography.Text>
          <Slider
            min={0}
            max={100}
            step={5}
            value={share}
            onChange={setShare}
            style={{ width: 220 }}
            tooltip={{ formatter: (v) => `${v}%` }}
            ariaLabelForHandle={t("share")}
          />
          <Typography.Text strong data-testid="appointment-share-value">
            {share}%
          </Typography.Text>
          <Button type="primary" loading={busy} onClick={() => void run()} data-testid="appointment-share-run">
            {t("run")}
          </Button>
        </Space>
        <Typography.Text type="secondary">{t("model")}</Typography.Text>
        {error !== null ? <Alert type="error" showIcon title={error} /> : null}
        {result ? (
          <>
            <Table
              size="small"
              pagination={false}
              dataSource={rows}
              data-testid="appointment-share-table"
              columns={[
                { title: t("column"), dataIndex: "label", key: "label" },
                { title: t("today"), dataIndex: "a", key: "a", align: "right" },
                {
                  title: t("withShare", { share: Math.round(result.share * 100) }),
                  dataIndex: "b",
                  key: "b",
                  align: "right",
                },
              ]}
            />
            <Typography.Text data-testid="appointment-share-booked">
              {t("booked", {
                count: result.withShare.appointments.booked,
                onTime: pct(result.withShare.appointments.onTimeShare),
              })}
            </Typography.Text>
          </>
        ) : null}
      </Space>
    </Card>
  );
}
