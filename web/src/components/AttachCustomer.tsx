import { App as AntApp, Button, Input, Space } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { call, client } from "../api/client.ts";
import type { Answer } from "../api/types.ts";

/** What POST /api/tickets/:ticketId/customer answers: the customer, masked by the server. */
export type AttachedCustomer = Answer<"attachTicketCustomer", 200>;

/**
 * Attaching a customer to a ticket by phone (found, or created with the optional name): the counter's call card
 * and the lobby manager's ticket list use it (issue 14). The server checks the role and branch, masks the
 * answer and writes the audit line; errors are its own sentence in the page's language.
 */
export function AttachCustomer(props: {
  readonly ticketId: string;
  readonly onAttached: (customer: AttachedCustomer) => void;
  /** With a name field (the lobby's dialog); the call card keeps one line. */
  readonly withName?: boolean;
  readonly testIdPrefix?: string;
}) {
  const { t } = useTranslation("customers");
  const { t: tl } = useTranslation("customerLinks");
  const { message } = AntApp.useApp();
  const [phone, setPhone] = useState("");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const prefix = props.testIdPrefix ?? "attach";
  const digits = phone.replace(/\D/g, "");

  const attach = async () => {
    setBusy(true);
    try {
      const answer = await call(
        client.POST("/api/tickets/{ticketId}/customer", {
          params: { path: { ticketId: props.ticketId } },
          body: name.trim() ? { phone, name: name.trim() } : { phone },
        }),
      );
      setPhone("");
      setName("");
      props.onAttached(answer);
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space wrap>
      <Input
        aria-label={t("attachPhone")}
        placeholder={t("attachPhone")}
        value={phone}
        inputMode="tel"
        maxLength={20}
        onChange={(e) => setPhone(e.target.value)}
        onPressEnter={() => (digits.length >= 11 ? void attach() : undefined)}
        style={{ width: 180 }}
        data-testid={`${prefix}-phone`}
      />
      {props.withName ? (
        <Input
          aria-label={tl("attachOptionalName")}
          placeholder={tl("attachOptionalName")}
          value={name}
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
          style={{ width: 240 }}
          data-testid={`${prefix}-name`}
        />
      ) : null}
      <Button
        onClick={() => void attach()}
        disabled={busy || digits.length < 11}
        loading={busy}
        data-testid={`${prefix}-submit`}
      >
        {t("attach")}
      </Button>
    </Space>
  );
}
