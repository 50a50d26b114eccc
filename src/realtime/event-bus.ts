import type { BranchEvent } from "./branch-event.ts";

export type BranchListener = (event: BranchEvent) => void;

/** How long an event waits for the events numbered before it before it is delivered anyway. */
export const HOLD_MS = 1_000;
/** With recovery: how long an early event waits for its predecessors' notices before they are read from the database. */
export const FILL_AFTER_MS = 100;
/** With recovery: the pause between reads while the database does not answer (an outage). */
const FILL_RETRY_MS = 500;
/** With recovery: a gap larger than this is not filled; the branch's streams start over instead (`lost`). */
export const MAX_FILL = 1000;

/**
 * Where missed events come from: the database's stored events of a branch after a number (oldest first, at
 * most `limit`), and what to do when a branch's gap cannot be filled (its streams start over from the database).
 */
export interface EventRecovery {
  fill(branchId: string, afterSeq: number, limit: number): Promise<BranchEvent[]>;
  lost(branchId: string): void;
}

interface BranchOrder {
  /** The highest number delivered. */
  last: number;
  /** Events that came before their predecessors, by number. */
  readonly held: Map<number, BranchEvent>;
  timer: NodeJS.Timeout | undefined;
  /** A read of the missing events from the database is under way. */
  filling: boolean;
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
  #recovery: EventRecovery | undefined;

  constructor(holdMs = HOLD_MS) {
    this.#holdMs = holdMs;
  }

  /**
   * From now on an event that comes before its predecessors is never delivered with a gap: the missing events
   * are read from the database (where they are committed, since a branch's events commit in number order) and
   * delivered first, however long the database takes to answer; an event already delivered is not delivered
   * again. Turns ordering on. A gap too large to fill calls `lost`.
   */
  enableRecovery(recovery: EventRecovery): void {
    this.#recovery = recovery;
    this.#ordering = true;
  }

  /**
   * A subscriber has every event of the branch up to `seq` (it read them from the database): the bus knows where
   * the branch stands if it did not yet, so a later event after a missed one is recognised as a gap.
   */
  observe(branchId: string, seq: number): void {
    if (!this.#ordering || this.#order.has(branchId)) return;
    this.#order.set(branchId, { last: seq, held: new Map(), timer: undefined, filling: false });
  }

  /**
   * Reads every known branch's events after the last delivered one from the database: after this instance could
   * not hear the others for a while (its LISTEN connection was lost and is back), what they wrote meanwhile.
   */
  catchUp(): void {
    if (!this.#recovery) return;
    for (const [branchId, order] of this.#order) void this.#fill(branchId, order);
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
    if (this.#recovery) return; // with recovery nothing is ever delivered past a gap: see enableRecovery
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
      this.#order.set(event.branchId, { last: event.seq, held: new Map(), timer: undefined, filling: false });
      this.#deliver(event);
      return;
    }
    if (event.seq > order.last + 1) {
      order.held.set(event.seq, event);
      const recovery = this.#recovery;
      if (recovery)
        order.timer ??= setTimeout(() => {
          order.timer = undefined;
          void this.#fill(event.branchId, order);
        }, FILL_AFTER_MS).unref();
      else order.timer ??= setTimeout(() => this.#release(order), this.#holdMs).unref();
      return;
    }
    // Already delivered (read from the database before its notice came): subscribers have it.
    if (this.#recovery && event.seq <= order.last) return;
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

  /**
   * Reads the events after the last delivered one from the database and delivers them (and then what was held)
   * in order. While the database does not answer, it tries again; what is held waits.
   */
  async #fill(branchId: string, order: BranchOrder): Promise<void> {
    const recovery = this.#recovery;
    if (!recovery || order.filling) return;
    order.filling = true;
    try {
      for (;;) {
        if (this.#order.get(branchId) !== order) return; // forgotten meanwhile
        let events: BranchEvent[];
        try {
          events = await recovery.fill(branchId, order.last, MAX_FILL);
        } catch {
          await new Promise((r) => setTimeout(r, FILL_RETRY_MS).unref());
          continue;
        }
        if (this.#order.get(branchId) !== order) return;
        for (const event of events) {
          if (event.seq !== order.last + 1) continue; // older than the last delivered
          order.held.delete(event.seq);
          order.last = event.seq;
          this.#deliver(event);
        }
        for (let next = order.held.get(order.last + 1); next; next = order.held.get(order.last + 1)) {
          order.held.delete(next.seq);
          order.last = next.seq;
          this.#deliver(next);
        }
        if (events.length >= MAX_FILL && order.held.size > 0) {
          // Too far behind to send it all: the branch's streams start over from the database.
          this.#order.delete(branchId);
          if (order.timer) clearTimeout(order.timer);
          recovery.lost(branchId);
        } else if (order.held.size > 0 && !order.timer)
          order.timer = setTimeout(() => {
            order.timer = undefined;
            void this.#fill(branchId, order);
          }, FILL_RETRY_MS).unref();
        return;
      }
    } finally {
      order.filling = false;
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
