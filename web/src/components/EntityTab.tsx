import {
  Alert,
  Button,
  Form,
  type FormInstance,
  Modal,
  Skeleton,
  Space,
  type Table,
  type TableColumnsType,
} from "antd";
import { lazy, type ReactNode, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client.ts";

interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** Pulls per-field problems out of the server's `details`, whatever validator produced them. */
function fieldIssues(details: unknown): FieldIssue[] {
  const list = Array.isArray(details)
    ? details
    : details !== null && typeof details === "object" && Array.isArray((details as { errors?: unknown }).errors)
      ? (details as { errors: unknown[] }).errors
      : [];
  const issues: FieldIssue[] = [];
  for (const item of list) {
    if (item === null || typeof item !== "object") continue;
    const record = item as Record<string, unknown>;
    const params = record.params as { missingProperty?: unknown } | undefined;
    // AJV names a missing property in params, with an empty instancePath.
    const missing = typeof params?.missingProperty === "string" ? params.missingProperty : undefined;
    const path = missing ?? record.field ?? record.path ?? record.instancePath ?? record.property;
    const text = record.message;
    if (typeof path !== "string" || typeof text !== "string") continue;
    const field =
      path
        .replace(/^\/?body\/?/, "")
        .replace(/^\//, "")
        .split("/")[0] ?? "";
    if (field) issues.push({ field, message: text });
  }
  return issues;
}

/** Shows a server rejection next to the fields it names; whatever is left goes into the form's banner. */
export function applyServerError<T>(
  form: FormInstance<T>,
  error: unknown,
  fieldNames: readonly string[],
): string | null {
  if (!(error instanceof ApiError)) return String(error);
  const issues = fieldIssues(error.details).filter((i) => fieldNames.includes(i.field));
  if (issues.length > 0) {
    form.setFields(
      issues.map((i) => ({ name: i.field, errors: [i.message] })) as Parameters<FormInstance<T>["setFields"]>[0],
    );
  }
  // A conflict (duplicate prefix, username…) usually names a field in its message; show it on that field too.
  if (issues.length === 0 && error.status === 409) {
    const named = fieldNames.find((f) => error.message.toLowerCase().includes(f.toLowerCase()));
    if (named !== undefined) {
      form.setFields([{ name: named, errors: [error.message] }] as Parameters<FormInstance<T>["setFields"]>[0]);
      return null;
    }
  }
  // The server's localized message, never its code: staff read "(conflict)" as noise.
  return issues.length > 0 ? null : error.message;
}

/** The table arrives as its own chunk, after the page's shell (see lazy-table.tsx); typed as antd's own. */
const LazyTable = lazy(() => import("./lazy-table.tsx")) as unknown as typeof Table;

/** Table of records plus one modal form for creating and editing them. */
export function EntityTab<R extends { readonly id: string }, F extends object>({
  rows,
  columns,
  fields,
  fieldNames,
  toForm,
  save,
  extraActions,
  testId,
  canCreate = true,
  canEdit = true,
  loading,
}: {
  readonly rows: readonly R[];
  readonly columns: TableColumnsType<R>;
  readonly fields: (form: FormInstance<F>, editing: R | null) => ReactNode;
  readonly fieldNames: readonly string[];
  readonly toForm: (row: R | null) => Partial<F>;
  readonly save: (values: F, editing: R | null) => Promise<unknown>;
  readonly extraActions?: (row: R) => ReactNode;
  readonly testId: string;
  readonly canCreate?: boolean;
  readonly canEdit?: boolean;
  readonly loading?: boolean;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<F>();
  const [editing, setEditing] = useState<R | null | undefined>(undefined);
  const [banner, setBanner] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const open = (row: R | null): void => {
    form.resetFields();
    form.setFieldsValue(toForm(row) as Parameters<FormInstance<F>["setFieldsValue"]>[0]);
    setBanner(null);
    setEditing(row);
  };
  const submit = async (): Promise<void> => {
    let values: F;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setBanner(null);
    try {
      await save(values, editing ?? null);
      setEditing(undefined);
    } catch (error) {
      setBanner(applyServerError(form, error, fieldNames));
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      {canCreate ? (
        <Button type="primary" onClick={() => open(null)} style={{ marginBottom: 12 }} data-testid={`${testId}-create`}>
          {t("common.create")}
        </Button>
      ) : null}
      <Suspense fallback={<Skeleton active />}>
        <LazyTable<R>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={[...rows]}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: true }}
          columns={[
            ...columns,
            {
              title: t("common.actions"),
              key: "actions",
              render: (_, row) => (
                <Space size={4}>
                  {canEdit ? (
                    <Button size="small" onClick={() => open(row)} data-testid={`${testId}-edit-${row.id}`}>
                      {t("common.edit")}
                    </Button>
                  ) : null}
                  {extraActions?.(row)}
                </Space>
              ),
            },
          ]}
        />
      </Suspense>
      <Modal
        open={editing !== undefined}
        title={editing ? t("common.edit") : t("common.create")}
        onCancel={() => setEditing(undefined)}
        onOk={() => void submit()}
        confirmLoading={saving}
        okText={t("common.save")}
        okButtonProps={{ id: `${testId}-save` }}
        forceRender
        width={640}
      >
        <Form<F> form={form} layout="vertical" data-testid={`${testId}-form`}>
          {banner !== null ? (
            <Alert type="error" title={banner} showIcon style={{ marginBottom: 12 }} data-testid="form-error" />
          ) : null}
          {editing !== undefined ? fields(form, editing) : null}
        </Form>
      </Modal>
    </>
  );
}
