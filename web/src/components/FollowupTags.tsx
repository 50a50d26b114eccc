import { Tag } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Answer } from "../api/types.ts";

export type Followup = Answer<"getFollowup">;

/** Days left, due today, or overdue, as a tag. */
export function FollowupClock({ f }: { readonly f: Followup }) {
  const { t } = useTranslation("followups");
  if (f.status === "closed")
    return (
      <Tag color={f.outcome === "unreachable" ? "default" : "green"} data-testid="followup-result">
        {t(`outcomes.${f.outcome ?? "done"}`)}
      </Tag>
    );
  // No answer so far: which attempt comes next (e.g. "2nd attempt of 3").
  const attempt =
    f.attempts > 0 ? (
      <Tag color="gold" data-testid="followup-attempt">
        {t("nextAttempt", { next: f.attempts + 1, max: f.maxAttempts })}
      </Tag>
    ) : null;
  let clock: ReactNode;
  if (f.overdue || f.daysLeft < 0)
    clock = <Tag color="red">{t("overdueDays", { count: Math.max(1, -f.daysLeft) })}</Tag>;
  else if (f.daysLeft === 0) clock = <Tag color="red">{t("dueToday")}</Tag>;
  else clock = <Tag color={f.daysLeft <= 1 ? "orange" : "blue"}>{t("daysLeft", { count: f.daysLeft })}</Tag>;
  return (
    <>
      {attempt}
      {clock}
    </>
  );
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
