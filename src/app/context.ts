import type { EpochMs } from "../domain/ids.ts";
import type { EventBus } from "../realtime/event-bus.ts";
import type { Fanout } from "../realtime/fanout.ts";
import type { Revocations } from "../realtime/revocations.ts";
import type { Store } from "../store/store.ts";
import type { LineCache } from "./line-cache.ts";

/** The ports every use case receives: storage, one clock, one event bus, ids. */
export interface AppContext {
  readonly store: Store;
  readonly clock: () => EpochMs;
  readonly bus: EventBus;
  readonly fanout: Fanout;
  /** Revoked credentials, this instance's and (PostgreSQL) the other instances': their streams end. */
  readonly revocations: Revocations;
  readonly newId: () => string;
  /** Every branch's live line in memory, kept current by events. */
  readonly lines: LineCache;
  /** Settings of this process (session lifetime). */
  readonly settings: AppSettings;
}

export interface AppSettings {
  /** Session lifetime in milliseconds. */
  readonly sessionTtlMs: number;
}

export const DEFAULT_SETTINGS: AppSettings = { sessionTtlMs: 12 * 60 * 60 * 1000 };
