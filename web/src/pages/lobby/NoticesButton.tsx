import { Button } from "antd";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";

/** The drawer and its editor load when first opened: the lobby page's first load does not carry them. */
const NoticesDrawer = lazy(() => import("./NoticesDrawer.tsx"));

/**
 * The lobby manager keeps the display's notices board (rates, opening hours, today's notices) from the lobby
 * page: the server checks the role and the branch and audits each change, as for admins.
 */
export function NoticesButton({ branchId }: { readonly branchId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Button
        onClick={() => {
          setOpened(true);
          setOpen(true);
        }}
        data-testid="lobby-notices"
      >
        {t("daily2.editNotices")}
      </Button>
      {opened ? (
        <Suspense fallback={null}>
          <NoticesDrawer branchId={branchId} open={open} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
