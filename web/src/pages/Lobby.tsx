import {
  Alert,
  App as AntApp,
  Badge,
  Button,
  Card,
  Col,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Skeleton,
  Space,
  Statistic,
  type Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { ApiError, api, call, client, unwrapList } from "../api/client.ts";
import {
  type Branch,
  type BranchEvent,
  type Counter,
  type DeviceView,
  PRIORITIES,
  type Priority,
  type QueueSnapshot,
  type Service,
  type Ticket,
  type TodayStats,
} from "../api/types.ts";
import { AnalyticsAlertBanner } from "../components/AnalyticsAlertBanner.tsx";
import { BranchPicker } from "../components/BranchPicker.tsx";
import { ReviewAlarm } from "../components/ReviewAlarm.tsx";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import { useBranches } from "../lib/branch.ts";
import { useEventStream } from "../lib/events.ts";
import { dateTime, localName, minutesSince, serviceLabel, timeOfDay } from "../lib/format.ts";
import { useDebounced, useNow } from "../lib/hooks.ts";
import { hasRole } from "../lib/session.ts";
import { chime, unlockAudio } from "../lib/speech.ts";
import { peopleAhead } from "../lib/ticket.ts";
import "../styles/staff.css";
import { NoticesButton } from "./lobby/NoticesButton.tsx";

// The page's first load stays within its budget (scripts/web-size.mjs, 400 KB gz): Ant Design's Table (about
// 60 KB gz) arrives as its own chunk while the first queue snapshot is fetched; the ticket form drawer and the
// transfer dialog load when first opened.
const LazyTable = lazy(() => import("../components/lazy-table.tsx")) as unknown as typeof Table;
const TicketFormDrawer = lazy(() =>
  import("./lobby/TicketFormDrawer.tsx").then((m) => ({ default: m.TicketFormDrawer })),
);
const AttachCustomerModal = lazy(() =>
  import("./lobby/AttachCustomerModal.tsx").then((m) => ({ default: m.AttachCustomerModal })),
);
const TransferModal = lazy(() => import("../components/TransferModal.tsx").then((m) => ({ default: m.TransferModal })));

type Triage =
  | { readonly kind: "priority" | "redirect" | "cancel"; readonly ticket: Ticket }
  | { readonly kind: "transfer-service" | "transfer-counter"; readonly ticket: Ticket };

interface TriageForm {
  readonly priority?: Priority;
  readonly reason?: string;
  readonly target?: "self_service" | "vtm" | "other";
}

function waitColour(minutes: number, branch: Branch | undefined): string | undefined {
  const target = branch?.targetWaitMinutes ?? 15;
  const alarm = branch?.alarmWaitMinutes ?? 30;
  if (minutes >= alarm) return "red";
  if (minutes >= target) return "orange";
  return undefined;
}

function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? "—" : `${Math.round(share * 100)}%`;
}

function satisfaction(stats: TodayStats | null): string {
  const r = stats?.ratings;
  if (!r) return "—";
  const satisfied = Number(r.satisfied ?? 0);
  const total = satisfied + Number(r.neutral ?? 0) + Number(r.dissatisfied ?? 0);
  return total === 0 ? "—" : `${percent(stats?.satisfaction ?? satisfied / total)} (${total})`;
}

function Console() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const { branches, branchId, setBranchId } = useBranches(user);
  const branch = branches.find((b) => b.id === branchId);
  const [queue, setQueue] = useState<QueueSnapshot | null>(null);
  const [services, setServices] = useState<readonly Service[]>([]);
  const [counters, setCounters] = useState<readonly Counter[]>([]);
  const [stats, setStats] = useState<TodayStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [triage, setTriage] = useState<Triage | null>(null);
  const [issueService, setIssueService] = useState<string | undefined>(undefined);
  const [issued, setIssued] = useState<Ticket | null>(null);
  const [devices, setDevices] = useState<readonly DeviceView[]>([]);
  // The business types that have a pre-filled form, and the waiting ticket whose form is open on the tablet.
  const [withForm, setWithForm] = useState<ReadonlySet<string>>(new Set());
  const [filling, setFilling] = useState<{ id: string; number: string } | null>(null);
  // Mounted from the first opening on (the drawer's chunk loads then), so that it can animate closed.
  const [formOpened, setFormOpened] = useState(false);
  // Attaching a customer to a waiting ticket (issue 14): the ticket whose dialog is open, and which tickets have a
  // customer with the customer's segments, from the server (GET …/queue/customers: no name or phone; the public
  // queue snapshot carries no personal data, the kiosk reads it too), so the mark survives a reload.
  const [attaching, setAttaching] = useState<{ id: string; number: string } | null>(null);
  const [attached, setAttached] = useState<ReadonlyMap<string, readonly string[]>>(new Map());
  const mayAttach = hasRole(user, "lobby_manager", "branch_manager", "admin");
  const { t: tb } = useTranslation("booking");
  const { t: tc } = useTranslation("customerLinks");
  const [form] = Form.useForm<TriageForm>();
  const now = useNow(15_000);

  const load = useCallback(async () => {
    if (branchId === null) return;
    try {
      // Which tickets have a customer, and device health, are courtesies: a role that may not read them sees no
      // marks and no warning rather than an error. All six answers are set together: one render per refresh, not
      // three (the console refreshes on every branch event).
      const [q, s, c, st, customers, deviceList] = await Promise.all([
        api.get<QueueSnapshot>(`/api/branches/${branchId}/queue`),
        api.get<unknown>(`/api/branches/${branchId}/services`),
        api.get<unknown>(`/api/branches/${branchId}/counters`),
        api.get<TodayStats>(`/api/branches/${branchId}/stats/today`).catch(() => null),
        api
          .get<{ items: ReadonlyArray<{ ticketId: string; segments: string[] }> }>(
            `/api/branches/${branchId}/queue/customers`,
          )
          .then((r) => new Map(r.items.map((i) => [i.ticketId, i.segments])))
          .catch(() => new Map<string, string[]>()),
        api.get<readonly DeviceView[]>(`/api/branches/${branchId}/devices`).catch(() => [] as readonly DeviceView[]),
      ]);
      setQueue(q);
      setServices(unwrapList<Service>(s, "services"));
      setCounters(unwrapList<Counter>(c, "counters"));
      setStats(st);
      setAttached(customers);
      setDevices(deviceList);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [branchId]);
  const loadSoon = useDebounced(() => void load(), 300);
  const stream = useEventStream<BranchEvent>(
    branchId === null ? null : `/api/branches/${branchId}/events`,
    loadSoon,
    loadSoon,
  );
  useEffect(() => {
    void load();
  }, [load]);

  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    setError(null);
    try {
      await work();
      void message.success(t("lobby.done"));
      return true;
    } catch (e) {
      // The server's own sentence, in the page's language; never a bare code.
      setError(e instanceof ApiError ? e.message : String(e));
      return false;
    } finally {
      void load();
    }
  };

  const openTriage = (next: Triage): void => {
    form.resetFields();
    if (next.kind === "priority") form.setFieldsValue({ priority: next.ticket.priority });
    if (next.kind === "redirect") form.setFieldsValue({ target: "self_service" });
    setTriage(next);
  };

  const submitTriage = async (): Promise<void> => {
    if (triage === null) return;
    let values: TriageForm;
    try {
      values = await form.validateFields();
    } catch {
      return; // the form shows what is missing (an empty reason); nothing to send
    }
    const id = triage.ticket.id;
    let ok = false;
    if (triage.kind === "priority")
      ok = await run(() => api.post(`/api/tickets/${id}/priority`, { priority: values.priority }));
    if (triage.kind === "redirect")
      ok = await run(() => api.post(`/api/tickets/${id}/redirect`, { reason: values.reason, target: values.target }));
    if (triage.kind === "cancel")
      ok = await run(() => api.post(`/api/tickets/${id}/cancel`, { reason: values.reason }));
    if (ok) setTriage(null);
  };

  const serviceIds = services.map((s) => s.id).join(",");
  useEffect(() => {
    const ids = serviceIds === "" ? [] : serviceIds.split(",");
    let live = true;
    void Promise.all(
      ids.map((serviceId) =>
        call(client.GET("/api/services/{serviceId}/booking-form", { params: { path: { serviceId } } })).then(
          (a) => (a.fields.length > 0 ? serviceId : null),
          () => null,
        ),
      ),
    ).then((found) => {
      if (live) setWithForm(new Set(found.filter((id): id is string => id !== null)));
    });
    return () => {
      live = false;
    };
  }, [serviceIds]);

  const serviceById = new Map<string, Service>(services.map((s) => [s.id, s]));
  const sortedCounters = [...counters].sort((a, b) => Number(a.number) - Number(b.number));
  // Today's latest calls that ended in a no-show: the customer may come back and be put back in line.
  const noShows = (queue?.recentCalls ?? []).filter((call) => call.status === "no_show");

  const alarmMinutes = queue?.alarmWaitMinutes ?? branch?.alarmWaitMinutes ?? 30;
  const overdue = (queue?.waiting ?? []).filter(
    (w) => Math.max(w.waitedMinutes, minutesSince(w.issuedAt, now)) >= alarmMinutes,
  );
  const offlineDevices = devices.filter(
    (d) => (d.kind === "display" || d.kind === "kiosk") && d.revokedAt === null && !d.online,
  );
  const counterNumber = new Map(counters.map((c) => [c.id, c.number]));
  const overdueKey = overdue.map((w) => w.id).join(",");
  useAlarmSound(overdueKey);

  if (branchId === null) return null;
  return (
    <div className="lobby-page">
      <ReviewAlarm branchId={branchId} />
      <AnalyticsAlertBanner branchId={branchId} />
      <Space className="lobby-toolbar" wrap>
        <BranchPicker branches={branches} branchId={branchId} onChange={setBranchId} />
        <Typography.Text type="secondary">
          {t("lobby.target", { target: branch?.targetWaitMinutes ?? 15, alarm: branch?.alarmWaitMinutes ?? 30 })}
        </Typography.Text>
        <Badge
          status={stream.online ? "success" : "error"}
          text={stream.online ? t("common.online") : t("common.offline")}
        />
        <Select
          placeholder={t("lobby.issueTicket")}
          aria-label={t("daily.issueService")}
          data-testid="issue-service"
          value={issueService}
          onChange={setIssueService}
          style={{ minWidth: 180 }}
          options={services.map((s) => ({ value: s.id, label: `${s.prefix} ${serviceLabel(s)}` }))}
        />
        <Button
          disabled={issueService === undefined}
          data-testid="issue-ticket"
          onClick={() =>
            void run(async () => {
              const ticket = await api.post<Ticket>(
                `/api/branches/${branchId}/tickets`,
                { serviceId: issueService },
                { headers: { "Idempotency-Key": crypto.randomUUID() } },
              );
              setIssued(ticket);
            }).then(() => setIssueService(undefined))
          }
        >
          {t("lobby.issueTicket")}
        </Button>
        {hasRole(user, "branch_manager", "lobby_manager") ? (
          <Link to="/planning" data-testid="lobby-planning">
            <Button>{t("lobby.planning")}</Button>
          </Link>
        ) : null}
        {hasRole(user, "branch_manager", "lobby_manager", "admin") ? <NoticesButton branchId={branchId} /> : null}
      </Space>
      {error !== null ? (
        <Alert type="error" title={error} showIcon closable onClose={() => setError(null)} data-testid="lobby-error" />
      ) : null}

      {overdue.length > 0 ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          className="lobby-alarm"
          data-testid="wait-alarm"
          data-numbers={overdue.map((w) => w.number).join(" ")}
          title={t("daily.alarmBanner", {
            count: overdue.length,
            alarm: alarmMinutes,
            numbers: overdue.map((w) => w.number).join(t("daily.sep")),
          })}
        />
      ) : null}
      {offlineDevices.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          data-testid="devices-offline"
          title={t("daily.devicesOffline", {
            count: offlineDevices.length,
            names: offlineDevices
              .map(
                (d) =>
                  `${d.name}（${d.lastSeenAt ? t("daily.lastSeen", { time: timeOfDay(d.lastSeenAt) }) : t("daily.neverSeen")}）`,
              )
              .join(t("daily.sep")),
          })}
        />
      ) : null}

      <Card title={t("lobby.today")} size="small" className="lobby-stats" data-testid="stats">
        <Row gutter={[16, 8]}>
          <Col xs={12} md={6} lg={3}>
            <Statistic title={t("lobby.issued")} value={stats?.issued ?? "—"} data-testid="stat-issued" />
          </Col>
          <Col xs={12} md={6} lg={3}>
            <Statistic title={t("lobby.served")} value={stats?.served ?? "—"} data-testid="stat-served" />
          </Col>
          <Col xs={12} md={6} lg={3}>
            <Statistic title={t("lobby.waiting")} value={stats?.waiting ?? "—"} data-testid="stat-waiting" />
          </Col>
          <Col xs={12} md={6} lg={3}>
            <Statistic title={t("lobby.noShow")} value={stats?.noShow ?? "—"} />
          </Col>
          <Col xs={12} md={6} lg={4}>
            <Statistic
              title={t("lobby.avgWait")}
              value={stats?.averageWaitMinutes === null || stats === null ? "—" : stats.averageWaitMinutes.toFixed(1)}
              suffix={
                stats?.averageWaitMinutes === null || stats === null
                  ? undefined
                  : t("common.minutes", { count: "" }).trim()
              }
            />
          </Col>
          <Col xs={12} md={6} lg={4}>
            <Statistic title={t("lobby.withinTarget")} value={percent(stats?.withinTargetShare)} />
          </Col>
          <Col xs={12} md={6} lg={4}>
            <Statistic title={t("lobby.satisfaction")} value={satisfaction(stats)} data-testid="stat-satisfaction" />
          </Col>
        </Row>
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={9}>
          <Card title={t("lobby.queues")} size="small">
            <Suspense fallback={<Skeleton active paragraph={{ rows: 3 }} />}>
              <LazyTable
                size="small"
                pagination={false}
                rowKey="serviceId"
                dataSource={[...(queue?.services ?? [])]}
                columns={[
                  {
                    title: t("lobby.service"),
                    key: "svc",
                    render: (_, row) => {
                      const svc = serviceById.get(row.serviceId);
                      return (
                        <span>
                          <Tag>{svc?.prefix}</Tag>
                          {serviceLabel(svc)}
                        </span>
                      );
                    },
                  },
                  { title: t("lobby.waiting"), dataIndex: "waiting", key: "waiting", align: "right" },
                  {
                    title: t("lobby.longest"),
                    key: "longest",
                    align: "right",
                    render: (_, row) => (
                      <Tag color={waitColour(row.longestWaitMinutes, branch)}>
                        {t("common.minutesShort", { count: Math.round(row.longestWaitMinutes) })}
                      </Tag>
                    ),
                  },
                  {
                    title: t("lobby.estimated"),
                    key: "est",
                    align: "right",
                    render: (_, row) =>
                      row.estimatedWaitMinutes === null
                        ? t("opening.noCounterOpen")
                        : t("common.minutesShort", { count: Math.round(row.estimatedWaitMinutes) }),
                  },
                ]}
              />
            </Suspense>
          </Card>
          <Card title={t("lobby.counters")} size="small" style={{ marginTop: 16 }}>
            <Suspense fallback={<Skeleton active paragraph={{ rows: 3 }} />}>
              <LazyTable
                size="small"
                pagination={false}
                rowKey="id"
                dataSource={sortedCounters}
                columns={[
                  { title: "#", dataIndex: "number", key: "n", width: 44 },
                  {
                    title: t("lobby.status"),
                    key: "state",
                    render: (_, c) => (
                      <Tag
                        color={c.state === "open" ? "green" : c.state === "paused" ? "orange" : "default"}
                        data-testid={`counter-state-${c.number}`}
                      >
                        {t(`counterState.${c.state}`)}
                      </Tag>
                    ),
                  },
                  {
                    title: t("lobby.teller"),
                    key: "teller",
                    render: (_, c) => c.signedInUser?.displayName ?? "—",
                  },
                  { title: t("lobby.currentTicket"), key: "cur", render: (_, c) => c.currentTicket?.number ?? "—" },
                  {
                    title: t("common.actions"),
                    key: "act",
                    render: (_, c) => (
                      <Space size={4} wrap>
                        {(["open", "pause", "close"] as const)
                          .filter((a) =>
                            a === "open"
                              ? c.state !== "open"
                              : a === "pause"
                                ? c.state === "open"
                                : c.state !== "closed",
                          )
                          .map((a) => (
                            <Button
                              key={a}
                              size="small"
                              danger={a === "close"}
                              onClick={() => void run(() => api.post(`/api/counters/${c.id}/${a}`, {}))}
                              data-testid={`counter-${a}-${c.number}`}
                            >
                              {t(`lobby.${a}`)}
                            </Button>
                          ))}
                      </Space>
                    ),
                  },
                ]}
              />
            </Suspense>
          </Card>
          {noShows.length > 0 ? (
            <Card title={t("staff.recentNoShows")} size="small" style={{ marginTop: 16 }} data-testid="no-shows">
              <ul className="skill-waiting">
                {noShows.map((call) => (
                  <li key={call.ticketId} data-testid={`no-show-${call.number}`}>
                    <span>
                      <strong className="parked-number">{call.number}</strong>
                      {serviceLabel(serviceById.get(call.serviceId))}
                    </span>
                    <Button
                      size="small"
                      onClick={() =>
                        void run(() => api.post(`/api/tickets/${call.ticketId}/requeue`, { position: "first" }))
                      }
                      data-testid={`requeue-${call.number}`}
                    >
                      {t("staff.requeue")}
                    </Button>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </Col>
        <Col xs={24} xl={15}>
          <Card title={t("lobby.waitingTickets")} size="small">
            <Suspense fallback={<Skeleton active paragraph={{ rows: 3 }} />}>
              <LazyTable<QueueSnapshot["waiting"][number]>
                size="small"
                rowKey="id"
                pagination={{ pageSize: 15, hideOnSinglePage: true }}
                locale={{ emptyText: t("lobby.noWaiting") }}
                dataSource={[...(queue?.waiting ?? [])]}
                onRow={(row) => ({ "data-testid": `waiting-row-${row.number}` }) as React.HTMLAttributes<HTMLElement>}
                columns={[
                  {
                    title: t("lobby.ticket"),
                    dataIndex: "number",
                    key: "number",
                    render: (n: string, row) => (
                      <Space size={4}>
                        <strong>{n}</strong>
                        {attached.has(row.id) ? (
                          <Tag color="green" data-testid={`attached-${n}`}>
                            {tc("attachedTag")}
                          </Tag>
                        ) : null}
                        {(attached.get(row.id) ?? []).map((seg) => (
                          <Tag key={seg} color="gold" data-testid={`segment-${n}-${seg}`}>
                            {tc(`segment.${seg}`, { defaultValue: seg })}
                          </Tag>
                        ))}
                        {row.targetCounterId !== null ? (
                          <Tag color="blue" data-testid={`sent-to-${n}`}>
                            {t("daily.sentTo", { n: counterNumber.get(row.targetCounterId) ?? "?" })}
                          </Tag>
                        ) : null}
                      </Space>
                    ),
                  },
                  {
                    title: t("lobby.service"),
                    key: "svc",
                    render: (_, row) => serviceLabel(serviceById.get(row.serviceId)),
                  },
                  {
                    title: t("lobby.priority"),
                    key: "prio",
                    render: (_, row) =>
                      row.priority === "normal" ? (
                        t("priority.normal")
                      ) : (
                        <Tag color="magenta">{t(`priority.${row.priority}`)}</Tag>
                      ),
                  },
                  {
                    title: t("lobby.waitedFor"),
                    key: "wait",
                    render: (_, row) => {
                      const minutes = row.waitedMinutes ?? minutesSince(row.issuedAt, now);
                      return (
                        <Tooltip title={`${t("lobby.issuedAt")} ${timeOfDay(row.issuedAt)}`}>
                          <Tag color={waitColour(minutes, branch)} data-testid={`wait-${row.number}`}>
                            {t("common.minutesShort", { count: minutes })}
                          </Tag>
                        </Tooltip>
                      );
                    },
                  },
                  {
                    title: t("common.actions"),
                    key: "actions",
                    render: (_, row) => (
                      <Space size={4} wrap>
                        {withForm.has(row.serviceId) ? (
                          <Button
                            size="small"
                            type="primary"
                            ghost
                            onClick={() => {
                              setFormOpened(true);
                              setFilling({ id: row.id, number: row.number });
                            }}
                            data-testid={`fill-form-${row.number}`}
                          >
                            {tb("lobbyForm.fill")}
                          </Button>
                        ) : null}
                        {mayAttach ? (
                          <Button
                            size="small"
                            onClick={() => setAttaching({ id: row.id, number: row.number })}
                            data-testid={`attach-customer-${row.number}`}
                          >
                            {tc("attachAction")}
                          </Button>
                        ) : null}
                        <Button
                          size="small"
                          onClick={() => openTriage({ kind: "transfer-service", ticket: row })}
                          data-testid={`triage-service-${row.number}`}
                        >
                          {t("lobby.changeService")}
                        </Button>
                        <Button
                          size="small"
                          onClick={() => openTriage({ kind: "priority", ticket: row })}
                          data-testid={`triage-priority-${row.number}`}
                        >
                          {t("lobby.changePriority")}
                        </Button>
                        <Button
                          size="small"
                          onClick={() => openTriage({ kind: "transfer-counter", ticket: row })}
                          data-testid={`triage-counter-${row.number}`}
                        >
                          {t("lobby.sendToCounter")}
                        </Button>
                        <Button
                          size="small"
                          onClick={() => openTriage({ kind: "redirect", ticket: row })}
                          data-testid={`triage-redirect-${row.number}`}
                        >
                          {t("lobby.redirect")}
                        </Button>
                        <Button
                          size="small"
                          danger
                          onClick={() => openTriage({ kind: "cancel", ticket: row })}
                          data-testid={`triage-cancel-${row.number}`}
                        >
                          {t("lobby.cancelTicket")}
                        </Button>
                      </Space>
                    ),
                  },
                ]}
              />
            </Suspense>
          </Card>
        </Col>
      </Row>

      <Modal
        open={triage !== null && (triage.kind === "priority" || triage.kind === "redirect" || triage.kind === "cancel")}
        title={
          triage
            ? `${t(`lobby.${triage.kind === "priority" ? "changePriority" : triage.kind === "redirect" ? "redirect" : "cancelTicket"}`)} · ${triage.ticket.number}`
            : ""
        }
        onCancel={() => setTriage(null)}
        onOk={() => void submitTriage()}
        okButtonProps={{ id: "triage-ok" }}
        forceRender
      >
        <Form form={form} layout="vertical">
          {triage?.kind === "priority" ? (
            <Form.Item
              name="priority"
              label={t("lobby.priority")}
              rules={[{ required: true, message: t("common.required") }]}
            >
              <Select
                options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
                data-testid="priority-select"
              />
            </Form.Item>
          ) : null}
          {triage?.kind === "redirect" ? (
            <Form.Item
              name="target"
              label={t("lobby.redirectTarget")}
              rules={[{ required: true, message: t("common.required") }]}
            >
              <Select
                options={[
                  { value: "self_service", label: t("lobby.selfService") },
                  { value: "vtm", label: t("lobby.vtm") },
                  { value: "other", label: t("lobby.other") },
                ]}
              />
            </Form.Item>
          ) : null}
          {triage?.kind === "redirect" || triage?.kind === "cancel" ? (
            <Form.Item
              name="reason"
              label={t("common.reason")}
              rules={[{ required: true, whitespace: true, message: t("common.required") }]}
            >
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} data-testid="triage-reason" />
            </Form.Item>
          ) : null}
        </Form>
      </Modal>
      {formOpened ? (
        <Suspense fallback={null}>
          <TicketFormDrawer
            ticket={filling}
            onClose={() => setFilling(null)}
            onSaved={() => {
              setFilling(null);
              void message.success(tb("lobbyForm.saved"));
            }}
          />
        </Suspense>
      ) : null}
      {attaching !== null ? (
        <Suspense fallback={null}>
          <AttachCustomerModal
            ticket={attaching}
            onClose={() => setAttaching(null)}
            onAttached={(customer) => {
              setAttached(new Map(attached).set(customer.ticketId, attached.get(customer.ticketId) ?? []));
              setAttaching(null);
              void load();
              void message.success(tc("attached", { phone: customer.phone }));
            }}
          />
        </Suspense>
      ) : null}
      <IssuedSlip
        ticket={issued}
        branch={branch}
        service={issued ? serviceById.get(issued.serviceId) : undefined}
        onClose={() => setIssued(null)}
      />
      {triage !== null && (triage.kind === "transfer-service" || triage.kind === "transfer-counter") ? (
        <Suspense fallback={null}>
          <TransferModal
            open
            initialMode={triage.kind === "transfer-service" ? "service" : "counter"}
            ticket={triage.ticket}
            services={services}
            counters={sortedCounters.filter((c) => c.state !== "closed")}
            onClose={() => setTriage(null)}
            onSubmit={async (body) => {
              if (await run(() => api.post(`/api/tickets/${triage.ticket.id}/transfer`, body))) setTriage(null);
            }}
          />
        </Suspense>
      ) : null}
    </div>
  );
}

/**
 * A loud chime each time a ticket newly passes the alarm (not again for the same ticket). Browsers allow sound
 * only after a gesture in the page: the first click or key press (the login's counts) unlocks it.
 */
function useAlarmSound(overdueIds: string): void {
  const sounded = useRef(new Set<string>());
  useEffect(() => {
    void unlockAudio();
    const unlock = () => void unlockAudio();
    window.addEventListener("pointerdown", unlock);
    window.addEventListener("keydown", unlock);
    return () => {
      window.removeEventListener("pointerdown", unlock);
      window.removeEventListener("keydown", unlock);
    };
  }, []);
  useEffect(() => {
    const ids = overdueIds === "" ? [] : overdueIds.split(",");
    const fresh = ids.filter((id) => !sounded.current.has(id));
    for (const id of fresh) sounded.current.add(id);
    if (fresh.length > 0) void unlockAudio().then(() => chime(true));
  }, [overdueIds]);
}

/** The number the lobby manager just issued, large, with a slip to print for the customer. */
function IssuedSlip({
  ticket,
  branch,
  service,
  onClose,
}: {
  readonly ticket: Ticket | null;
  readonly branch: Branch | undefined;
  readonly service: Service | undefined;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const print = () => {
    // Only the slip is printed (staff.css, body.printing-slip): the console around it stays on screen.
    document.body.classList.add("printing-slip");
    const done = () => {
      document.body.classList.remove("printing-slip");
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
    done();
  };
  return (
    <Modal
      open={ticket !== null}
      title={t("daily.issuedTitle")}
      onCancel={onClose}
      footer={[
        <Button key="close" onClick={onClose}>
          {t("daily.close")}
        </Button>,
        <Button key="print" type="primary" onClick={print} data-testid="issued-print" autoFocus>
          {t("daily.print")}
        </Button>,
      ]}
    >
      {ticket !== null ? (
        <div className="lobby-slip" data-testid="issued-slip">
          <div className="lobby-slip-branch">{localName(branch)}</div>
          <div className="lobby-slip-number" data-testid="issued-number">
            {ticket.number}
          </div>
          <div>{serviceLabel(service)}</div>
          <div data-testid="issued-ahead">{t("daily.issuedAhead", { count: peopleAhead(ticket) })}</div>
          <div className="lobby-slip-time">
            {t("daily.issuedAt")} {dateTime(ticket.issuedAt)}
          </div>
        </div>
      ) : null}
    </Modal>
  );
}

export default function Lobby() {
  const { t } = useTranslation();
  return (
    <StaffShell title={t("lobby.title")} roles={["lobby_manager", "branch_manager", "back_office"]}>
      <AntApp>
        <Console />
      </AntApp>
    </StaffShell>
  );
}
