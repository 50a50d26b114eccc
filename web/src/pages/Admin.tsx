import {
  Alert,
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
  Tabs,
  Tag,
  Typography,
} from "antd";
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { api, unwrapList } from "../api/client.ts";
import {
  type Branch,
  COUNTER_KINDS,
  type Counter,
  type CreatedDevice,
  DEVICE_KINDS,
  type DeviceKind,
  type DeviceView,
  DISPATCH_POLICIES,
  ROLES,
  type Role,
  SERVICE_CATEGORIES,
  type Service,
  type Skill,
  type UserView,
} from "../api/types.ts";
import { EntityTab } from "../components/EntityTab.tsx";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import { useBranches } from "../lib/branch.ts";
import { dateTime, localName, serviceLabel } from "../lib/format.ts";
import { rolesOf } from "../lib/session.ts";
import "../styles/staff.css";
import { BookingFormEditor } from "./admin/BookingFormEditor.tsx";

/** The display and kiosk settings load when their tab opens: the admin page stays within its size budget. */
const DisplaySetup = lazy(() => import("../components/DisplaySetup.tsx").then((m) => ({ default: m.DisplaySetup })));
const FollowupSettings = lazy(() =>
  import("./admin/FollowupSettings.tsx").then((m) => ({ default: m.FollowupSettings })),
);
// Issue 14's settings: survey, review and retention tabs, a chunk of their own (the page's first load is at budget).
const SurveySettingsTab = lazy(() =>
  import("./admin/FeedbackSettings.tsx").then((m) => ({ default: m.SurveySettingsTab })),
);
const ReviewSettingsTab = lazy(() =>
  import("./admin/FeedbackSettings.tsx").then((m) => ({ default: m.ReviewSettingsTab })),
);
const RetentionTab = lazy(() => import("./admin/FeedbackSettings.tsx").then((m) => ({ default: m.RetentionTab })));
const BranchClosures = lazy(() => import("./admin/BranchClosures.tsx").then((m) => ({ default: m.BranchClosures })));
// Issue 13: booking rules per business type, reminder times and quiet hours per branch.
const BookingRulesTab = lazy(() => import("./admin/BookingRules.tsx").then((m) => ({ default: m.BookingRulesTab })));

const DEVICE_PAGE: Record<DeviceKind, string> = { kiosk: "/kiosk", display: "/display", rating_pad: "/rate" };
const required = (message: string) => [{ required: true, message }];

interface BranchForm {
  code: string;
  nameZh: string;
  nameEn: string;
  timezone: string;
  targetWaitMinutes: number;
  alarmWaitMinutes: number;
  maxRecalls: number;
  dispatchPolicy: string;
  noShowAfterSeconds: number;
  minRecallGapSeconds: number;
}
interface ServiceForm {
  code: string;
  nameZh: string;
  nameEn: string;
  prefix: string;
  expectedMinutes: number;
  category: string;
  descriptionZh: string;
  descriptionEn: string;
  documents: string;
  active: boolean;
  opensAt: string;
  closesAt: string;
  ticketCutoff: string;
  dailyCap: number | null;
}
interface CounterForm {
  number: number;
  name: string;
  kind: string;
  skills: Skill[];
  dispatchPolicy: string | null;
}
interface UserForm {
  username: string;
  displayName: string;
  staffNo: string;
  roles: Role[];
  branchIds: string[];
  password?: string;
  active: boolean;
  email?: string;
  phone?: string;
}
interface DeviceForm {
  kind: DeviceKind;
  name: string;
  counterId?: string;
  printerUrl?: string;
  kioskReturnSeconds?: number | null;
}
interface DeviceEditForm {
  name: string;
  printerUrl: string;
  kioskReturnSeconds: number | null;
}
const PRINTER_URL = /^tcp:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?\/?$/;

function BranchesTab({ branches, reload }: { readonly branches: readonly Branch[]; readonly reload: () => void }) {
  const { t } = useTranslation();
  const user = useStaffUser();
  const policyOptions = DISPATCH_POLICIES.map((p) => ({ value: p, label: t(`admin.policy.${p}`) }));
  return (
    <EntityTab<Branch, BranchForm>
      testId="branches"
      rows={branches}
      canCreate={rolesOf(user).includes("admin")}
      fieldNames={[
        "code",
        "nameZh",
        "nameEn",
        "timezone",
        "targetWaitMinutes",
        "alarmWaitMinutes",
        "maxRecalls",
        "dispatchPolicy",
        "noShowAfterSeconds",
        "minRecallGapSeconds",
      ]}
      columns={[
        { title: t("admin.code"), dataIndex: "code", key: "code" },
        { title: t("admin.name"), key: "name", render: (_, b) => localName(b) },
        { title: t("admin.targetWait"), dataIndex: "targetWaitMinutes", key: "tw" },
        { title: t("admin.alarmWait"), dataIndex: "alarmWaitMinutes", key: "aw" },
        { title: t("admin.dispatchPolicy"), key: "dp", render: (_, b) => t(`admin.policy.${b.dispatchPolicy}`) },
      ]}
      toForm={(b) =>
        b === null
          ? {
              timezone: "Asia/Shanghai",
              targetWaitMinutes: 15,
              alarmWaitMinutes: 30,
              maxRecalls: 3,
              dispatchPolicy: "smart",
              noShowAfterSeconds: 300,
              minRecallGapSeconds: 10,
            }
          : {
              code: b.code,
              nameZh: b.nameZh,
              nameEn: b.nameEn,
              timezone: b.timezone ?? "Asia/Shanghai",
              targetWaitMinutes: b.targetWaitMinutes,
              alarmWaitMinutes: b.alarmWaitMinutes,
              maxRecalls: b.maxRecalls ?? 3,
              dispatchPolicy: b.dispatchPolicy,
              noShowAfterSeconds: b.noShowAfterSeconds,
              minRecallGapSeconds: b.minRecallGapSeconds,
            }
      }
      save={async (values, editing) => {
        if (editing === null) await api.post("/api/branches", values);
        else await api.patch(`/api/branches/${editing.id}`, values);
        reload();
      }}
      fields={(form) => (
        <>
          <Form.Item name="code" label={t("admin.code")} rules={required(t("common.required"))}>
            <Input maxLength={32} />
          </Form.Item>
          <Space.Compact block>
            <Form.Item name="nameZh" label={t("admin.name")} rules={required(t("common.required"))} style={{ flex: 1 }}>
              <Input maxLength={100} />
            </Form.Item>
            <Form.Item
              name="nameEn"
              label={t("admin.nameEn")}
              rules={required(t("common.required"))}
              style={{ flex: 1 }}
            >
              <Input maxLength={100} />
            </Form.Item>
          </Space.Compact>
          <Form.Item name="timezone" label={t("admin.timezone")} rules={required(t("common.required"))}>
            <Input />
          </Form.Item>
          <Space wrap>
            <Form.Item name="targetWaitMinutes" label={t("admin.targetWait")} rules={required(t("common.required"))}>
              <InputNumber min={1} max={240} data-testid="target-wait" />
            </Form.Item>
            <Form.Item
              name="alarmWaitMinutes"
              label={t("admin.alarmWait")}
              dependencies={["targetWaitMinutes"]}
              rules={[
                ...required(t("common.required")),
                {
                  validator: async (_, value: number) => {
                    if (value <= Number(form.getFieldValue("targetWaitMinutes")))
                      throw new Error(`> ${t("admin.targetWait")}`);
                  },
                },
              ]}
            >
              <InputNumber min={1} max={480} />
            </Form.Item>
            <Form.Item name="maxRecalls" label={t("daily2.maxRecalls")} rules={required(t("common.required"))}>
              <InputNumber min={0} max={10} />
            </Form.Item>
            <Form.Item name="noShowAfterSeconds" label={t("daily2.noShowAfter")} rules={required(t("common.required"))}>
              <InputNumber min={0} max={3600} data-testid="no-show-after" />
            </Form.Item>
            <Form.Item
              name="minRecallGapSeconds"
              label={t("daily2.minRecallGap")}
              rules={required(t("common.required"))}
            >
              <InputNumber min={0} max={600} data-testid="min-recall-gap" />
            </Form.Item>
          </Space>
          <Form.Item name="dispatchPolicy" label={t("admin.dispatchPolicy")} rules={required(t("common.required"))}>
            <Select options={policyOptions} />
          </Form.Item>
        </>
      )}
    />
  );
}

function ServicesTab({
  branchId,
  services,
  reload,
}: {
  readonly branchId: string;
  readonly services: readonly Service[];
  readonly reload: () => void;
}) {
  const { t } = useTranslation();
  return (
    <EntityTab<Service, ServiceForm>
      testId="services"
      rows={services}
      fieldNames={[
        "code",
        "nameZh",
        "nameEn",
        "prefix",
        "expectedMinutes",
        "category",
        "descriptionZh",
        "descriptionEn",
        "active",
        "opensAt",
        "closesAt",
        "ticketCutoff",
        "dailyCap",
      ]}
      columns={[
        { title: t("admin.prefix"), dataIndex: "prefix", key: "prefix", render: (p: string) => <Tag>{p}</Tag> },
        { title: t("admin.name"), key: "name", render: (_, s) => serviceLabel(s) },
        { title: t("admin.expectedMinutes"), dataIndex: "expectedMinutes", key: "em" },
        { title: t("admin.documents"), key: "docs", render: (_, s) => (s.requiredDocuments ?? []).join("、") },
        { title: t("opening.rulesTitle"), key: "rules", render: (_, s) => <ServiceRulesSummary service={s} /> },
        {
          title: t("admin.active"),
          key: "active",
          render: (_, s) => (s.active === false ? t("common.no") : t("common.yes")),
        },
      ]}
      toForm={(s) =>
        s === null
          ? {
              expectedMinutes: 5,
              category: "cash",
              active: true,
              documents: "",
              descriptionZh: "",
              descriptionEn: "",
              opensAt: "",
              closesAt: "",
              ticketCutoff: "",
              dailyCap: null,
            }
          : {
              code: s.code ?? "",
              nameZh: s.nameZh,
              nameEn: s.nameEn,
              prefix: s.prefix,
              expectedMinutes: s.expectedMinutes,
              category: s.category ?? "",
              descriptionZh: s.descriptionZh ?? "",
              descriptionEn: s.descriptionEn ?? "",
              documents: (s.requiredDocuments ?? []).join("\n"),
              active: s.active !== false,
              opensAt: s.opensAt ?? "",
              closesAt: s.closesAt ?? "",
              ticketCutoff: s.ticketCutoff ?? "",
              dailyCap: s.dailyCap ?? null,
            }
      }
      save={async ({ documents, opensAt, closesAt, ticketCutoff, dailyCap, ...values }, editing) => {
        // An empty field is "no rule": sent as null so that clearing a rule clears it.
        const time = (v: string | undefined) => (v === undefined || v.trim() === "" ? null : v.trim());
        const body = {
          ...values,
          opensAt: time(opensAt),
          closesAt: time(closesAt),
          ticketCutoff: time(ticketCutoff),
          dailyCap: dailyCap ?? null,
          requiredDocuments: documents
            .split("\n")
            .map((d) => d.trim())
            .filter((d) => d.length > 0),
        };
        if (editing === null) await api.post(`/api/branches/${branchId}/services`, body);
        else await api.patch(`/api/services/${editing.id}`, body);
        reload();
      }}
      fields={() => (
        <>
          <Space wrap>
            <Form.Item name="code" label={t("admin.code")} rules={required(t("common.required"))}>
              <Input maxLength={32} />
            </Form.Item>
            <Form.Item
              name="prefix"
              label={t("admin.prefix")}
              rules={[...required(t("common.required")), { pattern: /^[A-Z]{1,3}$/, message: "A–Z" }]}
            >
              <Input maxLength={3} style={{ width: 80 }} data-testid="service-prefix" />
            </Form.Item>
            <Form.Item name="expectedMinutes" label={t("admin.expectedMinutes")} rules={required(t("common.required"))}>
              <InputNumber min={1} max={240} data-testid="service-minutes" />
            </Form.Item>
            <Form.Item name="category" label={t("admin.category")} rules={required(t("common.required"))}>
              <Select
                style={{ width: 140 }}
                options={SERVICE_CATEGORIES.map((c) => ({ value: c, label: t(`admin.categories.${c}`) }))}
              />
            </Form.Item>
          </Space>
          <Form.Item name="nameZh" label={t("admin.name")} rules={required(t("common.required"))}>
            <Input maxLength={100} data-testid="service-name" />
          </Form.Item>
          <Form.Item name="nameEn" label={t("admin.nameEn")} rules={required(t("common.required"))}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="descriptionZh" label={t("admin.description")}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="descriptionEn" label={t("admin.descriptionEn")}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="documents" label={t("admin.documents")}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
          </Form.Item>
          <Form.Item name="active" label={t("admin.active")} valuePropName="checked">
            <Switch />
          </Form.Item>
          <fieldset className="admin-rules" data-testid="service-rules">
            <legend>{t("opening.rulesTitle")}</legend>
            <Space wrap>
              {(["opensAt", "closesAt", "ticketCutoff"] as const).map((name) => (
                <Form.Item
                  key={name}
                  name={name}
                  label={t(`opening.${name}`)}
                  rules={[{ pattern: /^([01][0-9]|2[0-3]):[0-5][0-9]$/, message: "HH:MM" }]}
                >
                  <Input placeholder="HH:MM" maxLength={5} style={{ width: 100 }} data-testid={`service-${name}`} />
                </Form.Item>
              ))}
              <Form.Item name="dailyCap" label={t("opening.dailyCap")}>
                <InputNumber min={1} max={9999} placeholder={t("opening.noRule")} data-testid="service-dailyCap" />
              </Form.Item>
            </Space>
            <div className="admin-hint">{t("opening.rulesHelp")}</div>
          </fieldset>
        </>
      )}
    />
  );
}

/** A business type's ticket rules in one line of the table: hours, cut-off, cap; "no limit" without any. */
function ServiceRulesSummary({ service }: { readonly service: Service }) {
  const { t } = useTranslation();
  const parts: string[] = [];
  if (service.opensAt !== null || service.closesAt !== null)
    parts.push(`${service.opensAt ?? "…"}–${service.closesAt ?? "…"}`);
  if (service.ticketCutoff !== null) parts.push(`${t("opening.ticketCutoff")} ${service.ticketCutoff}`);
  if (service.dailyCap !== null) parts.push(`${t("opening.dailyCap")} ${service.dailyCap}`);
  return (
    <span data-testid={`rules-${service.prefix}`}>{parts.length === 0 ? t("opening.noRule") : parts.join(" · ")}</span>
  );
}

function CountersTab({
  branchId,
  counters,
  services,
  reload,
}: {
  readonly branchId: string;
  readonly counters: readonly Counter[];
  readonly services: readonly Service[];
  readonly reload: () => void;
}) {
  const { t } = useTranslation();
  const serviceById = new Map<string, Service>(services.map((s) => [s.id, s]));
  return (
    <EntityTab<Counter, CounterForm>
      testId="counters"
      rows={[...counters].sort((a, b) => Number(a.number) - Number(b.number))}
      fieldNames={["number", "name", "kind", "skills", "dispatchPolicy"]}
      columns={[
        { title: t("admin.number"), dataIndex: "number", key: "n" },
        { title: t("admin.name"), dataIndex: "name", key: "name" },
        { title: t("admin.kind"), key: "kind", render: (_, c) => t(`admin.counterKind.${c.kind ?? "teller"}`) },
        {
          title: t("admin.skills"),
          key: "skills",
          render: (_, c) => (
            <Space size={2} wrap>
              {(c.skills ?? []).map((s) => (
                <Tag key={s.serviceId}>
                  {serviceById.get(s.serviceId)?.prefix ?? "?"}×{s.weight}
                </Tag>
              ))}
            </Space>
          ),
        },
        {
          title: t("admin.dispatchPolicy"),
          key: "dp",
          render: (_, c) => (c.dispatchPolicy ? t(`admin.policy.${c.dispatchPolicy}`) : t("admin.inheritPolicy")),
        },
      ]}
      toForm={(c) =>
        c === null
          ? {
              kind: "teller",
              skills: services.map((s) => ({ serviceId: s.id, weight: 1 })),
              dispatchPolicy: null,
              name: "",
            }
          : {
              number: Number(c.number),
              name: c.name ?? "",
              kind: c.kind ?? "teller",
              skills: [...(c.skills ?? [])],
              dispatchPolicy: c.dispatchPolicy ?? null,
            }
      }
      save={async (values, editing) => {
        if (editing === null) await api.post(`/api/branches/${branchId}/counters`, values);
        else await api.patch(`/api/counters/${editing.id}`, values);
        reload();
      }}
      fields={() => (
        <>
          <Space wrap>
            <Form.Item name="number" label={t("admin.number")} rules={required(t("common.required"))}>
              <InputNumber min={1} max={999} />
            </Form.Item>
            <Form.Item name="name" label={t("admin.name")}>
              <Input maxLength={50} />
            </Form.Item>
            <Form.Item name="kind" label={t("admin.kind")} rules={required(t("common.required"))}>
              <Select
                style={{ width: 160 }}
                options={COUNTER_KINDS.map((k) => ({ value: k, label: t(`admin.counterKind.${k}`) }))}
              />
            </Form.Item>
          </Space>
          <Form.Item name="dispatchPolicy" label={t("admin.dispatchPolicy")}>
            <Select
              options={[
                { value: null, label: t("admin.inheritPolicy") },
                ...DISPATCH_POLICIES.map((p) => ({ value: p, label: t(`admin.policy.${p}`) })),
              ]}
            />
          </Form.Item>
          <Typography.Text strong>{t("admin.skills")}</Typography.Text>
          <Form.List name="skills">
            {(items, { add, remove }) => (
              <>
                {items.map((item) => (
                  <Space key={item.key} align="baseline" style={{ display: "flex" }}>
                    <Form.Item name={[item.name, "serviceId"]} rules={required(t("common.required"))}>
                      <Select
                        style={{ width: 240 }}
                        options={services.map((s) => ({ value: s.id, label: `${s.prefix} ${serviceLabel(s)}` }))}
                      />
                    </Form.Item>
                    <Form.Item name={[item.name, "weight"]} rules={required(t("common.required"))}>
                      <InputNumber min={0} max={10} step={0.5} addonBefore={t("admin.weight")} />
                    </Form.Item>
                    <Button onClick={() => remove(item.name)}>−</Button>
                  </Space>
                ))}
                <Button onClick={() => add({ weight: 1 })}>+ {t("admin.addSkill")}</Button>
              </>
            )}
          </Form.List>
        </>
      )}
    />
  );
}

/** Roles only an admin may hand out (the server refuses them from a branch manager with 403). */
const ADMIN_GRANTED_ROLES: readonly Role[] = ["admin", "auditor", "head_office"];

function StaffTab({ branches, branchId }: { readonly branches: readonly Branch[]; readonly branchId: string }) {
  const { t } = useTranslation();
  const me = useStaffUser();
  const isAdmin = rolesOf(me).includes("admin");
  // A branch manager is offered only what the server lets them grant: no admin-only role, only their branches.
  const grantable = isAdmin ? ROLES : ROLES.filter((r) => !ADMIN_GRANTED_ROLES.includes(r));
  const placeable = isAdmin ? branches : branches.filter((b) => me.branchIds.includes(b.id));
  const [users, setUsers] = useState<readonly UserView[]>([]);
  const load = useCallback(() => {
    api
      .get<unknown>("/api/users")
      .then((v) => setUsers(unwrapList<UserView>(v, "users")))
      .catch(() => setUsers([]));
  }, []);
  useEffect(load, [load]);
  return (
    <EntityTab<UserView, UserForm>
      testId="users"
      rows={users}
      fieldNames={["username", "displayName", "staffNo", "roles", "branchIds", "password", "active", "email", "phone"]}
      columns={[
        { title: t("admin.username"), dataIndex: "username", key: "u" },
        { title: t("admin.displayName"), dataIndex: "displayName", key: "d" },
        { title: t("admin.staffNumber"), key: "s", dataIndex: "staffNo" },
        {
          title: t("admin.role"),
          key: "r",
          render: (_, u) => u.roles.map((r) => <Tag key={r}>{t(`role.${r}`)}</Tag>),
        },
        {
          title: t("admin.active"),
          key: "a",
          render: (_, u) => (u.active ? t("common.yes") : t("common.no")),
        },
      ]}
      toForm={(u) =>
        u === null
          ? { roles: ["teller"], branchIds: [branchId], active: true }
          : {
              username: u.username,
              displayName: u.displayName,
              staffNo: u.staffNo,
              roles: [...u.roles],
              branchIds: [...u.branchIds],
              active: u.active,
              email: u.email ?? "",
              phone: u.phone ?? "",
            }
      }
      save={async (values, editing) => {
        if (editing === null) await api.post("/api/users", values);
        else {
          const { password, username: _username, ...rest } = values;
          await api.patch(`/api/users/${editing.id}`, password ? { ...rest, password } : rest);
        }
        load();
      }}
      fields={(_form, editing) => (
        <>
          <Space wrap>
            <Form.Item name="username" label={t("admin.username")} rules={required(t("common.required"))}>
              <Input disabled={editing !== null} maxLength={64} autoComplete="off" />
            </Form.Item>
            <Form.Item name="displayName" label={t("admin.displayName")} rules={required(t("common.required"))}>
              <Input maxLength={64} />
            </Form.Item>
            <Form.Item name="staffNo" label={t("admin.staffNumber")}>
              <Input maxLength={32} />
            </Form.Item>
          </Space>
          <Form.Item name="roles" label={t("admin.role")} rules={required(t("common.required"))}>
            <Select
              mode="multiple"
              data-testid="user-roles"
              options={grantable.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            />
          </Form.Item>
          <Form.Item name="branchIds" label={t("admin.branch")}>
            <Select mode="multiple" options={placeable.map((b) => ({ value: b.id, label: localName(b) }))} />
          </Form.Item>
          <Form.Item
            name="password"
            label={t("admin.password")}
            rules={
              editing === null
                ? [...required(t("common.required")), { min: 8, message: "≥ 8" }]
                : [{ min: 8, message: "≥ 8" }]
            }
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Space wrap>
            <Form.Item name="email" label={t("daily.email")} rules={[{ type: "email", message: t("daily.email") }]}>
              <Input maxLength={254} autoComplete="off" data-testid="user-email" />
            </Form.Item>
            <Form.Item
              name="phone"
              label={t("daily.phone")}
              rules={[{ pattern: /^(\+[1-9][0-9]{6,14})?$/, message: t("daily.phone") }]}
            >
              <Input maxLength={16} autoComplete="off" data-testid="user-phone" />
            </Form.Item>
          </Space>
          <Form.Item name="active" label={t("admin.active")} valuePropName="checked">
            <Switch />
          </Form.Item>
        </>
      )}
    />
  );
}

function DevicesTab({ branchId, counters }: { readonly branchId: string; readonly counters: readonly Counter[] }) {
  const { t } = useTranslation();
  const [devices, setDevices] = useState<readonly DeviceView[]>([]);
  const [pairing, setPairing] = useState<{ link: string; qr: string; device: DeviceView } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<DeviceForm>();
  const [creating, setCreating] = useState(false);
  const kind = Form.useWatch("kind", form);
  const load = useCallback(() => {
    api
      .get<unknown>(`/api/branches/${branchId}/devices`)
      .then((v) => setDevices(unwrapList<DeviceView>(v, "devices")))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [branchId]);
  useEffect(load, [load]);

  const create = async (): Promise<void> => {
    let values: DeviceForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setError(null);
    try {
      const { printerUrl, kioskReturnSeconds, ...rest } = values;
      const body = {
        ...rest,
        ...(printerUrl !== undefined && printerUrl.trim() !== "" && { printerUrl: printerUrl.trim() }),
        ...(typeof kioskReturnSeconds === "number" && { kioskReturnSeconds }),
      };
      const { device, token } = await api.post<CreatedDevice>(`/api/branches/${branchId}/devices`, body);
      const link = `${window.location.origin}${DEVICE_PAGE[device.kind]}?pair=${encodeURIComponent(token)}`;
      // The QR encoder loads only when a device is paired: it is not part of the admin page's first load.
      const { default: QRCode } = await import("qrcode");
      setPairing({ link, qr: await QRCode.toDataURL(link, { margin: 1, width: 220 }), device });
      setCreating(false);
      load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <>
      <Button
        type="primary"
        style={{ marginBottom: 12 }}
        onClick={() => {
          form.resetFields();
          form.setFieldsValue({ kind: "kiosk", name: "" });
          setCreating(true);
        }}
        data-testid="devices-create"
      >
        {t("admin.createDevice")}
      </Button>
      {error !== null ? <Alert type="error" title={error} showIcon closable onClose={() => setError(null)} /> : null}
      <EntityTab<DeviceView, DeviceEditForm>
        testId="devices"
        canCreate={false}
        rows={devices}
        fieldNames={["name", "printerUrl", "kioskReturnSeconds"]}
        columns={[
          { title: t("admin.name"), dataIndex: "name", key: "n" },
          { title: t("admin.deviceKind"), key: "k", render: (_, d) => t(`admin.${d.kind}`) },
          {
            title: t("admin.counter"),
            key: "c",
            render: (_, d) => {
              const c = counters.find((x) => x.id === d.counterId);
              return c ? t("common.counterN", { n: c.number }) : "—";
            },
          },
          {
            title: t("admin.state"),
            key: "s",
            render: (_, d) =>
              d.revokedAt ? (
                <Tag color="red">{t("admin.revoked")}</Tag>
              ) : (
                <span data-testid={`device-online-${d.id}`} data-online={d.online ? "true" : "false"}>
                  {d.online ? (
                    <Tag color="green">{t("printer.onlineDevice")}</Tag>
                  ) : (
                    <Tag color="orange">{t("printer.offlineDevice")}</Tag>
                  )}
                  <Typography.Text type="secondary">
                    {t("printer.lastSeen")}: {d.lastSeenAt ? dateTime(d.lastSeenAt) : t("printer.never")}
                  </Typography.Text>
                </span>
              ),
          },
          {
            title: t("printer.state"),
            key: "p",
            render: (_, d) =>
              d.printerUrl === null ? (
                "—"
              ) : (
                <span data-testid={`device-printer-${d.id}`} data-state={d.printerState ?? ""}>
                  <Tag color={d.printerState === "ok" ? "green" : d.printerState === null ? "default" : "red"}>
                    {d.printerState === null ? "?" : t(`printer.${d.printerState}`)}
                  </Tag>
                  <Typography.Text type="secondary">{d.printerUrl}</Typography.Text>
                </span>
              ),
          },
          { title: t("printer.version"), key: "v", render: (_, d) => d.pageVersion ?? "—" },
          {
            title: t("daily2.kioskReturn"),
            key: "kr",
            render: (_, d) =>
              d.kind !== "kiosk" ? (
                "—"
              ) : (
                <span data-testid={`device-return-${d.id}`}>
                  {d.kioskReturnSeconds === null
                    ? t("daily2.kioskReturnBranch")
                    : t("daily2.kioskReturnShort", { seconds: d.kioskReturnSeconds })}
                </span>
              ),
          },
        ]}
        canEdit
        toForm={(d) => ({
          name: d?.name ?? "",
          printerUrl: d?.printerUrl ?? "",
          kioskReturnSeconds: d?.kioskReturnSeconds ?? null,
        })}
        save={async (values, editing) => {
          if (editing === null) return;
          const url = values.printerUrl.trim();
          await api.patch(`/api/devices/${editing.id}`, {
            name: values.name,
            ...(editing.kind === "kiosk" && {
              printerUrl: url === "" ? null : url,
              kioskReturnSeconds: typeof values.kioskReturnSeconds === "number" ? values.kioskReturnSeconds : null,
            }),
          });
          load();
        }}
        fields={(_form, editing) => (
          <>
            <Form.Item name="name" label={t("admin.name")} rules={required(t("common.required"))}>
              <Input maxLength={64} />
            </Form.Item>
            {editing?.kind === "kiosk" ? (
              <Form.Item
                name="printerUrl"
                label={t("printer.url")}
                extra={t("printer.urlHint")}
                rules={[{ pattern: PRINTER_URL, message: "tcp://host:9100" }]}
              >
                <Input maxLength={200} placeholder="tcp://192.168.1.50:9100" data-testid="device-printer-url" />
              </Form.Item>
            ) : null}
            {editing?.kind === "kiosk" ? (
              <Form.Item name="kioskReturnSeconds" label={t("daily2.kioskReturn")} extra={t("daily2.kioskReturnHint")}>
                <InputNumber min={30} max={600} data-testid="device-kiosk-return" />
              </Form.Item>
            ) : null}
          </>
        )}
        extraActions={(d) =>
          d.revokedAt ? null : (
            <Popconfirm
              title={t("admin.revokeConfirm")}
              onConfirm={() =>
                void api
                  .post(`/api/devices/${d.id}/revoke`)
                  .then(load)
                  .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
              }
            >
              <Button size="small" danger data-testid={`revoke-${d.id}`}>
                {t("admin.revoke")}
              </Button>
            </Popconfirm>
          )
        }
      />
      <Modal
        open={creating}
        title={t("admin.createDevice")}
        onCancel={() => setCreating(false)}
        onOk={() => void create()}
        okButtonProps={{ id: "device-save" }}
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item name="kind" label={t("admin.deviceKind")} rules={required(t("common.required"))}>
            <Select options={DEVICE_KINDS.map((k) => ({ value: k, label: t(`admin.${k}`) }))} />
          </Form.Item>
          <Form.Item name="name" label={t("admin.name")} rules={required(t("common.required"))}>
            <Input maxLength={64} data-testid="device-name" />
          </Form.Item>
          {kind === "kiosk" ? (
            <Form.Item
              name="printerUrl"
              label={t("printer.url")}
              extra={t("printer.urlHint")}
              rules={[{ pattern: PRINTER_URL, message: "tcp://host:9100" }]}
            >
              <Input maxLength={200} placeholder="tcp://192.168.1.50:9100" data-testid="device-printer-url" />
            </Form.Item>
          ) : null}
          {kind === "kiosk" ? (
            <Form.Item name="kioskReturnSeconds" label={t("daily2.kioskReturn")} extra={t("daily2.kioskReturnHint")}>
              <InputNumber min={30} max={600} data-testid="new-device-kiosk-return" />
            </Form.Item>
          ) : null}
          {kind === "rating_pad" ? (
            <Form.Item name="counterId" label={t("admin.counter")} rules={required(t("common.required"))}>
              <Select options={counters.map((c) => ({ value: c.id, label: t("common.counterN", { n: c.number }) }))} />
            </Form.Item>
          ) : null}
        </Form>
      </Modal>
      <Modal open={pairing !== null} title={t("admin.pairingLink")} onCancel={() => setPairing(null)} footer={null}>
        {pairing ? (
          <Space direction="vertical" align="center" style={{ width: "100%" }}>
            <Typography.Text type="secondary">{t("admin.pairingHint")}</Typography.Text>
            <img src={pairing.qr} alt={t("admin.pairingLink")} width={220} height={220} />
            <Typography.Paragraph
              copyable={{ text: pairing.link }}
              style={{ wordBreak: "break-all" }}
              data-testid="pairing-link"
            >
              {pairing.link}
            </Typography.Paragraph>
          </Space>
        ) : null}
      </Modal>
    </>
  );
}

function AdminConsole() {
  const { t } = useTranslation();
  const user = useStaffUser();
  const { branches, branchId, setBranchId } = useBranches(user);
  const [version, setVersion] = useState(0);
  const [allBranches, setAllBranches] = useState<readonly Branch[]>([]);
  const [services, setServices] = useState<readonly Service[]>([]);
  const [counters, setCounters] = useState<readonly Counter[]>([]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(() => {
    void version;
    api
      .get<unknown>("/api/branches")
      .then((v) => setAllBranches(unwrapList<Branch>(v, "branches")))
      .catch(() => undefined);
    if (branchId === null) return;
    api
      .get<unknown>(`/api/branches/${branchId}/services`)
      .then((v) => setServices(unwrapList<Service>(v, "services")))
      .catch(() => undefined);
    api
      .get<unknown>(`/api/branches/${branchId}/counters`)
      .then((v) => setCounters(unwrapList<Counter>(v, "counters")))
      .catch(() => undefined);
  }, [branchId, version]);
  const shownBranches = allBranches.length > 0 ? allBranches : branches;
  if (branchId === null) return null;
  return (
    <div className="admin-page">
      <Space style={{ marginBottom: 12 }}>
        <Typography.Text>{t("admin.branch")}</Typography.Text>
        <Select
          aria-label={t("admin.branch")}
          value={branchId}
          onChange={setBranchId}
          style={{ minWidth: 200 }}
          options={shownBranches.map((b) => ({ value: b.id, label: localName(b) }))}
        />
      </Space>
      <Tabs
        destroyOnHidden
        items={[
          {
            key: "branches",
            label: t("admin.branches"),
            children: <BranchesTab branches={shownBranches} reload={reload} />,
          },
          {
            key: "services",
            label: t("admin.services"),
            children: <ServicesTab branchId={branchId} services={services} reload={reload} />,
          },
          {
            key: "counters",
            label: t("admin.counters"),
            children: <CountersTab branchId={branchId} counters={counters} services={services} reload={reload} />,
          },
          {
            key: "staff",
            label: t("admin.staff"),
            children: <StaffTab branches={shownBranches} branchId={branchId} />,
          },
          {
            key: "devices",
            label: t("admin.devices"),
            children: <DevicesTab branchId={branchId} counters={counters} />,
          },
          {
            key: "booking-forms",
            label: t("booking:admin.tab"),
            // Issue 13: the business types' booking rules and the branch's reminder times, below the forms (a tab of
            // their own would make the English tab bar overflow, whose "more" button axe refuses in a tablist).
            children: (
              <>
                <BookingFormEditor services={services} />
                <Suspense fallback={null}>
                  <BookingRulesTab branchId={branchId} services={services} />
                </Suspense>
              </>
            ),
          },
          {
            key: "display",
            label: t("displaySetupTab"),
            children: (
              <Suspense fallback={null}>
                <DisplaySetup branchId={branchId} services={services} />
              </Suspense>
            ),
          },
          {
            key: "followups",
            label: t("followups:settings.tab"),
            children: (
              <Suspense fallback={null}>
                <FollowupSettings branchId={branchId} />
              </Suspense>
            ),
          },
          {
            key: "survey-settings",
            label: t("feedback2:settings.surveyTab"),
            children: (
              <Suspense fallback={null}>
                <SurveySettingsTab branchId={branchId} />
              </Suspense>
            ),
          },
          {
            key: "review-settings",
            label: t("feedback2:settings.reviewTab"),
            children: (
              <Suspense fallback={null}>
                <ReviewSettingsTab branchId={branchId} services={services} reload={reload} />
              </Suspense>
            ),
          },
          {
            key: "retention",
            label: t("feedback2:settings.retentionTab"),
            children: (
              <Suspense fallback={null}>
                <RetentionTab />
              </Suspense>
            ),
          },
          {
            key: "closures",
            label: <span data-testid="admin-tab-closures">{t("closures:tab")}</span>,
            children: (
              <Suspense fallback={null}>
                <BranchClosures branchId={branchId} />
              </Suspense>
            ),
          },
        ]}
      />
    </div>
  );
}

export default function Admin() {
  const { t } = useTranslation();
  return (
    <StaffShell
      title={t("admin.title")}
      roles={["admin", "branch_manager"]}
      extra={
        <Link to="/messages" data-testid="admin-messages-link">
          {t("home.messages")}
        </Link>
      }
    >
      <AntApp>
        <AdminConsole />
      </AntApp>
    </StaffShell>
  );
}
