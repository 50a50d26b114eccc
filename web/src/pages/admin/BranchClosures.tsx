import { Alert, App as AntApp, Button, Card, Form, Input, Popconfirm, Radio, Space, Table, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { ApiError, call, client } from "../../api/client.ts";

// The shapes of listBranchClosures and setBranchClosure (the generated types spell the tuple in a way React's state
// setter does not take).
interface Closure {
  readonly day: string;
  readonly hours: readonly [string, string] | null;
  readonly reason: string;
}
interface Change extends Closure {
  readonly appointmentsAffected: number;
}
interface AddForm {
  from: string;
  to?: string;
  kind: "closed" | "hours";
  opensAt?: string;
  closesAt?: string;
  reason?: string;
}
const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/**
 * Admin tab: the branch's closed days (国庆节, 春节) and days with other hours. Slots, complaint clocks and follow-up
 * due dates read them. Appointments already booked on a closed day are counted and left alone: the answer links
 * to the appointments page's "cancel a time range", which tells the customers.
 */
export function BranchClosures({ branchId }: { readonly branchId: string }) {
  const { t } = useTranslation("closures");
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<AddForm>();
  const kind = Form.useWatch("kind", form);
  const [rows, setRows] = useState<readonly Closure[]>([]);
  const [affected, setAffected] = useState<readonly Change[]>([]);
  const [busy, setBusy] = useState(false);
  const fail = useCallback(
    (e: unknown) => void message.error(e instanceof ApiError || e instanceof Error ? e.message : String(e)),
    [message],
  );
  const load = useCallback(() => {
    call(client.GET("/api/branches/{branchId}/closures", { params: { path: { branchId } } }))
      .then((a) => setRows(a.closures as unknown as Closure[]))
      .catch(fail);
  }, [branchId, fail]);
  useEffect(load, [load]);

  const add = async (v: AddForm) => {
    setBusy(true);
    try {
      const hours = v.kind === "closed" ? null : ([v.opensAt ?? "", v.closesAt ?? ""] as [string, string]);
      const reason = (v.reason ?? "").trim();
      let changes: readonly Change[];
      if (v.to && v.to !== v.from) {
        const answer = await call(
          client.POST("/api/branches/{branchId}/closures/range", {
            params: { path: { branchId } },
            body: { from: v.from, to: v.to, hours, reason },
          }),
        );
        changes = answer.closures as unknown as Change[];
      } else {
        changes = [
          (await call(
            client.PUT("/api/branches/{branchId}/closures/{day}", {
              params: { path: { branchId, day: v.from } },
              body: { hours, reason },
            }),
          )) as unknown as Change,
        ];
      }
      setAffected(changes.filter((c) => c.appointmentsAffected > 0));
      void message.success(t("saved"));
      form.resetFields();
      load();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = (day: string) =>
    call(client.DELETE("/api/branches/{branchId}/closures/{day}", { params: { path: { branchId, day } } }))
      .then(() => {
        void message.success(t("removed"));
        load();
      })
      .catch(fail);

  const timeRule = [
    { required: true, message: t("required") },
    { pattern: HHMM, message: t("timeFormat") },
  ];
  return (
    <Card title={t("title")} data-testid="closures">
      <Typography.Paragraph type="secondary">{t("hint")}</Typography.Paragraph>
      <Form<AddForm>
        form={form}
        layout="inline"
        initialValues={{ kind: "closed", opensAt: "09:00", closesAt: "12:00" }}
        onFinish={(v) => void add(v)}
        style={{ rowGap: 8, marginBottom: 16 }}
      >
        <Form.Item name="from" label={t("from")} rules={[{ required: true, message: t("required") }]}>
          <Input type="date" data-testid="closure-from" />
        </Form.Item>
        <Form.Item name="to" label={t("to")}>
          <Input type="date" data-testid="closure-to" />
        </Form.Item>
        <Form.Item name="kind" label={t("kind")}>
          <Radio.Group
            data-testid="closure-kind"
            options={[
              { value: "closed", label: t("closed") },
              { value: "hours", label: t("hours") },
            ]}
          />
        </Form.Item>
        {kind === "hours" && (
          <>
            <Form.Item name="opensAt" label={t("opensAt")} rules={timeRule}>
              <Input style={{ width: 80 }} maxLength={5} data-testid="closure-opens" />
            </Form.Item>
            <Form.Item name="closesAt" label={t("closesAt")} rules={timeRule}>
              <Input style={{ width: 80 }} maxLength={5} data-testid="closure-closes" />
            </Form.Item>
          </>
        )}
        <Form.Item name="reason" label={t("reason")}>
          <Input maxLength={200} placeholder={t("reasonPlaceholder")} data-testid="closure-reason" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="closure-add">
            {t("add")}
          </Button>
        </Form.Item>
      </Form>
      {affected.map((c) => (
        <Alert
          key={c.day}
          type="warning"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid={`closure-affected-${c.day}`}
          title={t("affected", { count: c.appointmentsAffected, day: c.day })}
          action={
            <Link to={`/appointments?day=${c.day}&cancelRange=1`} data-testid={`closure-cancel-${c.day}`}>
              {t("cancelThem")}
            </Link>
          }
        />
      ))}
      <Table<Closure>
        rowKey="day"
        size="small"
        dataSource={rows as Closure[]}
        pagination={false}
        locale={{ emptyText: t("empty") }}
        data-testid="closures-table"
        columns={[
          { title: t("day"), dataIndex: "day", key: "day" },
          {
            title: t("hoursColumn"),
            key: "hours",
            render: (_, c) => (c.hours === null ? t("closedAllDay") : `${c.hours[0]}–${c.hours[1]}`),
          },
          { title: t("reason"), dataIndex: "reason", key: "reason" },
          {
            title: "",
            key: "remove",
            render: (_, c) => (
              <Space>
                <Popconfirm title={t("removeConfirm")} onConfirm={() => void remove(c.day)}>
                  <Button size="small" danger data-testid={`closure-remove-${c.day}`}>
                    {t("remove")}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
