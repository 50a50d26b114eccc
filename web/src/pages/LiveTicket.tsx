import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router-dom";
import { ApiError, api, call, client, unwrapOne } from "../api/client.ts";
import type { PublicTicket } from "../api/types.ts";
import { LangSwitch } from "../components/LangSwitch.tsx";
import { isEnglish } from "../i18n/index.ts";
import { useEventStream } from "../lib/events.ts";
import { chime, unlockAudio } from "../lib/speech.ts";
import { peopleAhead } from "../lib/ticket.ts";
import "../styles/screens.css";

type Load =
  | { readonly kind: "loading" }
  | { readonly kind: "missing" }
  | { readonly kind: "ready"; readonly ticket: PublicTicket };

const VIBRATION = [400, 150, 400, 150, 800];

/** The customer's phone: no login, the unguessable ticket id is the key. */
export default function LiveTicket() {
  const { t } = useTranslation();
  const { t: tf } = useTranslation("bookFlow");
  const { ticketId = "" } = useParams();
  const [state, setState] = useState<Load>({ kind: "loading" });
  const [alertsOn, setAlertsOn] = useState(false);
  const lastCalledKey = useRef<string | null>(null);

  const load = useCallback(async () => {
    try {
      const answer = await api.get<unknown>(`/api/public/tickets/${encodeURIComponent(ticketId)}`);
      setState({ kind: "ready", ticket: unwrapOne<PublicTicket>(answer, "ticket") });
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 400)) setState({ kind: "missing" });
    }
  }, [ticketId]);

  const onEvent = useCallback((data: PublicTicket & { readonly seq?: number }) => {
    const ticket = unwrapOne<PublicTicket>(data, "ticket");
    if (typeof ticket?.number === "string") setState({ kind: "ready", ticket });
  }, []);
  const reload = useCallback(() => void load(), [load]);
  const stream = useEventStream(`/api/public/tickets/${encodeURIComponent(ticketId)}/events`, onEvent, reload);
  useEffect(reload, [reload]);

  const ticket = state.kind === "ready" ? state.ticket : null;
  const called = ticket?.status === "called";
  const calledKey = called
    ? `${ticket?.counterNumber}-${String(ticket?.recallCount ?? "")}-${ticket?.calledAt ?? ""}`
    : null;

  // Alert once per call (and again on a recall): vibrate and chime loudly.
  useEffect(() => {
    if (calledKey === null || calledKey === lastCalledKey.current) return;
    lastCalledKey.current = calledKey;
    if ("vibrate" in navigator) navigator.vibrate(VIBRATION);
    void chime(true);
  }, [calledKey]);

  useEffect(() => {
    document.title = ticket ? `${ticket.number} · ${t("live.title")}` : t("live.title");
  }, [ticket, t]);

  if (state.kind === "loading") return <div className="page-loading">{t("app.loading")}</div>;
  if (state.kind === "missing" || ticket === null) {
    return (
      <div className="live">
        <LangSwitch className="corner" />
        <div className="live-card">
          <p className="live-status">{t("live.notFound")}</p>
          <p className="live-hint" data-testid="live-not-found-hint">
            {tf("live.notFoundHint")}
          </p>
        </div>
      </div>
    );
  }

  // Served, cancelled or missed: nothing more will happen to this number, so no "updating" and no alert to turn on.
  const over = ticket.status === "done" || ticket.status === "cancelled" || ticket.status === "no_show";
  const serviceName = isEnglish() && ticket.serviceNameEn ? ticket.serviceNameEn : ticket.serviceNameZh;
  const branchName = isEnglish() && ticket.branchNameEn ? ticket.branchNameEn : ticket.branchNameZh;
  let body: React.ReactNode;
  switch (ticket.status) {
    case "called":
      body = (
        <div className="live-turn" role="alert" data-testid="your-turn">
          <div className="live-turn-title">{t("live.yourTurn")}</div>
          <div className="live-turn-counter">{t("live.goTo", { n: ticket.counterNumber ?? "" })}</div>
        </div>
      );
      break;
    case "waiting":
      body = (
        <div className="live-wait" data-testid="live-waiting">
          <div className="live-ahead">{t("live.ahead", { count: peopleAhead(ticket) })}</div>
          <div className="live-estimate" data-testid="live-estimate">
            {ticket.estimatedWaitMinutes === null
              ? t("opening.noCounterOpenHint")
              : t("live.estimated", { count: Math.round(ticket.estimatedWaitMinutes) })}
          </div>
        </div>
      );
      break;
    case "serving":
      body = <p className="live-status">{t("live.serving")}</p>;
      break;
    case "done":
      body = <p className="live-status">{t("live.finished")}</p>;
      break;
    case "cancelled":
      body = <p className="live-status">{t("live.cancelled")}</p>;
      break;
    case "redirected":
      body = <p className="live-status">{t("live.redirected")}</p>;
      break;
    case "parked":
      body = <p className="live-status">{t("live.parked")}</p>;
      break;
    case "in_review":
      body = (
        <p className="live-status" data-testid="live-review">
          {t("feedback:live.inReview", { count: ticket.reviewWaitMinutes ?? 1 })}
        </p>
      );
      break;
    default:
      body = <p className="live-status">{t("live.noShow")}</p>;
  }

  return (
    <div className={`live ${called ? "called" : ""}`} data-testid="live" data-status={ticket.status}>
      <LangSwitch className="corner" />
      <div className="live-card">
        <div className="live-title">
          {t("live.title")}
          {branchName ? ` · ${branchName}` : ""}
        </div>
        <div className="live-label">{t("live.yourNumber")}</div>
        <div className="live-number" data-testid="live-number">
          {ticket.number}
        </div>
        {serviceName ? <div className="live-service">{serviceName}</div> : null}
        {body}
        {ticket.status === "waiting" ? <NearAlert ticketId={ticket.id} /> : null}
        {over ? null : (
          <div className={`live-conn ${stream.online ? "online" : "offline"}`}>
            {stream.online ? t("live.updating") : t("common.offline")}
          </div>
        )}
        {alertsOn || over ? null : (
          <button type="button" className="big-button secondary" onClick={() => void unlockAudio().then(setAlertsOn)}>
            {t("live.enableAlert")}
          </button>
        )}
      </div>
    </div>
  );
}

const NEAR_AHEAD = 3;

/** "Remind me when my turn is near": the phone to text when NEAR_AHEAD people are ahead (`near-alert`). */
function NearAlert(props: { readonly ticketId: string }) {
  const { t } = useTranslation("bookFlow");
  const [open, setOpen] = useState(false);
  const [phone, setPhone] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ readonly phone: string; readonly sent: boolean } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!phone.trim()) return setError("missing");
    setBusy(true);
    setError(null);
    try {
      const answer = await call(
        client.POST("/api/public/tickets/{ticketId}/near-alert", {
          params: { path: { ticketId: props.ticketId } },
          body: { phone: phone.trim(), ahead: NEAR_AHEAD, lang: isEnglish() ? "en" : "zh-CN" },
        }),
      );
      setDone({ phone: phone.trim(), sent: answer.status === "sent" });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  // The refusals a customer can mend are said in the page's language (also after switching it); others as the
  // server wrote them.
  const reason = error instanceof ApiError ? (error.details as { reason?: string } | undefined)?.reason : undefined;
  const errorText =
    error === null
      ? null
      : error === "missing"
        ? t("near.missingPhone")
        : error instanceof ApiError && error.code === "invalid_phone"
          ? t("near.badPhone")
          : reason === "not_waiting"
            ? t("near.notWaiting")
            : error instanceof Error
              ? error.message
              : String(error);

  if (done !== null)
    return (
      <p className="live-near-done" role="status" data-testid="near-alert-done">
        {done.sent ? t("near.sent", { phone: done.phone }) : t("near.set", { phone: done.phone, count: NEAR_AHEAD })}
      </p>
    );
  if (!open)
    return (
      <button type="button" className="big-button" onClick={() => setOpen(true)} data-testid="near-alert-open">
        {t("near.ask")}
      </button>
    );
  return (
    <form className="live-near" onSubmit={(e) => void submit(e)} noValidate data-testid="near-alert-form">
      <p className="live-near-lead">{t("near.lead", { count: NEAR_AHEAD })}</p>
      <label htmlFor="near-alert-phone">{t("near.phone")}</label>
      <input
        id="near-alert-phone"
        type="tel"
        inputMode="tel"
        autoComplete="tel"
        maxLength={30}
        value={phone}
        onChange={(e) => setPhone(e.target.value)}
        data-testid="near-alert-phone"
      />
      {errorText !== null ? (
        <p className="live-near-error" role="alert" data-testid="near-alert-error">
          {errorText}
        </p>
      ) : null}
      <button type="submit" className="big-button" disabled={busy} data-testid="near-alert-submit">
        {busy ? t("near.submitting") : t("near.submit")}
      </button>
      <button type="button" className="big-button secondary" onClick={() => setOpen(false)}>
        {t("near.cancel")}
      </button>
    </form>
  );
}
