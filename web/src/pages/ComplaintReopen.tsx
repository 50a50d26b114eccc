import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router-dom";
import { ApiError, api } from "../api/client.ts";
import { LangSwitch } from "../components/LangSwitch.tsx";
import "../styles/screens.css";
import "../styles/feedback.css";

/** The complainant's link from the reply: ask for the complaint to be handled again. */
export default function ComplaintReopen() {
  const { t } = useTranslation("feedback");
  const { token = "" } = useParams();
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<{ reference: string; dueAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = () =>
    api
      .post<{ reference: string; dueAt: string }>("/api/public/complaints/reopen", { token, reason: reason.trim() })
      .then(setDone)
      .catch((e: unknown) =>
        setError(e instanceof ApiError && e.status === 404 ? t("reopen.invalid") : e instanceof Error ? e.message : ""),
      );
  return (
    <main className="survey-page">
      <header className="survey-header">
        <h1>{t("reopen.title")}</h1>
        <LangSwitch />
      </header>
      {done ? (
        <p data-testid="reopen-done">
          {t("reopen.done", { reference: done.reference, due: new Date(done.dueAt).toLocaleDateString() })}
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) void submit();
          }}
        >
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
      )}
    </main>
  );
}
