import {
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
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

interface Complaint {
  readonly id: string;
  readonly reference: string;
  readonly ticketId: string | null;
  readonly source: "staff" | "survey" | "online" | "rating_pad";
  readonly category: string;
  readonly severity: "simple" | "complex";
  readonly description: string;
  readonly status: "open" | "closed";
  readonly ownerId: string | null;
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly daysLeft: number;
  readonly overdue: boolean;
  readonly extended: boolean;
  readonly escalatedAt: string | null;
  readonly rootCause: string | null;
  readonly reply: string | null;
  readonly closedAt: string | null;
  readonly reopenCount: number;
}
interface Detail extends Complaint {
  readonly ticketNumber: string | null;
  readonly notes: ReadonlyArray<{ at: string; action: string; actorId: string | null }>;
  readonly visit: ReadonlyArray<{ at: string; action: string; to: string }>;
}

interface OwnerCandidate {
  readonly id: string;
  readonly displayName: string;
  readonly staffNo: string;
  readonly roles: readonly string[];
  readonly conflict: boolean;
  readonly current: boolean;
}

/**
 * The owner picker: staff of the complaint's branch who may handle it (from the server, which checks the desk's
 * role and branch); those who served the visit are shown but cannot be chosen (conflict of interest).
 */
function OwnerPicker({
  complaintId,
  onAssign,
}: {
  readonly complaintId: string;
  readonly onAssign: (userId: string) => Promise<unknown> | null | undefined;
}) {
  const { t } = useTranslation("record14");
  const { message } = AntApp.useApp();
  const [items, setItems] = useState<readonly OwnerCandidate[]>([]);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const load = useCallback(
    () =>
      api
        .get<{ items: OwnerCandidate[] }>(`/api/complaints/${complaintId}/owners`)
        .then((r) => setItems(r.items))
        .catch((e: unknown) => void message.error(errorText(e))),
    [complaintId, message],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const label = (u: OwnerCandidate) =>
    `${u.displayName} (${u.staffNo}) · ${u.roles.map((r) => t(`owner.roles.${r}`, { defaultValue: r })).join("/")}`;
  const current = items.find((u) => u.current);
  return (
    <Space direction="vertical" style={{ width: "100%" }} size={4}>
      <Typography.Text type="secondary" data-testid="complaint-current-owner">
        {t("owner.current")}: {current ? label(current) : t("owner.none")}
      </Typography.Text>
      <Space.Compact style={{ width: "100%" }}>
        <Select
          style={{ flex: 1 }}
          showSearch
          optionFilterProp="label"
          placeholder={t("owner.placeholder")}
          aria-label={t("owner.label")}
          value={chosen}
          onChange={(v: string) => setChosen(v)}
          virtual={false}
          data-testid="complaint-owner-picker"
          options={items.map((u) => ({
            value: u.id,
            label: u.conflict ? `${label(u)} — ${t("owner.conflict")}` : label(u),
            disabled: u.conflict || u.current,
          }))}
        />
        <Button
          disabled={!chosen}
          data-testid="complaint-assign"
          onClick={() =>
            chosen &&
            void onAssign(chosen)?.then(() => {
              setChosen(undefined);
              return load();
            })
          }
        >
          {t("owner.assign")}
        </Button>
      </Space.Compact>
    </Space>
  );
}

const CATEGORIES = ["service_attitude", "wait_time", "service_quality", "fees", "product", "other"] as const;
const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");
const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

/** The statutory clock as a tag: days left, due today, or days overdue. */
function Clock({ c }: { readonly c: Complaint }) {
  const { t } = useTranslation("feedback");
  if (c.status === "closed") return <Tag color="green">{t("complaints.closed")}</Tag>;
  if (c.daysLeft < 0 || c.overdue)
    return <Tag color="red">{t("complaints.overdueDays", { count: Math.max(1, -c.daysLeft) })}</Tag>;
  if (c.daysLeft === 0) return <Tag color="red">{t("complaints.dueToday")}</Tag>;
  return <Tag color={c.daysLeft <= 3 ? "orange" : "blue"}>{t("complaints.daysLeft", { count: c.daysLeft })}</Tag>;
}

function Desk() {
  const { t } = useTranslation("feedback");
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const roles = rolesOf(user);
  const senior = roles.includes("admin") || roles.includes("branch_manager");
  const { branches, branchId, setBranchId } = useBranches(user);
  const [status, setStatus] = useState<"open" | "closed" | undefined>("open");
  const [rows, setRows] = useState<readonly Complaint[]>([]);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [creating, setCreating] = useState(false);
  const [createForm] = Form.useForm();
  const [closeForm] = Form.useForm();
  const [extendReason, setExtendReason] = useState("");
  const [severityReason, setSeverityReason] = useState("");
  const [reopenReason, setReopenReason] = useState("");

  const load = useCallback(() => {
    if (!branchId) return;
    api
      .get<{ items: Complaint[] }>(`/api/branches/${branchId}/complaints${status ? `?status=${status}` : ""}`)
      .then((r) => setRows(r.items))
      .catch((e: unknown) => void message.error(errorText(e)));
  }, [branchId, status, message]);
  useEffect(load, [load]);
  // The owner's name (the desk may list the branch's staff; a recorder who may not sees the owner's id).
  const [ownerNames, setOwnerNames] = useState<ReadonlyMap<string, string>>(new Map());
  const open = (id: string) =>
    Promise.all([
      api.get<Detail>(`/api/complaints/${id}`),
      api
        .get<{ items: OwnerCandidate[] }>(`/api/complaints/${id}/owners`)
        .then((r) => new Map(r.items.map((u) => [u.id, u.displayName])))
        .catch(() => new Map<string, string>()),
    ])
      .then(([d, names]) => {
        setOwnerNames(names);
        setDetail(d);
      })
      .catch((e: unknown) => void message.error(errorText(e)));
  const act = (path: string, body: unknown) =>
    detail &&
    api
      .post(`/api/complaints/${detail.id}/${path}`, body)
      .then(() => {
        void message.success(t("complaints.saved"));
        load();
        return open(detail.id);
      })
      .catch((e: unknown) => void message.error(errorText(e)));

  const create = async () => {
    const v = await createForm.validateFields();
    try {
      const created = await api.post<{ reference: string }>("/api/complaints", {
        branchId,
        category: v.category,
        severity: v.severity,
        description: v.description,
        ...(v.ticketId ? { ticketId: v.ticketId.trim() } : {}),
      });
      void message.success(t("complaints.created", { reference: created.reference }));
      setCreating(false);
      createForm.resetFields();
      load();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const close = async () => {
    const v = await closeForm.validateFields();
    await act("close", { rootCause: v.rootCause, reply: v.reply });
    closeForm.resetFields();
  };
  const today = new Date();
  const monthStart = new Date(today.getFullYear(), today.getMonth(), 1).toISOString().slice(0, 10);
  const nextMonth = new Date(today.getFullYear(), today.getMonth() + 1, 1).toISOString().slice(0, 10);

  return (
    <Card
      title={
        <Space wrap>
          <Select
            style={{ minWidth: 220 }}
            value={branchId ?? undefined}
            onChange={(v: string) => setBranchId(v)}
            options={branches.map((b) => ({ value: b.id, label: localName(b) }))}
            aria-label={t("translation:admin.branch")}
            data-testid="complaint-branch"
          />
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t("complaints.filter")}
            value={status}
            onChange={(v: "open" | "closed" | undefined) => setStatus(v)}
            options={[
              { value: "open", label: t("complaints.open") },
              { value: "closed", label: t("complaints.closed") },
            ]}
            aria-label={t("complaints.filter")}
            data-testid="complaint-status-filter"
          />
          <Button onClick={load} data-testid="complaints-refresh">
            {t("complaints.refresh")}
          </Button>
        </Space>
      }
      extra={
        <Space>
          {senior && branchId && (
            <a
              href={`/api/complaints/export.csv?from=${monthStart}&to=${nextMonth}&branchId=${branchId}`}
              data-testid="complaints-export"
            >
              {t("complaints.exportCsv")}
            </a>
          )}
          <Button type="primary" onClick={() => setCreating(true)} data-testid="complaint-create">
            {t("complaints.create")}
          </Button>
        </Space>
      }
    >
      <Table<Complaint>
        rowKey="id"
        size="small"
        dataSource={[...rows]}
        locale={{ emptyText: t("complaints.empty") }}
        pagination={{ pageSize: 50 }}
        data-testid="complaints-table"
        onRow={(r) => ({ onClick: () => void open(r.id), style: { cursor: "pointer" } })}
        columns={[
          { title: t("complaints.reference"), dataIndex: "reference" },
          { title: t("complaints.source"), render: (_v, r) => t(`complaints.sources.${r.source}`) },
          {
            title: t("complaints.category"),
            render: (_v, r) => t(`complaints.categories.${r.category}`, { defaultValue: r.category }),
          },
          { title: t("complaints.severity"), render: (_v, r) => t(`complaints.${r.severity}`) },
          { title: t("complaints.description"), dataIndex: "description", ellipsis: true },
          { title: t("complaints.received"), render: (_v, r) => time(r.receivedAt) },
          { title: t("complaints.due"), render: (_v, r) => time(r.dueAt) },
          {
            title: t("complaints.clock"),
            render: (_v, r) => (
              <Space size={4}>
                <Clock c={r} />
                {r.extended && <Tag>{t("complaints.extended")}</Tag>}
                {r.escalatedAt && r.status === "open" && <Tag color="volcano">{t("complaints.escalated")}</Tag>}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t("complaints.create")}
        onCancel={() => setCreating(false)}
        onOk={() => void create()}
        okButtonProps={{ "data-testid": "complaint-create-ok" } as Record<string, string>}
      >
        <Form form={createForm} layout="vertical" initialValues={{ severity: "simple", category: "service_quality" }}>
          <Form.Item name="category" label={t("complaints.category")} rules={[{ required: true }]}>
            <Select options={CATEGORIES.map((c) => ({ value: c, label: t(`complaints.categories.${c}`) }))} />
          </Form.Item>
          <Form.Item name="severity" label={t("complaints.severity")} rules={[{ required: true }]}>
            <Select
              options={[
                { value: "simple", label: t("complaints.simple") },
                { value: "complex", label: t("complaints.complex") },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="description"
            label={t("complaints.description")}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input.TextArea rows={3} maxLength={2000} data-testid="complaint-description" />
          </Form.Item>
          <Form.Item name="ticketId" label={t("complaints.ticketId")}>
            <Input maxLength={64} />
          </Form.Item>
        </Form>
      </Modal>
      <Drawer
        open={detail !== null}
        width={560}
        onClose={() => setDetail(null)}
        title={detail ? `${t("complaints.reference")} ${detail.reference}` : ""}
        data-testid="complaint-detail"
      >
        {detail && (
          <Space direction="vertical" style={{ width: "100%" }}>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t("complaints.clock")}>
                <Clock c={detail} /> {time(detail.dueAt)}
              </Descriptions.Item>
              <Descriptions.Item label={t("complaints.source")}>
                {t(`complaints.sources.${detail.source}`)}
                {detail.ticketNumber ? ` · ${detail.ticketNumber}` : ""}
              </Descriptions.Item>
              <Descriptions.Item label={t("complaints.description")}>{detail.description}</Descriptions.Item>
              <Descriptions.Item label={t("complaints.owner")}>
                <span data-testid="complaint-owner-name">
                  {detail.ownerId ? (ownerNames.get(detail.ownerId) ?? detail.ownerId) : "—"}
                </span>
              </Descriptions.Item>
              {detail.rootCause && (
                <Descriptions.Item label={t("complaints.rootCause")}>{detail.rootCause}</Descriptions.Item>
              )}
              {detail.reply && <Descriptions.Item label={t("complaints.reply")}>{detail.reply}</Descriptions.Item>}
            </Descriptions>
            {detail.status === "open" ? (
              <>
                <OwnerPicker key={detail.id} complaintId={detail.id} onAssign={(userId) => act("assign", { userId })} />
                <Space.Compact style={{ width: "100%" }}>
                  <Input
                    placeholder={t("feedback2:reclassify.reason")}
                    value={severityReason}
                    onChange={(e) => setSeverityReason(e.target.value)}
                    aria-label={t("feedback2:reclassify.reason")}
                    data-testid="severity-reason"
                  />
                  <Button
                    data-testid="reclassify"
                    onClick={() =>
                      void act("severity", {
                        severity: detail.severity === "simple" ? "complex" : "simple",
                        reason: severityReason.trim(),
                      })?.then(() => setSeverityReason(""))
                    }
                  >
                    {t(
                      detail.severity === "simple" ? "feedback2:reclassify.toComplex" : "feedback2:reclassify.toSimple",
                    )}
                  </Button>
                </Space.Compact>
                {senior && !detail.extended && (
                  <Space.Compact style={{ width: "100%" }}>
                    <Input
                      placeholder={t("complaints.extendReason")}
                      value={extendReason}
                      onChange={(e) => setExtendReason(e.target.value)}
                      aria-label={t("complaints.extendReason")}
                    />
                    <Button onClick={() => void act("extend", { reason: extendReason.trim() })}>
                      {t("complaints.extend")}
                    </Button>
                  </Space.Compact>
                )}
                <Form form={closeForm} layout="vertical">
                  <Form.Item
                    name="rootCause"
                    label={t("complaints.rootCause")}
                    rules={[{ required: true, whitespace: true, message: t("complaints.rootCauseRequired") }]}
                  >
                    <Input.TextArea rows={2} maxLength={2000} data-testid="complaint-root-cause" />
                  </Form.Item>
                  <Form.Item
                    name="reply"
                    label={t("complaints.reply")}
                    extra={t("complaints.replyHint")}
                    rules={[{ required: true, whitespace: true, message: t("complaints.replyRequired") }]}
                  >
                    <Input.TextArea rows={3} maxLength={2000} data-testid="complaint-reply" />
                  </Form.Item>
                  <Button type="primary" onClick={() => void close()} data-testid="complaint-close">
                    {t("complaints.close")}
                  </Button>
                </Form>
              </>
            ) : (
              <Space.Compact style={{ width: "100%" }}>
                <Input
                  placeholder={t("complaints.reopenReason")}
                  value={reopenReason}
                  onChange={(e) => setReopenReason(e.target.value)}
                  aria-label={t("complaints.reopenReason")}
                />
                <Button onClick={() => void act("reopen", { reason: reopenReason.trim() })}>
                  {t("complaints.reopen")}
                </Button>
              </Space.Compact>
            )}
            <Typography.Title level={5}>{t("complaints.history")}</Typography.Title>
            <Timeline
              items={detail.notes.map((n) => ({
                children: `${time(n.at)} ${t(`complaints.actions.${n.action}`, { defaultValue: n.action })}`,
              }))}
            />
            {detail.visit.length > 0 && (
              <>
                <Typography.Title level={5}>{t("complaints.visit")}</Typography.Title>
                <Timeline items={detail.visit.map((v) => ({ children: `${time(v.at)} ${v.action} → ${v.to}` }))} />
              </>
            )}
          </Space>
        )}
      </Drawer>
    </Card>
  );
}

export default function Complaints() {
  const { t } = useTranslation("feedback");
  return (
    <StaffShell
      title={t("complaints.title")}
      roles={["admin", "branch_manager", "lobby_manager", "back_office", "teller"]}
    >
      <AntApp>
        <Desk />
      </AntApp>
    </StaffShell>
  );
}
