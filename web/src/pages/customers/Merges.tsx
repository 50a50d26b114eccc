import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Empty,
  Input,
  Modal,
  Radio,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, call, client } from "../../api/client.ts";
import { useStaffUser } from "../../components/StaffShell.tsx";
import { useBranches } from "../../lib/branch.ts";
import { hasRole } from "../../lib/session.ts";

/**
 * Merging two records of one customer (issue 14): proposed by one member of staff, confirmed or rejected with a
 * reason by a second with a manager's role; never silent. Everything shown is masked by the server for the
 * viewer's role; each profile opened for a comparison is recorded as a view.
 */
interface Who {
  id: string;
  code: string;
  name: string;
  phone: string;
}
interface Merge {
  id: string;
  status: string;
  reason: string;
  source: Who;
  target: Who;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}
/** The fields of GET /api/customers/:id a comparison shows (masked by the server). */
interface Profile extends Who {
  idNumber: string | null;
  email: string | null;
  birthYear: number | null;
  segments: Array<{ code: string }>;
  vipTier: string | null;
  visits: unknown[];
  appointments: unknown[];
  complaints: unknown[];
  createdAt: string;
}
interface Match extends Who {
  anonymised: boolean;
}

const fail = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Who may propose a merge and who may decide one: as the API (src/app/customers/merge.ts) allows. */
export function useMergeRights(): { propose: boolean; decide: boolean } {
  const user = useStaffUser();
  return {
    propose: hasRole(user, "branch_manager", "lobby_manager", "teller"),
    decide: hasRole(user, "branch_manager"),
  };
}

function useProfile(id: string | null): { profile: Profile | null; error: string | null } {
  const [profile, setProfile] = useState<Profile | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setProfile(null);
    setError(null);
    if (id === null) return;
    let live = true;
    api.get<Profile>(`/api/customers/${encodeURIComponent(id)}`).then(
      (p) => live && setProfile(p),
      (e: unknown) => live && setError(fail(e)),
    );
    return () => {
      live = false;
    };
  }, [id]);
  return { profile, error };
}

/** The two records side by side, each as the server masks it for this role. */
export function MergeCompare(props: { readonly sourceId: string; readonly targetId: string }) {
  const { t } = useTranslation("customerLinks");
  const { t: tc, i18n } = useTranslation("customers");
  const source = useProfile(props.sourceId);
  const target = useProfile(props.targetId);
  const error = source.error ?? target.error;
  if (error !== null) return <Alert type="error" title={error} data-testid="merge-compare-error" />;
  const s = source.profile;
  const g = target.profile;
  if (s === null || g === null) return <Spin />;
  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.language === "en" ? "en-GB" : "zh-CN");
  const segments = (p: Profile) =>
    p.segments.length === 0 ? "—" : p.segments.map((x) => tc(`segment.${x.code}`)).join("、");
  const rows: Array<{ key: string; label: string; of: (p: Profile) => string | number }> = [
    { key: "code", label: tc("code"), of: (p) => p.code },
    { key: "name", label: tc("name"), of: (p) => p.name || "—" },
    { key: "phone", label: tc("phone"), of: (p) => p.phone || "—" },
    { key: "idNumber", label: tc("idNumber"), of: (p) => p.idNumber ?? "—" },
    { key: "email", label: tc("email"), of: (p) => p.email ?? "—" },
    { key: "birthYear", label: tc("birthYear"), of: (p) => p.birthYear ?? "—" },
    { key: "segments", label: tc("segments"), of: segments },
    { key: "vipTier", label: tc("vipTier"), of: (p) => (p.vipTier ? tc(`tier.${p.vipTier}`) : "—") },
    { key: "visits", label: t("visitsN"), of: (p) => p.visits.length },
    { key: "appointments", label: t("appointmentsN"), of: (p) => p.appointments.length },
    { key: "complaints", label: t("complaintsN"), of: (p) => p.complaints.length },
    { key: "createdAt", label: t("createdAt"), of: (p) => date(p.createdAt) },
  ];
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="key"
      dataSource={rows}
      data-testid="merge-compare"
      columns={[
        { title: t("field"), dataIndex: "label", width: 110 },
        {
          title: `${t("mergeAway")} · ${s.code}`,
          key: "source",
          render: (_, r) => <span data-testid={`compare-source-${r.key}`}>{r.of(s)}</span>,
        },
        {
          title: `${t("keep")} · ${g.code}`,
          key: "target",
          render: (_, r) => <span data-testid={`compare-target-${r.key}`}>{r.of(g)}</span>,
        },
      ]}
    />
  );
}

/**
 * From a profile: find the other record, compare, choose which is kept, say why, propose. From the possible
 * duplicates: the same dialog with the other record already found and chosen (`prefill`).
 */
export function ProposeMerge(props: {
  readonly customer: { id: string; code: string };
  readonly onDone: () => void;
  readonly prefill?: Match;
  readonly trigger?: { readonly label: string; readonly testId: string };
}) {
  const { t } = useTranslation("customerLinks");
  const { t: tc } = useTranslation("customers");
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState(false);
  const [by, setBy] = useState<"phone" | "name" | "code">("phone");
  const [q, setQ] = useState("");
  const [matches, setMatches] = useState<Match[] | null>(props.prefill ? [props.prefill] : null);
  const [other, setOther] = useState<string | null>(props.prefill?.id ?? null);
  const [keepOther, setKeepOther] = useState(true);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setQ("");
    setMatches(props.prefill ? [props.prefill] : null);
    setOther(props.prefill?.id ?? null);
    setKeepOther(true);
    setReason("");
  };
  const search = async () => {
    if (!q.trim()) return;
    try {
      const found = await api.get<{ customers: Match[] }>(`/api/customers?${by}=${encodeURIComponent(q.trim())}`);
      setMatches(found.customers.filter((m) => m.id !== props.customer.id && !m.anonymised));
    } catch (e) {
      void message.error(fail(e));
    }
  };
  const sourceId = other === null ? null : keepOther ? props.customer.id : other;
  const targetId = other === null ? null : keepOther ? other : props.customer.id;
  const submit = async () => {
    if (sourceId === null || targetId === null) return;
    setBusy(true);
    try {
      await call(client.POST("/api/customer-merges", { body: { sourceId, targetId, reason: reason.trim() } }));
      void message.success(t("proposed"));
      setOpen(false);
      reset();
      props.onDone();
    } catch (e) {
      void message.error(fail(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        size={props.trigger ? "small" : undefined}
        onClick={() => setOpen(true)}
        data-testid={props.trigger?.testId ?? "propose-merge"}
      >
        {props.trigger?.label ?? t("proposeMerge")}
      </Button>
      <Modal
        open={open}
        width={820}
        title={t("proposeTitle")}
        onCancel={() => {
          setOpen(false);
          reset();
        }}
        onOk={() => void submit()}
        okText={t("propose")}
        okButtonProps={{
          disabled: other === null || reason.trim().length === 0 || busy,
          loading: busy,
          "data-testid": "propose-merge-submit",
        }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t("proposeHelp")}</Typography.Paragraph>
        <Space direction="vertical" style={{ width: "100%" }}>
          <Typography.Text strong>{t("findOther")}</Typography.Text>
          <Radio.Group
            value={by}
            onChange={(e) => setBy(e.target.value)}
            options={(["phone", "name", "code"] as const).map((v) => ({ value: v, label: tc(`by.${v}`) }))}
          />
          <Input.Search
            aria-label={t("findOther")}
            placeholder={tc("searchPlaceholder")}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onSearch={() => void search()}
            enterButton={tc("searchButton")}
            data-testid="merge-search"
          />
          {matches === null ? null : matches.length === 0 ? (
            <Empty description={tc("noMatches")} />
          ) : (
            <Radio.Group value={other} onChange={(e) => setOther(e.target.value)} data-testid="merge-matches">
              <Space direction="vertical">
                {matches.map((m) => (
                  <Radio key={m.id} value={m.id} data-testid={`merge-pick-${m.code}`}>
                    {m.code} · {m.name} · {m.phone}
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
          )}
          {other !== null && sourceId !== null && targetId !== null ? (
            <>
              <Space wrap>
                <Typography.Text>
                  {t("keep")}:{" "}
                  <Tag color="green">
                    {keepOther ? matches?.find((m) => m.id === other)?.code : props.customer.code}
                  </Tag>
                </Typography.Text>
                <Button size="small" onClick={() => setKeepOther(!keepOther)} data-testid="merge-swap">
                  {t("swap")}
                </Button>
              </Space>
              <MergeCompare key={`${sourceId}-${targetId}`} sourceId={sourceId} targetId={targetId} />
              <ReasonField
                id="merge-propose-reason"
                label={t("reasonLabel")}
                placeholder={t("proposeReasonPlaceholder")}
                value={reason}
                onChange={setReason}
              />
            </>
          ) : null}
        </Space>
      </Modal>
    </>
  );
}

/** The merges tab: proposals first; a manager reviews one side by side and confirms or rejects it with a reason. */
export function MergesTab() {
  const { t, i18n } = useTranslation("customerLinks");
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const rights = useMergeRights();
  const [status, setStatus] = useState<"proposed" | "confirmed" | "rejected" | "all">("proposed");
  const [merges, setMerges] = useState<Merge[] | null>(null);
  const [reviewing, setReviewing] = useState<Merge | null>(null);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const answer = await api.get<{ merges: Merge[] }>(
        status === "all" ? "/api/customer-merges" : `/api/customer-merges?status=${status}`,
      );
      setMerges(answer.merges);
    } catch (e) {
      void message.error(fail(e));
    }
  }, [status, message]);
  useEffect(() => {
    void load();
  }, [load]);

  const decide = async (decision: "confirm" | "reject") => {
    if (reviewing === null) return;
    setBusy(true);
    try {
      const path = { params: { path: { mergeId: reviewing.id } }, body: { reason: reason.trim() } };
      await call(
        decision === "confirm"
          ? client.POST("/api/customer-merges/{mergeId}/confirm", path)
          : client.POST("/api/customer-merges/{mergeId}/reject", path),
      );
      void message.success(decision === "confirm" ? t("confirmed") : t("rejected"));
      setReviewing(null);
      setReason("");
      await load();
    } catch (e) {
      void message.error(fail(e));
    } finally {
      setBusy(false);
    }
  };

  const when = (iso: string | null) =>
    iso === null ? "—" : new Date(iso).toLocaleString(i18n.language === "en" ? "en-GB" : "zh-CN");
  const who = (w: Merge["source"]) => `${w.code} · ${w.name || "—"} · ${w.phone || "—"}`;
  const own = reviewing !== null && reviewing.proposedBy === user.id;
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="middle">
      <PossibleDuplicates onProposed={() => void load()} />
      <Card title={t("merges")}>
        <Typography.Paragraph type="secondary">{t("mergesHelp")}</Typography.Paragraph>
        <Space style={{ marginBottom: 12 }}>
          <label htmlFor="merge-status">{t("filter")}</label>
          <Select
            id="merge-status"
            value={status}
            onChange={setStatus}
            style={{ width: 140 }}
            data-testid="merge-status"
            options={[
              ...(["proposed", "confirmed", "rejected"] as const).map((s) => ({ value: s, label: t(`status.${s}`) })),
              { value: "all", label: t("all") },
            ]}
          />
        </Space>
        <Table
          size="small"
          rowKey="id"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={merges ?? []}
          loading={merges === null}
          locale={{ emptyText: t("noMerges") }}
          data-testid="merges"
          onRow={(m) => ({ "data-testid": `merge-row-${m.source.code}` }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            {
              title: t("filter"),
              key: "status",
              render: (_, m) => (
                <Tag color={m.status === "proposed" ? "orange" : m.status === "confirmed" ? "green" : "default"}>
                  {t(`status.${m.status}`)}
                </Tag>
              ),
            },
            { title: t("mergeAway"), key: "source", render: (_, m) => who(m.source) },
            { title: t("keep"), key: "target", render: (_, m) => who(m.target) },
            { title: t("proposalReason"), dataIndex: "reason", key: "reason" },
            { title: t("proposedAt"), key: "at", render: (_, m) => when(m.proposedAt) },
            { title: t("decidedAt"), key: "decided", render: (_, m) => when(m.decidedAt) },
            {
              title: "",
              key: "act",
              render: (_, m) => (
                <Button
                  size="small"
                  onClick={() => {
                    setReason("");
                    setReviewing(m);
                  }}
                  data-testid={`merge-review-${m.source.code}`}
                >
                  {t("review")}
                </Button>
              ),
            },
          ]}
        />
        <Modal
          open={reviewing !== null}
          width={820}
          title={reviewing ? t("compareTitle", { source: reviewing.source.code, target: reviewing.target.code }) : ""}
          onCancel={() => setReviewing(null)}
          destroyOnHidden
          footer={
            reviewing?.status === "proposed" && rights.decide && !own
              ? [
                  <Button
                    key="reject"
                    danger
                    disabled={busy || !reason.trim()}
                    onClick={() => void decide("reject")}
                    data-testid="merge-reject"
                  >
                    {t("reject")}
                  </Button>,
                  <Button
                    key="confirm"
                    type="primary"
                    disabled={busy || !reason.trim()}
                    loading={busy}
                    onClick={() => void decide("confirm")}
                    data-testid="merge-confirm"
                  >
                    {t("confirm")}
                  </Button>,
                ]
              : null
          }
        >
          {reviewing !== null ? (
            <Space direction="vertical" style={{ width: "100%" }}>
              <Typography.Text>
                {t("proposalReason")}: <span data-testid="merge-proposal-reason">{reviewing.reason}</span>
              </Typography.Text>
              <MergeCompare sourceId={reviewing.source.id} targetId={reviewing.target.id} />
              {reviewing.status !== "proposed" ? null : !rights.decide ? (
                <Alert type="info" title={t("cannotDecide")} />
              ) : own ? (
                <Alert type="info" title={t("ownProposal")} data-testid="merge-own" />
              ) : (
                <ReasonField
                  id="merge-decide-reason"
                  label={t("decideReason")}
                  placeholder={t("decideReasonPlaceholder")}
                  value={reason}
                  onChange={setReason}
                />
              )}
            </Space>
          ) : null}
        </Modal>
      </Card>
    </Space>
  );
}

interface DuplicateRecord extends Who {
  email: string | null;
  idNumber: string | null;
  birthYear: number | null;
}
interface DuplicatePair {
  rules: string[];
  a: DuplicateRecord;
  b: DuplicateRecord;
}

/**
 * Possible duplicates among the branch's customers (GET /api/branches/:id/customer-duplicates), masked by the
 * server: each pair opens the propose-merge dialog with both records chosen, or is marked as two people with a
 * reason (audited), after which it is not shown again.
 */
function PossibleDuplicates(props: { readonly onProposed: () => void }) {
  const { t, i18n } = useTranslation("customerLinks");
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const rights = useMergeRights();
  const { branches, branchId, setBranchId } = useBranches(user);
  const [answer, setAnswer] = useState<{ items: DuplicatePair[]; truncated: boolean } | null>(null);
  const [dismissing, setDismissing] = useState<DuplicatePair | null>(null);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    if (branchId === null) return;
    try {
      setAnswer(await api.get(`/api/branches/${encodeURIComponent(branchId)}/customer-duplicates`));
    } catch (e) {
      setAnswer({ items: [], truncated: false });
      void message.error(fail(e));
    }
  }, [branchId, message]);
  useEffect(() => {
    void load();
  }, [load]);

  const dismiss = async () => {
    if (dismissing === null || branchId === null) return;
    setBusy(true);
    try {
      await api.post(`/api/branches/${encodeURIComponent(branchId)}/customer-duplicates/dismiss`, {
        customerIds: [dismissing.a.id, dismissing.b.id],
        reason: reason.trim(),
      });
      void message.success(t("dismissed"));
      setDismissing(null);
      setReason("");
      await load();
    } catch (e) {
      void message.error(fail(e));
    } finally {
      setBusy(false);
    }
  };

  const who = (w: DuplicateRecord) => `${w.code} · ${w.name || "—"} · ${w.phone || "—"}`;
  return (
    <Card title={t("duplicates")} data-testid="duplicates-card">
      <Typography.Paragraph type="secondary">{t("duplicatesHelp")}</Typography.Paragraph>
      {branches.length > 1 ? (
        <Space style={{ marginBottom: 12 }}>
          <label htmlFor="duplicates-branch">{t("branch")}</label>
          <Select
            id="duplicates-branch"
            value={branchId ?? undefined}
            onChange={setBranchId}
            style={{ width: 200 }}
            options={branches.map((b) => ({ value: b.id, label: i18n.language === "en" ? b.nameEn : b.nameZh }))}
          />
        </Space>
      ) : null}
      {answer?.truncated ? <Alert type="info" title={t("truncated")} style={{ marginBottom: 12 }} /> : null}
      <Table
        size="small"
        rowKey={(p) => `${p.a.id}-${p.b.id}`}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={answer?.items ?? []}
        loading={answer === null}
        locale={{ emptyText: t("noDuplicates") }}
        data-testid="duplicates"
        onRow={(p) => ({ "data-testid": `duplicate-row-${p.a.code}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t("why"),
            key: "rules",
            render: (_, p) => (
              <Space size={4} wrap>
                {p.rules.map((r) => (
                  <Tag key={r} color="orange">
                    {t(`rule.${r}`)}
                  </Tag>
                ))}
              </Space>
            ),
          },
          { title: t("recordA"), key: "a", render: (_, p) => who(p.a) },
          { title: t("recordB"), key: "b", render: (_, p) => who(p.b) },
          {
            title: "",
            key: "act",
            render: (_, p) =>
              rights.propose ? (
                <Space size={4} wrap>
                  <ProposeMerge
                    customer={p.a}
                    prefill={{ ...p.b, anonymised: false }}
                    trigger={{ label: t("proposeMerge"), testId: `duplicate-propose-${p.a.code}` }}
                    onDone={() => {
                      void load();
                      props.onProposed();
                    }}
                  />
                  <Button
                    size="small"
                    onClick={() => {
                      setReason("");
                      setDismissing(p);
                    }}
                    data-testid={`duplicate-dismiss-${p.a.code}`}
                  >
                    {t("notSame")}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <Modal
        open={dismissing !== null}
        title={dismissing ? t("dismissTitle", { a: dismissing.a.code, b: dismissing.b.code }) : ""}
        onCancel={() => setDismissing(null)}
        onOk={() => void dismiss()}
        okText={t("dismissOk")}
        okButtonProps={{ disabled: busy || !reason.trim(), loading: busy, "data-testid": "duplicate-dismiss-submit" }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t("dismissHelp")}</Typography.Paragraph>
        <ReasonField
          id="duplicate-dismiss-reason"
          label={t("reasonLabel")}
          placeholder={t("dismissReasonPlaceholder")}
          value={reason}
          onChange={setReason}
        />
      </Modal>
    </Card>
  );
}

/** A reason typed for a merge decision or a dismissal: labelled, at most 500 characters (the server's limit). */
function ReasonField(props: {
  readonly id: string;
  readonly label: string;
  readonly placeholder: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
}) {
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <Input.TextArea
        id={props.id}
        value={props.value}
        maxLength={500}
        autoSize={{ minRows: 2 }}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.id}
      />
    </>
  );
}
