import { Alert } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client.ts";

interface Item {
  readonly id: string;
  readonly number: string;
  readonly waitedMinutes: number;
  readonly pastAlarm: boolean;
}

/** On the lobby page: back-office reviews waiting past the branch's review alarm (the lobby is warned). */
export function ReviewAlarm({ branchId }: { readonly branchId: string }) {
  const { t } = useTranslation("feedback");
  const [late, setLate] = useState<readonly Item[]>([]);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api
        .get<{ items: Item[] }>(`/api/branches/${branchId}/reviews`)
        .then((r) => {
          if (!stopped) setLate(r.items.filter((i) => i.pastAlarm));
        })
        .catch(() => undefined);
    void load();
    const timer = window.setInterval(load, 20_000);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [branchId]);
  if (late.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="review-alarm"
      message={t("reviews.lateWarning", {
        count: late.length,
        numbers: late.map((i) => `${i.number}（${i.waitedMinutes}′）`).join("、"),
      })}
    />
  );
}
