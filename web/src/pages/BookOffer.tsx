import { type ReactElement, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { ApiError, call, client } from "../api/client.ts";
import { LangSwitch } from "../components/LangSwitch.tsx";
import { whenLabel } from "../lib/booking.ts";
import { localName } from "../lib/format.ts";
import "../styles/booking.css";

const loadOffer = (token: string) => call(client.GET("/api/public/waitlist/offer", { params: { query: { token } } }));
const acceptOffer = (token: string) => call(client.POST("/api/public/waitlist/accept", { body: { token } }));
type Offer = Awaited<ReturnType<typeof loadOffer>>;
type Booked = Awaited<ReturnType<typeof acceptOffer>>;
type Load =
  | { readonly kind: "loading" }
  | { readonly kind: "bad" }
  | { readonly kind: "ready"; readonly offer: Offer }
  | { readonly kind: "booked"; readonly offer: Offer; readonly booked: Booked }
  | { readonly kind: "declined"; readonly offer: Offer };

const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

/** The waitlist offer's link: take the offered place (booked in one step) or give it to the next in line. */
export default function BookOffer() {
  const { t } = useTranslation("booking");
  const token = new URLSearchParams(window.location.search).get("token") ?? "";
  const [state, setState] = useState<Load>({ kind: "loading" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = t("offer.title");
  }, [t]);

  useEffect(() => {
    // A token shorter than the API accepts is as wrong as one that does not match: same answer, no request.
    if (token.length < 16) return setState({ kind: "bad" });
    loadOffer(token).then(
      (offer) => setState({ kind: "ready", offer }),
      (e: unknown) => {
        if (e instanceof ApiError && (e.status === 404 || e.status === 400)) setState({ kind: "bad" });
        else setError(errorText(e));
      },
    );
  }, [token]);

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const accept = (offer: Offer) =>
    act(async () => {
      const booked = await acceptOffer(token);
      setState({ kind: "booked", offer, booked });
    });
  const decline = (offer: Offer) =>
    act(async () => {
      await call(client.POST("/api/public/waitlist/decline", { body: { token } }));
      setState({ kind: "declined", offer });
    });

  let body: ReactElement;
  if (state.kind === "loading") body = <p className="book-muted">…</p>;
  else if (state.kind === "bad")
    body = (
      <p className="book-error" role="alert" data-testid="offer-bad-link">
        {t("offer.badLink")}
      </p>
    );
  else {
    const o = state.offer;
    const facts = (
      <dl className="book-facts">
        <dt>{t("when")}</dt>
        <dd data-testid="offer-when">{whenLabel(o.start, o.end)}</dd>
        <dt>{t("where")}</dt>
        <dd>{localName(o.branch)}</dd>
        <dt>{t("what")}</dt>
        <dd>{localName(o.service)}</dd>
      </dl>
    );
    if (state.kind === "booked")
      body = (
        <>
          <p className="book-notice" role="status" data-testid="offer-booked">
            {t("offer.booked")}
          </p>
          <p className="book-label">{t("yourCode")}</p>
          <p className="book-code" data-testid="offer-code">
            {state.booked.code}
          </p>
          {facts}
          <a className="book-button" href={state.booked.manageUrl} data-testid="offer-manage">
            {t("offer.manage")}
          </a>
        </>
      );
    else if (state.kind === "declined")
      body = (
        <>
          <p className="book-notice" role="status" data-testid="offer-declined">
            {t("offer.declined")}
          </p>
          {facts}
        </>
      );
    else
      body = (
        <>
          <p className="book-sub">{t("offer.lead")}</p>
          {facts}
          {o.status === "lapsed" ? (
            <p className="book-error" role="alert" data-testid="offer-lapsed">
              {t("offer.lapsed")}
            </p>
          ) : (
            <>
              <p className="book-muted" data-testid="offer-until">
                {t("offer.keptUntil", { when: whenLabel(o.expiresAt) })}
              </p>
              {o.requiredDocuments.length > 0 ? (
                <section className="book-docs">
                  <h2>{t("documentsTitle")}</h2>
                  <ul>
                    {(o.requiredDocuments as readonly string[]).map((d) => (
                      <li key={d}>{d}</li>
                    ))}
                  </ul>
                </section>
              ) : null}
              <div className="book-actions">
                <button
                  type="button"
                  className="book-button"
                  disabled={busy}
                  onClick={() => void accept(o)}
                  data-testid="offer-accept"
                >
                  {t("offer.accept")}
                </button>
                <button
                  type="button"
                  className="book-button secondary"
                  disabled={busy}
                  onClick={() => {
                    if (window.confirm(t("offer.declineConfirm"))) void decline(o);
                  }}
                  data-testid="offer-decline"
                >
                  {t("offer.decline")}
                </button>
              </div>
            </>
          )}
        </>
      );
  }

  return (
    <div className="book">
      <header className="book-top">
        <h1>{t("offer.title")}</h1>
        <LangSwitch />
      </header>
      <main className="book-confirm" data-testid="offer">
        {body}
        {error !== null ? (
          <p className="book-error" role="alert" data-testid="offer-error">
            {error}
          </p>
        ) : null}
        <Link className="book-link" to="/book">
          {t("bookAnother")}
        </Link>
      </main>
    </div>
  );
}
