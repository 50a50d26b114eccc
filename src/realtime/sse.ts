import type { ServerResponse } from "node:http";
import type { BranchEvent } from "./branch-event.ts";
import type { EventBus } from "./event-bus.ts";
import type { Revocation } from "./revocations.ts";

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

/**
 * A client's stream: events buffered while its replay runs, and the highest id it was sent. A stream never
 * sends an id above one it has not sent, so a client resuming with its Last-Event-ID never skips an event:
 * - an event the client already has (from its replay) is not sent again;
 * - the next one is sent;
 * - one further on means this client missed one (the bus could not fill a gap, or the event was written by
 *   another process): its stream ends, and the client reconnects with its Last-Event-ID and is replayed what
 *   it missed from the database.
 */
type SseClient = ServerResponse & { datangBuffer?: BranchEvent[]; datangSent: number; datangOwner?: StreamOwner };

/** The credential a stream was opened with: it ends when that credential is revoked (see `endRevoked`). */
export interface StreamOwner {
  readonly sessionId?: string;
  readonly userId?: string;
  readonly deviceId?: string;
}

function ownedBy(owner: StreamOwner | undefined, revocation: Revocation): boolean {
  if (!owner) return false;
  if (revocation.kind === "session") return owner.sessionId === revocation.id;
  if (revocation.kind === "user") return owner.userId === revocation.id;
  return owner.deviceId === revocation.id;
}

/** Writes a live event to a client whose replay is done. */
function sendLive(client: SseClient, event: BranchEvent, text: string): void {
  if (event.seq <= client.datangSent || client.writableEnded) return;
  if (event.seq === client.datangSent + 1) {
    client.datangSent = event.seq;
    client.write(text);
  } else client.end();
}

/**
 * Streams one branch's events to many clients: each event is serialised once per branch and the same
 * string written to every socket, so 2,000 displays and phones cost 2,000 writes, not 2,000 stringifies.
 */
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
    owner?: StreamOwner,
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
    client.datangSent = lastSeq;
    client.datangOwner = owner;
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
      client.datangSent = sent;
      this.#bus.observe(branchId, sent);
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

  /** Ends every stream opened with a credential that was just revoked. */
  endRevoked(revocation: Revocation): void {
    for (const { clients } of this.#branches.values())
      for (const res of clients) if (ownedBy((res as SseClient).datangOwner, revocation)) res.end();
  }

  /** Ends a branch's streams: browsers reconnect with their Last-Event-ID and get what they missed from the database. */
  dropBranch(branchId: string): void {
    for (const res of this.#branches.get(branchId)?.clients ?? []) res.end();
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
