import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrapList } from "../api/client.ts";
import type { BranchEvent, Device, QueueSnapshot, Service } from "../api/types.ts";
import { DeviceGate } from "../components/DeviceGate.tsx";
import { LangSwitch } from "../components/LangSwitch.tsx";
import i18n from "../i18n/index.ts";
import { clipUrls, type DisplaySettings, type Notice } from "../lib/call-clips.ts";
import { useEventStream } from "../lib/events.ts";
import { serviceLabel } from "../lib/format.ts";
import { useDebounced, useNow } from "../lib/hooks.ts";
import {
  announceCall,
  audioUnlocked,
  mandarinVoiceAvailable,
  rememberSoundOn,
  soundWasOn,
  unlockAudio,
} from "../lib/speech.ts";
import "../styles/screens.css";

interface Call {
  readonly key: string;
  readonly ticketId: string;
  readonly number: string;
  readonly counter: string;
  /** ISO 8601 time of the call: these compare as strings. */
  readonly at: string;
}

const byNewest = (a: Call, b: Call): number => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0);

/** A call stays "now calling" while its ticket is called or being served; a no-show or a finished one clears. */
const STILL_CALLED: ReadonlySet<string> = new Set(["called", "serving"]);

/** Calls older than this when they arrive (replayed after an outage) are shown but not spoken. */
const STALE_CALL_MS = 90_000;
const RECENT_LIMIT = 8;

function callSentences(number: string, counter: string): { zh: string; en: string } {
  return {
    zh: i18n.t("display.announceZh", { number, counter, lng: "zh-CN" }),
    en: i18n.t("display.announceEn", { number, counter, lng: "en" }),
  };
}

/** The date and time in the top bar, ticking every second on its own (the rest of the screen changes on events). */
function DisplayClock({ locale }: { readonly locale: string }) {
  const now = useNow(1000);
  return (
    <div className="display-clock" data-testid="clock">
      <span className="display-date">
        {new Date(now).toLocaleDateString(locale, { month: "long", day: "numeric", weekday: "short" })}
      </span>
      <span className="display-time">
        {new Date(now).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" })}
      </span>
    </div>
  );
}

function DisplayScreen({ device }: { readonly device: Device }) {
  const { t, i18n: i18nInstance } = useTranslation();
  const branchId = device.branchId;
  const [queue, setQueue] = useState<QueueSnapshot | null>(null);
  const [services, setServices] = useState<readonly Service[]>([]);
  const [latest, setLatest] = useState<Call | null>(null);
  const [recent, setRecent] = useState<readonly Call[]>([]);
  const [soundOn, setSoundOn] = useState(audioUnlocked());
  const [voice, setVoice] = useState(mandarinVoiceAvailable());
  useEffect(() => {
    // Voices arrive late in some browsers; a TV started with --autoplay-policy=no-user-gesture-required
    // regains its sound by itself if staff turned it on once.
    const update = () => setVoice(mandarinVoiceAvailable());
    if ("speechSynthesis" in window) window.speechSynthesis.addEventListener("voiceschanged", update);
    if (soundWasOn()) void unlockAudio().then(setSoundOn);
    return () => {
      if ("speechSynthesis" in window) window.speechSynthesis.removeEventListener("voiceschanged", update);
    };
  }, []);
  const [settings, setSettings] = useState<DisplaySettings | null>(null);
  const [notices, setNotices] = useState<readonly Notice[]>([]);
  // Set when a recorded clip could not be played (a missing file, sound refused): staff are told.
  const [clipsFailed, setClipsFailed] = useState(false);
  const settingsRef = useRef<DisplaySettings | null>(null);
  settingsRef.current = settings;
  // The branch's voice settings and notices: read at start and every minute (they change rarely).
  useEffect(() => {
    const load = (): void => {
      api
        .get<DisplaySettings>(`/api/branches/${branchId}/display-settings`)
        .then(setSettings)
        .catch(() => undefined);
      api
        .get<{ notices: Notice[] }>(`/api/branches/${branchId}/notices`)
        .then((v) => setNotices(v.notices))
        .catch(() => undefined);
    };
    load();
    const id = setInterval(load, 60_000);
    return () => clearInterval(id);
  }, [branchId]);
  // Tickets whose call is over (done, no-show, cancelled, sent back to the line…): never shown as being called.
  const [ended, setEnded] = useState<ReadonlySet<string>>(new Set());
  const spoken = useRef(new Set<string>());

  const loadQueue = useCallback(async () => {
    try {
      const snapshot = await api.get<QueueSnapshot>(`/api/branches/${branchId}/queue`);
      setQueue(snapshot);
      // Recent calls from the server win after a reconnect: they include whatever happened while offline.
      const calls = snapshot.recentCalls.map(
        (c): Call => ({
          key: `${c.ticketId}-${c.calledAt}`,
          ticketId: c.ticketId,
          number: c.number,
          counter: String(c.counterNumber),
          at: c.calledAt,
        }),
      );
      setEnded(new Set(snapshot.recentCalls.filter((c) => !STILL_CALLED.has(c.status)).map((c) => c.ticketId)));
      if (calls.length > 0) {
        setRecent(calls.slice(0, RECENT_LIMIT));
        setLatest((current) => current ?? calls[0] ?? null);
      }
    } catch {
      // Keep showing the last snapshot; the offline mark tells staff something is wrong.
    }
  }, [branchId]);
  const reloadSoon = useDebounced(() => void loadQueue(), 300);

  useEffect(() => {
    api
      .get<unknown>(`/api/branches/${branchId}/services`)
      .then((v) => setServices(unwrapList<Service>(v, "services")))
      .catch(() => undefined);
  }, [branchId]);

  const onEvent = useCallback(
    (event: BranchEvent) => {
      const changed = event.ticket;
      if (changed) {
        const over = !STILL_CALLED.has(changed.status);
        setEnded((set) => {
          if (over === set.has(changed.id)) return set;
          const next = new Set(set);
          if (over) next.add(changed.id);
          else next.delete(changed.id);
          return next;
        });
      }
      if ((event.type === "ticket.called" || event.type === "ticket.recalled") && event.ticket) {
        const number = event.ticket.number;
        const counter = String(event.ticket.counterNumber ?? event.counter?.number ?? "");
        const call: Call = {
          key: `${event.ticket.id}-${event.seq}`,
          ticketId: event.ticket.id,
          number,
          counter,
          at: event.at,
        };
        // A call can arrive after a later one (another instance's, a moment late): it never displaces the newer.
        setLatest((current) => (current && current.at > call.at ? current : call));
        setRecent((list) => [call, ...list.filter((c) => c.number !== number)].sort(byNewest).slice(0, RECENT_LIMIT));
        const fresh = Date.now() - Date.parse(event.at) < STALE_CALL_MS;
        if (fresh && !spoken.current.has(call.key)) {
          spoken.current.add(call.key);
          const current = settingsRef.current;
          announceCall({
            sentences: callSentences(number, counter),
            clips: clipUrls(branchId, current, number, counter),
            // Recorded clips when the branch says so, or when the browser has no Mandarin voice to speak with.
            useClips: current?.voiceMode === "clips" || !mandarinVoiceAvailable(),
            english: current?.announceEnglish ?? true,
            times: current?.announceTimes ?? 2,
            onClipResult: (ok) => setClipsFailed(!ok),
          });
        }
      }
      reloadSoon();
    },
    [reloadSoon, branchId],
  );
  const stream = useEventStream<BranchEvent>(`/api/branches/${branchId}/events`, onEvent, reloadSoon);
  useEffect(() => {
    void loadQueue();
  }, [loadQueue]);
  // A slow poll as a safety net while offline or if the stream silently stalls.
  useEffect(() => {
    const id = setInterval(() => void loadQueue(), 30_000);
    return () => clearInterval(id);
  }, [loadQueue]);

  const serviceById = new Map<string, Service>(services.map((s) => [s.id, s]));
  const counters = [...(queue?.counters ?? [])].sort((a, b) => Number(a.number) - Number(b.number));
  const locale = i18nInstance.language === "en" ? "en-GB" : "zh-CN";
  // The newest call whose ticket is still called or served: a finished or no-show call clears from the top.
  const calling =
    latest !== null && !ended.has(latest.ticketId)
      ? latest
      : ([...recent].sort(byNewest).find((c) => !ended.has(c.ticketId)) ?? null);
  const latestSentences = calling ? callSentences(calling.number, calling.counter) : null;

  return (
    <div className={`display ${notices.length > 0 ? "has-notices" : ""}`} data-testid="display">
      <header className="display-top">
        <div className="display-brand">
          {t("app.name")} · {t("display.title")}
        </div>
        <DisplayClock locale={locale} />
        <div className="display-top-right">
          <span
            className={`conn-dot ${stream.online ? "online" : "offline"}`}
            data-testid="conn"
            data-online={stream.online ? "1" : "0"}
            title={stream.online ? t("common.online") : t("common.offline")}
          >
            {stream.online ? "" : t("common.offline")}
          </span>
          <LangSwitch className="subtle" />
        </div>
      </header>
      <main className="display-main">
        <section className="display-calling" aria-live="polite">
          <div className="display-calling-label">{t("display.nowCalling")}</div>
          {calling ? (
            <div className="display-calling-body" key={calling.key} data-testid="latest-call">
              <span className="display-calling-number">{calling.number}</span>
              <span className="display-calling-arrow">→</span>
              <span className="display-calling-counter">{t("common.counterN", { n: calling.counter })}</span>
            </div>
          ) : (
            <div className="display-calling-body idle" data-testid="no-call" />
          )}
          {latestSentences ? (
            <div className="display-sentences">
              <div className="zh">{latestSentences.zh}</div>
              <div className="en">{latestSentences.en}</div>
            </div>
          ) : null}
          <div className="display-counters">
            {counters.map((counter) => {
              const current = counter.currentTicket?.number ?? null;
              return (
                <div
                  key={counter.id}
                  className={`display-counter ${counter.state}`}
                  data-testid={`display-counter-${counter.number}`}
                  data-counter={counter.number}
                >
                  <div className="display-counter-no">{t("common.counterN", { n: counter.number })}</div>
                  {/* An idle open counter shows nothing; a paused or closed one says so. */}
                  <div className="display-counter-ticket" data-testid={`display-counter-ticket-${counter.number}`}>
                    {current ?? (counter.state === "open" ? "" : t(`display.${counter.state}`))}
                  </div>
                </div>
              );
            })}
          </div>
        </section>
        <aside className="display-side">
          <section>
            <h2>{t("display.recent")}</h2>
            <ol className="display-recent" data-testid="recent-calls">
              {recent.map((call) => (
                <li key={call.key}>
                  <span className="num">{call.number}</span>
                  <span className="ctr">{t("common.counterN", { n: call.counter })}</span>
                </li>
              ))}
            </ol>
          </section>
          <section>
            <h2>{t("display.waiting")}</h2>
            <ul className="display-waiting">
              {(queue?.services ?? []).map((s) => {
                const service = serviceById.get(s.serviceId);
                return (
                  <li
                    key={s.serviceId}
                    data-testid={`waiting-${service?.prefix ?? s.serviceId}`}
                    data-count={s.waiting}
                  >
                    <span className="svc">
                      <b>{service?.prefix}</b> {serviceLabel(service)}
                    </span>
                    <span className="cnt">{t("display.waitingCount", { count: s.waiting })}</span>
                  </li>
                );
              })}
            </ul>
          </section>
        </aside>
      </main>
      {notices.length > 0 ? <NoticeBoard notices={notices} seconds={settings?.noticeSeconds ?? 10} /> : null}
      {soundOn && !clipsFailed ? null : (
        // Staff must see a display that cannot announce: silent calls go unnoticed otherwise. With sound on, a
        // display without a Mandarin voice speaks through the recorded clips, so only sound off or clips that
        // fail to play leave it mute.
        <div
          className="sound-warning"
          role="status"
          data-testid="sound-warning"
          data-level={soundOn ? "clips-failed" : "silent"}
          data-voice={voice ? "browser" : "clips"}
        >
          {soundOn ? t("voice.clipsFailed") : t("voice.silent")}
        </div>
      )}
      {soundOn ? null : (
        <button
          type="button"
          className="sound-unlock"
          onClick={() =>
            void unlockAudio().then((on) => {
              if (on) rememberSoundOn();
              setSoundOn(on);
            })
          }
          data-testid="enable-sound"
        >
          {t("display.enableSound")}
        </button>
      )}
    </div>
  );
}

/** The bottom of the display: the branch's notices and exchange rates, one at a time, rotating. */
function NoticeBoard({ notices, seconds }: { readonly notices: readonly Notice[]; readonly seconds: number }) {
  const { t, i18n: i18nInstance } = useTranslation();
  const [index, setIndex] = useState(0);
  useEffect(() => {
    if (notices.length < 2) return;
    const id = setInterval(() => setIndex((i) => i + 1), Math.max(3, seconds) * 1000);
    return () => clearInterval(id);
  }, [notices.length, seconds]);
  const notice = notices[index % notices.length];
  if (notice === undefined) return null;
  const en = i18nInstance.language === "en";
  // The page's language first; the other language under it when the branch wrote one.
  const title = en ? notice.titleEn || notice.titleZh : notice.titleZh || notice.titleEn;
  const body = en ? notice.bodyEn || notice.bodyZh : notice.bodyZh || notice.bodyEn;
  const otherTitle = en ? (notice.titleEn ? notice.titleZh : "") : notice.titleZh ? notice.titleEn : "";
  const otherBody = en ? (notice.bodyEn ? notice.bodyZh : "") : notice.bodyZh ? notice.bodyEn : "";
  return (
    <section
      className="display-notices"
      aria-label={t("displayNotices.region")}
      data-testid="notice-board"
      data-notice={notice.id}
    >
      {notice.image ? <img className="display-notice-image" src={notice.image} alt={title} /> : null}
      <div className="display-notice-text">
        {title ? <h2 className="display-notice-title">{title}</h2> : null}
        {body ? <p className="display-notice-body">{body}</p> : null}
        {otherTitle || otherBody ? (
          <p className="display-notice-other" lang={en ? "zh-CN" : "en"}>
            {otherTitle}
            {otherTitle && otherBody ? " · " : ""}
            {otherBody}
          </p>
        ) : null}
      </div>
      {notices.length > 1 ? (
        <div className="display-notice-dots" aria-hidden="true">
          {notices.map((n, i) => (
            <span key={n.id} className={i === index % notices.length ? "on" : ""} />
          ))}
        </div>
      ) : null}
    </section>
  );
}

export default function Display() {
  return <DeviceGate kind="display">{(device) => <DisplayScreen device={device} />}</DeviceGate>;
}
