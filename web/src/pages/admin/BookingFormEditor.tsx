import { App as AntApp, Button, Card, Checkbox, Empty, Form, Input, Select, Space, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, call, client } from "../../api/client.ts";
import type { Service } from "../../api/types.ts";
import { FIELD_TYPES, type FieldType, type FormField } from "../../lib/booking.ts";
import { localName } from "../../lib/format.ts";

/** A field as edited: the choice options as one text, a line each. */
interface EditedField {
  readonly key: string;
  readonly type: FieldType;
  readonly labelZh: string;
  readonly labelEn: string;
  readonly required?: boolean;
  readonly helpZh?: string;
  readonly helpEn?: string;
  readonly options?: string;
}

const toEdited = (f: FormField): EditedField => ({ ...f, options: (f.options ?? []).join("\n") });

function toField(e: EditedField): FormField {
  const options = (e.options ?? "")
    .split("\n")
    .map((o) => o.trim())
    .filter(Boolean);
  return {
    key: e.key.trim(),
    type: e.type,
    labelZh: e.labelZh.trim(),
    labelEn: e.labelEn.trim(),
    required: e.required === true,
    ...(e.helpZh?.trim() && { helpZh: e.helpZh.trim() }),
    ...(e.helpEn?.trim() && { helpEn: e.helpEn.trim() }),
    ...(e.type === "choice" && { options }),
  };
}

/** Admin: the pre-filled form of each business type (text, number, amount, choice, date, checkbox). */
export function BookingFormEditor({ services }: { readonly services: readonly Service[] }) {
  const { t } = useTranslation("booking");
  const { message } = AntApp.useApp();
  const [serviceId, setServiceId] = useState<string | undefined>(services[0]?.id);
  const [form] = Form.useForm<{ fields: EditedField[] }>();
  const [saving, setSaving] = useState(false);
  // The business type whose form the editor now holds: until its form has arrived nothing may be added or saved,
  // or the answer would overwrite what the admin typed (or save an empty form over the real one).
  const [loadedFor, setLoadedFor] = useState<string | undefined>(undefined);
  const loading = serviceId !== undefined && loadedFor !== serviceId;

  useEffect(() => {
    if (serviceId === undefined) return;
    let current = true; // an answer for a business type the admin has already left is dropped
    setLoadedFor(undefined);
    form.setFieldsValue({ fields: [] });
    call(client.GET("/api/services/{serviceId}/booking-form", { params: { path: { serviceId } } })).then(
      (answer) => {
        if (!current) return;
        form.setFieldsValue({ fields: (answer.fields as FormField[]).map(toEdited) });
        setLoadedFor(serviceId);
      },
      (e: unknown) => {
        if (current) void message.error(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      current = false;
    };
  }, [serviceId, form, message]);

  const save = async (values: { fields?: EditedField[] }) => {
    if (serviceId === undefined) return;
    setSaving(true);
    try {
      await call(
        client.PUT("/api/services/{serviceId}/booking-form", {
          params: { path: { serviceId } },
          body: { fields: (values.fields ?? []).map(toField) },
        }),
      );
      void message.success(t("admin.saved"));
    } catch (e) {
      void message.error(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space>
        <Typography.Text>{t("admin.serviceLabel")}</Typography.Text>
        <Select
          aria-label={t("admin.serviceLabel")}
          value={serviceId}
          onChange={setServiceId}
          style={{ minWidth: 220 }}
          options={services.map((s) => ({ value: s.id, label: localName(s) }))}
          data-testid="form-editor-service"
        />
      </Space>
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)} data-testid="form-editor">
        <Form.List name="fields">
          {(items, { add, remove }) => (
            <>
              {items.length === 0 ? <Empty description={t("admin.empty")} /> : null}
              {items.map((item, index) => (
                <Card
                  key={item.key}
                  size="small"
                  style={{ marginBottom: 8 }}
                  data-testid={`form-field-${index}`}
                  extra={
                    <Button size="small" danger onClick={() => remove(item.name)}>
                      {t("admin.remove")}
                    </Button>
                  }
                >
                  <Space wrap align="start">
                    <Form.Item
                      name={[item.name, "key"]}
                      label={t("admin.key")}
                      rules={[{ required: true, pattern: /^[A-Za-z][A-Za-z0-9_]{0,39}$/ }]}
                    >
                      <Input style={{ width: 140 }} data-testid={`form-field-${index}-key`} />
                    </Form.Item>
                    <Form.Item name={[item.name, "type"]} label={t("admin.type")} rules={[{ required: true }]}>
                      <Select
                        style={{ width: 120 }}
                        options={FIELD_TYPES.map((ty) => ({ value: ty, label: t(`admin.types.${ty}`) }))}
                        data-testid={`form-field-${index}-type`}
                      />
                    </Form.Item>
                    <Form.Item
                      name={[item.name, "labelZh"]}
                      label={t("admin.labelZh")}
                      rules={[{ required: true, whitespace: true, max: 100 }]}
                    >
                      <Input data-testid={`form-field-${index}-labelZh`} />
                    </Form.Item>
                    <Form.Item
                      name={[item.name, "labelEn"]}
                      label={t("admin.labelEn")}
                      rules={[{ required: true, whitespace: true, max: 100 }]}
                    >
                      <Input data-testid={`form-field-${index}-labelEn`} />
                    </Form.Item>
                    <Form.Item name={[item.name, "required"]} label={t("admin.required")} valuePropName="checked">
                      <Checkbox data-testid={`form-field-${index}-required`} />
                    </Form.Item>
                  </Space>
                  <Space wrap align="start">
                    <Form.Item name={[item.name, "helpZh"]} label={t("admin.helpZh")} rules={[{ max: 500 }]}>
                      <Input style={{ width: 260 }} />
                    </Form.Item>
                    <Form.Item name={[item.name, "helpEn"]} label={t("admin.helpEn")} rules={[{ max: 500 }]}>
                      <Input style={{ width: 260 }} />
                    </Form.Item>
                    <Form.Item noStyle shouldUpdate>
                      {() =>
                        form.getFieldValue(["fields", item.name, "type"]) === "choice" ? (
                          <Form.Item
                            name={[item.name, "options"]}
                            label={t("admin.options")}
                            rules={[{ required: true, whitespace: true }]}
                          >
                            <Input.TextArea
                              rows={3}
                              style={{ width: 220 }}
                              data-testid={`form-field-${index}-options`}
                            />
                          </Form.Item>
                        ) : null
                      }
                    </Form.Item>
                  </Space>
                </Card>
              ))}
              <Space>
                <Button
                  onClick={() => add({ key: "", type: "text", labelZh: "", labelEn: "", required: false })}
                  disabled={loading}
                  data-testid="form-add-field"
                >
                  {t("admin.addField")}
                </Button>
                <Button
                  type="primary"
                  htmlType="submit"
                  loading={saving || loading}
                  disabled={loading}
                  data-testid="form-save"
                >
                  {t("admin.save")}
                </Button>
              </Space>
            </>
          )}
        </Form.List>
      </Form>
    </Space>
  );
}
