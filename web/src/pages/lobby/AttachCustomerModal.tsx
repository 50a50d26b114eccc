import { Modal, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { AttachCustomer, type AttachedCustomer } from "../../components/AttachCustomer.tsx";

/** The lobby manager attaches a customer to a waiting ticket (issue 14), with the counter's own form. */
export function AttachCustomerModal(props: {
  readonly ticket: { readonly id: string; readonly number: string };
  readonly onClose: () => void;
  readonly onAttached: (customer: AttachedCustomer) => void;
}) {
  const { t } = useTranslation("customerLinks");
  return (
    <Modal
      open
      title={t("attachTitle", { number: props.ticket.number })}
      onCancel={props.onClose}
      footer={null}
      destroyOnHidden
      data-testid="attach-modal"
    >
      <Typography.Paragraph type="secondary">{t("attachHelp")}</Typography.Paragraph>
      <AttachCustomer ticketId={props.ticket.id} onAttached={props.onAttached} withName testIdPrefix="lobby-attach" />
    </Modal>
  );
}
