import QRCode from "qrcode";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, call, client } from "../../api/client.ts";
import type { Answer } from "../../api/types.ts";
import { LangSwitch } from "../../components/LangSwitch.tsx";
import { hhmm } from "../../lib/booking.ts";
import "../../styles/booking.css";

type CheckedIn = Answer<"checkInAppointment", 201>;
type Outcome =
  | { readonly kind: "ticket"; readonly result: CheckedIn }
  | { readonly kind: "too_early"; readonly at: string }
  | { readonly kind: "too_late"; readonly at: string; readonly code: string }
  | { readonly kind: "error"; readonly message: string }
  // Said by the page (not kept as a sentence), so it follows the language switch.
  | { readonly kind: "not_found" };

/** The kiosk's check-in: the customer types the booking code, or a scanner (a keyboard to the page) types it. */
export function KioskCheckIn(props: { readonly branchId: string; readonly onDone: () => void }) {
  const { t } = useTranslation("booking");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const [qr, setQr] = useState<string | null>(null);
  const ticketId = outcome?.kind === "ticket" ? outcome.result.ticket.id : null;
  const liveLink = ticketId === null ? "" : `${window.location.origin}/t/${ticketId}`;
  // As on a ticket taken at the kiosk: the QR code opens the live ticket on the customer's phone.
  useEffect(() => {
    setQr(null);
    if (!liveLink) return;
    QRCode.toDataURL(liveLink, { margin: 1, width: 200, errorCorrectionLevel: "M" }).then(setQr, () => setQr(null));
  }, [liveLink]);
  const done = useRef(props.onDone);
  done.current = props.onDone;
  useEffect(() => input.current?.focus(), []);

  // The answer stays a while, then the kiosk returns to its start screen for the next customer.
  useEffect(() => {
    if (outcome === null) return;
    const id = setTimeout(() => done.current(), 30_000);
    return () => clearTimeout(id);
  }, [outcome]);

  // After "too late" the customer may take a walk-in ticket instead (`walkIn: true`).
  const checkIn = async (typed: string, walkIn: boolean) => {
    setBusy(true);
    try {
      const result = (await call(
        client.POST("/api/branches/{branchId}/check-in", {
          params: { path: { branchId: props.branchId } },
          body: walkIn ? { code: typed, walkIn: true } : { code: typed },
        }),
      )) as CheckedIn;
      setOutcome({ kind: "ticket", result });
    } catch (e) {
      const details =
        e instanceof ApiError
          ? (e.details as { reason?: string; opensAt?: string; closedAt?: string } | undefined)
          : undefined;
      if (details?.reason === "too_early" && details.opensAt)
        setOutcome({ kind: "too_early", at: hhmm(details.opensAt) });
      else if (details?.reason === "too_late" && details.closedAt)
        setOutcome({ kind: "too_late", at: hhmm(details.closedAt), code: typed });
      else if (e instanceof ApiError && e.status === 404) setOutcome({ kind: "not_found" });
      else setOutcome({ kind: "error", message: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const typed = code.trim();
    if (!typed || busy) return;
    await checkIn(typed, false);
  };

  return (
    <main className="checkin" data-testid="kiosk-check-in">
      <div className="checkin-top">
        <LangSwitch />
      </div>
      <h1>{t("kiosk.title")}</h1>
      {outcome === null || outcome.kind === "error" || outcome.kind === "not_found" ? (
        <>
          <p className="kiosk-sub">{t("kiosk.prompt")}</p>
          <form onSubmit={(e) => void submit(e)}>
            <label htmlFor="checkin-code" className="visually-hidden">
              {t("kiosk.codeLabel")}
            </label>
            <input
              id="checkin-code"
              ref={input}
              value={code}
              autoComplete="off"
              autoCapitalize="characters"
              maxLength={20}
              onChange={(e) => setCode(e.target.value)}
              data-testid="check-in-code"
            />
            <button type="submit" className="big-button" disabled={busy || !code.trim()} data-testid="check-in-submit">
              {busy ? t("kiosk.checking") : t("kiosk.submit")}
            </button>
          </form>
        </>
      ) : null}
      {outcome?.kind === "error" || outcome?.kind === "not_found" ? (
        <div className="kiosk-error" role="alert" data-testid="check-in-error">
          {outcome.kind === "not_found" ? t("kiosk.notFound") : outcome.message}
        </div>
      ) : null}
      {outcome?.kind === "too_early" ? (
        <div className="checkin-result" role="status" data-testid="check-in-too-early">
          <p className="checkin-message">{t("kiosk.tooEarly", { time: outcome.at })}</p>
        </div>
      ) : null}
      {outcome?.kind === "too_late" ? (
        <div className="checkin-result" role="status" data-testid="check-in-too-late">
          <p className="checkin-message">{t("kiosk.closedAt", { time: outcome.at })}</p>
          <button
            type="button"
            className="big-button"
            disabled={busy}
            onClick={() => void checkIn(outcome.code, true)}
            data-testid="check-in-walk-in"
          >
            {t("kiosk.takeWalkIn")}
          </button>
        </div>
      ) : null}
      {outcome?.kind === "ticket" ? (
        <div className="checkin-result" role="status" data-testid="check-in-ticket">
          <div>{t("kiosk.ticket")}</div>
          <div className="checkin-number" data-testid="check-in-number">
            {outcome.result.ticket.number}
          </div>
          {outcome.result.late ? (
            <p className="checkin-message" data-testid="check-in-late">
              {t("kiosk.tooLate")}
            </p>
          ) : (
            <p className="checkin-message">
              {t("kiosk.appointmentAt", { time: hhmm(outcome.result.appointmentStart) })}
            </p>
          )}
          {qr !== null ? (
            <img className="book-qr" src={qr} alt={liveLink} data-testid="check-in-qr" data-link={liveLink} />
          ) : null}
        </div>
      ) : null}
      <button type="button" className="big-button secondary" onClick={props.onDone} data-testid="check-in-done">
        {outcome?.kind === "ticket" ? t("kiosk.done") : t("back")}
      </button>
    </main>
  );
}
