import type { ButtonProps } from "antd";
import { Alert, Button, Drawer, Form, Space, Spin, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, call, client } from "../../api/client.ts";
import { givenAnswers, StaffFormFields } from "../../components/StaffFormFields.tsx";
import type { AnswerValue, FormField } from "../../lib/booking.ts";

/**
 * The lobby manager's tablet: the business type's form for a waiting walk-in ticket, answered while the customer
 * waits (PUT /api/tickets/:ticketId/answers); the teller sees the answers when the ticket is called.
 */
export function TicketFormDrawer(props: {
  readonly ticket: { readonly id: string; readonly number: string } | null;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) {
  const { t } = useTranslation("booking");
  const { ticket, onClose, onSaved } = props;
  const [form] = Form.useForm<{ answers?: Record<string, AnswerValue | null> }>();
  const [fields, setFields] = useState<readonly FormField[] | null>(null);
  const [given, setGiven] = useState<Record<string, AnswerValue>>({});
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const ticketId = ticket?.id ?? null;

  useEffect(() => {
    setFields(null);
    setError(null);
    if (ticketId === null) return;
    call(client.GET("/api/tickets/{ticketId}/answers", { params: { path: { ticketId } } })).then(
      (a) => {
        setGiven(a.answers as Record<string, AnswerValue>);
        setFields(a.fields as FormField[]);
      },
      (e: unknown) => {
        setFields([]);
        setError(e instanceof ApiError ? e.message : t("lobbyForm.loadFailed"));
      },
    );
  }, [ticketId, t]);

  const save = async (v: { answers?: Record<string, AnswerValue | null> }): Promise<void> => {
    if (ticketId === null) return;
    setSaving(true);
    setError(null);
    try {
      await call(
        client.PUT("/api/tickets/{ticketId}/answers", {
          params: { path: { ticketId } },
          body: { answers: givenAnswers(v.answers) },
        }),
      );
      onSaved();
    } catch (e) {
      // The server's own sentence, in the page's language (a form changed meanwhile, a wrong value).
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      open={ticket !== null}
      onClose={onClose}
      title={t("lobbyForm.title", { number: ticket?.number ?? "" })}
      size={Math.min(640, typeof window === "undefined" ? 640 : window.innerWidth)}
      destroyOnHidden
      data-testid="lobby-form-drawer"
      footer={
        <Space style={{ justifyContent: "flex-end", width: "100%" }}>
          <Button size="large" onClick={onClose}>
            {t("lobbyForm.cancel")}
          </Button>
          <Button
            size="large"
            type="primary"
            loading={saving}
            disabled={fields === null}
            onClick={() => form.submit()}
            {...({ "data-testid": "lobby-form-save" } as ButtonProps)}
          >
            {t("lobbyForm.save")}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t("lobbyForm.lead")}</Typography.Paragraph>
      {error !== null ? (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="lobby-form-error" />
      ) : null}
      {fields === null ? (
        <Spin />
      ) : (
        <Form
          key={ticketId}
          form={form}
          layout="vertical"
          size="large"
          initialValues={{ answers: given }}
          onFinish={(v) => void save(v)}
        >
          <StaffFormFields fields={fields} testIdPrefix="lobby-field-" />
        </Form>
      )}
    </Drawer>
  );
}
