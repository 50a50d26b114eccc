import QRCode from "qrcode";
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, call, client } from "../api/client.ts";
import type { Answer } from "../api/types.ts";
import { BookingFields } from "../components/BookingFields.tsx";
import { LangSwitch } from "../components/LangSwitch.tsx";
import { SlotPicker } from "../components/SlotPicker.tsx";
import { isEnglish } from "../i18n/index.ts";
import {
  type AnswerValue,
  type BookableBranch,
  type BookableService,
  type Booked,
  dayLabel,
  hhmm,
  icsHref,
  missingFields,
  type Slot,
  whenLabel,
} from "../lib/booking.ts";
import { CONSENT_TEXT_VERSION } from "../lib/consent.ts";
import { localName } from "../lib/format.ts";
import { type HoldLoss, minutesSeconds, useSlotHold } from "../lib/slot-hold.ts";
import "../styles/booking.css";

const RESEND_SECONDS = 60;

const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

/** Online booking on the customer's phone: branch, business, day, slot, form, name, phone and code. */
export default function Book() {
  const { t } = useTranslation("booking");
  const { t: tf } = useTranslation("bookFlow");
  const [branches, setBranches] = useState<readonly BookableBranch[]>([]);
  const [branchId, setBranchId] = useState<string>("");
  const [services, setServices] = useState<readonly BookableService[]>([]);
  const [serviceId, setServiceId] = useState<string>("");
  const [start, setStart] = useState<string | null>(null);
  const [answers, setAnswers] = useState<Record<string, AnswerValue>>({});
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [otp, setOtp] = useState("");
  const [email, setEmail] = useState("");
  const [codeSent, setCodeSent] = useState(false);
  const [cooldown, setCooldown] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [booked, setBooked] = useState<Booked | null>(null);
  // Told when the held time is lost (ran out, or taken before it could be held); the slots are asked for afresh.
  const [lost, setLost] = useState<HoldLoss | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [consentService, setConsentService] = useState(false);
  const [consentMarketing, setConsentMarketing] = useState(false);
  const [waitlist, setWaitlist] = useState<{ readonly day: string; readonly full: readonly Slot[] } | null>(null);
  const [range, setRange] = useState("");
  const [joined, setJoined] = useState<{ readonly day: string; readonly position: number } | null>(null);

  const onLost = useCallback((why: HoldLoss) => {
    setStart(null);
    setLost(why);
    setRefreshKey((k) => k + 1);
  }, []);
  const lostNotice = lost === null ? null : tf(lost === "expired" ? "hold.expired" : "hold.taken");
  const hold = useSlotHold(branchId, serviceId, onLost);
  const holdChoose = hold.choose;
  const pick = useCallback(
    (next: string | null) => {
      setLost(null);
      setStart(next);
      // A day changed (or a time chosen) closes the waitlist form of the day before.
      setWaitlist(null);
      void holdChoose(next);
    },
    [holdChoose],
  );

  useEffect(() => {
    document.title = t("title");
  }, [t]);

  useEffect(() => {
    call(client.GET("/api/public/branches")).then(
      (found) => {
        const answer = found as Answer<"listBookableBranches">;
        setBranches(answer.branches);
        const only = answer.branches.length === 1 ? answer.branches[0] : undefined;
        if (only) setBranchId(only.id);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, []);

  useEffect(() => {
    setServices([]);
    setServiceId("");
    setStart(null);
    if (!branchId) return;
    call(client.GET("/api/public/branches/{branchId}/services", { params: { path: { branchId } } })).then(
      (answer) => setServices((answer as Answer<"listBookableServices">).services),
      (e: unknown) => setError(errorText(e)),
    );
  }, [branchId]);

  useEffect(() => {
    if (cooldown <= 0) return;
    const id = setTimeout(() => setCooldown((s) => s - 1), 1000);
    return () => clearTimeout(id);
  }, [cooldown]);

  const branch = branches.find((b) => b.id === branchId);
  const service = services.find((s) => s.id === serviceId);
  const onAnswer = useCallback((key: string, value: AnswerValue | undefined) => {
    setAnswers((prev) => {
      const next = { ...prev };
      if (value === undefined) delete next[key];
      else next[key] = value;
      return next;
    });
  }, []);

  const sendCode = async () => {
    setError(null);
    try {
      await call(client.POST("/api/public/otp", { body: { phone } }));
      setCodeSent(true);
      setCooldown(RESEND_SECONDS);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!branch || !service || start === null) return;
    const missing = missingFields(service.form, answers);
    if (missing.length > 0) {
      setError(t("missing", { fields: missing.join(isEnglish() ? ", " : "、") }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const known = new Set(service.form.map((f) => f.key));
      const given = Object.fromEntries(Object.entries(answers).filter(([k]) => known.has(k)));
      const holdId = hold.state.kind === "held" && hold.state.start === start ? hold.state.holdId : undefined;
      const result = await call(
        client.POST("/api/public/appointments", {
          body: {
            branchId: branch.id,
            serviceId: service.id,
            start,
            name: name.trim(),
            phone,
            otp: otp.trim(),
            ...(email.trim() && { email: email.trim() }),
            lang: isEnglish() ? "en" : "zh-CN",
            ...(Object.keys(given).length > 0 && { answers: given }),
            ...(holdId !== undefined && { holdId }),
            consents: { service: consentService, marketing: consentMarketing, textVersion: CONSENT_TEXT_VERSION },
          },
        }),
      );
      hold.consumed();
      setBooked(result);
      window.scrollTo(0, 0);
    } catch (e) {
      if (
        e instanceof ApiError &&
        e.status === 409 &&
        (e.details as { reason?: string } | undefined)?.reason === "full"
      ) {
        // Taken meanwhile (the hold ran out on the server first): fresh times, never the raw refusal.
        hold.letGo();
        onLost("taken");
      } else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const joinWaitlist = async (event: FormEvent) => {
    event.preventDefault();
    if (!branch || !service || waitlist === null) return;
    setBusy(true);
    setError(null);
    try {
      const [from, to] = range ? range.split("|") : [];
      const result = await call(
        client.POST("/api/public/waitlist", {
          body: {
            branchId: branch.id,
            serviceId: service.id,
            day: waitlist.day,
            ...(from && to && { from, to }),
            name: name.trim(),
            phone,
            otp: otp.trim(),
            ...(email.trim() && { email: email.trim() }),
            lang: isEnglish() ? "en" : "zh-CN",
            consents: { service: consentService, marketing: consentMarketing, textVersion: CONSENT_TEXT_VERSION },
          },
        }),
      );
      setJoined({ day: result.day, position: result.position });
      window.scrollTo(0, 0);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (joined !== null && branch && service)
    return (
      <div className="book">
        <header className="book-top">
          <h1>{tf("waitlist.submit")}</h1>
          <LangSwitch />
        </header>
        <main className="book-confirm" data-testid="book-waitlist-joined">
          <p className="book-notice" role="status">
            {tf("waitlist.joined", { day: dayLabel(joined.day), position: joined.position })}
          </p>
          <dl className="book-facts">
            <dt>{t("where")}</dt>
            <dd>{localName(branch)}</dd>
            <dt>{t("what")}</dt>
            <dd>{localName(service)}</dd>
          </dl>
          <button
            type="button"
            className="book-link"
            onClick={() => {
              setJoined(null);
              setWaitlist(null);
              setOtp("");
              setCodeSent(false);
              setRefreshKey((k) => k + 1);
            }}
          >
            {tf("waitlist.again")}
          </button>
        </main>
      </div>
    );

  if (booked !== null && branch && service)
    return (
      <Confirmation
        booked={booked}
        branch={branch}
        service={service}
        onAnother={() => {
          setBooked(null);
          setStart(null);
          setOtp("");
          setCodeSent(false);
        }}
      />
    );

  const contactReady = name.trim() && phone.trim() && otp.trim();
  const ready = branch && service && (waitlist !== null || start !== null) && contactReady;
  const needs = [
    ...(waitlist === null && start === null ? [tf("needs.slot")] : []),
    ...(name.trim() ? [] : [tf("needs.name")]),
    ...(phone.trim() ? [] : [tf("needs.phone")]),
    ...(otp.trim() ? [] : [codeSent ? tf("needs.otp") : tf("needs.otpFirst")]),
  ];
  const heldStart = hold.state.kind === "held" || hold.state.kind === "holding" ? hold.state.start : null;
  const holdLine =
    hold.state.kind === "held" && hold.secondsLeft !== null
      ? tf("hold.heldFor", { time: minutesSeconds(hold.secondsLeft) })
      : null;
  const slotExtras = (day: string, slots: readonly Slot[]) => {
    const full = slots.filter((s) => s.free <= 0 && s.start !== heldStart);
    return (
      <>
        {hold.state.kind === "holding" ? <p className="book-muted">{tf("hold.holding")}</p> : null}
        {holdLine !== null ? (
          <p className="book-notice" data-testid="book-hold">
            {holdLine}
          </p>
        ) : null}
        {hold.state.kind === "failed" ? (
          <p className="book-muted" data-testid="book-hold-failed">
            {tf("hold.failed", { message: hold.state.message })}
          </p>
        ) : null}
        {lostNotice !== null ? (
          <p className="book-error" role="alert" data-testid="book-hold-lost">
            {lostNotice}
          </p>
        ) : null}
        {service?.waitlist && full.length > 0 && waitlist === null ? (
          <div className="book-waitlist-offer" data-testid="book-waitlist-offer">
            <p className="book-muted">
              {full.length === slots.length ? tf("waitlist.fullDay") : tf("waitlist.someFull")}
            </p>
            <button
              type="button"
              className="book-button secondary"
              onClick={() => {
                void holdChoose(null);
                setStart(null);
                setLost(null);
                setError(null);
                setRange(full.length === 1 && full[0] ? `${hhmm(full[0].start)}|${hhmm(full[0].end)}` : "");
                setWaitlist({ day, full });
              }}
              data-testid="book-waitlist-open"
            >
              {tf("waitlist.offer")}
            </button>
          </div>
        ) : null}
      </>
    );
  };
  return (
    <div className="book">
      <header className="book-top">
        <h1>{t("title")}</h1>
        <LangSwitch />
      </header>
      <main>
        <p className="book-sub">{t("subtitle")}</p>
        <form onSubmit={(e) => void (waitlist !== null ? joinWaitlist(e) : submit(e))} noValidate>
          <fieldset className="book-section">
            <legend>{t("step.branch")}</legend>
            <label htmlFor="book-branch" className="book-label">
              {t("branch")}
            </label>
            <select
              id="book-branch"
              value={branchId}
              onChange={(e) => setBranchId(e.target.value)}
              data-testid="book-branch"
            >
              <option value="">{t("chooseBranch")}</option>
              {branches.map((b) => (
                <option key={b.id} value={b.id}>
                  {localName(b)}
                </option>
              ))}
            </select>
          </fieldset>

          {branch ? (
            <fieldset className="book-section">
              <legend>{t("step.service")}</legend>
              <div className="book-services" data-testid="book-services">
                {services.map((s) => (
                  <button
                    key={s.id}
                    type="button"
                    className={`book-service ${s.id === serviceId ? "on" : ""}`}
                    aria-pressed={s.id === serviceId}
                    onClick={() => {
                      setServiceId(s.id);
                      setStart(null);
                      setAnswers({});
                      setWaitlist(null);
                      setLost(null);
                    }}
                    data-testid={`book-service-${s.code}`}
                  >
                    <strong>{localName(s)}</strong>
                    <span>{t("minutes", { count: s.expectedMinutes })}</span>
                  </button>
                ))}
              </div>
              {service ? (
                <section className="book-docs" data-testid="book-documents" aria-live="polite">
                  {service.requiredDocuments.length > 0 ? (
                    <>
                      <h2>{t("documentsTitle")}</h2>
                      <ul>
                        {service.requiredDocuments.map((d) => (
                          <li key={d}>{d}</li>
                        ))}
                      </ul>
                    </>
                  ) : (
                    <p>{t("noDocuments")}</p>
                  )}
                </section>
              ) : null}
            </fieldset>
          ) : null}

          {branch && service ? (
            <SlotPicker
              key={`${branch.id}-${service.id}`}
              branchId={branch.id}
              serviceId={service.id}
              timezone={branch.timezone}
              daysAhead={service.daysAhead}
              value={start}
              onChange={pick}
              headingDay={t("step.day")}
              headingSlot={t("step.slot")}
              held={heldStart}
              heldLabel={tf("hold.heldShort")}
              refreshKey={refreshKey}
              below={slotExtras}
            />
          ) : null}

          {service && waitlist !== null ? (
            <fieldset className="book-section" data-testid="book-waitlist">
              <legend>{tf("waitlist.step", { day: dayLabel(waitlist.day) })}</legend>
              <p className="book-muted">{tf("waitlist.lead")}</p>
              <div className="book-field">
                <label htmlFor="book-waitlist-range">{tf("waitlist.range")}</label>
                <select
                  id="book-waitlist-range"
                  value={range}
                  onChange={(e) => setRange(e.target.value)}
                  data-testid="book-waitlist-range"
                >
                  <option value="">{tf("waitlist.wholeDay")}</option>
                  {waitlist.full.map((s) => (
                    <option key={s.start} value={`${hhmm(s.start)}|${hhmm(s.end)}`}>
                      {`${hhmm(s.start)}–${hhmm(s.end)}`}
                    </option>
                  ))}
                </select>
              </div>
              <button
                type="button"
                className="book-link"
                onClick={() => setWaitlist(null)}
                data-testid="book-waitlist-back"
              >
                {tf("waitlist.back")}
              </button>
            </fieldset>
          ) : null}

          {service && waitlist === null && service.form.length > 0 ? (
            <fieldset className="book-section">
              <legend>{t("step.form")}</legend>
              <BookingFields fields={service.form} answers={answers} onChange={onAnswer} />
            </fieldset>
          ) : null}

          {service ? (
            <fieldset className="book-section">
              <legend>{t("step.contact")}</legend>
              <div className="book-field">
                <label htmlFor="book-name">{t("name")}</label>
                <input
                  id="book-name"
                  autoComplete="name"
                  maxLength={100}
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  data-testid="book-name"
                />
              </div>
              <div className="book-field">
                <label htmlFor="book-phone">{t("phone")}</label>
                <div className="book-row">
                  <input
                    id="book-phone"
                    type="tel"
                    autoComplete="tel"
                    inputMode="tel"
                    maxLength={30}
                    value={phone}
                    onChange={(e) => setPhone(e.target.value)}
                    data-testid="book-phone"
                  />
                  <button
                    type="button"
                    className="book-button secondary"
                    disabled={!phone.trim() || cooldown > 0}
                    onClick={() => void sendCode()}
                    data-testid="book-send-code"
                  >
                    {cooldown > 0 ? t("resendIn", { seconds: cooldown }) : t("sendCode")}
                  </button>
                </div>
                {codeSent ? (
                  <p className="book-muted" role="status" data-testid="book-code-sent">
                    {t("codeSent")}
                  </p>
                ) : null}
              </div>
              <div className="book-field">
                <label htmlFor="book-otp">{t("code")}</label>
                <input
                  id="book-otp"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  value={otp}
                  onChange={(e) => setOtp(e.target.value.replace(/\D/g, ""))}
                  data-testid="book-otp"
                />
              </div>
              <div className="book-field">
                <label htmlFor="book-email">{t("email")}</label>
                <input
                  id="book-email"
                  type="email"
                  autoComplete="email"
                  maxLength={254}
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                  data-testid="book-email"
                />
              </div>
            </fieldset>
          ) : null}

          {service ? (
            <fieldset className="book-section" data-testid="book-consent">
              <legend>{tf("consent.step")}</legend>
              <p className="book-muted">{tf(waitlist !== null ? "consent.leadWaitlist" : "consent.lead")}</p>
              <label className="book-check book-consent-item">
                <input
                  type="checkbox"
                  checked={consentService}
                  onChange={(e) => setConsentService(e.target.checked)}
                  data-testid="book-consent-service"
                />
                <span>{tf("consent.service")}</span>
              </label>
              <label className="book-check book-consent-item">
                <input
                  type="checkbox"
                  checked={consentMarketing}
                  onChange={(e) => setConsentMarketing(e.target.checked)}
                  aria-describedby="book-consent-marketing-help"
                  data-testid="book-consent-marketing"
                />
                <span>{tf("consent.marketing")}</span>
                <span className="book-help" id="book-consent-marketing-help">
                  {tf("consent.marketingHelp")}
                </span>
              </label>
            </fieldset>
          ) : null}

          {error !== null ? (
            <p className="book-error" role="alert" data-testid="book-error">
              {error}
            </p>
          ) : null}
          {service && waitlist === null && holdLine !== null ? (
            <p className="book-muted" data-testid="book-hold-bottom">
              {holdLine}
            </p>
          ) : null}
          {service && waitlist === null && lostNotice !== null ? (
            <p className="book-muted" data-testid="book-hold-lost-bottom">
              {lostNotice}
            </p>
          ) : null}
          {service && !ready && !busy && needs.length > 0 ? (
            <p className="book-muted" data-testid="book-needs">
              {tf("needs.lead", { items: needs.join(isEnglish() ? ", " : "、") })}
            </p>
          ) : null}
          {service && waitlist !== null ? (
            <button type="submit" className="book-button" disabled={!ready || busy} data-testid="book-waitlist-submit">
              {busy ? tf("waitlist.submitting") : tf("waitlist.submit")}
            </button>
          ) : service ? (
            <button type="submit" className="book-button" disabled={!ready || busy} data-testid="book-submit">
              {busy ? t("submitting") : t("submit")}
            </button>
          ) : null}
        </form>
      </main>
    </div>
  );
}

function Confirmation(props: {
  readonly booked: Booked;
  readonly branch: BookableBranch;
  readonly service: BookableService;
  readonly onAnother: () => void;
}) {
  const { t } = useTranslation("booking");
  const { booked, branch, service } = props;
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    // The QR code holds the booking code itself: the kiosk's scanner types it into the check-in field.
    QRCode.toDataURL(booked.code, { margin: 1, width: 220, errorCorrectionLevel: "M" }).then(setQr, () => setQr(null));
  }, [booked.code]);
  return (
    <div className="book">
      <header className="book-top">
        <h1>{t("confirmed")}</h1>
        <LangSwitch />
      </header>
      <main className="book-confirm" data-testid="book-confirmation">
        <p className="book-label">{t("yourCode")}</p>
        <p className="book-code" data-testid="book-code">
          {booked.code}
        </p>
        {qr !== null ? (
          <img className="book-qr" src={qr} alt={t("qrAlt", { code: booked.code })} data-testid="book-qr" />
        ) : null}
        <p className="book-muted">{t("codeHint")}</p>
        <dl className="book-facts">
          <dt>{t("when")}</dt>
          <dd data-testid="book-when">{whenLabel(booked.start, booked.end)}</dd>
          <dt>{t("where")}</dt>
          <dd>{localName(branch)}</dd>
          <dt>{t("what")}</dt>
          <dd>{localName(service)}</dd>
        </dl>
        {service.requiredDocuments.length > 0 ? (
          <section className="book-docs">
            <h2>{t("documentsTitle")}</h2>
            <ul>
              {service.requiredDocuments.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          </section>
        ) : null}
        <a
          className="book-button"
          href={icsHref(booked.id, booked.manageToken)}
          download="appointment.ics"
          data-testid="book-ics"
        >
          {t("ics")}
        </a>
        <a className="book-button secondary" href={booked.manageUrl} data-testid="book-manage-link">
          {t("manage")}
        </a>
        <p className="book-muted">{t("manageHint")}</p>
        <button type="button" className="book-link" onClick={props.onAnother}>
          {t("bookAnother")}
        </button>
      </main>
    </div>
  );
}
