import type { ServerResponse } from "node:http";
import type { BranchEvent } from "./branch-event.ts";
import type { EventBus } from "./event-bus.ts";

const HEARTBEAT_MS = 20_000;

export function sseHeaders(res: ServerResponse): void {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    // Tells nginx-like proxies not to buffer the stream.
    "x-accel-buffering": "no",
  });
  // Ask the browser to reconnect after 2 s when the stream breaks.
  res.write("retry: 2000\n\n");
}

export function formatSse(event: BranchEvent): string {
  return `id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Instead of a replay too long to send: the client missed more than the server replays, so it must reload
 * the branch's state (GET …/queue) and go on from here. Sent like an event (an id, no `event:` name, so
 * `onmessage` sees it), with a type of its own; nothing is stored under it.
 */
export function formatReset(branchId: string, seq: number, at: Date): string {
  return `id: ${seq}\ndata: ${JSON.stringify({ seq, type: "stream.reset", at: at.toISOString(), branchId })}\n\n`;
}

/** What a client missed: the events, or (too many) the branch's latest event number to reset to. */
export type Replay = BranchEvent[] | { readonly resetTo: number };

/** An event that arrives after a later one was sent: its data without an id, so Last-Event-ID stays put. */
function formatLateSse(event: BranchEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

/**
 * Streams one branch's events to many clients: each event is serialised once per branch and the same
 * string written to every socket, so 2,000 displays and phones cost 2,000 writes, not 2,000 stringifies.
 */
/**
 * A client's stream: events buffered while its replay runs, the highest id the client had when the live
 * events began (`datangReplayed`: the Last-Event-ID it came with, or the last event replayed), and the
 * highest id it was sent. Ids only ever grow on a stream, so the client's Last-Event-ID never goes back:
 * - an event the replay already sent is not sent again;
 * - an event that arrives after a later one (its NOTIFY was slow, or the bus stopped waiting for it) is sent
 *   without an id: the display still hears of it, and a reconnect still resumes from the highest id.
 * Every live event reaches the hub once, so one above `datangReplayed` was never sent before.
 */
type SseClient = ServerResponse & { datangBuffer?: BranchEvent[]; datangReplayed: number; datangSent: number };

/** Writes a live event to a client whose replay is done. */
function sendLive(client: SseClient, event: BranchEvent, text: string): void {
  if (event.seq > client.datangSent) {
    client.datangSent = event.seq;
    client.write(text);
  } else if (event.seq > client.datangReplayed) client.write(formatLateSse(event));
}

export class SseHub {
  readonly #bus: EventBus;
  readonly #branches = new Map<string, { clients: Set<ServerResponse>; unsubscribe: () => void }>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(bus: EventBus) {
    this.#bus = bus;
    this.#heartbeat = setInterval(() => {
      for (const { clients } of this.#branches.values()) for (const res of clients) res.write(": ping\n\n");
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /**
   * Adds a client. Live events are buffered while `replay` reads what the client missed, then flushed
   * without duplicates, so nothing falls in the gap between the replay query and the subscription.
   */
  async attach(
    branchId: string,
    res: ServerResponse,
    lastSeq: number,
    replay: (afterSeq: number) => Promise<Replay>,
  ): Promise<void> {
    let entry = this.#branches.get(branchId);
    if (!entry) {
      const clients = new Set<ServerResponse>();
      const unsubscribe = this.#bus.subscribe(branchId, (event) => {
        const text = formatSse(event);
        for (const res of clients) {
          const client = res as SseClient;
          if (client.datangBuffer) client.datangBuffer.push(event);
          else sendLive(client, event, text);
        }
      });
      entry = { clients, unsubscribe };
      this.#branches.set(branchId, entry);
    }
    const client = res as SseClient;
    client.datangBuffer = [];
    client.datangReplayed = lastSeq;
    client.datangSent = lastSeq;
    entry.clients.add(res);
    res.on("close", () => this.#detach(branchId, res));
    let sent = lastSeq;
    try {
      const missed = await replay(lastSeq);
      if ("resetTo" in missed) {
        // Live events up to the reset's number are in the state the client reloads: not sent again.
        res.write(formatReset(branchId, missed.resetTo, new Date()));
        sent = Math.max(sent, missed.resetTo);
      } else
        for (const event of missed) {
          res.write(formatSse(event));
          sent = event.seq;
        }
    } finally {
      const pending = client.datangBuffer ?? [];
      client.datangBuffer = undefined;
      client.datangReplayed = sent;
      client.datangSent = sent;
      for (const event of pending) sendLive(client, event, formatSse(event));
    }
  }

  #detach(branchId: string, res: ServerResponse): void {
    const entry = this.#branches.get(branchId);
    if (!entry) return;
    entry.clients.delete(res);
    if (entry.clients.size === 0) {
      entry.unsubscribe();
      this.#branches.delete(branchId);
    }
  }

  /** Ends every stream: browsers reconnect with their Last-Event-ID and get what they missed from the database. */
  dropAll(): void {
    for (const { clients } of this.#branches.values()) for (const res of clients) res.end();
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const { clients, unsubscribe } of this.#branches.values()) {
      unsubscribe();
      for (const res of clients) res.end();
    }
    this.#branches.clear();
  }
}
