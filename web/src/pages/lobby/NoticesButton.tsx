import { App as AntApp, Button, Drawer } from "antd";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";

/** The editor is the admin tab's own (components/DisplaySetup.tsx), loaded only when the drawer opens. */
const NoticesEditor = lazy(() =>
  import("../../components/DisplaySetup.tsx").then((m) => ({ default: m.NoticesEditor })),
);

/**
 * The lobby manager keeps the display's notices board (rates, opening hours, today's notices) from the lobby
 * page: the server checks the role and the branch and audits each change, as for admins.
 */
export function NoticesButton({ branchId }: { readonly branchId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="lobby-notices">
        {t("daily2.editNotices")}
      </Button>
      <Drawer
        open={open}
        onClose={() => setOpen(false)}
        title={t("daily2.notices")}
        size="large"
        destroyOnHidden
        data-testid="lobby-notices-drawer"
      >
        <AntApp>
          <Suspense fallback={null}>{open ? <NoticesEditor branchId={branchId} /> : null}</Suspense>
        </AntApp>
      </Drawer>
    </>
  );
}
