import { App as AntApp, Drawer } from "antd";
import { useTranslation } from "react-i18next";
import { NoticesEditor } from "../../components/DisplaySetup.tsx";

/** The admin tab's own notices editor (components/DisplaySetup.tsx) in a side panel of the lobby page. */
export default function NoticesDrawer({
  branchId,
  open,
  onClose,
}: {
  readonly branchId: string;
  readonly open: boolean;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Drawer open={open} onClose={onClose} title={t("daily2.notices")} size="large" destroyOnHidden>
      <AntApp>{open ? <NoticesEditor branchId={branchId} /> : null}</AntApp>
    </Drawer>
  );
}
