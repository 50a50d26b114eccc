import type { FastifyInstance } from "fastify";
import { wholeNumberFromEnv } from "./env-number.ts";

/**
 * Fair turns: while the server is accepting new connections, at most `perTurn` requests start their work in one turn
 * of the event loop; the rest wait, first come first served, for the next turns.
 *
 * Why: Node 20's libuv accepts one new connection each time the listening socket is polled, that is once per turn
 * of the event loop, while a turn handles every request that is ready on the connections already accepted. In a
 * rush (a slot released at nine, 64 browsers at once) the first connections' kept-alive requests fill every turn, so
 * the turns get long and the connections opened during the rush are accepted one per long turn: their customers
 * waited about the rush's whole length (the booking bench's slowest attempts, 300–800 ms on a quiet machine, were
 * all first requests of late connections). Short turns accept the late connections within a few milliseconds, and
 * the queue here serves their requests in order of arrival instead of after everyone else's next one.
 *
 * Only while accepting: a connection accepted in this turn or the one before means more may be waiting to be
 * accepted. Once a whole turn passes without one, every request starts in its turn again, as in plain Node: on
 * connections that are already open (a busy branch's consoles, a proxy's kept-alive upstream) a limit would only
 * cost throughput, because the writes that start together share one commit (group commit, batching-writer.ts) and
 * two per turn would mean a commit for every two (issue-ticket throughput fell from 7,000/s to 2,700/s when the
 * limit applied always).
 */
export class TurnGate {
  private readonly waiting: Array<() => void> = [];
  private started = 0;
  private scheduled = false;
  /** Turns begun since the server last accepted a connection (0: in this turn's poll phase). */
  private sinceConnection = Number.POSITIVE_INFINITY;

  constructor(private readonly perTurn: number) {}

  /** Whether connections are being accepted: one was, in this turn or the one before. */
  get accepting(): boolean {
    return this.sinceConnection <= 1;
  }

  /** The server accepted a connection: others may be waiting to be accepted, one per turn. */
  connected(): void {
    this.sinceConnection = 0;
    this.schedule();
  }

  /** Calls `go` now when this turn has room, otherwise in a later turn, in order of arrival. */
  admit(go: () => void): void {
    if (this.waiting.length === 0 && !this.accepting) {
      go();
      return;
    }
    if (this.waiting.length === 0 && this.started < this.perTurn) {
      this.started++;
      go();
      return;
    }
    this.waiting.push(go);
    this.schedule();
  }

  /** Requests waiting for a turn (for tests and metrics). */
  get queued(): number {
    return this.waiting.length;
  }

  // setImmediate runs in the turn's check phase, after the poll phase (where connections are accepted and requests
  // read); one scheduled from there runs in the next turn's. So each callback opens a turn: the count starts again.
  private readonly turn = (): void => {
    this.scheduled = false;
    this.started = 0;
    this.sinceConnection++;
    while (this.waiting.length > 0 && (!this.accepting || this.started < this.perTurn)) {
      this.started++;
      (this.waiting.shift() as () => void)();
    }
    // Keep counting turns while accepting (the next poll phase must see this turn's count) or requests wait.
    if (this.waiting.length > 0 || this.accepting) this.schedule();
  };

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }
}

/** Requests started per turn by default: see README ("Fair turns"). */
export const DEFAULT_REQUESTS_PER_TURN = 2;

/**
 * `DATANG_REQUESTS_PER_TURN`: a positive whole number, or 0 for no limit (every ready request starts in its turn,
 * as plain Node does). Anything else is a configuration error, said at start.
 */
export function requestsPerTurn(env: NodeJS.ProcessEnv = process.env): number {
  return wholeNumberFromEnv(env, "DATANG_REQUESTS_PER_TURN", {
    min: 0,
    max: 10_000,
    fallback: DEFAULT_REQUESTS_PER_TURN,
    hint: "no limit",
  });
}

/** Registers the gate as the first onRequest hook (before authentication and everything that costs). */
export function registerFairTurns(app: FastifyInstance, perTurn: number): TurnGate | null {
  if (perTurn === 0) return null;
  const gate = new TurnGate(perTurn);
  // A callback hook: an async one would cost every request a promise.
  app.server.on("connection", () => gate.connected());
  app.addHook("onRequest", (_req, _reply, done) => gate.admit(done));
  return gate;
}
