/**
 * Server-Sent Events over fetch, for streams that need an Authorization header (EventSource cannot send one):
 * reads `id:`, `event:` and `data:` lines, reconnects after a break with the last id it saw.
 */
export interface SseMessage {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

export function openSse(
  url: string,
  headers: Record<string, string>,
  onMessage: (m: SseMessage) => void,
  onState: (connected: boolean) => void,
  initialLastId?: string,
): () => void {
  let lastId = initialLastId;
  let stopped = false;
  let controller: AbortController | undefined;
  const run = async (): Promise<void> => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(url, {
          headers: { ...headers, accept: "text/event-stream", ...(lastId ? { "last-event-id": lastId } : {}) },
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onState(true);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut = buffer.indexOf("\n\n");
          while (cut >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let id: string | undefined;
            let event = "message";
            const data: string[] = [];
            for (const line of block.split("\n")) {
              if (line.startsWith("id: ")) id = line.slice(4);
              else if (line.startsWith("event: ")) event = line.slice(7);
              else if (line.startsWith("data: ")) data.push(line.slice(6));
            }
            if (id !== undefined) lastId = id;
            if (data.length > 0) onMessage({ ...(id !== undefined ? { id } : {}), event, data: data.join("\n") });
            cut = buffer.indexOf("\n\n");
          }
        }
      } catch {
        // fall through to the reconnect below
      }
      if (stopped) return;
      onState(false);
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
