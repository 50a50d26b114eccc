import { Tag } from "antd";
import { useTranslation } from "react-i18next";
import type { Answer } from "../api/types.ts";

export type Followup = Answer<"getFollowup">;

/** Days left, due today, or overdue, as a tag. */
export function FollowupClock({ f }: { readonly f: Followup }) {
  const { t } = useTranslation("followups");
  if (f.status === "closed") return <Tag color="green">{t(`outcomes.${f.outcome ?? "done"}`)}</Tag>;
  if (f.overdue || f.daysLeft < 0)
    return <Tag color="red">{t("overdueDays", { count: Math.max(1, -f.daysLeft) })}</Tag>;
  if (f.daysLeft === 0) return <Tag color="red">{t("dueToday")}</Tag>;
  return <Tag color={f.daysLeft <= 1 ? "orange" : "blue"}>{t("daysLeft", { count: f.daysLeft })}</Tag>;
}

/** Why a marketing follow-up may not contact its customer now, if it may not. */
export function MarketingBlock({ f }: { readonly f: Followup }) {
  const { t } = useTranslation("followups");
  if (!f.marketing || f.marketing.allowed || f.status === "closed") return null;
  return (
    <Tag color="volcano" data-testid="marketing-blocked">
      {f.marketing.consent ? t("capReached", { cap: f.marketing.cap, days: f.marketing.windowDays }) : t("noConsent")}
    </Tag>
  );
}
