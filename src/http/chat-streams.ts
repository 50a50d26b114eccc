import type { ServerResponse } from "node:http";
import { chatSignals } from "../app/chat/signals.ts";
import type { Revocations } from "../realtime/revocations.ts";
import type { StreamOwner } from "../realtime/sse.ts";

/** How often an open chat stream reads the database again (what other instances wrote reaches it this late at most). */
export const CHAT_POLL_MS = 1000;
const HEARTBEAT_MS = 20_000;

/**
 * Keeps a chat stream going: `tick` runs at once, whenever this instance signals `signal`, and every
 * CHAT_POLL_MS (for other instances' writes); it writes whatever is new. One tick at a time; the stream ends
 * when the connection closes or its credential is revoked.
 */
export function runChatStream(
  res: ServerResponse,
  signal: string,
  tick: () => Promise<void>,
  revocations: Revocations,
  owner?: StreamOwner,
): void {
  let running = false;
  let again = false;
  let closed = false;
  const run = async (): Promise<void> => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await tick();
      } while (again && !closed);
    } catch {
      // The database is away for a moment: the next tick tries again; the client keeps its place (ids).
    } finally {
      running = false;
    }
  };
  const wake = () => void run();
  chatSignals.on(signal, wake);
  const poll = setInterval(wake, CHAT_POLL_MS);
  const heartbeat = setInterval(() => {
    if (!res.writableEnded) res.write(": keep-alive\n\n");
  }, HEARTBEAT_MS);
  const unsubscribe = owner
    ? revocations.subscribe((r) => {
        const mine =
          (r.kind === "session" && owner.sessionId === r.id) ||
          (r.kind === "user" && owner.userId === r.id) ||
          (r.kind === "device" && owner.deviceId === r.id);
        if (mine) res.end();
      })
    : () => {};
  res.once("close", () => {
    closed = true;
    chatSignals.off(signal, wake);
    clearInterval(poll);
    clearInterval(heartbeat);
    unsubscribe();
  });
  wake();
}
