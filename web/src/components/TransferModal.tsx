import { Alert, Input, Modal, Radio, Select, Space, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Counter, Service, Ticket } from "../api/types.ts";
import { serviceLabel } from "../lib/format.ts";

export interface TransferBody {
  readonly serviceId?: string;
  readonly counterId?: string;
  readonly position: "first" | "last";
  /** For the next teller, shown when the ticket is called. */
  readonly note?: string;
}

/** Shared with the lobby console: move a ticket to another business type or counter. */
export function TransferModal({
  open,
  initialMode = "service",
  ticket,
  services,
  counters,
  onClose,
  onSubmit,
}: {
  readonly open: boolean;
  readonly initialMode?: "service" | "counter";
  readonly ticket: Ticket;
  readonly services: readonly Service[];
  readonly counters: readonly Counter[];
  readonly onClose: () => void;
  readonly onSubmit: (body: TransferBody) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<"service" | "counter">(initialMode);
  const [target, setTarget] = useState<string | undefined>(undefined);
  const [position, setPosition] = useState<"first" | "last">("first");
  const [note, setNote] = useState("");
  const [confirmModal, confirmHolder] = Modal.useModal();
  useEffect(() => {
    if (open) {
      setTarget(undefined);
      setNote("");
      setMode(initialMode);
    }
  }, [open, initialMode]);
  const chosenCounter = mode === "counter" ? counters.find((c) => c.id === target) : undefined;
  const unskilled =
    chosenCounter !== undefined &&
    !chosenCounter.skills.some((skill) => skill.serviceId === ticket.serviceId && skill.weight > 0)
      ? chosenCounter
      : undefined;
  const serviceName = serviceLabel(services.find((s) => s.id === ticket.serviceId));
  return (
    <Modal
      open={open}
      title={`${t("counter.transferTo")} · ${ticket.number}`}
      onCancel={onClose}
      okButtonProps={{ disabled: target === undefined, id: "transfer-ok" }}
      onOk={() => {
        if (target === undefined) return;
        const send = () =>
          void onSubmit({
            ...(mode === "service" ? { serviceId: target } : { counterId: target }),
            position,
            ...(note.trim() ? { note: note.trim() } : {}),
          });
        // A counter without the ticket's skill may be right (a teller covering), but is asked about first.
        if (unskilled === undefined) return send();
        void confirmModal.confirm({
          title: t("daily.noSkillTitle"),
          content: t("daily.noSkill", { counter: unskilled.number, service: serviceName }),
          okText: t("daily.noSkillConfirm"),
          okButtonProps: { id: "no-skill-confirm" },
          onOk: send,
        });
      }}
      destroyOnHidden
    >
      {confirmHolder}
      <Space direction="vertical" style={{ width: "100%" }}>
        <Radio.Group
          value={mode}
          onChange={(e) => {
            setMode(e.target.value as "service" | "counter");
            setTarget(undefined);
          }}
          options={[
            { value: "service", label: t("counter.transferService") },
            { value: "counter", label: t("counter.transferCounter") },
          ]}
        />
        <Select
          style={{ width: "100%" }}
          value={target}
          onChange={setTarget}
          aria-label={t("counter.transferTo")}
          data-testid="transfer-target"
          options={
            mode === "service"
              ? services
                  .filter((s) => s.id !== ticket.serviceId)
                  .map((s) => ({ value: s.id, label: `${s.prefix} ${serviceLabel(s)}` }))
              : counters.map((c) => ({ value: c.id, label: t("common.counterN", { n: c.number }) }))
          }
        />
        {unskilled !== undefined ? (
          <Alert
            type="warning"
            showIcon
            role="alert"
            data-testid="no-skill-warning"
            title={t("daily.noSkillTitle")}
            description={t("daily.noSkill", { counter: unskilled.number, service: serviceName })}
          />
        ) : null}
        <Space>
          <Typography.Text>{t("counter.position")}</Typography.Text>
          <Radio.Group
            value={position}
            onChange={(e) => setPosition(e.target.value as "first" | "last")}
            options={[
              { value: "first", label: t("counter.first") },
              { value: "last", label: t("counter.last") },
            ]}
          />
        </Space>
        <label className="field-label" htmlFor="transfer-note">
          {t("staff.transferNote")}
        </label>
        <Input.TextArea
          id="transfer-note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t("staff.transferNotePlaceholder")}
          maxLength={500}
          autoSize={{ minRows: 2, maxRows: 4 }}
          data-testid="transfer-note"
        />
      </Space>
    </Modal>
  );
}
