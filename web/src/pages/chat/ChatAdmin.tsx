import {
  App as AntApp,
  Button,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.ts";

interface Canned {
  readonly id: string;
  readonly title: string;
  readonly textZh: string;
  readonly textEn: string;
}
interface AgentRow {
  readonly userId: string;
  readonly displayName: string;
  readonly presence: string;
  readonly skills: readonly string[];
  readonly senior: boolean;
  readonly maxChats: number;
  readonly activeChats: number;
}

const SKILLS = ["general", "cards", "accounts", "payments", "branch", "digital", "loans", "wealth"] as const;
const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

function CannedAnswers() {
  const { t } = useTranslation("chat");
  const { message } = AntApp.useApp();
  const [rows, setRows] = useState<readonly Canned[]>([]);
  const [editing, setEditing] = useState<Canned | "new" | null>(null);
  const [form] = Form.useForm<{ title: string; textZh: string; textEn?: string }>();
  const load = useCallback(() => {
    api.get<{ answers: Canned[] }>("/api/chat/canned").then(
      (r) => setRows(r.answers),
      (e) => void message.error(errorText(e)),
    );
  }, [message]);
  useEffect(load, [load]);
  const save = async () => {
    const v = await form.validateFields();
    try {
      if (editing === "new") await api.post("/api/chat/canned", v);
      else if (editing) await api.put(`/api/chat/canned/${encodeURIComponent(editing.id)}`, v);
      setEditing(null);
      load();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const remove = async (id: string) => {
    try {
      await api.delete(`/api/chat/canned/${encodeURIComponent(id)}`);
      load();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  return (
    <>
      <Button
        type="primary"
        onClick={() => {
          form.resetFields();
          setEditing("new");
        }}
        style={{ marginBottom: 12 }}
      >
        {t("cannedNew")}
      </Button>
      <Table<Canned>
        rowKey="id"
        dataSource={[...rows]}
        pagination={false}
        columns={[
          { title: t("cannedTitle"), dataIndex: "title" },
          { title: t("cannedZh"), dataIndex: "textZh" },
          { title: t("cannedEn"), dataIndex: "textEn" },
          {
            title: "",
            key: "actions",
            render: (_: unknown, r) => (
              <Space>
                <Button
                  onClick={() => {
                    form.setFieldsValue(r);
                    setEditing(r);
                  }}
                >
                  {t("edit")}
                </Button>
                <Popconfirm title={t("deleteConfirm")} onConfirm={() => void remove(r.id)}>
                  <Button danger>{t("delete")}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={editing !== null} title={t("canned")} onCancel={() => setEditing(null)} onOk={() => void save()}>
        <Form form={form} layout="vertical">
          <Form.Item name="title" label={t("cannedTitle")} rules={[{ required: true, whitespace: true, max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="textZh" label={t("cannedZh")} rules={[{ required: true, whitespace: true, max: 2000 }]}>
            <Input.TextArea autoSize={{ minRows: 2 }} />
          </Form.Item>
          <Form.Item name="textEn" label={t("cannedEn")} rules={[{ max: 2000 }]}>
            <Input.TextArea autoSize={{ minRows: 2 }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Agents() {
  const { t } = useTranslation("chat");
  const { message } = AntApp.useApp();
  const [rows, setRows] = useState<readonly AgentRow[]>([]);
  const load = useCallback(() => {
    api.get<{ agents: AgentRow[] }>("/api/chat/agents").then(
      (r) => setRows(r.agents),
      (e) => void message.error(errorText(e)),
    );
  }, [message]);
  useEffect(load, [load]);
  const change = async (userId: string, body: Record<string, unknown>) => {
    try {
      await api.patch(`/api/chat/agents/${encodeURIComponent(userId)}`, body);
      load();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  return (
    <Table<AgentRow>
      rowKey="userId"
      dataSource={[...rows]}
      pagination={false}
      columns={[
        { title: t("agentName"), dataIndex: "displayName" },
        {
          title: t("presence"),
          dataIndex: "presence",
          render: (p: string) => (
            <Tag color={p === "online" ? "green" : p === "away" ? "orange" : "default"}>
              {t(p === "online" ? "presenceOnline" : p === "away" ? "presenceAway" : "presenceOffline")}
            </Tag>
          ),
        },
        {
          title: t("skill"),
          dataIndex: "skills",
          render: (skills: string[], r) => (
            <Select
              aria-label={`${t("skill")} ${r.displayName}`}
              mode="multiple"
              style={{ minWidth: 280 }}
              value={skills}
              options={SKILLS.map((s) => ({ value: s, label: t(`skills.${s}`) }))}
              onChange={(v: string[]) => v.length > 0 && void change(r.userId, { skills: v })}
            />
          ),
        },
        {
          title: t("senior"),
          dataIndex: "senior",
          render: (senior: boolean, r) => (
            <Switch
              aria-label={`${t("senior")} ${r.displayName}`}
              checked={senior}
              onChange={(v) => void change(r.userId, { senior: v })}
            />
          ),
        },
        {
          title: t("capacity"),
          dataIndex: "maxChats",
          render: (n: number, r) => (
            <InputNumber
              aria-label={`${t("capacity")} ${r.displayName}`}
              min={1}
              max={20}
              value={n}
              onChange={(v) => v && void change(r.userId, { maxChats: v })}
            />
          ),
        },
        { title: t("myChats"), dataIndex: "activeChats" },
      ]}
    />
  );
}

/** Admin: canned answers and the agents' skills, seniority and capacity. */
export function ChatAdmin() {
  const { t } = useTranslation("chat");
  return (
    <Tabs
      items={[
        { key: "canned", label: t("canned"), children: <CannedAnswers /> },
        { key: "agents", label: t("agents"), children: <Agents /> },
      ]}
    />
  );
}
