/**
 * Admin → "大堂屏与取号机": how the branch's display speaks (recorded clips or the browser's voice, how many
 * times), its own recordings, the notices and exchange rates of the display, and the kiosk's return time and
 * icons. Every change goes through the audited API.
 */
import {
  App as AntApp,
  Button,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { KIOSK_ICONS, type KioskIcon, VOICE_TOKENS } from "../../../src/domain/display/voice.ts";
import { ApiError, api, call, client } from "../api/client.ts";
import type { Service } from "../api/types.ts";
import "../i18n/display-setup.ts";
import type { DisplaySettings, Notice } from "../lib/call-clips.ts";
import { serviceLabel } from "../lib/format.ts";
import { defaultIcon, ServiceIcon } from "./ServiceIcon.tsx";

const CLIP_MIME: Readonly<Record<string, "audio/ogg" | "audio/mpeg" | "audio/wav" | "audio/webm" | "audio/mp4">> = {
  "audio/ogg": "audio/ogg",
  "audio/opus": "audio/ogg",
  "audio/mpeg": "audio/mpeg",
  "audio/mp3": "audio/mpeg",
  "audio/wav": "audio/wav",
  "audio/x-wav": "audio/wav",
  "audio/wave": "audio/wav",
  "audio/webm": "audio/webm",
  "audio/mp4": "audio/mp4",
  "audio/x-m4a": "audio/mp4",
};

function fileBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function fileDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

export function DisplaySetup({
  branchId,
  services,
}: {
  readonly branchId: string;
  readonly services: readonly Service[];
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [settings, setSettings] = useState<DisplaySettings | null>(null);
  const [notices, setNotices] = useState<readonly Notice[]>([]);
  const load = useCallback(() => {
    api.get<DisplaySettings>(`/api/branches/${branchId}/display-settings`).then(setSettings, () => undefined);
    api.get<{ notices: Notice[] }>(`/api/branches/${branchId}/notices`).then(
      (v) => setNotices(v.notices),
      () => undefined,
    );
  }, [branchId]);
  useEffect(load, [load]);
  if (settings === null) return null;
  return (
    <div className="display-setup" data-testid="display-setup">
      <SettingsForm branchId={branchId} settings={settings} services={services} onSaved={setSettings} />
      <Clips branchId={branchId} settings={settings} onChange={load} />
      <Notices branchId={branchId} notices={notices} onChange={load} />
    </div>
  );
}

function SettingsForm({
  branchId,
  settings: current,
  services: types,
  onSaved,
}: {
  readonly branchId: string;
  readonly settings: DisplaySettings;
  readonly services: readonly Service[];
  readonly onSaved: (s: DisplaySettings) => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm();
  const save = async (): Promise<void> => {
    const v = form.getFieldsValue();
    const icons: Record<string, KioskIcon> = {};
    for (const s of types) {
      const chosen = v[`icon-${s.id}`] as KioskIcon | undefined;
      if (chosen !== undefined && chosen !== defaultIcon(s)) icons[s.id] = chosen;
    }
    try {
      const saved = await api.patch<DisplaySettings>(`/api/branches/${branchId}/display-settings`, {
        voiceMode: v.voiceMode,
        announceTimes: v.announceTimes,
        announceEnglish: v.announceEnglish,
        noticeSeconds: v.noticeSeconds,
        kioskReturnSeconds: v.kioskReturnSeconds,
        kioskIcons: icons,
      });
      onSaved(saved);
      void message.success(t("displaySetup.saved"));
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const initial: Record<string, unknown> = {
    voiceMode: current.voiceMode,
    announceTimes: current.announceTimes,
    announceEnglish: current.announceEnglish,
    noticeSeconds: current.noticeSeconds,
    kioskReturnSeconds: current.kioskReturnSeconds,
  };
  for (const s of types) initial[`icon-${s.id}`] = current.kioskIcons[s.id] ?? defaultIcon(s);
  return (
    <Form form={form} layout="vertical" initialValues={initial} onFinish={() => void save()} style={{ maxWidth: 720 }}>
      <Typography.Title level={4}>{t("displaySetup.voiceTitle")}</Typography.Title>
      <Form.Item name="voiceMode" label={t("displaySetup.voiceMode")}>
        <Select
          data-testid="setup-voice-mode"
          options={[
            { value: "auto", label: t("displaySetup.modeAuto") },
            { value: "clips", label: t("displaySetup.modeClips") },
          ]}
        />
      </Form.Item>
      <Space size="large" wrap>
        <Form.Item name="announceTimes" label={t("displaySetup.announceTimes")}>
          <InputNumber min={1} max={5} data-testid="setup-announce-times" />
        </Form.Item>
        <Form.Item name="announceEnglish" label={t("displaySetup.announceEnglish")} valuePropName="checked">
          <Switch data-testid="setup-announce-english" />
        </Form.Item>
        <Form.Item name="noticeSeconds" label={t("displaySetup.noticeSeconds")}>
          <InputNumber min={3} max={600} data-testid="setup-notice-seconds" />
        </Form.Item>
      </Space>
      <Typography.Title level={4}>{t("displaySetup.kioskTitle")}</Typography.Title>
      <Form.Item name="kioskReturnSeconds" label={t("displaySetup.kioskReturn")}>
        <InputNumber min={30} max={600} data-testid="setup-kiosk-return" />
      </Form.Item>
      {types.map((s) => (
        <Form.Item
          key={s.id}
          name={`icon-${s.id}`}
          label={`${s.prefix} ${serviceLabel(s)} · ${t("displaySetup.icon")}`}
        >
          <Select
            data-testid={`setup-icon-${s.prefix}`}
            options={KIOSK_ICONS.map((icon) => ({
              value: icon,
              label: (
                <Space>
                  <ServiceIcon icon={icon} size={20} />
                  {t(`kioskIcon.${icon}`)}
                </Space>
              ),
            }))}
          />
        </Form.Item>
      ))}
      <Button type="primary" htmlType="submit" data-testid="setup-save">
        {t("displaySetup.save")}
      </Button>
    </Form>
  );
}

function Clips({
  branchId,
  settings,
  onChange,
}: {
  readonly branchId: string;
  readonly settings: DisplaySettings;
  readonly onChange: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [token, setToken] = useState<string>(VOICE_TOKENS[0] ?? "zh-qing");
  const [file, setFile] = useState<File | null>(null);
  const upload = async (): Promise<void> => {
    if (file === null) return;
    const mime = CLIP_MIME[file.type];
    if (mime === undefined) {
      void message.error(`${file.type || file.name}: ${t("displaySetup.clipsHelp")}`);
      return;
    }
    try {
      await call(
        client.PUT("/api/branches/{branchId}/voice-clips/{token}", {
          params: { path: { branchId, token } },
          body: { mime, data: await fileBase64(file) },
        }),
      );
      void message.success(t("displaySetup.saved"));
      onChange();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const remove = async (which: string): Promise<void> => {
    try {
      await api.delete(`/api/branches/${branchId}/voice-clips/${which}`);
      onChange();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  return (
    <section style={{ marginTop: 32 }}>
      <Typography.Title level={4}>{t("displaySetup.clipsTitle")}</Typography.Title>
      <Typography.Paragraph>{t("displaySetup.clipsHelp")}</Typography.Paragraph>
      <Space wrap>
        <Select
          aria-label={t("displaySetup.clipToken")}
          showSearch
          style={{ width: 260 }}
          value={token}
          onChange={setToken}
          options={VOICE_TOKENS.map((v) => ({ value: v, label: v }))}
          data-testid="clip-token"
        />
        <input
          type="file"
          accept="audio/*"
          aria-label={t("displaySetup.upload")}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          data-testid="clip-file"
        />
        <Button onClick={() => void upload()} disabled={file === null} data-testid="clip-upload">
          {t("displaySetup.upload")}
        </Button>
      </Space>
      <Table
        style={{ marginTop: 16 }}
        size="small"
        rowKey="token"
        pagination={false}
        dataSource={[...settings.customClips]}
        locale={{ emptyText: t("displaySetup.builtIn") }}
        columns={[
          { title: t("displaySetup.clipToken"), dataIndex: "token", key: "token" },
          {
            title: t("displaySetup.clipSource"),
            key: "size",
            render: (_, c) => t("displaySetup.custom", { size: Math.ceil(c.size / 1024) }),
          },
          {
            title: t("displaySetup.listen"),
            key: "listen",
            render: (_, c) => (
              // biome-ignore lint/a11y/useMediaCaption: a short recorded word; its token names what it says.
              <audio
                controls
                preload="none"
                aria-label={`${t("displaySetup.listen")} ${c.token}`}
                src={`/api/branches/${branchId}/voice-clips/${c.token}?v=${encodeURIComponent(c.updatedAt)}`}
              />
            ),
          },
          {
            title: "",
            key: "remove",
            render: (_, c) => (
              <Button onClick={() => void remove(c.token)} data-testid={`clip-remove-${c.token}`}>
                {t("displaySetup.remove")}
              </Button>
            ),
          },
        ]}
      />
    </section>
  );
}

function Notices({
  branchId,
  notices,
  onChange,
}: {
  readonly branchId: string;
  readonly notices: readonly Notice[];
  readonly onChange: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm();
  const [editing, setEditing] = useState<string | null>(null);
  const [image, setImage] = useState<string | null>(null);
  const submit = async (): Promise<void> => {
    const v = form.getFieldsValue();
    const body = {
      titleZh: v.titleZh ?? "",
      titleEn: v.titleEn ?? "",
      bodyZh: v.bodyZh ?? "",
      bodyEn: v.bodyEn ?? "",
      image,
      sortOrder: v.sortOrder ?? 0,
    };
    try {
      if (editing === null) await api.post(`/api/branches/${branchId}/notices`, body);
      else await api.patch(`/api/notices/${editing}`, body);
      form.resetFields();
      setImage(null);
      setEditing(null);
      onChange();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const edit = (n: Notice): void => {
    setEditing(n.id);
    setImage(n.image);
    form.setFieldsValue({
      titleZh: n.titleZh,
      titleEn: n.titleEn,
      bodyZh: n.bodyZh,
      bodyEn: n.bodyEn,
      sortOrder: n.sortOrder,
    });
  };
  const patch = async (id: string, body: object): Promise<void> => {
    try {
      await api.patch(`/api/notices/${id}`, body);
      onChange();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const remove = async (id: string): Promise<void> => {
    try {
      await api.delete(`/api/notices/${id}`);
      onChange();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  return (
    <section style={{ marginTop: 32 }}>
      <Typography.Title level={4}>{t("displaySetup.noticesTitle")}</Typography.Title>
      <Typography.Paragraph>{t("displaySetup.noticesHelp")}</Typography.Paragraph>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={[...notices]}
        locale={{ emptyText: t("displaySetup.none") }}
        columns={[
          { title: t("displaySetup.order"), dataIndex: "sortOrder", key: "o", width: 70 },
          {
            title: t("displaySetup.titleZh"),
            key: "t",
            render: (_, n) => (
              <span data-testid={`notice-row-${n.id}`}>
                {n.titleZh || n.bodyZh}{" "}
                {n.titleEn ? <Typography.Text type="secondary">/ {n.titleEn}</Typography.Text> : null}
              </span>
            ),
          },
          {
            title: t("displaySetup.image"),
            key: "i",
            render: (_, n) => (n.image ? <img src={n.image} alt={n.titleZh} style={{ maxHeight: 40 }} /> : null),
          },
          {
            title: t("displaySetup.active"),
            key: "a",
            render: (_, n) => (
              <Switch
                checked={n.active}
                aria-label={`${t("displaySetup.active")} ${n.titleZh}`}
                onChange={(on) => void patch(n.id, { active: on })}
              />
            ),
          },
          {
            title: "",
            key: "x",
            render: (_, n) => (
              <Space>
                <Button onClick={() => edit(n)}>{t("displaySetup.edit")}</Button>
                <Popconfirm title={t("displaySetup.delete")} onConfirm={() => void remove(n.id)}>
                  <Button danger>{t("displaySetup.delete")}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Form form={form} layout="vertical" style={{ maxWidth: 720, marginTop: 16 }} onFinish={() => void submit()}>
        <Space wrap>
          <Form.Item name="titleZh" label={t("displaySetup.titleZh")}>
            <Input maxLength={100} data-testid="notice-title-zh" />
          </Form.Item>
          <Form.Item name="titleEn" label={t("displaySetup.titleEn")}>
            <Input maxLength={100} data-testid="notice-title-en" />
          </Form.Item>
          <Form.Item name="sortOrder" label={t("displaySetup.order")}>
            <InputNumber min={0} max={10000} />
          </Form.Item>
        </Space>
        <Form.Item name="bodyZh" label={t("displaySetup.bodyZh")}>
          <Input.TextArea maxLength={1000} rows={3} data-testid="notice-body-zh" />
        </Form.Item>
        <Form.Item name="bodyEn" label={t("displaySetup.bodyEn")}>
          <Input.TextArea maxLength={1000} rows={3} data-testid="notice-body-en" />
        </Form.Item>
        <Form.Item label={t("displaySetup.image")}>
          <Space>
            <input
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif"
              aria-label={t("displaySetup.image")}
              data-testid="notice-image"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) fileDataUrl(f).then(setImage, () => setImage(null));
              }}
            />
            {image ? (
              <>
                <img src={image} alt="" style={{ maxHeight: 40 }} />
                <Button onClick={() => setImage(null)}>{t("displaySetup.removeImage")}</Button>
              </>
            ) : null}
          </Space>
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" data-testid="notice-save">
            {editing === null ? t("displaySetup.add") : t("displaySetup.save")}
          </Button>
          {editing !== null ? (
            <Button
              onClick={() => {
                setEditing(null);
                setImage(null);
                form.resetFields();
              }}
            >
              {t("displaySetup.cancel")}
            </Button>
          ) : null}
        </Space>
      </Form>
    </section>
  );
}

/** The notices board alone, for the lobby page (a lobby manager keeps it; the server checks role and branch). */
export function NoticesEditor({ branchId }: { readonly branchId: string }) {
  const [notices, setNotices] = useState<readonly Notice[] | null>(null);
  const load = useCallback(() => {
    api.get<{ notices: Notice[] }>(`/api/branches/${branchId}/notices`).then(
      (v) => setNotices(v.notices),
      () => setNotices([]),
    );
  }, [branchId]);
  useEffect(load, [load]);
  if (notices === null) return null;
  return (
    <div className="display-setup" data-testid="notices-editor">
      <Notices branchId={branchId} notices={notices} onChange={load} />
    </div>
  );
}
