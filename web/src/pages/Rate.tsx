import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, unwrapOne } from "../api/client.ts";
import type { Counter, Device, Rating } from "../api/types.ts";
import { DeviceGate } from "../components/DeviceGate.tsx";
import { LangSwitch } from "../components/LangSwitch.tsx";
import "../styles/screens.css";

const POLL_MS = 2000;
const THANKS_MS = 5000;
/** A finished ticket older than this is not offered for rating (the customer has left). */
const RATE_WINDOW_MS = 10 * 60_000;
const FACES: readonly { readonly rating: Rating; readonly face: string }[] = [
  { rating: "satisfied", face: "M8 14c1 1.6 2.4 2.4 4 2.4s3-.8 4-2.4" },
  { rating: "neutral", face: "M8.5 15h7" },
  { rating: "dissatisfied", face: "M8 16.4c1-1.6 2.4-2.4 4-2.4s3 .8 4 2.4" },
];

function tellerOf(counter: Counter): { name: string; staffNumber: string | null } {
  return { name: counter.signedInUser?.displayName ?? "", staffNumber: counter.signedInUser?.staffNo || null };
}

function RatePad({ device }: { readonly device: Device }) {
  const { t } = useTranslation();
  const [counter, setCounter] = useState<Counter | null>(null);
  const [thanking, setThanking] = useState(false);
  const rated = useRef(new Set<string>());
  const [, force] = useState(0);
  const counterId = device.counterId ?? null;

  const poll = useCallback(async () => {
    if (counterId === null) return;
    try {
      setCounter(unwrapOne<Counter>(await api.get<unknown>(`/api/counters/${counterId}`), "counter"));
    } catch {
      // Keep the last state; the pad retries on the next tick.
    }
  }, [counterId]);
  useEffect(() => {
    void poll();
    const id = setInterval(() => void poll(), POLL_MS);
    return () => clearInterval(id);
  }, [poll]);

  const rate = async (ticketId: string, rating: Rating): Promise<void> => {
    rated.current.add(ticketId);
    force((n) => n + 1);
    setThanking(true);
    try {
      await api.post(`/api/tickets/${ticketId}/rating`, { rating });
    } catch (error) {
      // 409: already rated (a second tap); anything else: let the customer try again.
      if (!(error instanceof ApiError && error.status === 409)) rated.current.delete(ticketId);
    }
    setTimeout(() => setThanking(false), THANKS_MS);
  };

  let body: React.ReactNode;
  const current = counter?.currentTicket ?? null;
  const last = counter?.lastTicket ?? null;
  const teller = counter ? tellerOf(counter) : null;
  const rateable =
    last !== null &&
    last.status === "done" &&
    !last.rating &&
    !rated.current.has(last.id) &&
    Date.now() - Date.parse(last.completedAt ?? last.issuedAt) < RATE_WINDOW_MS;

  if (thanking) {
    body = (
      <div className="rate-thanks" data-testid="rate-thanks">
        {t("rate.thanks")}
      </div>
    );
  } else if (current !== null && (current.status === "called" || current.status === "serving")) {
    body = (
      <div className="rate-serving" data-testid="rate-serving">
        <div className="rate-label">{t("rate.serving")}</div>
        <div className="rate-teller">
          {t("rate.teller")} {teller?.name}
        </div>
        {teller?.staffNumber ? (
          <div className="rate-staffno">{t("rate.staffNo", { n: teller.staffNumber })}</div>
        ) : null}
        <div className="rate-ticket">{current.number}</div>
      </div>
    );
  } else if (rateable && last !== null) {
    body = (
      <div className="rate-ask" data-testid="rate-ask">
        <div className="rate-label">{t("rate.please")}</div>
        <div className="rate-faces">
          {FACES.map((f) => (
            <button
              type="button"
              key={f.rating}
              className={`rate-face ${f.rating}`}
              onClick={() => void rate(last.id, f.rating)}
              data-testid={`rate-${f.rating}`}
            >
              <svg viewBox="0 0 24 24" width="120" height="120" aria-hidden="true">
                <circle cx="12" cy="12" r="10" fill="currentColor" opacity="0.15" />
                <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" strokeWidth="1.4" />
                <circle cx="9" cy="10" r="1.1" fill="currentColor" />
                <circle cx="15" cy="10" r="1.1" fill="currentColor" />
                <path d={f.face} fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
              </svg>
              <span>{t(`rating.${f.rating}`)}</span>
            </button>
          ))}
        </div>
      </div>
    );
  } else {
    body = (
      <div className="rate-idle" data-testid="rate-idle">
        <div className="rate-label">{t("rate.idle")}</div>
        {counter ? <div className="rate-staffno">{t("rate.idleSub", { n: counter.number })}</div> : null}
      </div>
    );
  }

  return (
    <div className="rate" data-testid="rate">
      <LangSwitch className="corner subtle" />
      {body}
    </div>
  );
}

export default function Rate() {
  return <DeviceGate kind="rating_pad">{(device) => <RatePad device={device} />}</DeviceGate>;
}
