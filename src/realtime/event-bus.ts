import type { BranchEvent } from "./branch-event.ts";

export type BranchListener = (event: BranchEvent) => void;

/**
 * The one in-process bus: every branch event published on this instance (its own, and those other
 * instances sent through PostgreSQL) reaches every subscriber of that branch, in publication order.
 */
export class EventBus {
  readonly #listeners = new Map<string, Set<BranchListener>>();

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

  publish(event: BranchEvent): void {
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
