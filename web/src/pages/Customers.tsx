import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  InputNumber,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, call, client } from "../api/client.ts";
import { CustomerFollowups } from "../components/CustomerFollowups.tsx";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import "../styles/staff.css";
import { MergesTab, ProposeMerge, useMergeRights } from "./customers/Merges.tsx";
import { type ConsentEntry, ConsentTags, RecordConsent } from "./customers/RecordConsent.tsx";

interface Match {
  id: string;
  code: string;
  name: string;
  phone: string;
  segments: string[];
  vipTier: string | null;
  anonymised: boolean;
}

interface Profile {
  id: string;
  code: string;
  name: string;
  phone: string;
  idNumber: string | null;
  email: string | null;
  birthYear: number | null;
  anonymised: boolean;
  mergedInto: string | null;
  segments: Array<{ code: string; source: "staff" | "rule" }>;
  vipTier: string | null;
  preferences: { lang: string; channel: string; counter: string | null };
  notes: string;
  consents: ConsentEntry[];
  visits: Array<{
    ticketId: string;
    day: string;
    number: string;
    serviceNameZh: string;
    serviceNameEn: string;
    status: string;
    outcome: string | null;
    rating: string | null;
    needs: string | null;
    products: string[];
    recordOutcome: string | null;
    reportId: string | null;
  }>;
  appointments: Array<{
    id: string;
    start: string;
    status: string;
    branchNameZh: string;
    branchNameEn: string;
    serviceNameZh: string;
    serviceNameEn: string;
  }>;
  complaints: Array<{ id: string; status: string; category: string }>;
  ratings: Array<{
    surveyId: string;
    csat: string | null;
    csatSource: string | null;
    nps: number | null;
    comment: string | null;
    at: string;
    complaintId: string | null;
    branchNameZh: string;
    branchNameEn: string;
  }>;
}

const when = (iso: string) => new Date(iso).toLocaleString([], { hour12: false });

/** The profile's appointments (with their status) and ratings (pad and survey, with date and branch). */
function AppointmentsAndRatings({ p }: { readonly p: Profile }) {
  const { t, i18n } = useTranslation("record14");
  const en = i18n.language === "en";
  const csatColor: Record<string, string> = { satisfied: "green", neutral: "default", dissatisfied: "red" };
  return (
    <>
      <Typography.Title level={5}>{t("profile.appointments")}</Typography.Title>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={p.appointments}
        data-testid="profile-appointments"
        locale={{ emptyText: t("profile.appointmentsEmpty") }}
        columns={[
          { title: t("profile.when"), render: (_, a) => when(a.start) },
          { title: t("profile.branch"), render: (_, a) => (en ? a.branchNameEn : a.branchNameZh) },
          { title: t("profile.service"), render: (_, a) => (en ? a.serviceNameEn : a.serviceNameZh) },
          {
            title: t("profile.status"),
            render: (_, a) => <Tag>{t(`booking:status.${a.status}`, { defaultValue: a.status })}</Tag>,
          },
        ]}
      />
      <Typography.Title level={5}>{t("profile.ratings")}</Typography.Title>
      <Table
        size="small"
        rowKey="surveyId"
        pagination={false}
        dataSource={p.ratings}
        data-testid="profile-ratings"
        locale={{ emptyText: t("profile.ratingsEmpty") }}
        columns={[
          { title: t("profile.when"), render: (_, r) => when(r.at) },
          { title: t("profile.branch"), render: (_, r) => (en ? r.branchNameEn : r.branchNameZh) },
          {
            title: t("profile.csat"),
            render: (_, r) =>
              r.csat ? (
                <Space size={4}>
                  <Tag color={csatColor[r.csat] ?? "default"}>
                    {t(`profile.csatValues.${r.csat}`, { defaultValue: r.csat })}
                  </Tag>
                  {r.complaintId ? <Tag color="volcano">{t("profile.complaintOpened")}</Tag> : null}
                </Space>
              ) : (
                "—"
              ),
          },
          { title: t("profile.nps"), render: (_, r) => r.nps ?? "—" },
          { title: t("profile.comment"), render: (_, r) => r.comment || "—" },
          {
            title: t("profile.source"),
            render: (_, r) => t(`profile.sources.${r.csatSource === "rating_pad" ? "rating_pad" : "survey"}`),
          },
        ]}
      />
    </>
  );
}

type Field = "phone" | "idNumber" | "name" | "email";

function ProfileView({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t, i18n } = useTranslation("customers");
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const en = i18n.language === "en";
  const [p, setP] = useState<Profile | null>(null);
  const [full, setFull] = useState<Partial<Record<Field, string | null>>>({});
  const [unmasking, setUnmasking] = useState<Field | null>(null);
  const [reason, setReason] = useState("");
  const [notes, setNotes] = useState("");
  const privacy = user?.roles.some((r) => r === "admin" || r === "branch_manager") ?? false;
  // Who records a consent given to staff (the server also asks that the customer be known to their branch).
  const consentRights =
    user?.roles.some((r) => r === "admin" || r === "branch_manager" || r === "lobby_manager" || r === "teller") ??
    false;
  const mergeRights = useMergeRights();

  const load = useCallback(async () => {
    const data = await api.get<Profile>(`/api/customers/${id}`);
    setP(data);
    setNotes(data.notes);
    setFull({});
  }, [id]);
  useEffect(() => {
    load().catch((e: unknown) => void message.error(e instanceof Error ? e.message : String(e)));
  }, [load, message]);

  if (!p) return null;
  const fail = (e: unknown) => void message.error(e instanceof Error ? e.message : String(e));
  const shown = (f: Field, masked: string | null) => (
    <Space size={4}>
      <span data-testid={`profile-${f}`}>{full[f] ?? masked ?? "—"}</span>
      {masked && full[f] === undefined && !p.anonymised ? (
        <Button size="small" type="link" onClick={() => setUnmasking(f)} data-testid={`unmask-${f}`}>
          {t("unmask")}
        </Button>
      ) : null}
    </Space>
  );
  const unmask = async () => {
    if (!unmasking) return;
    try {
      const r = await api.post<{ value: string | null }>(`/api/customers/${id}/unmask`, { field: unmasking, reason });
      setFull({ ...full, [unmasking]: r.value });
      setUnmasking(null);
      setReason("");
    } catch (e) {
      fail(e);
    }
  };
  const patch = async (body: Record<string, unknown>) => {
    try {
      setP(await api.patch<Profile>(`/api/customers/${id}`, body));
      void message.success(t("saved"));
    } catch (e) {
      fail(e);
    }
  };
  const staffSegments = p.segments.filter((s) => s.source === "staff").map((s) => s.code);
  return (
    <Card title={`${t("profile")} · ${p.code}`} data-testid="profile">
      {p.anonymised ? <Alert type="warning" title={t("anonymised")} style={{ marginBottom: 8 }} /> : null}
      {p.mergedInto !== null ? <MergedInto id={p.mergedInto} /> : null}
      {mergeRights.propose && !p.anonymised && p.mergedInto === null ? (
        <div style={{ marginBottom: 8 }}>
          <ProposeMerge customer={p} onDone={onChanged} />
        </div>
      ) : null}
      <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
        <Descriptions.Item label={t("name")}>{shown("name", p.name)}</Descriptions.Item>
        <Descriptions.Item label={t("phone")}>{shown("phone", p.phone || null)}</Descriptions.Item>
        <Descriptions.Item label={t("idNumber")}>{shown("idNumber", p.idNumber)}</Descriptions.Item>
        <Descriptions.Item label={t("email")}>{shown("email", p.email)}</Descriptions.Item>
        <Descriptions.Item label={t("birthYear")}>{p.birthYear ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={t("vipTier")}>
          <Select
            aria-label={t("vipTier")}
            size="small"
            style={{ width: 120 }}
            value={p.vipTier ?? ""}
            disabled={p.anonymised}
            onChange={(v) => void patch({ vipTier: v === "" ? null : v })}
            options={[
              { value: "", label: "—" },
              ...["gold", "platinum", "diamond"].map((x) => ({ value: x, label: t(`tier.${x}`) })),
            ]}
          />
        </Descriptions.Item>
        {/* One cell: the segments rules give (tags, not editable here) beside the ones staff set (the select). */}
        <Descriptions.Item label={t("segments")}>
          {p.segments
            .filter((s) => s.source === "rule")
            .map((s) => (
              <Tag key={s.code} title={t("bySource.rule")} data-testid={`rule-segment-${s.code}`}>
                {t(`segment.${s.code}`)} · {t("bySource.rule")}
              </Tag>
            ))}
          <Select
            aria-label={t("segments")}
            mode="multiple"
            size="small"
            style={{ minWidth: 200 }}
            value={staffSegments}
            disabled={p.anonymised}
            onChange={(v) => void patch({ segments: v })}
            options={["elderly", "small_business", "vip"].map((x) => ({ value: x, label: t(`segment.${x}`) }))}
          />
        </Descriptions.Item>
        <Descriptions.Item label={t("preferences")}>
          {t("lang")}: {p.preferences.lang} · {t("channel")}: {p.preferences.channel} · {t("counter")}:{" "}
          {p.preferences.counter ?? "—"}
        </Descriptions.Item>
        <Descriptions.Item label={t("consents")}>
          <ConsentTags consents={p.consents} />
        </Descriptions.Item>
      </Descriptions>
      {consentRights && !p.anonymised && p.mergedInto === null ? (
        <RecordConsent customerId={p.id} onRecorded={(consents) => setP({ ...p, consents })} />
      ) : null}
      <Space style={{ margin: "8px 0", width: "100%" }} direction="vertical">
        <Typography.Text strong>{t("notes")}</Typography.Text>
        <Input.TextArea
          aria-label={t("notes")}
          value={notes}
          maxLength={2000}
          disabled={p.anonymised}
          onChange={(e) => setNotes(e.target.value)}
        />
        <Button size="small" disabled={p.anonymised || notes === p.notes} onClick={() => void patch({ notes })}>
          {t("save")}
        </Button>
      </Space>
      <Typography.Title level={5}>{t("visitsCount", { count: p.visits.length })}</Typography.Title>
      <Table
        size="small"
        rowKey="ticketId"
        pagination={false}
        dataSource={p.visits}
        data-testid="visits"
        columns={[
          { title: "", dataIndex: "day" },
          { title: "#", dataIndex: "number" },
          { title: t("visitService"), render: (_, v) => (en ? v.serviceNameEn : v.serviceNameZh) },
          { title: t("needs"), dataIndex: "needs" },
          { title: t("products"), render: (_, v) => v.products.join(", ") },
          {
            title: t("outcome"),
            render: (_, v) =>
              v.recordOutcome || v.outcome || t(`translation:status.${v.status}`, { defaultValue: v.status }),
          },
          {
            title: t("report"),
            render: (_, v) =>
              v.reportId ? (
                <a href={`/api/tickets/${v.ticketId}/service-report.pdf`} target="_blank" rel="noreferrer">
                  PDF
                </a>
              ) : null,
          },
        ]}
      />
      <AppointmentsAndRatings p={p} />
      <CustomerFollowups customerId={id} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t("complaints")}: {p.complaints.length === 0 ? t("noComplaints") : p.complaints.length}
      </Typography.Paragraph>
      {privacy && !p.anonymised ? (
        <Space>
          <Button
            onClick={() => {
              const why = window.prompt(t("reason")) ?? "";
              if (!why.trim()) return;
              api
                .post<unknown>(`/api/customers/${id}/export`, { reason: why })
                .then((data) => {
                  const url = URL.createObjectURL(
                    new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }),
                  );
                  const a = document.createElement("a");
                  a.href = url;
                  a.download = `customer-${p.code}.json`;
                  a.click();
                  URL.revokeObjectURL(url);
                })
                .catch(fail);
            }}
          >
            {t("exportData")}
          </Button>
          <Button
            danger
            onClick={() => {
              const why = window.prompt(`${t("eraseConfirm")}\n${t("reason")}`) ?? "";
              if (!why.trim()) return;
              api
                .post(`/api/customers/${id}/erase`, { reason: why })
                .then(() => load())
                .then(onChanged)
                .catch(fail);
            }}
          >
            {t("erase")}
          </Button>
        </Space>
      ) : null}
      <Modal
        open={unmasking !== null}
        title={t("unmaskTitle")}
        onCancel={() => setUnmasking(null)}
        onOk={() => void unmask()}
        okButtonProps={{ disabled: reason.trim().length < 4 }}
      >
        <label htmlFor="unmask-reason">{t("unmaskReason")}</label>
        <Input
          id="unmask-reason"
          value={reason}
          placeholder={t("unmaskReasonPlaceholder")}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </Card>
  );
}

/** A merged record says where it went: the kept record's code, looked up masked. */
function MergedInto({ id }: { id: string }) {
  const { t } = useTranslation("customerLinks");
  const [code, setCode] = useState<string>("…");
  useEffect(() => {
    api
      .get<Profile>(`/api/customers/${id}`)
      .then((p) => setCode(p.code))
      .catch(() => setCode("?"));
  }, [id]);
  return <Alert type="info" title={t("mergedInto", { code })} style={{ marginBottom: 8 }} data-testid="merged-into" />;
}

function SearchTab() {
  const { t } = useTranslation("customers");
  const { message } = AntApp.useApp();
  const [by, setBy] = useState<"phone" | "name" | "code">("phone");
  const [q, setQ] = useState("");
  const [matches, setMatches] = useState<Match[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const search = async () => {
    try {
      const res = await api.get<{ customers: Match[] }>(`/api/customers?${by}=${encodeURIComponent(q.trim())}`);
      setMatches(res.customers);
      setSelected(res.customers.length === 1 ? (res.customers[0]?.id ?? null) : null);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={9}>
        <Card title={t("search")}>
          <Space direction="vertical" style={{ width: "100%" }}>
            <Radio.Group
              value={by}
              onChange={(e) => setBy(e.target.value)}
              options={(["phone", "name", "code"] as const).map((v) => ({ value: v, label: t(`by.${v}`) }))}
            />
            <Input.Search
              aria-label={t("search")}
              placeholder={t("searchPlaceholder")}
              value={q}
              onChange={(e) => setQ(e.target.value)}
              onSearch={() => void search()}
              enterButton={t("searchButton")}
              data-testid="customer-search"
            />
            {matches === null ? null : matches.length === 0 ? (
              <Empty description={t("noMatches")} />
            ) : (
              <>
                <Typography.Text type="secondary">
                  {t("matches", { count: matches.length })} · {t("masked")}
                </Typography.Text>
                <Table
                  size="small"
                  rowKey="id"
                  pagination={false}
                  dataSource={matches}
                  onRow={(m) => ({ onClick: () => setSelected(m.id), style: { cursor: "pointer" } })}
                  data-testid="matches"
                  columns={[
                    { title: t("name"), dataIndex: "name" },
                    { title: t("phone"), dataIndex: "phone" },
                    { title: t("code"), dataIndex: "code" },
                    {
                      title: t("segments"),
                      render: (_, m) => m.segments.map((s) => <Tag key={s}>{t(`segment.${s}`)}</Tag>),
                    },
                  ]}
                />
              </>
            )}
          </Space>
        </Card>
      </Col>
      <Col xs={24} lg={15}>
        {selected ? <ProfileView key={selected} id={selected} onChanged={() => void search()} /> : null}
      </Col>
    </Row>
  );
}

interface RetentionClass {
  dataClass: string;
  days: number;
  defaultDays: number;
}
interface Plan {
  lastRunAt?: string | null;
  items: Array<{ dataClass: string; cutoff: string; available: boolean; rows: Record<string, number> }>;
}

function RetentionTab() {
  const { t } = useTranslation("customers");
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const admin = user?.roles.includes("admin") ?? false;
  const [classes, setClasses] = useState<RetentionClass[]>([]);
  const [plan, setPlan] = useState<Plan | null>(null);
  const fail = (e: unknown) => void message.error(e instanceof Error ? e.message : String(e));
  useEffect(() => {
    api
      .get<{ classes: RetentionClass[] }>("/api/retention")
      .then((r) => setClasses(r.classes))
      .catch((e: unknown) => void message.error(e instanceof Error ? e.message : String(e)));
  }, [message]);
  const save = async () => {
    try {
      const days = Object.fromEntries(classes.map((c) => [c.dataClass, c.days]));
      const res = await call(client.PUT("/api/retention", { body: { days } }));
      setClasses(res.classes as unknown as RetentionClass[]);
      void message.success(t("saved"));
    } catch (e) {
      fail(e);
    }
  };
  return (
    <Card title={t("retention")}>
      <Typography.Paragraph type="secondary">{t("retentionHelp")}</Typography.Paragraph>
      <Table
        size="small"
        rowKey="dataClass"
        pagination={false}
        dataSource={classes}
        data-testid="retention"
        columns={[
          { title: "", render: (_, c) => t(`dataClass.${c.dataClass}`) },
          {
            title: t("days"),
            render: (_, c) => (
              <InputNumber
                aria-label={`${t(`dataClass.${c.dataClass}`)} ${t("days")}`}
                min={30}
                max={3650}
                value={c.days}
                disabled={!admin}
                onChange={(v) =>
                  setClasses(
                    classes.map((x) => (x.dataClass === c.dataClass ? { ...x, days: Number(v ?? x.days) } : x)),
                  )
                }
              />
            ),
          },
          { title: "", render: (_, c) => t("defaultDays", { count: c.defaultDays }) },
          {
            title: t("rowsToAnonymise"),
            render: (_, c) => {
              const item = plan?.items.find((i) => i.dataClass === c.dataClass);
              if (!item) return null;
              if (!item.available) return t("notAvailable");
              return (
                Object.entries(item.rows)
                  .filter(([, n]) => n > 0)
                  .map(([k, n]) => `${k}: ${n}`)
                  .join(", ") || "0"
              );
            },
          },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        {admin ? <Button onClick={() => void save()}>{t("save")}</Button> : null}
        <Button onClick={() => api.get<Plan>("/api/retention/dry-run").then(setPlan).catch(fail)} data-testid="dry-run">
          {t("dryRun")}
        </Button>
        {admin ? (
          <Button danger onClick={() => api.post<Plan>("/api/retention/run").then(setPlan).catch(fail)}>
            {t("runNow")}
          </Button>
        ) : null}
      </Space>
      {plan?.lastRunAt ? (
        <Typography.Paragraph type="secondary">
          {t("lastRun", { at: new Date(plan.lastRunAt).toLocaleString() })}
        </Typography.Paragraph>
      ) : null}
    </Card>
  );
}

function CustomersPage() {
  const { t } = useTranslation("customers");
  const { t: tl } = useTranslation("customerLinks");
  const merges = useMergeRights();
  const user = useStaffUser();
  const privacy = user?.roles.some((r) => r === "admin" || r === "branch_manager") ?? false;
  return (
    <Tabs
      items={[
        { key: "search", label: t("search"), children: <SearchTab /> },
        ...(merges.propose || merges.decide ? [{ key: "merges", label: tl("merges"), children: <MergesTab /> }] : []),
        ...(privacy ? [{ key: "retention", label: t("retention"), children: <RetentionTab /> }] : []),
      ]}
    />
  );
}

/** Customer search and profiles, and (managers) data retention: issue 14. */
export default function Customers() {
  const { t } = useTranslation("customers");
  return (
    <StaffShell title={t("title")} roles={["admin", "branch_manager", "lobby_manager", "teller", "back_office"]}>
      {/* The page's messages (saved, errors in the page's language) need Ant Design's App context. */}
      <AntApp>
        <CustomersPage />
      </AntApp>
    </StaffShell>
  );
}
