import {
  App as AntApp,
  Badge,
  Button,
  Card,
  Empty,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Radio,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../api/client.ts";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import { isEnglish } from "../i18n/index.ts";
import { rolesOf } from "../lib/session.ts";
import { ChatAdmin } from "./chat/ChatAdmin.tsx";
import { ChatCustomerPanel } from "./chat/ChatCustomerPanel.tsx";
import "../styles/staff.css";

type Presence = "online" | "away" | "offline";
interface BoardConversation {
  readonly id: string;
  readonly skill: string;
  readonly vip: boolean;
  readonly lastSeq: number;
  readonly assignedAt: string | null;
  readonly lastMessage: string | null;
  readonly lastAuthor: string | null;
}
interface Board {
  readonly me: {
    readonly userId: string;
    readonly presence: Presence;
    readonly maxChats: number;
    readonly activeChats: number;
  };
  readonly conversations: readonly BoardConversation[];
  readonly waiting: { readonly total: number; readonly bySkill: Record<string, number> };
  readonly openCallbacks: number;
}
interface Message {
  readonly seq: number;
  readonly author: "customer" | "bot" | "agent" | "system";
  readonly text: string;
  readonly at: string;
  readonly internal: boolean;
}
interface Conversation {
  readonly id: string;
  readonly status: string;
  readonly skill: string;
  readonly vip: boolean;
  readonly language: string;
  readonly identified: boolean;
  readonly botTried: ReadonlyArray<{ articleId: string; title: string }>;
  readonly messages: readonly Message[];
}
interface Canned {
  readonly id: string;
  readonly title: string;
  readonly textZh: string;
  readonly textEn: string;
}
interface AgentInfo {
  readonly userId: string;
  readonly displayName: string;
  readonly presence: Presence;
  readonly maxChats: number;
  readonly activeChats: number;
}
interface Callback {
  readonly id: string;
  readonly contact: string;
  readonly message: string;
  readonly skill: string;
  readonly dueAt: string;
  readonly overdue: boolean;
}

const SKILLS = ["general", "cards", "accounts", "payments", "branch", "digital", "loans", "wealth"] as const;
const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));
const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** The board, kept live by the server's stream (EventSource sends the session cookie). */
function useBoard(): { board: Board | null; reload: () => void } {
  const [board, setBoard] = useState<Board | null>(null);
  const reload = useCallback(() => {
    void api.get<Board>("/api/chat/me").then(setBoard, () => undefined);
  }, []);
  useEffect(() => {
    reload();
    const source = new EventSource("/api/chat/stream");
    source.addEventListener("board", (e) => setBoard(JSON.parse((e as MessageEvent<string>).data) as Board));
    return () => source.close();
  }, [reload]);
  return { board, reload };
}

function ChatPane({
  id,
  lastSeq,
  canned,
  agents,
  onGone,
}: {
  readonly id: string;
  readonly lastSeq: number;
  readonly canned: readonly Canned[];
  readonly agents: readonly AgentInfo[];
  readonly onGone: () => void;
}) {
  const { t } = useTranslation("chat");
  const { message } = AntApp.useApp();
  const [conv, setConv] = useState<Conversation | null>(null);
  const [text, setText] = useState("");
  const [hints, setHints] = useState<ReadonlyArray<{ id: string; titleZh: string; titleEn: string }>>([]);
  const [transferOpen, setTransferOpen] = useState(false);
  const [form] = Form.useForm<{ target: "skill" | "agent"; skill?: string; agentId?: string; note: string }>();
  const scroller = useRef<HTMLDivElement>(null);
  // The newest message in view, as in any chat.
  useEffect(() => {
    void conv;
    scroller.current?.scrollTo({ top: scroller.current.scrollHeight });
  }, [conv]);

  // Reloaded whenever the board says the conversation has a new message.
  useEffect(() => {
    void lastSeq;
    api.get<Conversation>(`/api/chat/conversations/${encodeURIComponent(id)}`).then(setConv, (e: unknown) => {
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) onGone();
    });
  }, [id, lastSeq, onGone]);

  // Knowledge suggestions as the agent types (or from the customer's last message).
  const lastCustomer = useMemo(
    () => [...(conv?.messages ?? [])].reverse().find((m) => m.author === "customer")?.text ?? "",
    [conv],
  );
  const query = text.trim().length >= 2 ? text : lastCustomer;
  useEffect(() => {
    if (query.trim().length < 2) {
      setHints([]);
      return;
    }
    const timer = setTimeout(() => {
      api
        .get<{ results: Array<{ id: string; titleZh: string; titleEn: string }> }>(
          `/api/knowledge/search?q=${encodeURIComponent(query.slice(0, 200))}&limit=3`,
        )
        .then(
          (r) => setHints(r.results),
          () => setHints([]),
        );
    }, 250);
    return () => clearTimeout(timer);
  }, [query]);

  const send = async () => {
    if (!text.trim()) return;
    try {
      await api.post(`/api/chat/conversations/${encodeURIComponent(id)}/messages`, { text });
      setText("");
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const close = async () => {
    try {
      await api.post(`/api/chat/conversations/${encodeURIComponent(id)}/close`);
      onGone();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const transfer = async () => {
    const v = await form.validateFields();
    try {
      await api.post(`/api/chat/conversations/${encodeURIComponent(id)}/transfer`, {
        note: v.note,
        ...(v.target === "skill" ? { skill: v.skill } : { agentId: v.agentId }),
      });
      void message.success(t("transferred"));
      setTransferOpen(false);
      form.resetFields();
      onGone();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const insertArticle = async (articleId: string) => {
    try {
      const a = await api.get<{ titleZh: string; bodyZh: string; titleEn?: string; bodyEn?: string }>(
        `/api/knowledge/articles/${encodeURIComponent(articleId)}`,
      );
      const en = conv?.language === "en" && a.bodyEn;
      setText(en ? `${a.titleEn}\n${a.bodyEn}` : `${a.titleZh}\n${a.bodyZh}`);
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  if (!conv) return <Card loading />;
  const who = (m: Message) => (m.internal ? t("internalNote") : t(m.author === "customer" ? "you" : m.author));
  return (
    <Card
      title={
        <Space>
          {conv.vip && <Tag color="gold">{t("vip")}</Tag>}
          <Tag>{t(`skills.${conv.skill}`, { defaultValue: conv.skill })}</Tag>
        </Space>
      }
      extra={
        <Space>
          <Button onClick={() => setTransferOpen(true)}>{t("transfer")}</Button>
          <Popconfirm title={t("closeConfirm")} onConfirm={() => void close()}>
            <Button danger>{t("close")}</Button>
          </Popconfirm>
        </Space>
      }
    >
      <div className="agent-layout">
        <div className="agent-transcript" data-testid="agent-transcript" aria-live="polite" ref={scroller}>
          {conv.messages.map((m) => (
            <div key={m.seq} className={`agent-msg ${m.author}${m.internal ? " internal" : ""}`}>
              <Typography.Text type="secondary">
                {who(m)} · {time(m.at)}
              </Typography.Text>
              <div className="agent-msg-text">{m.text}</div>
            </div>
          ))}
        </div>
        <div className="agent-side">
          <ChatCustomerPanel conversationId={id} identified={conv.identified} />
          <Typography.Title level={5}>{t("botTried")}</Typography.Title>
          {conv.botTried.length === 0 ? (
            <Typography.Text type="secondary">{t("noBotTried")}</Typography.Text>
          ) : (
            <ul>
              {conv.botTried.map((a) => (
                <li key={a.articleId}>{a.title}</li>
              ))}
            </ul>
          )}
          <Typography.Title level={5}>{t("suggestions")}</Typography.Title>
          <Space direction="vertical" style={{ width: "100%" }} data-testid="agent-suggestions">
            {hints.map((h) => (
              <Button key={h.id} block onClick={() => void insertArticle(h.id)} style={{ textAlign: "left" }}>
                {isEnglish() && h.titleEn ? h.titleEn : h.titleZh}
              </Button>
            ))}
          </Space>
        </div>
      </div>
      <Space direction="vertical" style={{ width: "100%", marginTop: 12 }}>
        {canned.length > 0 && (
          <Select
            aria-label={t("canned")}
            placeholder={t("canned")}
            style={{ minWidth: 240 }}
            options={canned.map((c) => ({ value: c.id, label: c.title }))}
            onChange={(v: string) => {
              const c = canned.find((x) => x.id === v);
              if (c) setText(conv.language === "en" && c.textEn ? c.textEn : c.textZh);
            }}
          />
        )}
        <Input.TextArea
          aria-label={t("reply")}
          placeholder={t("replyPlaceholder")}
          value={text}
          autoSize={{ minRows: 2, maxRows: 6 }}
          maxLength={2000}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void send();
          }}
          data-testid="agent-reply"
        />
        <Button type="primary" onClick={() => void send()} disabled={!text.trim()} data-testid="agent-send">
          {t("reply")}
        </Button>
      </Space>
      <Modal
        open={transferOpen}
        title={t("transfer")}
        onCancel={() => setTransferOpen(false)}
        onOk={() => void transfer()}
        okText={t("transfer")}
      >
        <Form form={form} layout="vertical" initialValues={{ target: "skill", skill: "general" }}>
          <Form.Item name="target" label={t("transferTo")}>
            <Radio.Group>
              <Radio value="skill">{t("transferSkill")}</Radio>
              <Radio value="agent">{t("transferAgent")}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item noStyle shouldUpdate>
            {({ getFieldValue }) =>
              getFieldValue("target") === "skill" ? (
                <Form.Item name="skill" label={t("skill")} rules={[{ required: true }]}>
                  <Select options={SKILLS.map((s) => ({ value: s, label: t(`skills.${s}`) }))} />
                </Form.Item>
              ) : (
                <Form.Item name="agentId" label={t("transferAgent")} rules={[{ required: true }]}>
                  <Select
                    options={agents
                      .filter((a) => a.presence === "online" && a.activeChats < a.maxChats)
                      .map((a) => ({ value: a.userId, label: a.displayName }))}
                  />
                </Form.Item>
              )
            }
          </Form.Item>
          <Form.Item name="note" label={t("transferNote")} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function Callbacks({ onChange }: { readonly onChange: () => void }) {
  const { t } = useTranslation("chat");
  const { message } = AntApp.useApp();
  const [rows, setRows] = useState<readonly Callback[]>([]);
  const [outcome, setOutcome] = useState<Record<string, string>>({});
  const load = useCallback(() => {
    api.get<{ callbacks: Callback[] }>("/api/chat/callbacks").then(
      (r) => setRows(r.callbacks),
      () => undefined,
    );
  }, []);
  useEffect(load, [load]);
  const done = async (id: string) => {
    try {
      await api.post(`/api/chat/callbacks/${encodeURIComponent(id)}/done`, { outcome: outcome[id] ?? "" });
      load();
      onChange();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  return (
    <Table<Callback>
      rowKey="id"
      dataSource={[...rows]}
      locale={{ emptyText: t("noCallbacks") }}
      pagination={false}
      columns={[
        {
          title: t("due"),
          dataIndex: "dueAt",
          render: (v: string, r) => (
            <Space>
              {new Date(v).toLocaleString()}
              {r.overdue && <Tag color="red">{t("overdue")}</Tag>}
            </Space>
          ),
        },
        { title: t("contact"), dataIndex: "contact" },
        { title: t("message"), dataIndex: "message" },
        { title: t("skill"), dataIndex: "skill", render: (s: string) => t(`skills.${s}`, { defaultValue: s }) },
        {
          title: t("outcome"),
          key: "outcome",
          render: (_: unknown, r) => (
            <Space.Compact>
              <Input
                aria-label={t("outcome")}
                value={outcome[r.id] ?? ""}
                onChange={(e) => setOutcome({ ...outcome, [r.id]: e.target.value })}
              />
              <Button onClick={() => void done(r.id)} disabled={!(outcome[r.id] ?? "").trim()}>
                {t("markDone")}
              </Button>
            </Space.Compact>
          ),
        },
      ]}
    />
  );
}

function Desk() {
  const { t } = useTranslation("chat");
  const { message } = AntApp.useApp();
  const { board, reload } = useBoard();
  const [selected, setSelected] = useState<string | null>(null);
  const [canned, setCanned] = useState<readonly Canned[]>([]);
  const [agents, setAgents] = useState<readonly AgentInfo[]>([]);
  useEffect(() => {
    api.get<{ answers: Canned[] }>("/api/chat/canned").then(
      (r) => setCanned(r.answers),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    void board?.me.presence;
    api.get<{ agents: AgentInfo[] }>("/api/chat/agents").then(
      (r) => setAgents(r.agents),
      () => undefined,
    );
  }, [board?.me.presence]);
  const chats = board?.conversations ?? [];
  const current = chats.find((c) => c.id === selected) ?? chats[0];
  const setPresence = async (presence: Presence, maxChats?: number) => {
    try {
      await api.put("/api/chat/me/presence", { presence, ...(maxChats ? { maxChats } : {}) });
      reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const gone = useCallback(() => {
    setSelected(null);
    reload();
  }, [reload]);
  if (!board) return <Card loading />;
  return (
    <Tabs
      items={[
        {
          key: "chats",
          label: (
            <Badge count={chats.length} offset={[10, 0]}>
              {t("myChats")}
            </Badge>
          ),
          children: (
            <Space direction="vertical" style={{ width: "100%" }}>
              <Space wrap>
                <span>{t("presence")}</span>
                <Radio.Group
                  value={board.me.presence}
                  onChange={(e) => void setPresence(e.target.value as Presence)}
                  optionType="button"
                  data-testid="agent-presence"
                  options={[
                    { value: "online", label: t("presenceOnline") },
                    { value: "away", label: t("presenceAway") },
                    { value: "offline", label: t("presenceOffline") },
                  ]}
                />
                <span>{t("capacity")}</span>
                <InputNumber
                  aria-label={t("capacity")}
                  min={1}
                  max={20}
                  value={board.me.maxChats}
                  onChange={(v) => v && void setPresence(board.me.presence, v)}
                />
                <Tag color={board.waiting.total > 0 ? "orange" : "default"}>
                  {t("waiting", { count: board.waiting.total })}
                </Tag>
                <Tag>{t("openCallbacks", { count: board.openCallbacks })}</Tag>
              </Space>
              <div className="agent-desk">
                <List
                  className="agent-list"
                  bordered
                  dataSource={[...chats]}
                  locale={{ emptyText: <Empty description={t("noChats")} /> }}
                  renderItem={(c) => (
                    <List.Item
                      onClick={() => setSelected(c.id)}
                      className={c.id === current?.id ? "selected" : ""}
                      data-testid="agent-chat"
                      tabIndex={0}
                      onKeyDown={(e) => {
                        if (e.key === "Enter") setSelected(c.id);
                      }}
                    >
                      <List.Item.Meta
                        title={
                          <Space>
                            {c.vip && <Tag color="gold">{t("vip")}</Tag>}
                            {t(`skills.${c.skill}`, { defaultValue: c.skill })}
                            {c.assignedAt && <Typography.Text type="secondary">{time(c.assignedAt)}</Typography.Text>}
                          </Space>
                        }
                        description={c.lastMessage ?? ""}
                      />
                    </List.Item>
                  )}
                />
                <div className="agent-main">
                  {current ? (
                    <ChatPane
                      key={current.id}
                      id={current.id}
                      lastSeq={current.lastSeq}
                      canned={canned}
                      agents={agents.filter((a) => a.userId !== board.me.userId)}
                      onGone={gone}
                    />
                  ) : (
                    <Empty description={t("select")} />
                  )}
                </div>
              </div>
            </Space>
          ),
        },
        { key: "callbacks", label: t("callbacks"), children: <Callbacks onChange={reload} /> },
      ]}
    />
  );
}

/** An agent works the chats; an admin (not an agent) sets up canned answers and agents' skills here. */
function DeskOrAdmin() {
  const roles = rolesOf(useStaffUser());
  return roles.includes("agent") ? <Desk /> : <ChatAdmin />;
}

/** The contact-centre agent's workstation (/agent). */
export default function Agent() {
  const { t } = useTranslation("chat");
  useEffect(() => {
    document.title = t("deskTitle");
  }, [t]);
  return (
    <StaffShell title={t("deskTitle")} roles={["agent", "admin"]}>
      <DeskOrAdmin />
    </StaffShell>
  );
}
