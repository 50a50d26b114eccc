import {
  Alert,
  App as AntApp,
  Button,
  Drawer,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../api/client.ts";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import { useBranches } from "../lib/branch.ts";
import { localName } from "../lib/format.ts";
import { rolesOf } from "../lib/session.ts";
import "../styles/staff.css";

interface MessageRow {
  readonly id: string;
  readonly kind: string;
  readonly channel: "sms" | "email";
  readonly recipient: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: string;
}
interface Subscription {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: string[];
  readonly branchId: string | null;
  readonly allowPersonalData: boolean;
  readonly active: boolean;
  readonly description: string;
}
interface Delivery {
  readonly id: string;
  readonly eventType: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly lastStatusCode: number | null;
  readonly createdAt: string;
}

const STATUSES = ["pending", "sending", "sent", "failed", "dead", "undeliverable", "cancelled"] as const;
const STATUS_COLOR: Record<string, string> = {
  pending: "blue",
  sending: "processing",
  sent: "green",
  failed: "orange",
  dead: "red",
  undeliverable: "gold",
  cancelled: "default",
};
const time = (iso: string) => new Date(iso).toLocaleString();
const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

function MessagesTab() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [rows, setRows] = useState<readonly MessageRow[]>([]);
  const [status, setStatus] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const load = useCallback(() => {
    setLoading(true);
    api
      .get<{ messages: MessageRow[] }>(`/api/messages${status ? `?status=${status}` : ""}`)
      .then((r) => setRows(r.messages))
      .catch((e: unknown) => void message.error(errorText(e)))
      .finally(() => setLoading(false));
  }, [status, message]);
  useEffect(load, [load]);
  const resend = (id: string) =>
    api
      .post(`/api/messages/${id}/resend`)
      .then(() => {
        void message.success(t("messages.resent"));
        load();
      })
      .catch((e: unknown) => void message.error(errorText(e)));
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Alert type="info" showIcon message={t("messages.undeliverableHint")} />
      <Space>
        <Select
          allowClear
          aria-label={t("messages.statusFilter")}
          placeholder={t("messages.statusFilter")}
          style={{ width: 200 }}
          value={status}
          onChange={(v: string | undefined) => setStatus(v)}
          options={STATUSES.map((s) => ({ value: s, label: t(`messages.statuses.${s}`) }))}
          data-testid="message-status-filter"
        />
        <Button onClick={load} data-testid="messages-refresh">
          {t("messages.refresh")}
        </Button>
      </Space>
      <Table<MessageRow>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={[...rows]}
        locale={{ emptyText: t("messages.empty") }}
        pagination={{ pageSize: 50 }}
        data-testid="messages-table"
        columns={[
          { title: t("messages.createdAt"), dataIndex: "createdAt", render: time },
          {
            title: t("messages.kind"),
            dataIndex: "kind",
            // i18next finds keys with dots in them ("appointment.reminder"); an unknown kind shows as it is.
            render: (k: string) => t(`messages.kinds.${k}`, { defaultValue: k }),
          },
          {
            title: t("messages.channel"),
            dataIndex: "channel",
            render: (c: "sms" | "email") => t(`messages.channels.${c}`),
          },
          { title: t("messages.recipient"), dataIndex: "recipient" },
          {
            title: t("messages.status"),
            dataIndex: "status",
            render: (s: string) => (
              <Tag color={STATUS_COLOR[s]}>{t(`messages.statuses.${s}`, { defaultValue: s })}</Tag>
            ),
          },
          { title: t("messages.attempts"), dataIndex: "attempts" },
          {
            title: t("messages.lastError"),
            dataIndex: "lastError",
            render: (e: string | null) => <Typography.Text type="secondary">{e ?? ""}</Typography.Text>,
          },
          {
            title: t("messages.actions"),
            render: (_: unknown, r: MessageRow) =>
              r.kind !== "otp" && ["sent", "failed", "dead", "undeliverable"].includes(r.status) ? (
                <Button size="small" onClick={() => void resend(r.id)}>
                  {t("messages.resend")}
                </Button>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}

interface SubscriptionForm {
  url: string;
  eventTypes: string[];
  branchId?: string;
  allowPersonalData: boolean;
  description?: string;
}

function WebhooksTab() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const { branches } = useBranches(user);
  const [subs, setSubs] = useState<readonly Subscription[]>([]);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<Subscription | null>(null);
  const [deliveries, setDeliveries] = useState<readonly Delivery[]>([]);
  const [form] = Form.useForm<SubscriptionForm>();
  const load = useCallback(() => {
    api
      .get<{ subscriptions: Subscription[] }>("/api/webhooks")
      .then((r) => setSubs(r.subscriptions))
      .catch((e: unknown) => void message.error(errorText(e)));
  }, [message]);
  useEffect(load, [load]);
  const loadDeliveries = useCallback(
    (sub: Subscription) =>
      api
        .get<{ deliveries: Delivery[] }>(`/api/webhooks/${sub.id}/deliveries`)
        .then((r) => setDeliveries(r.deliveries))
        .catch((e: unknown) => void message.error(errorText(e))),
    [message],
  );
  const create = async () => {
    const values = await form.validateFields();
    try {
      const r = await api.post<{ secret: string }>("/api/webhooks", {
        url: values.url,
        eventTypes: values.eventTypes,
        branchId: values.branchId ?? null,
        allowPersonalData: values.allowPersonalData,
        description: values.description ?? "",
      });
      setCreating(false);
      form.resetFields();
      setSecret(r.secret);
      load();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const branchName = (id: string | null) =>
    id === null ? t("messages.webhooks.allBranches") : localName(branches.find((b) => b.id === id)) || id;
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Button type="primary" onClick={() => setCreating(true)} data-testid="webhook-create">
        {t("messages.webhooks.create")}
      </Button>
      <Table<Subscription>
        rowKey="id"
        size="small"
        dataSource={[...subs]}
        pagination={false}
        columns={[
          { title: t("messages.webhooks.url"), dataIndex: "url" },
          {
            title: t("messages.webhooks.eventTypes"),
            dataIndex: "eventTypes",
            render: (types: string[]) => types.map((x) => <Tag key={x}>{x}</Tag>),
          },
          { title: t("messages.webhooks.branch"), dataIndex: "branchId", render: branchName },
          {
            title: t("messages.webhooks.personalData"),
            dataIndex: "allowPersonalData",
            render: (v: boolean) => (v ? t("common.yes") : t("common.no")),
          },
          {
            title: t("messages.webhooks.active"),
            dataIndex: "active",
            render: (v: boolean) => (v ? t("common.yes") : t("common.no")),
          },
          {
            title: t("messages.actions"),
            render: (_: unknown, s: Subscription) => (
              <Space>
                <Button
                  size="small"
                  onClick={() => {
                    setOpen(s);
                    void loadDeliveries(s);
                  }}
                >
                  {t("messages.webhooks.deliveries")}
                </Button>
                {s.active ? (
                  <Button
                    size="small"
                    danger
                    onClick={() =>
                      void api
                        .post(`/api/webhooks/${s.id}/deactivate`)
                        .then(load)
                        .catch((e: unknown) => void message.error(errorText(e)))
                    }
                  >
                    {t("messages.webhooks.deactivate")}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t("messages.webhooks.create")}
        onOk={() => void create()}
        onCancel={() => setCreating(false)}
        okText={t("common.save")}
        cancelText={t("common.cancel")}
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ eventTypes: ["ticket.*", "appointment.*"], allowPersonalData: false }}
        >
          <Form.Item name="url" label={t("messages.webhooks.url")} rules={[{ required: true, type: "url" }]}>
            <Input placeholder="https://crm.bank.example/hooks/datang" />
          </Form.Item>
          <Form.Item
            name="eventTypes"
            label={t("messages.webhooks.eventTypes")}
            extra={t("messages.webhooks.eventTypesHint")}
            rules={[{ required: true }]}
          >
            <Select mode="tags" options={["*", "ticket.*", "counter.*", "appointment.*"].map((v) => ({ value: v }))} />
          </Form.Item>
          <Form.Item name="branchId" label={t("messages.webhooks.branch")}>
            <Select
              allowClear
              placeholder={t("messages.webhooks.allBranches")}
              options={branches.map((b) => ({ value: b.id, label: localName(b) }))}
            />
          </Form.Item>
          <Form.Item name="allowPersonalData" label={t("messages.webhooks.personalData")} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="description" label={t("messages.webhooks.description")}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={secret !== null}
        title={t("messages.webhooks.secretTitle")}
        onOk={() => setSecret(null)}
        onCancel={() => setSecret(null)}
        cancelButtonProps={{ style: { display: "none" } }}
      >
        <Typography.Paragraph>{t("messages.webhooks.secretHint")}</Typography.Paragraph>
        <Typography.Paragraph code copyable data-testid="webhook-secret">
          {secret}
        </Typography.Paragraph>
      </Modal>
      <Drawer open={open !== null} width={720} title={open?.url} onClose={() => setOpen(null)}>
        <Table<Delivery>
          rowKey="id"
          size="small"
          dataSource={[...deliveries]}
          pagination={{ pageSize: 50 }}
          columns={[
            { title: t("messages.createdAt"), dataIndex: "createdAt", render: time },
            { title: t("messages.webhooks.eventType"), dataIndex: "eventType" },
            {
              title: t("messages.status"),
              dataIndex: "status",
              render: (s: string) => (
                <Tag color={STATUS_COLOR[s]}>{t(`messages.statuses.${s}`, { defaultValue: s })}</Tag>
              ),
            },
            { title: t("messages.attempts"), dataIndex: "attempts" },
            { title: t("messages.webhooks.statusCode"), dataIndex: "lastStatusCode" },
            { title: t("messages.lastError"), dataIndex: "lastError" },
            {
              title: t("messages.actions"),
              render: (_: unknown, d: Delivery) =>
                ["sent", "failed", "dead"].includes(d.status) ? (
                  <Button
                    size="small"
                    onClick={() =>
                      void api
                        .post(`/api/webhook-deliveries/${d.id}/replay`)
                        .then(() => {
                          void message.success(t("messages.webhooks.replayed"));
                          if (open) void loadDeliveries(open);
                        })
                        .catch((e: unknown) => void message.error(errorText(e)))
                    }
                  >
                    {t("messages.webhooks.replay")}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Drawer>
    </Space>
  );
}

function MessagesConsole() {
  const { t } = useTranslation();
  const user = useStaffUser();
  const isAdmin = rolesOf(user).includes("admin");
  return (
    <div style={{ padding: 16 }}>
      <Tabs
        items={[
          { key: "messages", label: t("messages.tabMessages"), children: <MessagesTab /> },
          ...(isAdmin ? [{ key: "webhooks", label: t("messages.tabWebhooks"), children: <WebhooksTab /> }] : []),
        ]}
      />
    </div>
  );
}

/** Admin "Messages": the outbox (status, attempts, last error, resend) and webhook subscriptions. */
export default function Messages() {
  const { t } = useTranslation();
  return (
    <StaffShell title={t("messages.title")} roles={["admin", "branch_manager"]}>
      <AntApp>
        <MessagesConsole />
      </AntApp>
    </StaffShell>
  );
}
