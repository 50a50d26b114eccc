import { type ReactNode, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, call, client } from "../../api/client.ts";
import "../../styles/kiosk-identify.css";

/** What the kiosk keeps of an identification: the masked phone the server answered, nothing else. */
export interface KioskIdentified {
  readonly phone: string;
}

const PHONE_DIGITS = 11;
const CODE_DIGITS = 6;
/** The server allows one code a minute per phone; the "send again" button waits as long. */
const RESEND_AFTER_S = 60;

/**
 * The kiosk's optional "link this visit to me" step (issue 14): the customer types their mobile number on a
 * large number pad, receives a one-time code by SMS (POST /api/public/otp, the outbox), types it, and the
 * ticket is theirs (POST /api/tickets/:ticketId/identify). Two screens of few choices each; "skip" is always
 * there. `onActivity` is called on every press so the kiosk's auto-return counts idle time, not time spent
 * typing; the kiosk still returns to its start screen when the customer walks away.
 */
export function KioskIdentify(props: {
  readonly ticketId: string;
  readonly onActivity: () => void;
  readonly onDone: (identified: KioskIdentified | null) => void;
  /** Shown under the step (the kiosk's auto-return countdown). */
  readonly footer?: ReactNode;
}) {
  const { t, i18n } = useTranslation("kioskIdentify");
  const [step, setStep] = useState<"phone" | "code">("phone");
  const [phone, setPhone] = useState("");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [resendIn, setResendIn] = useState(0);
  const activity = useRef(props.onActivity);
  activity.current = props.onActivity;
  const field = useRef<HTMLInputElement>(null);
  // The field holds the focus, so that a keyboard (or a scanner) types into it as the pad does.
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again on each step
  useEffect(() => field.current?.focus(), [step]);

  useEffect(() => {
    if (resendIn <= 0) return;
    const id = setTimeout(() => setResendIn((s) => s - 1), 1000);
    return () => clearTimeout(id);
  }, [resendIn]);

  const value = step === "phone" ? phone : code;
  const max = step === "phone" ? PHONE_DIGITS : CODE_DIGITS;
  const setValue = step === "phone" ? setPhone : setCode;
  const press = (key: string) => {
    activity.current();
    setError(null);
    if (key === "del") setValue((v) => v.slice(0, -1));
    else if (key === "clear") setValue("");
    else setValue((v) => (v.length >= max ? v : v + key));
  };

  const message = (e: unknown) => (e instanceof ApiError ? e.message : t("failed"));

  const send = async () => {
    if (busy || phone.length !== PHONE_DIGITS) return;
    activity.current();
    setBusy(true);
    setError(null);
    try {
      await call(client.POST("/api/public/otp", { body: { phone, lang: i18n.language === "en" ? "en" : "zh-CN" } }));
      setCode("");
      setStep("code");
      setResendIn(RESEND_AFTER_S);
    } catch (e) {
      // Too many codes: the server says how long to wait, in the page's language.
      setError(message(e));
    } finally {
      setBusy(false);
      activity.current();
    }
  };

  const confirm = async () => {
    if (busy || code.length !== CODE_DIGITS) return;
    activity.current();
    setBusy(true);
    setError(null);
    try {
      const answer = await call(
        client.POST("/api/tickets/{ticketId}/identify", {
          params: { path: { ticketId: props.ticketId } },
          body: { phone, otp: code },
        }),
      );
      // Only the masked phone stays on the screen; the name and code the server also answers are not shown.
      props.onDone({ phone: answer.phone });
    } catch (e) {
      setError(message(e));
      setCode("");
    } finally {
      setBusy(false);
      activity.current();
    }
  };

  // A number typed on a keyboard (or a scanner) works as the pad does.
  const onKey = (event: React.KeyboardEvent) => {
    if (/^[0-9]$/.test(event.key)) press(event.key);
    else if (event.key === "Backspace") press("del");
    else if (event.key === "Enter") void (step === "phone" ? send() : confirm());
    else return;
    event.preventDefault();
  };

  const masked = `${phone.slice(0, 3)}****${phone.slice(7)}`;
  const inputId = step === "phone" ? "kiosk-identify-phone" : "kiosk-identify-code";
  return (
    <main className="kiosk-identify" data-testid="kiosk-identify" data-step={step}>
      <h1>{t("title")}</h1>
      <p className="kiosk-identify-step" id="kiosk-identify-step">
        {step === "phone" ? t("phoneStep") : t("codeStep", { phone: masked })}
      </p>
      <label htmlFor={inputId} className="visually-hidden">
        {step === "phone" ? t("phoneLabel") : t("codeLabel")}
      </label>
      <input
        id={inputId}
        className="kiosk-identify-value"
        ref={field}
        value={value}
        inputMode="numeric"
        autoComplete="off"
        readOnly
        aria-describedby="kiosk-identify-step"
        onKeyDown={onKey}
        data-testid={step === "phone" ? "identify-phone" : "identify-code"}
      />
      {error !== null ? (
        <div className="kiosk-error" role="alert" data-testid="identify-error">
          {error}
        </div>
      ) : null}
      <fieldset className="kiosk-keypad" aria-label={t("keypad")}>
        {["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "del"].map((key) => (
          <button
            type="button"
            key={key}
            className={`kiosk-key ${key.length > 1 ? "kiosk-key-word" : ""}`}
            onClick={() => press(key)}
            disabled={busy}
            data-testid={`key-${key}`}
          >
            {key === "del" ? t("delete") : key === "clear" ? t("clear") : key}
          </button>
        ))}
      </fieldset>
      <div className="kiosk-identify-actions">
        {step === "phone" ? (
          <button
            type="button"
            className="big-button"
            disabled={busy || phone.length !== PHONE_DIGITS}
            onClick={() => void send()}
            data-testid="identify-send"
          >
            {busy ? t("sending") : t("send")}
          </button>
        ) : (
          <>
            <button
              type="button"
              className="big-button"
              disabled={busy || code.length !== CODE_DIGITS}
              onClick={() => void confirm()}
              data-testid="identify-confirm"
            >
              {busy ? t("checking") : t("confirm")}
            </button>
            <button
              type="button"
              className="big-button secondary"
              disabled={busy || resendIn > 0}
              onClick={() => void send()}
              data-testid="identify-resend"
            >
              {resendIn > 0 ? t("resendIn", { seconds: resendIn }) : t("resend")}
            </button>
            <button
              type="button"
              className="big-button secondary"
              disabled={busy}
              onClick={() => {
                activity.current();
                setError(null);
                setStep("phone");
              }}
              data-testid="identify-change-phone"
            >
              {t("changePhone")}
            </button>
          </>
        )}
        <button
          type="button"
          className="big-button secondary"
          onClick={() => props.onDone(null)}
          data-testid="identify-skip"
        >
          {t("skip")}
        </button>
      </div>
      {props.footer}
    </main>
  );
}
