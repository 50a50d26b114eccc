import { type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { call, client } from "../api/client.ts";
import type { Answer } from "../api/types.ts";
import { dayIn, dayLabel, hhmm, nextDays, type Slot } from "../lib/booking.ts";

/** Free slots are asked for again this often while the page is open: the list stays live. */
const REFRESH_MS = 15_000;

/** Day buttons and the day's free slots, refreshed live; for the customer's phone (no Ant Design). */
export function SlotPicker(props: {
  readonly branchId: string;
  readonly serviceId: string;
  readonly timezone: string;
  readonly daysAhead: number;
  readonly value: string | null;
  readonly onChange: (start: string | null) => void;
  readonly headingDay: string;
  readonly headingSlot: string;
  /** The time this page holds a place in (its own hold counts in `free`, so it is never let go as full). */
  readonly held?: string | null;
  /** What "held" says on the held time. */
  readonly heldLabel?: string;
  /** Changed to ask for the slots again at once (a hold ran out, a time was taken). */
  readonly refreshKey?: number;
  /** Shown under the day's times: the day and its slots as now known (the waitlist offer). */
  readonly below?: (day: string, slots: readonly Slot[]) => ReactNode;
}) {
  const { t } = useTranslation("booking");
  const { branchId, serviceId, timezone, daysAhead, value, onChange } = props;
  const days = nextDays(dayIn(timezone), daysAhead + 1);
  const [day, setDay] = useState<string>(() => days[1] ?? days[0] ?? "");
  const [slots, setSlots] = useState<readonly Slot[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey is there to ask again
  useEffect(() => {
    let stop = false;
    setSlots(null);
    const load = () =>
      call(
        client.GET("/api/public/branches/{branchId}/slots", {
          params: { path: { branchId }, query: { serviceId, date: day } },
        }),
      ).then(
        (answer) => {
          if (stop) return;
          setSlots((answer as Answer<"listFreeSlots">).slots);
          setError(null);
        },
        (e: unknown) => {
          if (!stop) setError(e instanceof Error ? e.message : String(e));
        },
      );
    void load();
    const id = setInterval(() => void load(), REFRESH_MS);
    return () => {
      stop = true;
      clearInterval(id);
    };
  }, [branchId, serviceId, day, props.refreshKey]);

  // A chosen slot that filled up meanwhile is let go, so the customer never submits a full one.
  useEffect(() => {
    if (value === null || slots === null) return;
    if (value.slice(0, 10) !== day || value === props.held) return;
    const slot = slots.find((s) => s.start === value);
    if (slot === undefined || slot.free <= 0) onChange(null);
  }, [slots, value, day, onChange, props.held]);

  return (
    <>
      <fieldset className="book-section">
        <legend>{props.headingDay}</legend>
        <div className="book-days" data-testid="book-days">
          {days.map((d) => (
            <button
              key={d}
              type="button"
              className={`book-chip ${d === day ? "on" : ""}`}
              aria-pressed={d === day}
              onClick={() => {
                setDay(d);
                onChange(null);
              }}
              data-testid={`day-${d}`}
            >
              {dayLabel(d)}
            </button>
          ))}
        </div>
      </fieldset>
      <fieldset className="book-section">
        <legend>{props.headingSlot}</legend>
        <p className="book-muted">{t("slotsLive")}</p>
        {error !== null ? (
          <p className="book-error" role="alert">
            {error}
          </p>
        ) : null}
        {slots === null ? (
          <p className="book-muted">{t("slotsLoading")}</p>
        ) : slots.length === 0 ? (
          <p className="book-muted" data-testid="no-slots">
            {t("noSlots")}
          </p>
        ) : (
          <div className="book-slots" data-testid="book-slots">
            {slots.map((s) => (
              <button
                key={s.start}
                type="button"
                className={`book-slot ${s.start === value ? "on" : ""}`}
                disabled={s.free <= 0 && s.start !== props.held}
                aria-pressed={s.start === value}
                onClick={() => {
                  if (s.start !== value) onChange(s.start);
                }}
                data-testid={`slot-${hhmm(s.start)}`}
              >
                <strong>{hhmm(s.start)}</strong>
                <span>
                  {s.start === props.held && props.heldLabel
                    ? props.heldLabel
                    : s.free > 0
                      ? t("free", { count: s.free })
                      : t("full")}
                </span>
              </button>
            ))}
          </div>
        )}
        {slots !== null && props.below ? props.below(day, slots) : null}
      </fieldset>
    </>
  );
}
