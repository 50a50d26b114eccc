import { App as AntApp, Button, Card, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, call, client } from "../api/client.ts";
import type { Answer } from "../api/types.ts";
import { type Followup, FollowupClock, MarketingBlock } from "../components/FollowupTags.tsx";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import { useBranches } from "../lib/branch.ts";
import { localName } from "../lib/format.ts";
import { rolesOf } from "../lib/session.ts";
import "../styles/staff.css";

type Outcome = "done" | "no_answer" | "declined";
type StaffUser = { id: string; displayName: string; roles: string[]; branchIds: string[]; active: boolean };

const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));
const day = (iso: string) => new Date(iso).toLocaleDateString();
const hhmm = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function BookModal(props: { readonly f: Followup | null; readonly onClose: () => void; readonly onDone: () => void }) {
  const { t } = useTranslation("followups");
  const { message } = AntApp.useApp();
  const { f } = props;
  const [date, setDate] = useState("");
  const [slots, setSlots] = useState<ReadonlyArray<{ start: string; end: string; free: number }>>([]);
  const [start, setStart] = useState<string | undefined>();
  useEffect(() => {
    setStart(undefined);
    setSlots([]);
    if (!f || !date) return;
    call(
      client.GET("/api/branches/{branchId}/appointment-slots", {
        params: { path: { branchId: f.branchId }, query: { serviceId: f.serviceId, date } },
      }),
    ).then(
      (a) => setSlots((a as Answer<"listSlotsForStaff">).slots),
      () => setSlots([]),
    );
  }, [f, date]);
  useEffect(() => {
    if (f) setDate(new Date(Math.max(Date.parse(f.dueAt) - 86_400_000, Date.now())).toISOString().slice(0, 10));
  }, [f]);
  const book = async () => {
    if (!f || !start) return;
    try {
      await api.post(`/api/followups/${f.id}/appointment`, { start });
      void message.success(t("saved"));
      props.onDone();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  return (
    <Modal
      open={f !== null}
      title={t("book")}
      onCancel={props.onClose}
      onOk={() => void book()}
      okText={t("book")}
      cancelText={t("cancel")}
      okButtonProps={{ disabled: !start, ...({ "data-testid": "book-ok" } as Record<string, string>) }}
    >
      <Typography.Paragraph type="secondary">{t("bookHint")}</Typography.Paragraph>
      <Space direction="vertical" style={{ width: "100%" }}>
        <label htmlFor="followup-book-date">{t("date")}</label>
        <Input
          id="followup-book-date"
          type="date"
          value={date}
          onChange={(e) => setDate(e.target.value)}
          data-testid="book-date"
        />
        <label htmlFor="followup-book-slot">{t("bookStart")}</label>
        <Select
          id="followup-book-slot"
          style={{ width: "100%" }}
          value={start}
          onChange={setStart}
          notFoundContent={t("noSlots")}
          data-testid="book-slot"
          options={slots.map((s) => ({
            value: s.start,
            label: `${hhmm(s.start)}–${hhmm(s.end)} (${s.free})`,
            disabled: s.free <= 0,
          }))}
        />
      </Space>
    </Modal>
  );
}

function FollowupList() {
  const { t, i18n } = useTranslation("followups");
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const roles = rolesOf(user);
  const lead = roles.includes("admin") || roles.includes("branch_manager");
  const { branches, branchId, setBranchId } = useBranches(user);
  const [scope, setScope] = useState<"mine" | "branch">(lead ? "branch" : "mine");
  const [status, setStatus] = useState<"open" | "closed" | undefined>("open");
  const [due, setDue] = useState<"any" | "week" | "overdue">("any");
  const [rows, setRows] = useState<readonly Followup[]>([]);
  const [staff, setStaff] = useState<readonly StaffUser[]>([]);
  const [recording, setRecording] = useState<Followup | null>(null);
  const [booking, setBooking] = useState<Followup | null>(null);
  const [form] = Form.useForm<{ outcome: Outcome; note?: string }>();
  const en = i18n.language === "en";

  const load = useCallback(() => {
    if (!branchId) return;
    const q = new URLSearchParams({ scope });
    if (status) q.set("status", status);
    if (due === "week") q.set("dueBefore", new Date(Date.now() + 7 * 86_400_000).toISOString());
    if (due === "overdue") q.set("dueBefore", new Date().toISOString());
    api
      .get<{ items: Followup[] }>(`/api/branches/${branchId}/followups?${q}`)
      .then((r) => setRows(r.items))
      .catch((e: unknown) => void message.error(errorText(e)));
  }, [branchId, scope, status, due, message]);
  useEffect(load, [load]);
  useEffect(() => {
    if (!lead) return;
    api
      .get<StaffUser[]>("/api/users")
      .then(setStaff)
      .catch(() => setStaff([]));
  }, [lead]);
  const assignable = staff.filter(
    (u) =>
      u.active &&
      branchId !== null &&
      u.branchIds.includes(branchId) &&
      u.roles.some((r) => r !== "auditor" && r !== "agent"),
  );

  const assign = (f: Followup, userId: string) =>
    api
      .post(`/api/followups/${f.id}/assign`, { userId })
      .then(() => {
        void message.success(t("saved"));
        load();
      })
      .catch((e: unknown) => void message.error(errorText(e)));
  const record = async () => {
    if (!recording) return;
    const v = await form.validateFields();
    try {
      await api.post(`/api/followups/${recording.id}/outcome`, { outcome: v.outcome, note: v.note ?? "" });
      void message.success(t("saved"));
      setRecording(null);
      form.resetFields();
      load();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <Card
      title={
        <Space wrap>
          <Select
            aria-label="branch"
            style={{ minWidth: 200 }}
            value={branchId ?? undefined}
            onChange={(v: string) => setBranchId(v)}
            options={branches.map((b) => ({ value: b.id, label: localName(b) }))}
            data-testid="followup-branch"
          />
          {lead && (
            <Radio.Group
              value={scope}
              onChange={(e) => setScope(e.target.value as "mine" | "branch")}
              optionType="button"
              data-testid="followup-scope"
              options={[
                { value: "mine", label: t("scope.mine") },
                { value: "branch", label: t("scope.branch") },
              ]}
            />
          )}
          <Select
            aria-label={t("filterStatus")}
            allowClear
            style={{ width: 120 }}
            placeholder={t("filterStatus")}
            value={status}
            onChange={(v: "open" | "closed" | undefined) => setStatus(v)}
            options={[
              { value: "open", label: t("status.open") },
              { value: "closed", label: t("status.closed") },
            ]}
            data-testid="followup-status"
          />
          <Select
            aria-label={t("dueBefore")}
            style={{ width: 150 }}
            value={due}
            onChange={setDue}
            options={[
              { value: "any", label: t("dueFilter.any") },
              { value: "week", label: t("dueFilter.week") },
              { value: "overdue", label: t("dueFilter.overdue") },
            ]}
            data-testid="followup-due"
          />
          <Button onClick={load} data-testid="followups-refresh">
            {t("refresh")}
          </Button>
        </Space>
      }
    >
      <Table<Followup>
        rowKey="id"
        size="small"
        dataSource={[...rows]}
        locale={{ emptyText: t("empty") }}
        pagination={{ pageSize: 50 }}
        data-testid="followups-table"
        scroll={{ x: true }}
        columns={[
          {
            title: t("customer"),
            render: (_v, f) => (
              <span data-testid="followup-customer">
                {f.customer.name} {f.customer.phone}
              </span>
            ),
          },
          {
            title: t("business"),
            render: (_v, f) => `${en ? f.serviceNameEn : f.serviceNameZh} · ${f.ticketNumber ?? ""}`,
          },
          {
            title: t("purpose"),
            render: (_v, f) => (
              <Space size={4} wrap>
                <Tag color={f.purpose === "marketing" ? "purple" : "default"}>{t(`purposes.${f.purpose}`)}</Tag>
                <MarketingBlock f={f} />
              </Space>
            ),
          },
          {
            title: t("assignee"),
            render: (_v, f) =>
              lead && f.status === "open" ? (
                <Select
                  aria-label={t("assignTo")}
                  size="small"
                  style={{ minWidth: 130 }}
                  placeholder={t("unassigned")}
                  value={f.assigneeId ?? undefined}
                  onChange={(v: string) => void assign(f, v)}
                  data-testid="followup-assign"
                  virtual={false}
                  options={[
                    ...assignable.map((u) => ({ value: u.id, label: u.displayName })),
                    ...(f.assigneeId && !assignable.some((u) => u.id === f.assigneeId)
                      ? [{ value: f.assigneeId, label: f.assigneeName ?? f.assigneeId }]
                      : []),
                  ]}
                />
              ) : (
                (f.assigneeName ?? <Typography.Text type="secondary">{t("unassigned")}</Typography.Text>)
              ),
          },
          { title: t("due"), render: (_v, f) => `${day(f.dueAt)} ${hhmm(f.dueAt)}` },
          {
            title: t("clock"),
            render: (_v, f) => (
              <Space size={4} wrap>
                <FollowupClock f={f} />
                {f.escalatedAt && f.status === "open" ? <Tag color="red">{t("escalated")}</Tag> : null}
              </Space>
            ),
          },
          {
            title: t("appointment"),
            render: (_v, f) => (f.appointment ? `${day(f.appointment.start)} ${hhmm(f.appointment.start)}` : "—"),
          },
          { title: t("note"), dataIndex: "note", ellipsis: true },
          {
            title: t("actions"),
            render: (_v, f) =>
              f.status === "open" && (lead || f.assigneeId === user?.id) ? (
                <Space size={4}>
                  <Button size="small" onClick={() => setRecording(f)} data-testid="followup-record">
                    {t("record")}
                  </Button>
                  <Button
                    size="small"
                    disabled={Boolean(f.marketing && !f.marketing.allowed)}
                    onClick={() => setBooking(f)}
                    data-testid="followup-book"
                  >
                    {t("book")}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <Modal
        open={recording !== null}
        title={t("record")}
        onCancel={() => setRecording(null)}
        onOk={() => void record()}
        okText={t("save")}
        cancelText={t("cancel")}
        okButtonProps={{ ...({ "data-testid": "record-ok" } as Record<string, string>) }}
      >
        <Form form={form} layout="vertical" initialValues={{ outcome: "done" }}>
          <Form.Item name="outcome" label={t("outcome")} rules={[{ required: true }]}>
            <Radio.Group
              data-testid="record-outcome"
              options={(["done", "no_answer", "declined"] as const).map((o) => ({
                value: o,
                label: t(`outcomes.${o}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="note" label={t("note")}>
            <Input.TextArea maxLength={2000} data-testid="record-note" />
          </Form.Item>
        </Form>
      </Modal>
      <BookModal
        f={booking}
        onClose={() => setBooking(null)}
        onDone={() => {
          setBooking(null);
          load();
        }}
      />
    </Card>
  );
}

export default function Followups() {
  const { t } = useTranslation("followups");
  return (
    <StaffShell title={t("title")} roles={["admin", "branch_manager", "lobby_manager", "teller", "back_office"]}>
      <AntApp>
        <FollowupList />
      </AntApp>
    </StaffShell>
  );
}
