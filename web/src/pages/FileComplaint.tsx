import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { ApiError, api } from "../api/client.ts";
import { LangSwitch } from "../components/LangSwitch.tsx";
import "../styles/screens.css";
import "../styles/feedback.css";

const CATEGORIES = ["service_attitude", "wait_time", "service_quality", "fees", "product", "other"] as const;
interface Branch {
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
}
interface Filed {
  readonly reference: string;
  readonly dueAt: string;
  readonly visitLinked: boolean;
  readonly statusPath: string;
}

/** The customer's complaint form on a phone: no login, the phone proven by an SMS code. */
export default function FileComplaint() {
  const { t, i18n } = useTranslation("feedback2");
  const en = i18n.language === "en";
  const [branches, setBranches] = useState<readonly Branch[]>([]);
  const [branchId, setBranchId] = useState("");
  const [category, setCategory] = useState("");
  const [description, setDescription] = useState("");
  const [phone, setPhone] = useState("");
  const [code, setCode] = useState("");
  const [codeSent, setCodeSent] = useState(false);
  const [ticketNumber, setTicketNumber] = useState("");
  const [visitDate, setVisitDate] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [filed, setFiled] = useState<Filed | null>(null);

  useEffect(() => {
    document.title = t("file.title");
  }, [t]);
  useEffect(() => {
    api
      .get<{ branches: Branch[] }>("/api/public/branches")
      .then((r) => {
        setBranches(r.branches);
        if (r.branches.length === 1 && r.branches[0]) setBranchId(r.branches[0].id);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  const fail = (e: unknown) => setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
  const sendCode = () => {
    setError(null);
    api
      .post("/api/public/otp", { phone: phone.trim(), lang: en ? "en" : "zh-CN" })
      .then(() => setCodeSent(true))
      .catch(fail);
  };
  const submit = () => {
    if (!branchId || !category || !description.trim() || !phone.trim() || !code.trim()) {
      setError(t("file.needAll"));
      return;
    }
    setError(null);
    setSending(true);
    api
      .post<Filed>("/api/public/complaints", {
        branchId,
        category,
        description: description.trim(),
        phone: phone.trim(),
        otp: code.trim(),
        lang: en ? "en" : "zh-CN",
        ...(ticketNumber.trim() && visitDate ? { ticketNumber: ticketNumber.trim(), visitDate } : {}),
      })
      .then(setFiled)
      .catch(fail)
      .finally(() => setSending(false));
  };

  return (
    <main className="survey-page">
      <header className="survey-header">
        <h1>{t("file.title")}</h1>
        <LangSwitch />
      </header>
      {filed ? (
        <section data-testid="complaint-filed">
          <p className="survey-thanks">
            {t("file.done", { reference: filed.reference, due: new Date(filed.dueAt).toLocaleDateString() })}
          </p>
          {filed.visitLinked && <p>{t("file.linked")}</p>}
          <p className="survey-muted">{t("file.followHint")}</p>
          <p>
            <Link to={filed.statusPath} data-testid="complaint-follow">
              {t("file.follow")}
            </Link>
          </p>
        </section>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!sending) submit();
          }}
        >
          <p className="survey-muted">{t("file.intro")}</p>
          <label className="survey-comment">
            {t("file.branch")}
            <select data-testid="complaint-branch" value={branchId} onChange={(e) => setBranchId(e.target.value)}>
              <option value="">—</option>
              {branches.map((b) => (
                <option key={b.id} value={b.id}>
                  {en ? b.nameEn : b.nameZh}
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>{t("file.category")}</legend>
            <div className="survey-csat complaint-categories">
              {CATEGORIES.map((c) => (
                <button
                  key={c}
                  type="button"
                  data-testid={`complaint-category-${c}`}
                  className={`survey-choice${category === c ? " chosen" : ""}`}
                  aria-pressed={category === c}
                  onClick={() => setCategory(c)}
                >
                  {t(`file.categories.${c}`)}
                </button>
              ))}
            </div>
          </fieldset>
          <label className="survey-comment">
            {t("file.description")}
            <textarea
              data-testid="complaint-description"
              rows={5}
              maxLength={2000}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </label>
          <fieldset>
            <legend>{t("file.visit")}</legend>
            <div className="complaint-visit">
              <label className="survey-comment">
                {t("file.ticketNumber")}
                <input
                  data-testid="complaint-ticket"
                  maxLength={10}
                  value={ticketNumber}
                  onChange={(e) => setTicketNumber(e.target.value)}
                />
              </label>
              <label className="survey-comment">
                {t("file.visitDate")}
                <input
                  data-testid="complaint-date"
                  type="date"
                  value={visitDate}
                  onChange={(e) => setVisitDate(e.target.value)}
                />
              </label>
            </div>
          </fieldset>
          <label className="survey-comment">
            {t("file.phone")}
            <input
              data-testid="complaint-phone"
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              maxLength={20}
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
            />
          </label>
          <button
            type="button"
            className="survey-choice complaint-send-code"
            data-testid="complaint-send-code"
            disabled={phone.trim().length < 11}
            onClick={sendCode}
          >
            {t("file.sendCode")}
          </button>
          {codeSent && (
            <p className="survey-muted" role="status">
              {t("file.codeSent")}
            </p>
          )}
          <label className="survey-comment">
            {t("file.code")}
            <input
              data-testid="complaint-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
          {error && (
            <p role="alert" className="survey-error">
              {error}
            </p>
          )}
          <button type="submit" className="survey-submit" data-testid="complaint-submit" disabled={sending}>
            {sending ? t("file.sending") : t("file.submit")}
          </button>
        </form>
      )}
    </main>
  );
}
