import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Drawer,
  Form,
  Input,
  List,
  Popconfirm,
  Radio,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../api/client.ts";
import { StaffShell } from "../components/StaffShell.tsx";
import { dateTime } from "../lib/format.ts";
import "../styles/staff.css";

const CATEGORIES = ["cards", "accounts", "payments", "digital", "branch", "wealth", "loans", "general"] as const;
type Category = (typeof CATEGORIES)[number];
type Status = "published" | "draft";

interface Article {
  readonly id: string;
  readonly titleZh: string;
  readonly titleEn: string;
  readonly bodyZh: string;
  readonly bodyEn: string;
  readonly questions: readonly string[];
  readonly keywords: readonly string[];
  readonly category: Category;
  readonly status: Status;
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string | null;
}

interface Version {
  readonly version: number;
  readonly action: string;
  readonly at: string;
  readonly actorName: string | null;
  readonly changed: readonly string[];
}

interface ArticleForm {
  titleZh: string;
  titleEn: string;
  bodyZh: string;
  bodyEn: string;
  questions: string[];
  keywords: string[];
  category: Category;
  status: Status;
}

const message = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

function ArticleEditor({
  editing,
  onClose,
  onSaved,
}: {
  readonly editing: Article | "new" | null;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) {
  const { t } = useTranslation("knowledge");
  const { message: toast } = AntApp.useApp();
  const [form] = Form.useForm<ArticleForm>();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!editing) return;
    setError(null);
    form.setFieldsValue(
      editing === "new"
        ? {
            titleZh: "",
            titleEn: "",
            bodyZh: "",
            bodyEn: "",
            questions: [],
            keywords: [],
            category: "general",
            status: "published",
          }
        : { ...editing, questions: [...editing.questions], keywords: [...editing.keywords] },
    );
  }, [editing, form]);

  const save = async (values: ArticleForm) => {
    setSaving(true);
    setError(null);
    try {
      if (editing === "new") await api.post("/api/knowledge/articles", values);
      else if (editing) await api.patch(`/api/knowledge/articles/${editing.id}`, values);
      toast.success(t("saved"));
      onSaved();
    } catch (e) {
      setError(message(e));
    } finally {
      setSaving(false);
    }
  };

  const required = [{ required: true, whitespace: true, message: t("required") }];
  return (
    <Drawer
      open={editing !== null}
      onClose={onClose}
      width={720}
      title={editing === "new" ? t("create") : editing ? `${t("edit")}: ${editing.titleZh}` : ""}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t("cancel")}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="kb-save">
            {t("save")}
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={save}>
        <Form.Item name="titleZh" label={t("fields.titleZh")} rules={required}>
          <Input maxLength={200} data-testid="kb-titleZh" />
        </Form.Item>
        <Form.Item name="titleEn" label={t("fields.titleEn")}>
          <Input maxLength={200} data-testid="kb-titleEn" />
        </Form.Item>
        <Form.Item name="bodyZh" label={t("fields.bodyZh")} rules={required}>
          <Input.TextArea rows={5} maxLength={10_000} data-testid="kb-bodyZh" />
        </Form.Item>
        <Form.Item name="bodyEn" label={t("fields.bodyEn")}>
          <Input.TextArea rows={4} maxLength={10_000} data-testid="kb-bodyEn" />
        </Form.Item>
        <Form.Item name="questions" label={t("fields.questions")}>
          <Select mode="tags" open={false} tokenSeparators={["\n"]} data-testid="kb-questions" />
        </Form.Item>
        <Form.Item name="keywords" label={t("fields.keywords")}>
          <Select mode="tags" open={false} tokenSeparators={[",", "，"]} data-testid="kb-keywords" />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item name="category" label={t("fields.category")}>
            <Select
              style={{ width: 200 }}
              options={CATEGORIES.map((c) => ({ value: c, label: t(`categories.${c}`) }))}
              data-testid="kb-category"
            />
          </Form.Item>
          <Form.Item name="status" label={t("fields.status")}>
            <Radio.Group
              optionType="button"
              options={[
                { value: "published", label: t("status.published") },
                { value: "draft", label: t("status.draft") },
              ]}
            />
          </Form.Item>
        </Space>
      </Form>
    </Drawer>
  );
}

function History({ article, onClose }: { readonly article: Article | null; readonly onClose: () => void }) {
  const { t } = useTranslation("knowledge");
  const [versions, setVersions] = useState<readonly Version[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!article) return;
    setVersions([]);
    api.get<Version[]>(`/api/knowledge/articles/${article.id}/versions`).then(setVersions, (e) => setError(message(e)));
  }, [article]);
  return (
    <Drawer
      open={article !== null}
      onClose={onClose}
      width={560}
      title={article ? t("historyTitle", { title: article.titleZh }) : ""}
    >
      {error && <Alert type="error" showIcon message={error} />}
      <List
        dataSource={[...versions]}
        data-testid="kb-history"
        renderItem={(v) => (
          <List.Item>
            <List.Item.Meta
              title={
                <Space>
                  <Tag>v{v.version}</Tag>
                  <span>{t(`historyAction.${v.action}`, { defaultValue: v.action })}</span>
                  <Typography.Text type="secondary">{dateTime(v.at)}</Typography.Text>
                </Space>
              }
              description={
                <>
                  <div>
                    {t("by")}: {v.actorName ?? "—"}
                  </div>
                  {v.changed.length > 0 && (
                    <div>
                      {t("changed")}: {v.changed.map((f) => t(`fields.${f}`, { defaultValue: f })).join("、")}
                    </div>
                  )}
                </>
              }
            />
          </List.Item>
        )}
      />
    </Drawer>
  );
}

function TrySearch({ revision }: { readonly revision: number }) {
  const { t, i18n } = useTranslation("knowledge");
  const [q, setQ] = useState("");
  const [results, setResults] = useState<ReadonlyArray<{ id: string; titleZh: string; titleEn: string }> | null>(null);
  useEffect(() => {
    const text = q.trim();
    // Read here so that an edit (a new revision) searches again: the editor sees the change take effect.
    if (!text || revision < 0) {
      setResults(null);
      return;
    }
    const handle = window.setTimeout(() => {
      api
        .get<{ results: Array<{ id: string; titleZh: string; titleEn: string }> }>(
          `/api/knowledge/search?q=${encodeURIComponent(text)}&limit=3`,
        )
        .then((r) => setResults(r.results))
        .catch(() => setResults([]));
    }, 250);
    return () => window.clearTimeout(handle);
  }, [q, revision]);
  const en = i18n.language === "en";
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <label htmlFor="kb-try">{t("tryLabel")}</label>
      <Input
        id="kb-try"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder={t("tryPlaceholder")}
        allowClear
        data-testid="kb-try"
      />
      {results && (
        <ol className="kb-try-results" data-testid="kb-try-results">
          {results.length === 0 && <li>{t("tryNone")}</li>}
          {results.map((r) => (
            <li key={r.id}>{en && r.titleEn ? r.titleEn : r.titleZh}</li>
          ))}
        </ol>
      )}
    </Space>
  );
}

/** `revision` counts saved changes on this page (articles, synonyms, imports): the try-search box searches again. */
function ArticlesTab({ revision, onChange }: { readonly revision: number; readonly onChange: () => void }) {
  const { t, i18n } = useTranslation("knowledge");
  const { message: toast } = AntApp.useApp();
  const [articles, setArticles] = useState<readonly Article[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState("");
  const [editing, setEditing] = useState<Article | "new" | null>(null);
  const [history, setHistory] = useState<Article | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setArticles(await api.get<Article[]>("/api/knowledge/articles"));
      setError(null);
    } catch (e) {
      setError(message(e));
    } finally {
      setLoading(false);
    }
  }, []);
  // Loaded again after any saved change on the page (an import changes articles too).
  useEffect(() => {
    if (revision >= 0) void load();
  }, [load, revision]);
  const changed = onChange;

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    if (!f) return articles;
    return articles.filter((a) => [a.titleZh, a.titleEn, ...a.keywords, a.id].some((s) => s.toLowerCase().includes(f)));
  }, [articles, filter]);

  const remove = async (a: Article) => {
    try {
      await api.delete(`/api/knowledge/articles/${a.id}`);
      toast.success(t("deleted"));
      changed();
    } catch (e) {
      toast.error(message(e));
    }
  };

  const en = i18n.language === "en";
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      {error && <Alert type="error" showIcon message={error} />}
      <Card size="small">
        <TrySearch revision={revision} />
      </Card>
      <Space wrap>
        <Input
          aria-label={t("filter")}
          placeholder={t("filter")}
          allowClear
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          style={{ width: 280 }}
          data-testid="kb-filter"
        />
        <Button type="primary" onClick={() => setEditing("new")} data-testid="kb-create">
          {t("create")}
        </Button>
      </Space>
      <Table<Article>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={[...shown]}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        data-testid="kb-table"
        columns={[
          {
            title: t("columns.title"),
            key: "title",
            render: (_, a) => (
              <div data-testid={`kb-row-${a.id}`}>
                <div>{en && a.titleEn ? a.titleEn : a.titleZh}</div>
                <Typography.Text type="secondary">{en ? a.titleZh : a.titleEn}</Typography.Text>
              </div>
            ),
          },
          { title: t("columns.category"), key: "category", render: (_, a) => t(`categories.${a.category}`) },
          {
            title: t("columns.status"),
            key: "status",
            render: (_, a) => (
              <Tag color={a.status === "published" ? "green" : "default"}>{t(`status.${a.status}`)}</Tag>
            ),
          },
          { title: t("columns.version"), key: "version", render: (_, a) => `v${a.version}` },
          {
            title: t("columns.updated"),
            key: "updated",
            render: (_, a) => (
              <>
                <div>{dateTime(a.updatedAt)}</div>
                <Typography.Text type="secondary">{a.updatedBy ?? ""}</Typography.Text>
              </>
            ),
          },
          {
            title: t("columns.actions"),
            key: "actions",
            render: (_, a) => (
              <Space size={0} wrap>
                <Button type="link" onClick={() => setEditing(a)} data-testid={`kb-edit-${a.id}`}>
                  {t("edit")}
                </Button>
                <Button type="link" onClick={() => setHistory(a)} data-testid={`kb-history-${a.id}`}>
                  {t("history")}
                </Button>
                <Popconfirm title={t("deleteConfirm")} onConfirm={() => remove(a)}>
                  <Button type="link" danger data-testid={`kb-delete-${a.id}`}>
                    {t("delete")}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <ArticleEditor
        editing={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          changed();
        }}
      />
      <History article={history} onClose={() => setHistory(null)} />
    </Space>
  );
}

function SynonymsTab({ onChange }: { readonly onChange: () => void }) {
  const { t } = useTranslation("knowledge");
  const { message: toast } = AntApp.useApp();
  const [groups, setGroups] = useState<string[][]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    api.get<{ groups: string[][] }>("/api/knowledge/synonyms").then(
      (r) => setGroups(r.groups),
      (e) => setError(message(e)),
    );
  }, []);
  const save = async () => {
    const kept = groups.map((g) => g.map((w) => w.trim()).filter(Boolean)).filter((g) => g.length > 0);
    if (kept.some((g) => g.length < 2)) {
      setError(t("groupTooSmall"));
      return;
    }
    setSaving(true);
    try {
      setGroups((await api.put<{ groups: string[][] }>("/api/knowledge/synonyms", { groups: kept })).groups);
      setError(null);
      toast.success(t("synonymsSaved"));
      onChange();
    } catch (e) {
      setError(message(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Paragraph>{t("synonymsHint")}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} />}
      {groups.map((g, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: groups have no identity but their place in the list
        <Space key={i} style={{ width: "100%" }} align="start" data-testid={`kb-group-${i}`}>
          <Select
            mode="tags"
            open={false}
            aria-label={`${t("tabs.synonyms")} ${i + 1}`}
            value={g}
            onChange={(next: string[]) => setGroups(groups.map((x, j) => (j === i ? next : x)))}
            placeholder={t("groupPlaceholder")}
            style={{ minWidth: 480, maxWidth: 900 }}
            tokenSeparators={[",", "，"]}
          />
          <Button onClick={() => setGroups(groups.filter((_, j) => j !== i))} aria-label={t("removeGroup")}>
            {t("removeGroup")}
          </Button>
        </Space>
      ))}
      <Space>
        <Button onClick={() => setGroups([...groups, []])} data-testid="kb-add-group">
          {t("addGroup")}
        </Button>
        <Button type="primary" loading={saving} onClick={save} data-testid="kb-save-synonyms">
          {t("save")}
        </Button>
      </Space>
    </Space>
  );
}

function ExchangeTab({ onChange }: { readonly onChange: () => void }) {
  const { t } = useTranslation("knowledge");
  const [result, setResult] = useState<{ created: number; updated: number; unchanged: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const upload = async (file: File) => {
    setResult(null);
    setError(null);
    try {
      const content = await file.text();
      const format = /\.(md|markdown)$/i.test(file.name) ? "md" : "csv";
      setResult(await api.post("/api/knowledge/import", { format, content }));
      onChange();
    } catch (e) {
      setError(message(e));
    }
  };
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Card size="small" title={t("exportTitle")}>
        <Space>
          <Button href="/api/knowledge/export?format=csv" data-testid="kb-export-csv">
            {t("exportCsv")}
          </Button>
          <Button href="/api/knowledge/export?format=md" data-testid="kb-export-md">
            {t("exportMd")}
          </Button>
        </Space>
      </Card>
      <Card size="small" title={t("importTitle")}>
        <Typography.Paragraph>{t("importHint")}</Typography.Paragraph>
        <label className="kb-file">
          <span>{t("importFile")}</span>{" "}
          <input
            type="file"
            accept=".csv,.md,.markdown,text/csv,text/markdown"
            data-testid="kb-import-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void upload(file);
              e.target.value = "";
            }}
          />
        </label>
        {result && (
          <Alert
            type="success"
            showIcon
            message={t("imported", result)}
            data-testid="kb-imported"
            style={{ marginTop: 12 }}
          />
        )}
        {error && (
          <Alert type="error" showIcon message={error} data-testid="kb-import-error" style={{ marginTop: 12 }} />
        )}
      </Card>
    </Space>
  );
}

export default function Knowledge() {
  const { t } = useTranslation("knowledge");
  const [revision, setRevision] = useState(0);
  const changed = useCallback(() => setRevision((r) => r + 1), []);
  return (
    <StaffShell title={t("title")} roles={["admin"]}>
      <AntApp>
        <Tabs
          items={[
            {
              key: "articles",
              label: t("tabs.articles"),
              children: <ArticlesTab revision={revision} onChange={changed} />,
            },
            { key: "synonyms", label: t("tabs.synonyms"), children: <SynonymsTab onChange={changed} /> },
            { key: "exchange", label: t("tabs.exchange"), children: <ExchangeTab onChange={changed} /> },
          ]}
        />
      </AntApp>
    </StaffShell>
  );
}
