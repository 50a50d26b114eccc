import { useTranslation } from "react-i18next";
import { toggleLanguage } from "../i18n/index.ts";

/** A plain button (no Ant Design) so the kiosk and display chunks stay small. */
export function LangSwitch({ className }: { readonly className?: string }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className={`lang-switch ${className ?? ""}`}
      onClick={toggleLanguage}
      data-testid="lang-switch"
    >
      {t("app.language")}
    </button>
  );
}
