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
  readonly timezone?: string;
}
/** What the customer still has to give before the complaint can be sent, in the order the form asks for it. */
type Missing = "branch" | "category" | "description" | "phone" | "code" | "visitDate";
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
  // Kept as field names, not a sentence, so it follows the language switch and names exactly what is missing.
  const [missing, setMissing] = useState<readonly Missing[]>([]);
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

  // The reply's due day as the branch's calendar has it, written in the page's language.
  const branchZone = branches.find((b) => b.id === branchId)?.timezone;
  const fail = (e: unknown) => setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
  const sendCode = () => {
    setError(null);
    api
      .post("/api/public/otp", { phone: phone.trim(), lang: en ? "en" : "zh-CN" })
      .then(() => setCodeSent(true))
      .catch(fail);
  };
  const submit = () => {
    const needed: Missing[] = [];
    if (!branchId) needed.push("branch");
    if (!category) needed.push("category");
    if (!description.trim()) needed.push("description");
    if (ticketNumber.trim() && !visitDate) needed.push("visitDate");
    if (!phone.trim()) needed.push("phone");
    if (!code.trim()) needed.push("code");
    setMissing(needed);
    if (needed.length > 0) {
      setError(null);
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
            {t("file.done", { reference: filed.reference, due: dueDay(filed.dueAt, en, branchZone) })}
          </p>
          {filed.visitLinked && <p>{t("file.linked")}</p>}
          <p className="survey-muted">{t("file.followHint")}</p>
          <p>
            <Link to={filed.statusPath} className="complaint-follow" data-testid="complaint-follow">
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
              <option value="">{t("file.chooseBranch")}</option>
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
          {missing.length > 0 && (
            <p role="alert" className="survey-error" data-testid="complaint-missing">
              {t("file.missing", { fields: missing.map((m) => t(`file.missingNames.${m}`)).join(en ? ", " : "、") })}
              {missing.includes("code") && !codeSent ? `${en ? " " : ""}${t("file.codeFirst")}` : ""}
            </p>
          )}
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

/** 2026年12月22日 / 22 December 2026, on the branch's calendar (the browser's own zone if it is not known). */
function dueDay(iso: string, en: boolean, timeZone: string | undefined): string {
  return new Date(iso).toLocaleDateString(en ? "en-GB" : "zh-CN", {
    ...(timeZone ? { timeZone } : {}),
    year: "numeric",
    month: "long",
    day: "numeric",
  });
}
