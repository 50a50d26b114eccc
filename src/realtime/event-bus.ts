import type { BranchEvent } from "./branch-event.ts";

export type BranchListener = (event: BranchEvent) => void;

/** How long an event waits for the events numbered before it before it is delivered anyway. */
export const HOLD_MS = 1_000;

interface BranchOrder {
  /** The highest number delivered. */
  last: number;
  /** Events that came before their predecessors, by number. */
  readonly held: Map<number, BranchEvent>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The one in-process bus: every branch event published on this instance (its own, and those other
 * instances sent through PostgreSQL) reaches every subscriber of that branch, in number order.
 *
 * On PostgreSQL two writes of one branch can commit a moment apart and be published the other way round
 * (this instance's own events right after their commit, other instances' when their NOTIFY arrives). An
 * event that comes before the one numbered just below it is held until that one arrives, so a display never
 * shows a later event first, a client never resumes from an id past one it never got, and the line cache is
 * not thrown away for a gap that was only a race. Held longer than HOLD_MS (its predecessor was lost with a
 * dropped connection), it is delivered anyway and subscribers see the gap, as before. Holding is off until
 * the PostgreSQL fanout turns it on (`setOrdering`): with SQLite one writer publishes in commit order, and a
 * gap can only be another process's event (a command-line run) that will never arrive here.
 */
export class EventBus {
  readonly #listeners = new Map<string, Set<BranchListener>>();
  readonly #order = new Map<string, BranchOrder>();
  readonly #holdMs: number;
  #ordering = false;

  constructor(holdMs = HOLD_MS) {
    this.#holdMs = holdMs;
  }

  subscribe(branchId: string, listener: BranchListener): () => void {
    let set = this.#listeners.get(branchId);
    if (!set) {
      set = new Set();
      this.#listeners.set(branchId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(branchId) === set) this.#listeners.delete(branchId);
    };
  }

  /**
   * Whether early events are held. Off while this instance cannot hear the others (its LISTEN connection is
   * down): a gap is then an event it will never get, and holding would only delay its own. Either way, what
   * is held is delivered and the order learnt is forgotten, to be learnt afresh from the next events.
   */
  setOrdering(on: boolean): void {
    this.#ordering = on;
    for (const order of this.#order.values()) {
      if (order.timer) clearTimeout(order.timer);
      this.#release(order);
    }
    this.#order.clear();
  }

  publish(event: BranchEvent): void {
    if (!this.#ordering) {
      this.#deliver(event);
      return;
    }
    const order = this.#order.get(event.branchId);
    if (!order) {
      this.#order.set(event.branchId, { last: event.seq, held: new Map(), timer: undefined });
      this.#deliver(event);
      return;
    }
    if (event.seq > order.last + 1) {
      order.held.set(event.seq, event);
      order.timer ??= setTimeout(() => this.#release(order), this.#holdMs).unref();
      return;
    }
    // The next one, or one older than the last delivered (released late after a hold): deliver it now.
    order.last = Math.max(order.last, event.seq);
    this.#deliver(event);
    for (let next = order.held.get(order.last + 1); next; next = order.held.get(order.last + 1)) {
      order.held.delete(next.seq);
      order.last = next.seq;
      this.#deliver(next);
    }
    if (order.held.size === 0 && order.timer) {
      clearTimeout(order.timer);
      order.timer = undefined;
    }
  }

  /** Delivers what is held, in number order, after its predecessors did not come in time. */
  #release(order: BranchOrder): void {
    order.timer = undefined;
    const held = [...order.held.values()].sort((a, b) => a.seq - b.seq);
    order.held.clear();
    for (const event of held) {
      order.last = Math.max(order.last, event.seq);
      this.#deliver(event);
    }
  }

  #deliver(event: BranchEvent): void {
    const set = this.#listeners.get(event.branchId);
    if (!set) return;
    for (const listener of set) {
      try {
        listener(event);
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }
}
