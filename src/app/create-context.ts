import { EventBus } from "../realtime/event-bus.ts";
import { type Fanout, noFanout } from "../realtime/fanout.ts";
import { Revocations } from "../realtime/revocations.ts";
import { readLiveLine } from "../store/live-tickets.ts";
import type { Store } from "../store/store.ts";
import { type AppContext, DEFAULT_SETTINGS } from "./context.ts";
import { newTimeOrderedId } from "./ids.ts";
import { LineCache } from "./line-cache.ts";

/** The one way to assemble the use cases' ports: the server, the CLI commands and the tests all use it. */
export function createAppContext(options: {
  readonly store: Store;
  readonly clock?: () => number;
  readonly bus?: EventBus;
  readonly fanout?: Fanout;
  readonly lines?: LineCache;
  readonly revocations?: Revocations;
}): AppContext {
  const bus = options.bus ?? new EventBus();
  return {
    store: options.store,
    clock: options.clock ?? Date.now,
    bus,
    fanout: options.fanout ?? noFanout,
    revocations: options.revocations ?? new Revocations(),
    newId: () => newTimeOrderedId(),
    lines: options.lines ?? new LineCache(bus, (branchId) => readLiveLine(options.store.db, branchId)),
    settings: DEFAULT_SETTINGS,
  };
}
