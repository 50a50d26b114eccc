import {
  Alert,
  App as AntApp,
  Badge,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Empty,
  Input,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Statistic,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TellerToday } from "../../../src/app/counters/teller-today.ts";
import { ApiError, api, unwrapList, unwrapOne } from "../api/client.ts";
import type { BranchEvent, Counter, QueueSnapshot, Service, Ticket } from "../api/types.ts";
import { CallCard } from "../components/CallCard.tsx";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import { TransferModal } from "../components/TransferModal.tsx";
import { useBranches } from "../lib/branch.ts";
import { useEventStream } from "../lib/events.ts";
import { clockDuration, serviceLabel } from "../lib/format.ts";
import { useDebounced, useNow } from "../lib/hooks.ts";
import { CounterTicketAnswers } from "./counter/TicketAnswers.tsx";
import "../styles/staff.css";

const COUNTER_KEY = "datang.counter";
/** Why a counter pauses; stored as the code, shown in the reader's language. */
const PAUSE_REASONS = ["break", "meeting", "training", "system_fault"] as const;

type ActionKey = "callNext" | "recall" | "start" | "complete" | "noShow" | "transfer" | "park" | "pause";
/** Single keys, ignored while typing in a field, so a teller can work without the mouse. */
const SHORTCUTS: Record<string, ActionKey> = {
  n: "callNext",
  r: "recall",
  s: "start",
  c: "complete",
  x: "noShow",
  t: "transfer",
  p: "park",
  b: "pause",
};
const KEY_OF: Record<ActionKey, string> = Object.fromEntries(
  Object.entries(SHORTCUTS).map(([k, v]) => [v, k.toUpperCase()]),
) as Record<ActionKey, string>;

/**
 * The current ticket's wait and service times, ticking every second. Their own component, so that the tick
 * re-renders these two figures and not the whole workstation (its forms, lists and checklist) once a second.
 */
function CurrentTimers({ ticket }: { readonly ticket: Ticket }) {
  const { t } = useTranslation();
  const now = useNow(1000);
  return (
    <Row gutter={16} className="current-timers">
      <Col span={12}>
        <Statistic
          title={t("counter.waitTime")}
          value={clockDuration(ticket.queuedAt ?? ticket.issuedAt, Date.parse(ticket.calledAt ?? "") || now)}
        />
      </Col>
      <Col span={12}>
        <Statistic
          title={t("counter.serviceTime")}
          value={ticket.startedAt ? clockDuration(ticket.startedAt, now) : "—"}
          data-testid="service-timer"
        />
      </Col>
    </Row>
  );
}

/** A stored pause reason in the reader's language (a code this version knows, else the text as stored). */
function useReasonLabel(): (reason: string) => string {
  const { t } = useTranslation();
  return (reason) => ((PAUSE_REASONS as readonly string[]).includes(reason) ? t(`staff.reasons.${reason}`) : reason);
}

function Workstation() {
  const reasonLabel = useReasonLabel();
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const { branches, branchId, setBranchId } = useBranches(user);
  const [counters, setCounters] = useState<readonly Counter[]>([]);
  const [counterId, setCounterId] = useState<string | null>(() => window.localStorage.getItem(COUNTER_KEY));
  const [counter, setCounter] = useState<Counter | null>(null);
  const [services, setServices] = useState<readonly Service[]>([]);
  const [queue, setQueue] = useState<QueueSnapshot | null>(null);
  const [notes, setNotes] = useState("");
  const [outcome, setOutcome] = useState("completed");
  const [checked, setChecked] = useState<readonly string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [transferOpen, setTransferOpen] = useState(false);
  const [pauseOpen, setPauseOpen] = useState(false);
  const [pauseReason, setPauseReason] = useState<string>("break");
  const [myDay, setMyDay] = useState<TellerToday | null>(null);

  const loadCounters = useCallback(async () => {
    if (branchId === null) return;
    const [c, s, q] = await Promise.all([
      api.get<unknown>(`/api/branches/${branchId}/counters`),
      api.get<unknown>(`/api/branches/${branchId}/services`),
      api.get<QueueSnapshot>(`/api/branches/${branchId}/queue`),
    ]);
    setCounters(unwrapList<Counter>(c, "counters"));
    setServices(unwrapList<Service>(s, "services"));
    setQueue(q);
  }, [branchId]);

  const loadCounter = useCallback(async () => {
    if (counterId === null) return;
    void api
      .get<TellerToday>(`/api/counters/${counterId}/my-today`)
      .then(setMyDay)
      .catch(() => setMyDay(null));
    try {
      setCounter(unwrapOne<Counter>(await api.get<unknown>(`/api/counters/${counterId}`), "counter"));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        setCounterId(null);
        setCounter(null);
      }
    }
  }, [counterId]);

  const refresh = useCallback(() => {
    void loadCounters().catch(() => undefined);
    void loadCounter();
  }, [loadCounters, loadCounter]);
  const refreshSoon = useDebounced(refresh, 250);
  const stream = useEventStream<BranchEvent>(
    branchId === null ? null : `/api/branches/${branchId}/events`,
    refreshSoon,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: reconnecting must refetch what was missed.
  useEffect(refresh, [refresh, stream.connections]);

  useEffect(() => {
    if (counterId === null) return;
    window.localStorage.setItem(COUNTER_KEY, counterId);
    // Parked tickets used to live in this browser's storage; the server keeps them now (parkedTickets).
    for (let i = window.localStorage.length - 1; i >= 0; i--) {
      const key = window.localStorage.key(i);
      if (key?.startsWith("datang.parked.")) window.localStorage.removeItem(key);
    }
  }, [counterId]);

  const current: Ticket | null = counter?.currentTicket ?? null;
  // The server's list of tickets this counter parked and nobody resumed, refreshed with the rest of the page.
  const parked: readonly Ticket[] = counter?.id === counterId ? (counter?.parkedTickets ?? []) : [];
  const service = services.find((s) => s.id === current?.serviceId);
  const signedIn = counter?.signedInUser?.id === user.id;
  // A new ticket starts with a clean checklist and notes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the ticket changes.
  useEffect(() => {
    setChecked([]);
    setNotes(current?.notes ?? "");
    setOutcome("completed");
  }, [current?.id]);

  const skills = useMemo(
    () => (counter?.skills ?? []).filter((s) => s.weight > 0).map((s) => s.serviceId),
    [counter?.skills],
  );
  const waitingForMe = (queue?.services ?? []).filter((s) => skills.includes(s.serviceId) && s.waiting > 0);
  // The tickets this counter may call, as dispatch sees them: its skills, or sent to it; none sent elsewhere.
  const callable = (queue?.waiting ?? []).filter((w) =>
    w.targetCounterId === null ? skills.includes(w.serviceId) : w.targetCounterId === counterId,
  );
  // Customers waiting for business this counter does not handle (or sent to another counter): not "nobody".
  const othersWaiting = (queue?.waiting ?? []).length - callable.length;

  const run = useCallback(
    async (work: () => Promise<unknown>): Promise<boolean> => {
      setBusy(true);
      setError(null);
      try {
        await work();
        return true;
      } catch (e) {
        // The server's own sentence, in the page's language; never a bare code.
        setError(e instanceof ApiError ? e.message : String(e));
        return false;
      } finally {
        setBusy(false);
        refresh();
      }
    },
    [refresh],
  );

  const act = useCallback(
    (action: ActionKey): void => {
      if (busy || counterId === null || !signedIn) return;
      const id = current?.id;
      switch (action) {
        case "callNext":
          if (current !== null && current.status !== "done") return;
          void run(async () => {
            const answer = await api.post<unknown>(`/api/counters/${counterId}/call-next`);
            if (answer === undefined)
              void message.info(
                othersWaiting > 0 ? t("daily2.othersWaiting", { count: othersWaiting }) : t("counter.nobodyWaiting"),
              );
          });
          return;
        case "pause":
          if (counter?.state === "paused") void run(() => api.post(`/api/counters/${counterId}/open`, {}));
          else setPauseOpen(true);
          return;
        case "transfer":
          if (id !== undefined) setTransferOpen(true);
          return;
        case "park":
          if (id === undefined || current === null) return;
          void run(() => api.post(`/api/tickets/${id}/park`));
          return;
        case "complete":
          if (id === undefined) return;
          void run(() => api.post(`/api/tickets/${id}/complete`, { outcome, notes: notes.trim() || undefined }));
          return;
        default: {
          if (id === undefined) return;
          const path = { recall: "recall", start: "start", noShow: "no-show" }[action];
          void run(() => api.post(`/api/tickets/${id}/${path}`));
        }
      }
    },
    [busy, counterId, signedIn, current, counter?.state, run, message, t, outcome, notes, othersWaiting],
  );

  const resume = (entry: Ticket): void => {
    if (counterId === null) return;
    void run(async () => {
      // Resuming puts the ticket back first in this counter's line; a free teller takes it straight back,
      // a busy one calls it next.
      await api.post(`/api/tickets/${entry.id}/resume`);
      if (current === null || current.status === "done") {
        await api.post(`/api/counters/${counterId}/call`, { ticketId: entry.id });
      }
    });
  };

  const actRef = useRef(act);
  actRef.current = act;
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
      if (event.ctrlKey || event.metaKey || event.altKey || document.querySelector(".ant-modal-wrap")) return;
      const action = SHORTCUTS[event.key.toLowerCase()];
      if (action !== undefined) {
        event.preventDefault();
        actRef.current(action);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const callThis = (ticketId: string): void => {
    if (counterId === null) return;
    void run(() => api.post(`/api/counters/${counterId}/call`, { ticketId }));
  };

  if (branchId === null) return <Empty />;

  const chooser = (
    <Space wrap>
      {branches.length > 1 ? (
        <Select
          value={branchId}
          aria-label={t("common.branch", { defaultValue: "Branch" })}
          style={{ minWidth: 160 }}
          onChange={setBranchId}
          options={branches.map((b) => ({ value: b.id, label: b.nameZh }))}
        />
      ) : null}
      <Select
        placeholder={t("counter.chooseCounter")}
        aria-label={t("counter.chooseCounter")}
        value={counterId ?? undefined}
        style={{ minWidth: 200 }}
        onChange={(v: string) => setCounterId(v)}
        data-testid="counter-select"
        options={[...counters]
          .sort((a, b) => Number(a.number) - Number(b.number))
          .map((c) => {
            const label = t("common.counterN", { n: c.number });
            return { value: c.id, label: c.name && c.name !== label ? `${label} · ${c.name}` : label };
          })}
      />
      {counter !== null && !signedIn ? (
        <Button
          type="primary"
          onClick={() => void run(() => api.post(`/api/counters/${counter.id}/sign-in`))}
          data-testid="sign-in"
        >
          {t("counter.signIn")}
        </Button>
      ) : null}
      {counter !== null && signedIn ? (
        <Button onClick={() => void run(() => api.post(`/api/counters/${counter.id}/sign-out`))} data-testid="sign-out">
          {t("counter.signOut")}
        </Button>
      ) : null}
      {counter !== null ? (
        <Tag
          color={counter.state === "open" ? "green" : counter.state === "paused" ? "orange" : "default"}
          data-testid="counter-state"
        >
          {t(`counterState.${counter.state}`)}
        </Tag>
      ) : null}
      {counter?.state === "paused" && counter.pauseReason ? (
        <Tag color="orange" data-testid="pause-reason">
          {t("staff.pausedBecause", { reason: reasonLabel(counter.pauseReason) })}
        </Tag>
      ) : null}
    </Space>
  );

  const actionButton = (action: ActionKey, enabled: boolean, primary = false, danger = false) => (
    <Button
      key={action}
      type={primary ? "primary" : "default"}
      danger={danger}
      size="large"
      disabled={!enabled || busy || !signedIn}
      onClick={() => act(action)}
      data-testid={`act-${action}`}
    >
      {action === "pause" && counter?.state === "paused" ? t("counter.open") : t(`counter.${action}`)}
      <span className="kbd">{KEY_OF[action]}</span>
    </Button>
  );
  const status = current?.status;
  const active = current !== null && status !== "done";
  const canCall = !active && counter?.state === "open" && signedIn && !busy;

  return (
    <div className="counter-page">
      <Card size="small" className="counter-bar">
        {chooser}
      </Card>
      {error !== null ? (
        <Alert
          type="error"
          title={error}
          closable
          onClose={() => setError(null)}
          showIcon
          data-testid="counter-error"
        />
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card title={t("counter.current")} data-testid="current-card">
            {active && current !== null ? (
              <>
                <div className="current-head">
                  <span className="current-number" data-testid="current-number">
                    {current.number}
                  </span>
                  <Space direction="vertical" size={2}>
                    <Typography.Text strong>{serviceLabel(service)}</Typography.Text>
                    <Space size={4} wrap>
                      <Tag color={status === "serving" ? "blue" : "gold"}>{t(`status.${current.status}`)}</Tag>
                      {current.priority !== "normal" ? (
                        <Tag color="magenta">{t(`priority.${current.priority}`)}</Tag>
                      ) : null}
                      {current.recallCount ? <Tag>{t("counter.recalls", { count: current.recallCount })}</Tag> : null}
                    </Space>
                  </Space>
                </div>
                <CallCard ticketId={current.id} />
                {reviewRejection(current.notes) !== null ? (
                  <Alert
                    type="warning"
                    showIcon
                    title={t("feedback2:counter.reviewRejected", { reason: reviewRejection(current.notes) })}
                    data-testid="review-rejected"
                    style={{ margin: "8px 0" }}
                  />
                ) : null}
                {counter?.handoverNote ? (
                  <Alert
                    type="info"
                    showIcon
                    title={t("staff.handoverNote", { note: counter.handoverNote })}
                    data-testid="handover-note"
                    style={{ margin: "8px 0" }}
                  />
                ) : null}
                <CounterTicketAnswers ticketId={current.id} />
                <CurrentTimers ticket={current} />
                <Descriptions size="small" column={1} title={t("counter.documents")} className="documents">
                  <Descriptions.Item label="">
                    {(service?.requiredDocuments ?? []).length === 0 ? (
                      t("counter.noDocuments")
                    ) : (
                      <Checkbox.Group
                        value={[...checked]}
                        onChange={(v) => setChecked(v as string[])}
                        options={(service?.requiredDocuments ?? []).map((d) => ({ label: d, value: d }))}
                        className="doc-list"
                      />
                    )}
                  </Descriptions.Item>
                </Descriptions>
                <Typography.Text strong>
                  <label htmlFor="counter-notes">{t("counter.notes")}</label>
                </Typography.Text>
                <Input.TextArea
                  id="counter-notes"
                  value={notes}
                  onChange={(e) => setNotes(e.target.value)}
                  placeholder={t("counter.notesPlaceholder")}
                  autoSize={{ minRows: 2, maxRows: 5 }}
                  maxLength={2000}
                  data-testid="notes"
                />
                <Space style={{ marginTop: 8 }}>
                  <Typography.Text>{t("counter.outcome")}</Typography.Text>
                  <Radio.Group
                    aria-label={t("counter.outcome")}
                    value={outcome}
                    onChange={(e) => setOutcome(String(e.target.value))}
                    options={[
                      { value: "completed", label: t("counter.outcomeDone") },
                      { value: "referred", label: t("counter.outcomeReferred") },
                      { value: "incomplete", label: t("counter.outcomeIncomplete") },
                    ]}
                  />
                </Space>
              </>
            ) : (
              <Empty
                description={
                  counter?.state === "paused"
                    ? counter.pauseReason
                      ? t("staff.pausedBecause", { reason: reasonLabel(counter.pauseReason) })
                      : t("counter.paused")
                    : t("counter.noCurrent")
                }
              />
            )}
            <div className="action-row">
              {actionButton("callNext", !active && counter?.state === "open", true)}
              {actionButton("recall", status === "called")}
              {actionButton("start", status === "called", true)}
              {actionButton("complete", status === "serving", true)}
              {actionButton("noShow", status === "called", false, true)}
              {actionButton("transfer", active)}
              {actionButton("park", status === "serving" || status === "called")}
              {actionButton("pause", counter !== null && counter.state !== "closed")}
            </div>
            <Typography.Text type="secondary" className="shortcut-hint">
              {t("counter.shortcuts")}:{" "}
              {Object.entries(SHORTCUTS)
                .map(([k, a]) => `${k.toUpperCase()} ${t(`counter.${a}`)}`)
                .join(" · ")}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card
            title={t("counter.waitingForSkills")}
            size="small"
            extra={<Badge status={stream.online ? "success" : "error"} />}
          >
            {callable.length === 0 ? (
              othersWaiting > 0 ? (
                <Typography.Text type="secondary" data-testid="others-waiting">
                  {t("daily2.othersWaiting", { count: othersWaiting })}
                </Typography.Text>
              ) : (
                <Typography.Text type="secondary" data-testid="nobody-waiting">
                  {t("counter.nobodyWaiting")}
                </Typography.Text>
              )
            ) : (
              <>
                <ul className="skill-waiting">
                  {waitingForMe.map((s) => {
                    const svc = services.find((x) => x.id === s.serviceId);
                    return (
                      <li key={s.serviceId} data-testid={`skill-waiting-${svc?.prefix ?? s.serviceId}`}>
                        <span>
                          <Tag>{svc?.prefix}</Tag>
                          {serviceLabel(svc)}
                        </span>
                        <strong>{t("common.people", { count: s.waiting })}</strong>
                      </li>
                    );
                  })}
                </ul>
                <Typography.Title level={5} style={{ marginTop: 12 }}>
                  {t("staff.waitingList")}
                </Typography.Title>
                <ul className="skill-waiting" data-testid="callable-list">
                  {callable.slice(0, 30).map((w) => (
                    <li key={w.id} data-testid={`callable-${w.number}`}>
                      <span>
                        <strong className="parked-number">{w.number}</strong>
                        {serviceLabel(services.find((x) => x.id === w.serviceId))}
                        {w.targetCounterId === counterId ? <Tag color="blue">{t("staff.sentHere")}</Tag> : null}
                        {w.priority !== "normal" ? <Tag color="magenta">{t(`priority.${w.priority}`)}</Tag> : null}
                        <Typography.Text type="secondary">
                          {" "}
                          {t("staff.waited", { count: w.waitedMinutes })}
                        </Typography.Text>
                      </span>
                      <Button
                        size="small"
                        disabled={!canCall}
                        onClick={() => callThis(w.id)}
                        aria-label={t("staff.callThisLabel", { number: w.number })}
                        data-testid={`call-${w.number}`}
                      >
                        {t("staff.callThis")}
                      </Button>
                    </li>
                  ))}
                </ul>
                {othersWaiting > 0 ? (
                  <Typography.Text type="secondary" data-testid="others-waiting">
                    {t("daily2.othersWaitingAlso", { count: othersWaiting })}
                  </Typography.Text>
                ) : null}
              </>
            )}
          </Card>
          {myDay !== null && signedIn ? (
            <Card title={t("staff.myDay")} size="small" style={{ marginTop: 16 }} data-testid="my-day">
              <Row gutter={8}>
                <Col span={6}>
                  <Statistic title={t("staff.myCalled")} value={myDay.called} />
                </Col>
                <Col span={6}>
                  <Statistic title={t("staff.myServed")} value={myDay.served} />
                </Col>
                <Col span={6}>
                  <Statistic title={t("staff.myNoShows")} value={myDay.noShows} />
                </Col>
                <Col span={6}>
                  <Statistic
                    title={t("staff.myAverage")}
                    value={
                      myDay.averageServiceMinutes === null
                        ? "—"
                        : t("common.minutes", { count: myDay.averageServiceMinutes })
                    }
                  />
                </Col>
              </Row>
            </Card>
          ) : null}
          <Card title={t("counter.parked")} size="small" style={{ marginTop: 16 }}>
            {parked.length === 0 ? (
              <Typography.Text type="secondary">{t("common.none")}</Typography.Text>
            ) : (
              <ul className="skill-waiting" data-testid="parked-list">
                {parked.map((p) => (
                  <li key={p.id} data-testid={`parked-${p.number}`}>
                    <span>
                      <strong className="parked-number">{p.number}</strong>
                      {serviceLabel(services.find((x) => x.id === p.serviceId))}
                    </span>
                    <Button
                      size="small"
                      onClick={() => resume(p)}
                      disabled={busy || !signedIn}
                      data-testid={`resume-${p.number}`}
                    >
                      {t("counter.resume")}
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </Col>
      </Row>
      <Modal
        open={pauseOpen}
        title={t("staff.pauseTitle")}
        onCancel={() => setPauseOpen(false)}
        okButtonProps={{ id: "pause-ok" }}
        onOk={() => {
          setPauseOpen(false);
          void run(() => api.post(`/api/counters/${counterId}/pause`, { reason: pauseReason }));
        }}
        destroyOnHidden
      >
        <Radio.Group
          aria-label={t("staff.pauseReason")}
          value={pauseReason}
          onChange={(e) => setPauseReason(String(e.target.value))}
          options={PAUSE_REASONS.map((r) => ({ value: r, label: t(`staff.reasons.${r}`) }))}
          data-testid="pause-reasons"
        />
      </Modal>
      {current !== null ? (
        <TransferModal
          open={transferOpen}
          ticket={current}
          services={services}
          counters={counters.filter((c) => c.id !== counterId)}
          onClose={() => setTransferOpen(false)}
          onSubmit={async (body) => {
            const ok = await run(() => api.post(`/api/tickets/${current.id}/transfer`, body));
            if (ok) setTransferOpen(false);
          }}
        />
      ) : null}
    </div>
  );
}

export default function CounterPage() {
  const { t } = useTranslation();
  return (
    <StaffShell title={t("counter.title")} roles={["teller"]}>
      <AntApp>
        <Workstation />
      </AntApp>
    </StaffShell>
  );
}

/** The back office's reason when it sent this ticket back (the last rejection written into its notes), or null. */
function reviewRejection(notes: string | null | undefined): string | null {
  const found = [...(notes ?? "").matchAll(/\[复核退回 \/ Review rejected\] (.*)$/gm)];
  return found.at(-1)?.[1] ?? null;
}
