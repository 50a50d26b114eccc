import { useEffect, useRef, useState } from "react";

export interface StreamStatus {
  readonly online: boolean;
  /** Bumped on every (re)connection, and when the server says to reload, so pages refetch a snapshot. */
  readonly connections: number;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Subscribes to a server-sent event stream. EventSource retries by itself while the server answers with
 * errors it understands, but gives up for good (readyState CLOSED) when a restarting server answers with
 * a non-stream response; then we open a new one ourselves, passing the last seen id so nothing is missed.
 */
export function useEventStream<T extends { readonly seq?: number }>(
  url: string | null,
  onEvent: (event: T) => void,
  onOpen?: () => void,
): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>({ online: false, connections: 0 });
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const opened = useRef(onOpen);
  opened.current = onOpen;

  useEffect(() => {
    if (url === null) return;
    let source: EventSource | null = null;
    let lastId: string | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let backoff = 500;
    let stopped = false;

    const connect = (): void => {
      const full =
        lastId === null ? url : `${url}${url.includes("?") ? "&" : "?"}lastEventId=${encodeURIComponent(lastId)}`;
      const current = new EventSource(full, { withCredentials: true });
      source = current;
      current.onopen = () => {
        backoff = 500;
        setStatus((s) => ({ online: true, connections: s.connections + 1 }));
        // Pages refetch their snapshot here, so a reconnect catches up even beyond the replayed events.
        opened.current?.();
      };
      current.onmessage = (message: MessageEvent<string>) => {
        if (message.lastEventId) lastId = message.lastEventId;
        let data: T;
        try {
          data = JSON.parse(message.data) as T;
        } catch {
          return;
        }
        // An event that came after a later one carries no id: resuming stays at the highest number seen.
        if (typeof data.seq === "number" && (lastId === null || data.seq > Number(lastId))) lastId = String(data.seq);
        // Missed more than the server replays: reload the snapshot, as after a reconnect (pages either pass
        // onOpen or refetch when `connections` changes).
        if ((data as { type?: unknown }).type === "stream.reset") {
          setStatus((s) => ({ ...s, connections: s.connections + 1 }));
          opened.current?.();
          return;
        }
        handler.current(data);
      };
      current.onerror = () => {
        setStatus((s) => (s.online ? { ...s, online: false } : s));
        if (current.readyState === EventSource.CLOSED && !stopped) {
          current.close();
          timer = setTimeout(connect, backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      source?.close();
    };
  }, [url]);

  return status;
}
