import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router-dom";
import { ApiError, api } from "../api/client.ts";
import { LangSwitch } from "../components/LangSwitch.tsx";
import "../styles/screens.css";
import "../styles/feedback.css";

interface Status {
  readonly reference: string;
  readonly category: string;
  readonly status: "open" | "closed";
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly extended: boolean;
  readonly closedAt: string | null;
  readonly reply: string | null;
  readonly furtherOptions: { zh: string; en: string } | null;
  readonly mayReopen: boolean;
  readonly reopenCount: number;
}

/**
 * The complainant's link (given when filed online, or sent with the reply): the complaint's progress, the reply
 * once closed, and the request to handle it again.
 */
export default function ComplaintReopen() {
  const { t } = useTranslation("feedback");
  const { t: t2, i18n } = useTranslation("feedback2");
  const en = i18n.language === "en";
  const { token = "" } = useParams();
  const [status, setStatus] = useState<Status | null>(null);
  const [missing, setMissing] = useState(false);
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<{ reference: string; dueAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    () =>
      api
        .get<Status>(`/api/public/complaints/${encodeURIComponent(token)}`)
        .then(setStatus)
        .catch(() => setMissing(true)),
    [token],
  );
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    document.title = t2("status.title");
  }, [t2]);
  const submit = () =>
    api
      .post<{ reference: string; dueAt: string }>("/api/public/complaints/reopen", { token, reason: reason.trim() })
      .then((r) => {
        setDone(r);
        void load();
      })
      .catch((e: unknown) =>
        setError(e instanceof ApiError && e.status === 404 ? t("reopen.invalid") : e instanceof Error ? e.message : ""),
      );
  // In the page's language (2026年12月23日 / 23 December 2026), as the form's confirmation says it; the browser's
  // own format was 2026/12/23 on an English page.
  const day = (iso: string) =>
    new Date(iso).toLocaleDateString(en ? "en-GB" : "zh-CN", { year: "numeric", month: "long", day: "numeric" });
  return (
    <main className="survey-page">
      <header className="survey-header">
        <h1>{t2("status.title")}</h1>
        <LangSwitch />
      </header>
      {missing && <p role="alert">{t2("status.invalid")}</p>}
      {status && (
        <dl className="complaint-status" data-testid="complaint-status">
          <dt>{t2("status.reference")}</dt>
          <dd>{status.reference}</dd>
          <dt>{t2("status.category")}</dt>
          <dd>{t2(`file.categories.${status.category}`, { defaultValue: status.category })}</dd>
          <dt>{t2("status.state")}</dt>
          <dd data-testid="complaint-state">{t2(`status.${status.status}`)}</dd>
          <dt>{t2("status.received")}</dt>
          <dd>{day(status.receivedAt)}</dd>
          <dt>{t2("status.due")}</dt>
          <dd>
            {day(status.dueAt)} {status.extended ? t2("status.extended") : ""}
          </dd>
          {status.reopenCount > 0 && <dd>{t2("status.reopened", { count: status.reopenCount })}</dd>}
          {status.reply && (
            <>
              <dt>{t2("status.reply")}</dt>
              <dd data-testid="complaint-reply">{status.reply}</dd>
            </>
          )}
          {status.furtherOptions && (
            <>
              <dt>{t2("status.options")}</dt>
              <dd>{en ? status.furtherOptions.en : status.furtherOptions.zh}</dd>
            </>
          )}
        </dl>
      )}
      {done ? (
        <p data-testid="reopen-done">{t("reopen.done", { reference: done.reference, due: day(done.dueAt) })}</p>
      ) : status?.mayReopen ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) void submit();
          }}
        >
          <h2>{t("reopen.title")}</h2>
          <label className="survey-comment">
            {t("reopen.reason")}
            <textarea rows={4} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          {error && (
            <p role="alert" className="survey-error">
              {error}
            </p>
          )}
          <button type="submit" className="survey-submit">
            {t("reopen.submit")}
          </button>
        </form>
      ) : null}
    </main>
  );
}
