import type { TFunction } from "i18next";
import QRCode from "qrcode";
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, unwrapList, unwrapOne } from "../api/client.ts";
import type { Branch, Device, Priority, QueueService, QueueSnapshot, Service, Ticket } from "../api/types.ts";
import { DeviceGate } from "../components/DeviceGate.tsx";
import { LangSwitch } from "../components/LangSwitch.tsx";
import { ServiceIcon } from "../components/ServiceIcon.tsx";
import type { DisplaySettings } from "../lib/call-clips.ts";
import { dateTime, localName, serviceDescription, serviceLabel } from "../lib/format.ts";
import { useDeviceStatus } from "../lib/heartbeat.ts";
import { peopleAhead } from "../lib/ticket.ts";
import { KioskCheckIn } from "./kiosk/CheckIn.tsx";
import { type KioskIdentified, KioskIdentify } from "./kiosk/Identify.tsx";
import "../styles/screens.css";

const CARE_OPTIONS: readonly Priority[] = ["elderly", "disabled", "pregnant"];
/** Back to the start after a ticket when the branch has not said otherwise: a minute, not rushed. */
const RETURN_AFTER_S = 60;
const LARGE_KEY = "datang.kiosk.large";

/**
 * Choices on one screen. Large-text mode (适老化) shows few at a time, big, with "more" to page on; a screen
 * that cannot scroll pages its business types rather than cutting them off.
 */
function pageSize(large: boolean, portrait: boolean): number {
  if (large) return 4;
  return portrait ? 8 : 6;
}

function usePortrait(): boolean {
  const query = "(orientation: portrait)";
  const [portrait, setPortrait] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const update = () => setPortrait(list.matches);
    list.addEventListener("change", update);
    return () => list.removeEventListener("change", update);
  }, []);
  return portrait;
}

/** One entry on the start screen: a business type's button, or another entry (an appointment check-in). */
interface Entry {
  readonly key: string;
  readonly node: ReactNode;
}

/** Why a business type takes no ticket now, as the kiosk says it. */
function closedText(t: TFunction, queue: QueueService): string | null {
  const a = queue.availability;
  if (a.open) return null;
  switch (a.reason) {
    case "not_open_yet":
      return t("opening.notOpenYet", { at: a.at });
    case "cut_off":
      return t("opening.cutOff", { at: a.at });
    case "full":
      return t("opening.full", { cap: a.cap });
    default:
      return t("opening.inactive");
  }
}

function newKey(): string {
  return crypto.randomUUID();
}

function KioskScreen({ device }: { readonly device: Device }) {
  const { t } = useTranslation();
  const [services, setServices] = useState<readonly Service[]>([]);
  const [branch, setBranch] = useState<Branch | undefined>(undefined);
  const [queues, setQueues] = useState<ReadonlyMap<string, QueueService>>(new Map());
  const [care, setCare] = useState<Priority | null>(null);
  const [large, setLarge] = useState(() => window.localStorage.getItem(LARGE_KEY) === "1");
  const [settings, setSettings] = useState<DisplaySettings | null>(null);
  const [page, setPage] = useState(0);
  const portrait = usePortrait();
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [checkIn, setCheckIn] = useState(false);
  // One key per ticket the customer means to take: a double tap (or a retry after a lost answer) re-sends
  // the same key, so the server hands back the same ticket instead of issuing a second one.
  const intentKey = useRef(newKey());
  const inFlight = useRef(false);

  const branchId = device.branchId;
  const loadQueue = useCallback(async () => {
    try {
      const queue = await api.get<QueueSnapshot>(`/api/branches/${branchId}/queue`);
      setQueues(new Map(queue.services.map((s) => [s.serviceId, s])));
    } catch {
      // Waiting counts are a courtesy on the kiosk; taking a ticket must keep working without them.
    }
  }, [branchId]);

  useEffect(() => {
    api
      .get<unknown>(`/api/branches/${branchId}/services`)
      .then((v) => setServices(unwrapList<Service>(v, "services").filter((s) => s.active !== false)))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    api
      .get<unknown>("/api/branches")
      .then((v) => setBranch(unwrapList<Branch>(v, "branches").find((b) => b.id === branchId)))
      .catch(() => undefined);
    api
      .get<DisplaySettings>(`/api/branches/${branchId}/display-settings`)
      .then(setSettings)
      .catch(() => undefined);
    void loadQueue();
    const id = setInterval(() => void loadQueue(), 15_000);
    return () => clearInterval(id);
  }, [branchId, loadQueue]);

  useEffect(() => {
    window.localStorage.setItem(LARGE_KEY, large ? "1" : "0");
  }, [large]);

  const take = async (service: Service): Promise<void> => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      const body = care === null ? { serviceId: service.id } : { serviceId: service.id, priority: care };
      const answer = await api.post<unknown>(`/api/branches/${branchId}/tickets`, body, {
        headers: { "Idempotency-Key": intentKey.current },
      });
      setTicket(unwrapOne<Ticket>(answer, "ticket"));
    } catch (e: unknown) {
      // Closed or full: the server says why in the page's language; the buttons catch up with the new state.
      if (e instanceof ApiError && (e.code === "service_closed" || e.code === "service_full")) {
        setError(t("opening.refused", { reason: e.message }));
        void loadQueue();
      } else setError(t("kiosk.failed"));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const reset = useCallback(() => {
    intentKey.current = newKey();
    setTicket(null);
    setCare(null);
    setPage(0);
    void loadQueue();
  }, [loadQueue]);

  if (checkIn)
    return (
      <div className={`kiosk ${large ? "large" : ""}`} data-testid="kiosk">
        <KioskCheckIn branchId={branchId} onDone={() => setCheckIn(false)} />
      </div>
    );
  const serviceButton = (service: Service): ReactNode => {
    const queue = queues.get(service.id);
    const closed = queue !== undefined && !queue.availability.open ? closedText(t, queue) : null;
    return (
      <button
        type="button"
        className={`service-button ${closed === null ? "" : "closed"}`}
        disabled={busy || closed !== null}
        aria-disabled={closed !== null}
        onClick={() => void take(service)}
        data-testid={`service-${service.prefix}`}
        data-closed={closed === null ? undefined : "true"}
      >
        <ServiceIcon service={service} icon={settings?.kioskIcons[service.id]} />
        <span className="service-name">{serviceLabel(service)}</span>
        <span className="service-desc">{serviceDescription(service)}</span>
        {closed !== null ? (
          <span className="service-closed" data-testid={`closed-${service.prefix}`}>
            {closed}
          </span>
        ) : queue !== undefined && queue.estimatedWaitMinutes === null ? (
          <span className="service-closed" data-testid={`no-counter-${service.prefix}`}>
            {t("opening.noCounterOpen")}
          </span>
        ) : null}
        <span className="service-meta">
          <span className="service-prefix">{service.prefix}</span>
          {service.expectedMinutes ? (
            <span className="nowrap">{t("kiosk.expected", { count: service.expectedMinutes })} · </span>
          ) : null}
          <span className="nowrap">{t("kiosk.waitingNow", { count: queue?.waiting ?? 0 })}</span>
        </span>
      </button>
    );
  };

  return (
    <div className={`kiosk ${large ? "large" : ""}`} data-testid="kiosk">
      <header className="kiosk-top no-print">
        <div className="kiosk-brand">{t("app.name")}</div>
        <div className="kiosk-top-right">
          <button type="button" className="toggle" onClick={() => setCheckIn(true)} data-testid="kiosk-check-in-entry">
            {t("booking:kiosk.entry")}
          </button>
          <button
            type="button"
            className={`toggle ${large ? "on" : ""}`}
            onClick={() => setLarge((v) => !v)}
            data-testid="large-mode"
          >
            {large ? t("kiosk.normalMode") : t("kiosk.largeMode")}
          </button>
          <LangSwitch />
        </div>
      </header>
      {ticket === null ? (
        <main className="kiosk-main">
          <h1>{t("kiosk.welcome")}</h1>
          <p className="kiosk-sub">{t("kiosk.welcomeSub")}</p>
          <section className="care-bar" aria-label={t("kiosk.care")}>
            <span className="care-title">{t("kiosk.care")}</span>
            <span className="care-hint">{t("kiosk.careHint")}</span>
            <div className="care-options">
              {CARE_OPTIONS.map((option) => (
                <button
                  type="button"
                  key={option}
                  className={`care-option ${care === option ? "on" : ""}`}
                  aria-pressed={care === option}
                  onClick={() => setCare(care === option ? null : option)}
                  data-testid={`care-${option}`}
                >
                  {t(`priority.${option}`)}
                </button>
              ))}
            </div>
          </section>
          <PrinterWarning />
          {error !== null ? (
            <div className="kiosk-error" role="alert">
              {error}
            </div>
          ) : null}
          {services.length === 0 && error === null ? <p className="kiosk-sub">{t("kiosk.noServices")}</p> : null}
          <EntryGrid
            entries={services.map(
              (service): Entry => ({ key: service.id, node: serviceButton(service) }),
              // Another entry (an appointment check-in) is added to this list, beside the business types.
            )}
            size={pageSize(large, portrait)}
            page={page}
            onPage={setPage}
          />
          {busy ? <div className="kiosk-busy">{t("kiosk.issuing")}</div> : null}
        </main>
      ) : (
        <TicketView
          ticket={ticket}
          service={services.find((s) => s.id === ticket.serviceId)}
          branch={branch}
          onDone={reset}
          returnAfter={settings?.kioskReturnSeconds ?? RETURN_AFTER_S}
        />
      )}
    </div>
  );
}

function TicketView({
  ticket,
  service,
  branch,
  onDone,
  returnAfter,
}: {
  readonly ticket: Ticket;
  readonly service: Service | undefined;
  readonly branch: Branch | undefined;
  readonly onDone: () => void;
  readonly returnAfter: number;
}) {
  const { t } = useTranslation();
  const [qr, setQr] = useState<string | null>(null);
  const [seconds, setSeconds] = useState(returnAfter);
  // The optional "link this visit to me" step (issue 14): open, and what it ended with (a masked phone).
  const [identifying, setIdentifying] = useState(false);
  const [identified, setIdentified] = useState<KioskIdentified | null>(null);
  // The auto-return counts idle time: each press in the step starts the count again.
  const touch = useCallback(() => setSeconds(returnAfter), [returnAfter]);
  const link = `${window.location.origin}/t/${ticket.id}`;

  useEffect(() => {
    QRCode.toDataURL(link, { margin: 1, width: 240, errorCorrectionLevel: "M" }).then(setQr, () => setQr(null));
  }, [link]);
  useEffect(() => {
    const id = setInterval(() => setSeconds((s) => s - 1), 1000);
    return () => clearInterval(id);
  }, []);
  useEffect(() => {
    if (seconds <= 0) onDone();
  }, [seconds, onDone]);

  const ahead = peopleAhead(ticket);
  const printer = useDeviceStatus()?.printer;
  const networkPrinter = printer?.configured === true;
  const autoReturn = (
    <p className="kiosk-sub no-print" data-testid="auto-return">
      {t("kiosk.autoReturn", { seconds: Math.max(0, seconds) })}
    </p>
  );
  if (identifying)
    return (
      <KioskIdentify
        ticketId={ticket.id}
        onActivity={touch}
        onDone={(result) => {
          setIdentifying(false);
          if (result !== null) setIdentified(result);
          touch();
        }}
        footer={autoReturn}
      />
    );
  return (
    <main className="kiosk-ticket" data-testid="kiosk-ticket">
      <div className="ticket-card print-area">
        {branch !== undefined ? (
          <div className="ticket-branch" data-testid="ticket-branch">
            {localName(branch)}
          </div>
        ) : null}
        <div className="ticket-label">{t("kiosk.yourNumber")}</div>
        <div className="ticket-number" data-testid="ticket-number">
          {ticket.number}
        </div>
        <div className="ticket-service">{serviceLabel(service)}</div>
        {ticket.priority !== "normal" ? <div className="ticket-care">{t(`priority.${ticket.priority}`)}</div> : null}
        <div className="ticket-facts">
          <div>
            <span>{t("kiosk.ahead")}</span>
            <strong data-testid="ticket-ahead">{t("kiosk.aheadCount", { count: ahead })}</strong>
          </div>
          <div>
            <span>{t("kiosk.estimated")}</span>
            <strong data-testid="ticket-estimate">
              {ticket.estimatedWaitMinutes === null
                ? t("opening.noCounterOpen")
                : t("common.minutes", { count: Math.round(ticket.estimatedWaitMinutes) })}
            </strong>
          </div>
        </div>
        {qr !== null ? (
          <img className="ticket-qr" src={qr} alt={link} data-testid="ticket-qr" data-link={link} />
        ) : null}
        <div className="ticket-scan">{t("kiosk.scanToFollow")}</div>
        <div className="ticket-small">
          <div data-testid="ticket-time">
            {t("kiosk.issuedAt")} {dateTime(ticket.issuedAt)}
          </div>
          <div>{t("kiosk.keepTicket")}</div>
        </div>
      </div>
      <PrinterWarning />
      {networkPrinter ? (
        <p className="kiosk-take-slip no-print" data-testid="take-slip">
          {t("printer.takeSlip")}
        </p>
      ) : null}
      <div className="ticket-actions no-print">
        {/* A kiosk with a network printer has its ticket printed by the server: no browser print dialog. */}
        {networkPrinter ? null : (
          <button type="button" className="big-button secondary" onClick={() => window.print()} data-testid="print">
            {t("kiosk.print")}
          </button>
        )}
        <button type="button" className="big-button" onClick={onDone} data-testid="ticket-done">
          {t("kiosk.done")}
        </button>
      </div>
      <IdentifyOffer
        identified={identified}
        onStart={() => {
          touch();
          setIdentifying(true);
        }}
      />
      {autoReturn}
    </main>
  );
}

/** The ticket screen's offer to link the visit to the customer's phone, or the masked phone once linked. */
function IdentifyOffer({
  identified,
  onStart,
}: {
  readonly identified: KioskIdentified | null;
  readonly onStart: () => void;
}) {
  const { t } = useTranslation("kioskIdentify");
  if (identified !== null)
    return (
      <div className="kiosk-identify-offer no-print" role="status">
        <span className="kiosk-identified" data-testid="identified-phone">
          {t("linked", { phone: identified.phone })}
        </span>
      </div>
    );
  return (
    <div className="kiosk-identify-offer no-print">
      <button type="button" className="big-button secondary" onClick={onStart} data-testid="identify-start">
        {t("start")}
      </button>
      <span className="kiosk-identify-hint">{t("startHint")}</span>
    </div>
  );
}

/** The start screen's entries, a screenful at a time, with buttons to page on when there are more. */
function EntryGrid({
  entries,
  size,
  page,
  onPage,
}: {
  readonly entries: readonly Entry[];
  readonly size: number;
  readonly page: number;
  readonly onPage: (page: number) => void;
}) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(entries.length / size));
  const current = Math.min(page, pages - 1);
  const shown = entries.slice(current * size, current * size + size);
  return (
    <>
      <div className={`service-grid count-${Math.min(shown.length, size)}`} data-testid="service-grid">
        {shown.map((e) => (
          <div className="service-cell" key={e.key}>
            {e.node}
          </div>
        ))}
      </div>
      {pages > 1 ? (
        <nav className="kiosk-pager" aria-label={t("kioskPager.label")}>
          <button
            type="button"
            className="big-button secondary"
            disabled={current === 0}
            onClick={() => onPage(current - 1)}
            data-testid="page-prev"
          >
            {t("kioskPager.prev")}
          </button>
          <span className="kiosk-pager-where" data-testid="page-where">
            {t("kioskPager.where", { page: current + 1, pages })}
          </span>
          <button
            type="button"
            className="big-button secondary"
            disabled={current >= pages - 1}
            onClick={() => onPage(current + 1)}
            data-testid="page-next"
          >
            {t("kioskPager.next")}
          </button>
        </nav>
      ) : null}
    </>
  );
}

/** The network printer's trouble, said to the customer (nothing while it prints). */
function PrinterWarning() {
  const { t } = useTranslation();
  const printer = useDeviceStatus()?.printer;
  if (!printer?.configured || printer.state === null || printer.state === "ok") return null;
  return (
    <div className="kiosk-error no-print" role="status" data-testid="printer-warning" data-state={printer.state}>
      {t(`printer.${printer.state}`)}
    </div>
  );
}

export default function Kiosk() {
  return <DeviceGate kind="kiosk">{(device) => <KioskScreen device={device} />}</DeviceGate>;
}
