import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../api/client.ts";
import { LangSwitch } from "../components/LangSwitch.tsx";
import { isEnglish } from "../i18n/index.ts";
import "../styles/chat.css";
import { openSse } from "./chat/sse.ts";

interface Suggestion {
  readonly articleId: string;
  readonly title: string;
}
interface Message {
  readonly seq: number;
  readonly author: "customer" | "bot" | "agent" | "system";
  readonly text: string;
  readonly at: string;
  readonly suggestions?: readonly Suggestion[];
  /** Guided self-service: the choices offered (a button sends `value`). */
  readonly choices?: ReadonlyArray<{ value: string; label: string }>;
  /** The ticket the bot took for the customer. */
  readonly ticket?: { id: string; number: string; url: string };
}
interface QueueInfo {
  readonly position: number;
  readonly agentsOnline: number;
  readonly estimatedWaitMinutes: number | null;
}
interface State {
  readonly status: "bot" | "waiting" | "active" | "closed";
  readonly queue?: QueueInfo | null;
  readonly canRate: boolean;
  readonly identified?: { phone: string } | null;
}
interface Session {
  readonly conversationId: string;
  readonly token: string;
}

const STORAGE_KEY = "datang.chat";
/** `/chat?embed=1`: inside a bank website's widget frame (links open outside the frame). */
const EMBEDDED = new URLSearchParams(window.location.search).get("embed") === "1";

/**
 * Where the conversation's token is kept: this browser's storage, so a reload continues the conversation. A
 * browser that refuses storage to a page framed by another site (the website widget, with third-party storage
 * blocked) keeps it in memory: the widget keeps its frame while the site's page is open, so closing and
 * reopening the panel still continues the conversation; leaving the site's page starts a new one.
 */
const memory = new Map<string, string>();
const sessionStore = {
  get(): string | null {
    try {
      return window.localStorage.getItem(STORAGE_KEY);
    } catch {
      return memory.get(STORAGE_KEY) ?? null;
    }
  },
  set(value: string): void {
    try {
      window.localStorage.setItem(STORAGE_KEY, value);
    } catch {
      memory.set(STORAGE_KEY, value);
    }
  },
  remove(): void {
    try {
      window.localStorage.removeItem(STORAGE_KEY);
    } catch {
      memory.delete(STORAGE_KEY);
    }
  },
};

function savedSession(): Session | null {
  try {
    const raw = sessionStore.get();
    const s = raw ? (JSON.parse(raw) as Session) : null;
    return s && typeof s.conversationId === "string" && typeof s.token === "string" ? s : null;
  } catch {
    return null;
  }
}

/**
 * The customer's chat (/chat): the bot first, a person when needed. The conversation's token stays in this
 * browser, so a reload or a lost connection continues the same conversation; new messages arrive live.
 */
export default function Chat() {
  const { t } = useTranslation("chat");
  const { t: t2 } = useTranslation("chat2");
  const [identifying, setIdentifying] = useState(false);
  const [session, setSession] = useState<Session | null>(savedSession);
  const [messages, setMessages] = useState<readonly Message[]>([]);
  const [state, setState] = useState<State>({ status: "bot", canRate: false });
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [connected, setConnected] = useState(true);
  const [leaveMessage, setLeaveMessage] = useState(false);
  const [contact, setContact] = useState("");
  const [note, setNote] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const log = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.title = t("title");
  }, [t]);

  // Inside the website widget's frame, Escape asks the widget to close (it cannot hear keys in the frame).
  useEffect(() => {
    if (!EMBEDDED || window.parent === window) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") window.parent.postMessage({ type: "datang-chat-close" }, "*");
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const start = useCallback(async () => {
    const s = await api.post<Session>("/api/public/chat", { language: isEnglish() ? "en" : "zh" });
    sessionStore.set(JSON.stringify(s));
    setMessages([]);
    setState({ status: "bot", canRate: false });
    setLeaveMessage(false);
    setDone(null);
    setSession(s);
  }, []);

  useEffect(() => {
    if (!session) void start().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [session, start]);

  // The assistant speaks the language the conversation began in. A customer who switches language before saying
  // anything gets a fresh conversation in it (greeting and answers), not a Chinese bot on an English page.
  const lang = isEnglish() ? "en" : "zh";
  const shownLang = useRef(lang);
  const customerSpoke = messages.some((m) => m.author === "customer");
  useEffect(() => {
    if (shownLang.current === lang) return;
    shownLang.current = lang;
    if (session && state.status === "bot" && !customerSpoke)
      void start().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [lang, session, state.status, customerSpoke, start]);

  // The live stream: every message after the last one shown, and the conversation's state.
  useEffect(() => {
    if (!session) return;
    const headers = { authorization: `Bearer ${session.token}` };
    let seen = 0;
    const stop = openSse(
      `/api/public/chat/${encodeURIComponent(session.conversationId)}/stream`,
      headers,
      (m) => {
        const data = JSON.parse(m.data) as { type: "message"; message: Message } | ({ type: "state" } & State);
        if (data.type === "message") {
          if (data.message.seq <= seen) return;
          seen = data.message.seq;
          setMessages((list) => (list.some((x) => x.seq === data.message.seq) ? list : [...list, data.message]));
        } else
          setState({
            status: data.status,
            queue: data.queue ?? null,
            canRate: data.canRate,
            identified: data.identified ?? null,
          });
      },
      setConnected,
    );
    return stop;
  }, [session]);

  // The newest message in view whenever one arrives.
  useEffect(() => {
    void messages;
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [messages]);

  const send = async (body: string) => {
    if (!session || !body.trim()) return;
    setError(null);
    try {
      const answer = await api.post<{ reply: { leaveMessage?: boolean } }>(
        `/api/public/chat/${encodeURIComponent(session.conversationId)}/messages`,
        { text: body },
        { headers: { authorization: `Bearer ${session.token}` } },
      );
      if (answer.reply.leaveMessage) setLeaveMessage(true);
      setText("");
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        sessionStore.remove();
        setSession(null);
        return;
      }
      setError(t("error", { message: e instanceof Error ? e.message : String(e) }));
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void send(text);
  };

  const leave = async (e: FormEvent) => {
    e.preventDefault();
    if (!session) return;
    try {
      await api.post(
        `/api/public/chat/${encodeURIComponent(session.conversationId)}/callback`,
        { contact, message: note },
        { headers: { authorization: `Bearer ${session.token}` } },
      );
      setLeaveMessage(false);
      setDone(t("leaveDone"));
    } catch (err) {
      setError(t("error", { message: err instanceof Error ? err.message : String(err) }));
    }
  };

  const rate = async (score: 1 | 2 | 3) => {
    if (!session) return;
    try {
      await api.post(
        `/api/public/chat/${encodeURIComponent(session.conversationId)}/rating`,
        { score },
        { headers: { authorization: `Bearer ${session.token}` } },
      );
      setDone(t("rated"));
    } catch (err) {
      setError(t("error", { message: err instanceof Error ? err.message : String(err) }));
    }
  };

  const who = (m: Message) => t(m.author === "customer" ? "you" : m.author);
  // Choices are answered once: only the newest message's are buttons, while the bot is still talking.
  const lastSeq = messages.at(-1)?.seq ?? 0;
  const queue = state.status === "waiting" ? state.queue : null;
  return (
    <main className={`chat-page${EMBEDDED ? " embedded" : ""}`}>
      <header className="chat-head">
        <div>
          <h1>{t("title")}</h1>
          <p>{t("subtitle")}</p>
        </div>
        <div className="chat-head-tools">
          {state.identified ? (
            <span className="chat-identified" data-testid="chat-identified">
              {t2("identified", { phone: state.identified.phone })}
            </span>
          ) : (
            state.status !== "closed" &&
            session && (
              <button
                type="button"
                className="chat-identify-open"
                onClick={() => setIdentifying(true)}
                data-testid="chat-identify-open"
              >
                {t2("identify")}
              </button>
            )
          )}
          <LangSwitch />
        </div>
      </header>
      {identifying && session && !state.identified && (
        <IdentifyForm
          session={session}
          onDone={() => setIdentifying(false)}
          onError={(m) => setError(t("error", { message: m }))}
        />
      )}
      {!connected && <div className="chat-offline">{t("reconnecting")}</div>}
      <div className="chat-log" ref={log} aria-live="polite" data-testid="chat-log">
        {messages.map((m) => (
          <div key={m.seq} className={`chat-msg ${m.author}`} data-author={m.author}>
            {m.author !== "system" && <span className="who">{who(m)}</span>}
            {m.ticket ? withoutTrailingLink(m.text, m.ticket.url) : m.text}
            {m.ticket && (
              <a
                className="chat-ticket"
                href={m.ticket.url}
                {...(EMBEDDED ? { target: "_blank", rel: "noopener" } : {})}
                data-testid="chat-ticket-link"
              >
                {t2("ticketLink", { number: m.ticket.number })}
              </a>
            )}
            {m.choices && m.choices.length > 0 && m.seq === lastSeq && state.status === "bot" && (
              <div className="chat-suggestions" data-testid="chat-choices">
                {m.choices.map((c) => (
                  <button key={c.value} type="button" onClick={() => void send(c.value)}>
                    {c.label}
                  </button>
                ))}
              </div>
            )}
            {m.suggestions && m.suggestions.length > 0 && (
              <div className="chat-suggestions">
                {m.suggestions.map((s) => (
                  <button key={s.articleId} type="button" onClick={() => void send(s.title)}>
                    {s.title}
                  </button>
                ))}
              </div>
            )}
          </div>
        ))}
      </div>
      {queue && (
        <div className="chat-status" data-testid="chat-queue">
          {queue.position <= 1 && queue.agentsOnline > 0
            ? t("queueNext")
            : t("queue", { count: Math.max(0, queue.position - 1) })}
          {" · "}
          {queue.estimatedWaitMinutes === null
            ? t("waitUnknown")
            : t("waitAbout", { minutes: queue.estimatedWaitMinutes })}
        </div>
      )}
      {error && (
        <div className="chat-offline" role="alert">
          {error}
        </div>
      )}
      {done && <div className="chat-status">{done}</div>}
      {state.status === "closed" ? (
        state.canRate && !done ? (
          <div className="chat-rate" data-testid="chat-rate">
            <strong>{t("rateTitle")}</strong>
            <button type="button" onClick={() => void rate(3)}>
              {t("rate3")}
            </button>
            <button type="button" onClick={() => void rate(2)}>
              {t("rate2")}
            </button>
            <button type="button" onClick={() => void rate(1)}>
              {t("rate1")}
            </button>
          </div>
        ) : (
          <div className="chat-actions">
            <span>{t("closed")}</span>
            <button
              type="button"
              onClick={() => {
                sessionStore.remove();
                void start();
              }}
            >
              {t("newChat")}
            </button>
          </div>
        )
      ) : leaveMessage || (queue && queue.agentsOnline === 0) ? (
        <form className="chat-leave" onSubmit={leave} data-testid="chat-leave">
          <strong>{t("leaveTitle")}</strong>
          <span>{t("leaveHint")}</span>
          <label>
            {t("contact")}
            <input value={contact} onChange={(e) => setContact(e.target.value)} required maxLength={200} />
          </label>
          <label>
            {t("message")}
            <textarea value={note} onChange={(e) => setNote(e.target.value)} required maxLength={1000} rows={3} />
          </label>
          <button type="submit">{t("leaveSend")}</button>
        </form>
      ) : (
        <>
          <form className="chat-form" onSubmit={onSubmit}>
            <textarea
              aria-label={t("placeholder")}
              placeholder={t("placeholder")}
              value={text}
              rows={2}
              maxLength={1000}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey) {
                  e.preventDefault();
                  void send(text);
                }
              }}
            />
            <button type="submit">{t("send")}</button>
          </form>
          {state.status === "bot" && (
            <div className="chat-actions">
              <button type="button" onClick={() => void send(isEnglish() ? "I want to talk to a person" : "转人工")}>
                {t("askPerson")}
              </button>
            </div>
          )}
        </>
      )}
    </main>
  );
}

/** Phone and one-time code (the same codes as online booking), inside the chat. */
function IdentifyForm({
  session,
  onDone,
  onError,
}: {
  readonly session: Session;
  readonly onDone: () => void;
  readonly onError: (message: string) => void;
}) {
  const { t } = useTranslation("chat2");
  const [phone, setPhone] = useState("");
  const [code, setCode] = useState("");
  const [sent, setSent] = useState(false);
  const sendCode = async () => {
    try {
      await api.post("/api/public/otp", { phone, lang: isEnglish() ? "en" : "zh-CN" });
      setSent(true);
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    }
  };
  const verify = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.post(
        `/api/public/chat/${encodeURIComponent(session.conversationId)}/identify`,
        { phone, otp: code },
        { headers: { authorization: `Bearer ${session.token}` } },
      );
      onDone();
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form className="chat-leave chat-identify" onSubmit={verify} data-testid="chat-identify">
      <strong>{t("identifyTitle")}</strong>
      <span>{t("identifyHint")}</span>
      <label>
        {t("phone")}
        <input
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          inputMode="tel"
          autoComplete="tel"
          maxLength={20}
          required
        />
      </label>
      <button type="button" onClick={() => void sendCode()} disabled={phone.trim().length < 11}>
        {t("sendCode")}
      </button>
      {sent && <span role="status">{t("codeSent")}</span>}
      <label>
        {t("code")}
        <input
          value={code}
          onChange={(e) => setCode(e.target.value)}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={8}
          required
        />
      </label>
      <div className="chat-identify-actions">
        <button type="submit" disabled={!sent || code.trim().length < 4}>
          {t("verify")}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}

/**
 * The bot's ticket message ends with the live page's address for channels that show only text (SMS, WeChat);
 * here the link below says it in words, so the bare /t/… path is not shown as well.
 */
function withoutTrailingLink(text: string, url: string): string {
  const trimmed = text.trimEnd();
  if (!url) return text;
  for (const end of [url, new URL(url, window.location.origin).href]) {
    if (trimmed.endsWith(end)) return trimmed.slice(0, -end.length).trimEnd();
  }
  return text;
}
