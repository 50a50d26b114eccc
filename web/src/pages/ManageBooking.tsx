import { type ReactElement, useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { ApiError, call, client } from "../api/client.ts";
import type { Answer } from "../api/types.ts";
import { LangSwitch } from "../components/LangSwitch.tsx";
import { SlotPicker } from "../components/SlotPicker.tsx";
import { isEnglish } from "../i18n/index.ts";
import {
  type AppointmentView,
  type BookableBranch,
  type BookableService,
  type CheckedIn,
  dayIn,
  icsHref,
  whenLabel,
} from "../lib/booking.ts";
import { localName } from "../lib/format.ts";
import "../styles/booking.css";

type Load =
  | { readonly kind: "loading" }
  | { readonly kind: "bad" }
  | { readonly kind: "ready"; readonly appointment: AppointmentView };

const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

/** The confirmation's link: cancel, reschedule, and check in from the phone inside the window. */
export default function ManageBooking() {
  const { t } = useTranslation("booking");
  const params = new URLSearchParams(window.location.search);
  const id = params.get("id") ?? "";
  const token = params.get("token") ?? "";
  const [state, setState] = useState<Load>({ kind: "loading" });
  const [branch, setBranch] = useState<BookableBranch | undefined>();
  const [service, setService] = useState<BookableService | undefined>();
  const [rescheduling, setRescheduling] = useState(false);
  const [start, setStart] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Said afresh on every render with that render's t, so "cancelled" or "moved to …" follows the language switch.
  const [notice, setNotice] = useState<((say: typeof t) => string) | null>(null);
  const [checkedIn, setCheckedIn] = useState<CheckedIn | null>(null);

  useEffect(() => {
    document.title = t("manageTitle");
  }, [t]);

  const load = useCallback(async () => {
    // A token shorter than the API accepts is as wrong as one that does not match: same answer, no request.
    if (!id || token.length < 16) return setState({ kind: "bad" });
    try {
      const appointment = await call(
        client.GET("/api/public/appointments/{appointmentId}", {
          params: { path: { appointmentId: id }, query: { token } },
        }),
      );
      setState({ kind: "ready", appointment });
      const branches = (await call(client.GET("/api/public/branches"))) as Answer<"listBookableBranches">;
      setBranch(branches.branches.find((b) => b.id === appointment.branchId));
      const services = (await call(
        client.GET("/api/public/branches/{branchId}/services", {
          params: { path: { branchId: appointment.branchId } },
        }),
      )) as Answer<"listBookableServices">;
      setService(services.services.find((s) => s.id === appointment.serviceId));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) setState({ kind: "bad" });
      else setError(errorText(e));
    }
  }, [id, token]);
  useEffect(() => void load(), [load]);

  const act = async (what: () => Promise<((say: typeof t) => string) | null>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const said = await what();
      setNotice(() => said);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const cancel = () =>
    act(async () => {
      const appointment = await call(
        client.POST("/api/public/appointments/{appointmentId}/cancel", {
          params: { path: { appointmentId: id } },
          body: { token },
        }),
      );
      setState({ kind: "ready", appointment });
      return (say) => say("cancelled");
    });

  const reschedule = () =>
    act(async () => {
      if (start === null) return null;
      const appointment = await call(
        client.POST("/api/public/appointments/{appointmentId}/reschedule", {
          params: { path: { appointmentId: id } },
          body: { token, start },
        }),
      );
      setState({ kind: "ready", appointment });
      setRescheduling(false);
      setStart(null);
      return (say) => say("rescheduled", { when: whenLabel(appointment.start, appointment.end) });
    });

  const checkIn = () =>
    act(async () => {
      const result = await call(
        client.POST("/api/public/appointments/{appointmentId}/check-in", {
          params: { path: { appointmentId: id } },
          body: { token },
        }),
      );
      setCheckedIn(result);
      await load();
      return () => (isEnglish() ? result.message : result.messageZh);
    });

  let body: ReactElement;
  if (state.kind === "loading") body = <p className="book-muted">…</p>;
  else if (state.kind === "bad")
    body = (
      <p className="book-error" role="alert" data-testid="manage-bad-link">
        {t("badLink")}
      </p>
    );
  else {
    const a = state.appointment;
    const booked = a.status === "booked";
    const today = branch !== undefined && a.start.slice(0, 10) === dayIn(branch.timezone);
    body = (
      <>
        <p className="book-label">{t("yourCode")}</p>
        <p className="book-code" data-testid="manage-code">
          {a.code}
        </p>
        <p className={`book-status ${a.status}`} data-testid="manage-status" data-status={a.status}>
          {t(`status.${a.status}`, { defaultValue: a.status })}
        </p>
        <dl className="book-facts">
          <dt>{t("when")}</dt>
          <dd data-testid="manage-when">{whenLabel(a.start, a.end)}</dd>
          <dt>{t("where")}</dt>
          <dd>{localName(branch)}</dd>
          <dt>{t("what")}</dt>
          <dd>{localName(service)}</dd>
        </dl>
        {notice ? (
          <p className="book-notice" role="status" data-testid="manage-notice">
            {notice(t)}
          </p>
        ) : null}
        {error !== null ? (
          <p className="book-error" role="alert" data-testid="manage-error">
            {error}
          </p>
        ) : null}
        {checkedIn !== null ? (
          <Link className="book-button" to={`/t/${checkedIn.ticket.id}`} data-testid="manage-follow">
            {t("followTicket")}
          </Link>
        ) : a.ticketId !== null ? (
          <Link className="book-button secondary" to={`/t/${a.ticketId}`}>
            {t("followTicket")}
          </Link>
        ) : null}
        {booked ? (
          <div className="book-actions">
            {today ? (
              <>
                <button
                  type="button"
                  className="book-button"
                  disabled={busy}
                  onClick={() => void checkIn()}
                  data-testid="manage-check-in"
                >
                  {t("checkIn")}
                </button>
                <p className="book-muted">{t("checkInHint")}</p>
              </>
            ) : null}
            <a className="book-button secondary" href={icsHref(a.id, token)} download="appointment.ics">
              {t("ics")}
            </a>
            <button
              type="button"
              className="book-button secondary"
              disabled={busy}
              aria-expanded={rescheduling}
              onClick={() => setRescheduling((v) => !v)}
              data-testid="manage-reschedule"
            >
              {t("reschedule")}
            </button>
            {rescheduling && branch && service ? (
              <div className="book-reschedule">
                <SlotPicker
                  branchId={a.branchId}
                  serviceId={a.serviceId}
                  timezone={branch.timezone}
                  daysAhead={service.daysAhead}
                  value={start}
                  onChange={setStart}
                  headingDay={t("day")}
                  headingSlot={t("slot")}
                />
                <button
                  type="button"
                  className="book-button"
                  disabled={busy || start === null}
                  onClick={() => void reschedule()}
                  data-testid="manage-reschedule-confirm"
                >
                  {t("rescheduleTo")}
                </button>
              </div>
            ) : null}
            <button
              type="button"
              className="book-button danger"
              disabled={busy}
              onClick={() => {
                if (window.confirm(t("cancelConfirm"))) void cancel();
              }}
              data-testid="manage-cancel"
            >
              {t("cancel")}
            </button>
          </div>
        ) : null}
      </>
    );
  }

  return (
    <div className="book">
      <header className="book-top">
        <h1>{t("manageTitle")}</h1>
        <LangSwitch />
      </header>
      <main className="book-confirm" data-testid="manage">
        {body}
        <Link className="book-link" to="/book">
          {t("bookAnother")}
        </Link>
      </main>
    </div>
  );
}
