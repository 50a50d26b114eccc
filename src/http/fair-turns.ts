import type { FastifyInstance } from "fastify";

/**
 * Fair turns: at most `perTurn` requests start their work in one turn of the event loop; the rest wait, first come
 * first served, for the next turns.
 *
 * Why: Node 20's libuv accepts one new connection each time the listening socket is polled, that is once per turn
 * of the event loop, while a turn handles every request that is ready on the connections already accepted. In a
 * rush (a slot released at nine, 64 browsers at once) the first connections' kept-alive requests fill every turn, so
 * the turns get long and the connections opened during the rush are accepted one per long turn: their customers
 * waited about the rush's whole length (the booking bench's slowest attempts, 300–800 ms on a quiet machine, were
 * all first requests of late connections). Short turns accept the late connections within a few milliseconds, and
 * the queue here serves their requests in order of arrival instead of after everyone else's next one.
 *
 * When the server is not busy nothing waits: a request finds fewer than `perTurn` started in its turn and goes on at
 * once. The queue holds only requests already read (the connection and body limits bound it).
 */
export class TurnGate {
  private readonly waiting: Array<() => void> = [];
  private started = 0;
  private scheduled = false;

  constructor(private readonly perTurn: number) {}

  /** Calls `go` now when this turn has room, otherwise in a later turn, in order of arrival. */
  admit(go: () => void): void {
    if (this.waiting.length === 0 && this.started < this.perTurn) {
      this.started++;
      this.schedule();
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
    while (this.started < this.perTurn && this.waiting.length > 0) {
      this.started++;
      (this.waiting.shift() as () => void)();
    }
    // Keep counting turns while requests start: the next poll phase must see this turn's count.
    if (this.waiting.length > 0 || this.started > 0) this.schedule();
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
  const raw = env.DATANG_REQUESTS_PER_TURN;
  if (raw === undefined || raw.trim() === "") return DEFAULT_REQUESTS_PER_TURN;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 10_000) {
    throw new Error(`DATANG_REQUESTS_PER_TURN must be a whole number from 0 (no limit) to 10000, not "${raw}"`);
  }
  return n;
}

/** Registers the gate as the first onRequest hook (before authentication and everything that costs). */
export function registerFairTurns(app: FastifyInstance, perTurn: number): TurnGate | null {
  if (perTurn === 0) return null;
  const gate = new TurnGate(perTurn);
  // A callback hook: an async one would cost every request a promise.
  app.addHook("onRequest", (_req, _reply, done) => gate.admit(done));
  return gate;
}
