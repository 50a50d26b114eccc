import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router-dom";
import { ApiError, api } from "../api/client.ts";
import { LangSwitch } from "../components/LangSwitch.tsx";
import { isEnglish } from "../i18n/index.ts";
import "../styles/screens.css";
import "../styles/feedback.css";

type Rating = "satisfied" | "neutral" | "dissatisfied";
interface PublicSurvey {
  readonly number: string;
  readonly branchNameZh: string;
  readonly branchNameEn: string;
  readonly serviceNameZh: string;
  readonly serviceNameEn: string;
  readonly csat: Rating | null;
  readonly csatFromPad: boolean;
  readonly answered: boolean;
}
type State =
  | { readonly kind: "loading" }
  | { readonly kind: "missing" }
  | { readonly kind: "ready"; readonly survey: PublicSurvey }
  | { readonly kind: "done"; readonly complaintOpened: boolean };

const RATINGS: readonly Rating[] = ["satisfied", "neutral", "dissatisfied"];

/** The customer's phone after service: no login, the link's token (192 random bits) is the key. */
export default function Survey() {
  const { t } = useTranslation("feedback");
  const { token = "" } = useParams();
  const [state, setState] = useState<State>({ kind: "loading" });
  const [csat, setCsat] = useState<Rating | null>(null);
  const [nps, setNps] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  // A flag, not the sentence: the hint follows the language switch and goes once a question is answered.
  const [needOne, setNeedOne] = useState(false);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    api
      .get<PublicSurvey>(`/api/public/surveys/${encodeURIComponent(token)}`)
      .then((survey) => setState({ kind: "ready", survey }))
      .catch(() => setState({ kind: "missing" }));
  }, [token]);

  const submit = () => {
    if (state.kind !== "ready") return;
    const body = {
      ...(csat && !state.survey.csatFromPad ? { csat } : {}),
      ...(nps !== null ? { nps } : {}),
      ...(comment.trim() ? { comment: comment.trim() } : {}),
    };
    if (Object.keys(body).length === 0) {
      setNeedOne(true);
      return;
    }
    setNeedOne(false);
    setSending(true);
    api
      .post<{ complaintOpened: boolean }>(`/api/public/surveys/${encodeURIComponent(token)}`, body)
      .then((r) => setState({ kind: "done", complaintOpened: r.complaintOpened }))
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)))
      .finally(() => setSending(false));
  };

  return (
    <main className="survey-page" data-testid="survey-page">
      <header className="survey-header">
        <h1>{t("survey.title")}</h1>
        <LangSwitch />
      </header>
      {state.kind === "loading" && <p className="survey-muted">…</p>}
      {state.kind === "missing" && <p data-testid="survey-missing">{t("survey.notFound")}</p>}
      {state.kind === "done" && (
        <section data-testid="survey-thanks">
          <p className="survey-thanks">{t("survey.thanks")}</p>
          {state.complaintOpened && <p data-testid="survey-complaint-opened">{t("survey.complaintOpened")}</p>}
        </section>
      )}
      {state.kind === "ready" && state.survey.answered && <p>{t("survey.already")}</p>}
      {state.kind === "ready" && !state.survey.answered && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <p className="survey-muted">
            {t("survey.intro", {
              branch: isEnglish() ? state.survey.branchNameEn : state.survey.branchNameZh,
              service: isEnglish() ? state.survey.serviceNameEn : state.survey.serviceNameZh,
              number: state.survey.number,
            })}
          </p>
          <fieldset>
            <legend>{t("survey.csat")}</legend>
            {state.survey.csatFromPad && state.survey.csat ? (
              <p>{t("survey.fromPad", { rating: t(`survey.${state.survey.csat}`) })}</p>
            ) : (
              <div className="survey-csat">
                {RATINGS.map((r) => (
                  <button
                    key={r}
                    type="button"
                    className={`survey-choice ${csat === r ? "chosen" : ""}`}
                    aria-pressed={csat === r}
                    onClick={() => setCsat(r)}
                    data-testid={`survey-csat-${r}`}
                  >
                    {t(`survey.${r}`)}
                  </button>
                ))}
              </div>
            )}
          </fieldset>
          <fieldset>
            <legend>{t("survey.nps")}</legend>
            <div className="survey-nps">
              {Array.from({ length: 11 }, (_, n) => (
                <button
                  // biome-ignore lint/suspicious/noArrayIndexKey: the scale's numbers are its keys
                  key={n}
                  type="button"
                  className={`survey-choice ${nps === n ? "chosen" : ""}`}
                  aria-pressed={nps === n}
                  onClick={() => setNps(n)}
                  data-testid={`survey-nps-${n}`}
                >
                  {n}
                </button>
              ))}
            </div>
          </fieldset>
          <label className="survey-comment">
            {t("survey.comment")}
            <textarea
              rows={4}
              maxLength={1000}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              data-testid="survey-comment"
            />
          </label>
          {needOne && csat === null && nps === null && !comment.trim() && (
            <p role="alert" className="survey-error" data-testid="survey-need-one">
              {t("survey.needOne")}
            </p>
          )}
          {error && (
            <p role="alert" className="survey-error">
              {error}
            </p>
          )}
          <button type="submit" className="survey-submit" disabled={sending} data-testid="survey-submit">
            {t("survey.submit")}
          </button>
        </form>
      )}
    </main>
  );
}
