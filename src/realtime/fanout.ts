import type pg from "pg";
import type { EventNotice } from "../store/events.ts";
import type { BranchEvent } from "./branch-event.ts";
import type { EventBus } from "./event-bus.ts";
import { isRevocation, type Revocation, type Revocations } from "./revocations.ts";

/** Carries events to the other app instances. Single-instance SQLite needs none of it. */
export interface Fanout {
  /**
   * Set when events go to other instances: the writing transaction then NOTIFYs them (see appendEvent),
   * so delivery happens if and when it commits, in commit order.
   */
  readonly notice: EventNotice | undefined;
  /** Tells the other instances of a revoked credential (after its write committed). */
  announce(revocation: Revocation): Promise<void>;
  /**
   * Set when other instances cache bookable places (issue 13): a write that takes or frees places, or changes
   * what slots are made of (a business type's booking setup, the branch's hours, its counters), NOTIFYs them on this channel inside its transaction (see
   * `notifySlotChange`), so they hear of it at commit and drop what they cached.
   */
  readonly slotNotice: EventNotice | undefined;
  /**
   * Calls `listener` with each other instance's slot change, and with null when some may have been missed
   * (the listening connection was lost and is back). Answers a function that stops the calls.
   */
  onSlotChange(listener: (change: SlotChange | null) => void): () => void;
  close(): Promise<void>;
}

/**
 * Places of a business type changed on a day; `day` null: its whole setup (rules, form, minutes) changed;
 * `serviceId` null too: what every business type of the branch is booked on changed (opening hours, time zone,
 * counters' skills). `freed`: a place may have become free (a cancellation, a move away, a released hold), not
 * only been taken.
 */
export interface SlotChange {
  readonly branchId: string;
  readonly serviceId: string | null;
  readonly day: string | null;
  readonly freed: boolean;
}

export const noFanout: Fanout = {
  notice: undefined,
  async announce() {},
  slotNotice: undefined,
  onSlotChange: () => () => {},
  async close() {},
};

export const NOTIFY_CHANNEL = "datang_events";
export const REVOKE_CHANNEL = "datang_revocations";
export const SLOTS_CHANNEL = "datang_slots";

function isSlotChange(x: unknown): x is SlotChange {
  if (typeof x !== "object" || x === null) return false;
  const c = x as Record<string, unknown>;
  return (
    typeof c.branchId === "string" &&
    (c.serviceId === null || typeof c.serviceId === "string") &&
    (c.day === null || typeof c.day === "string") &&
    typeof c.freed === "boolean"
  );
}

interface Notice {
  readonly origin: string;
  readonly event: BranchEvent;
}

/**
 * PostgreSQL LISTEN/NOTIFY. NOTIFY inside the transaction is delivered only on commit and in commit
 * order, so other instances never see an event whose change rolled back. This instance publishes its own
 * events locally after commit, so it ignores the notices that carry its own origin.
 */
export async function createPgFanout(
  pool: pg.Pool,
  bus: EventBus,
  origin: string,
  onResync: () => void,
  revocations?: Revocations,
): Promise<Fanout> {
  let client: pg.PoolClient | undefined;
  let closed = false;
  const slotListeners = new Set<(change: SlotChange | null) => void>();
  const tellSlotListeners = (change: SlotChange | null): void => {
    for (const listener of slotListeners) listener(change);
  };

  const onNotification = (msg: pg.Notification): void => {
    if (msg.channel === SLOTS_CHANNEL && msg.payload) {
      try {
        const notice = JSON.parse(msg.payload) as { origin?: unknown; change?: unknown };
        if (notice.origin !== origin && isSlotChange(notice.change)) tellSlotListeners(notice.change);
      } catch {
        // A malformed notice from elsewhere is not ours to crash on.
      }
      return;
    }
    if (msg.channel === REVOKE_CHANNEL && msg.payload) {
      try {
        const notice = JSON.parse(msg.payload) as { origin?: unknown; revocation?: unknown };
        if (notice.origin !== origin && isRevocation(notice.revocation)) revocations?.publish(notice.revocation);
      } catch {
        // A malformed notice from elsewhere is not ours to crash on.
      }
      return;
    }
    if (msg.channel !== NOTIFY_CHANNEL || !msg.payload) return;
    try {
      const notice = JSON.parse(msg.payload) as Notice;
      if (notice.origin !== origin) bus.publish(notice.event);
    } catch {
      // A malformed notice from elsewhere is not ours to crash on.
    }
  };

  /**
   * Lost the listening connection (a database restart, a failover): retry with a doubling pause until it is
   * back, then resync, because other instances' events of the outage were never heard here.
   */
  const reconnect = (delayMs: number): void => {
    if (closed) return;
    setTimeout(() => {
      connect().then(
        () => {
          bus.setOrdering(true);
          onResync();
          // Slot changes of the outage were not heard: whatever was cached may be stale.
          tellSlotListeners(null);
        },
        () => reconnect(Math.min(delayMs * 2, 1_000)),
      );
    }, delayMs).unref();
  };

  const connect = async (): Promise<void> => {
    const c = await pool.connect();
    let lost = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      c.release(true);
      if (client === c) client = undefined;
      // Other instances' events of the outage will never come: do not hold ours waiting for them.
      bus.setOrdering(false);
      tellSlotListeners(null);
      reconnect(200);
    };
    c.on("notification", onNotification);
    c.on("error", onLost);
    c.on("end", onLost);
    try {
      await c.query(`LISTEN ${NOTIFY_CHANNEL}; LISTEN ${REVOKE_CHANNEL}; LISTEN ${SLOTS_CHANNEL}`);
    } catch (error) {
      if (!lost) {
        lost = true;
        c.release(true);
      }
      throw error;
    }
    client = c;
  };
  await connect();
  // From here on every other instance's events arrive: an early one is held for its predecessor.
  bus.setOrdering(true);

  return {
    notice: { channel: NOTIFY_CHANNEL, origin },
    async announce(revocation) {
      await pool.query("SELECT pg_notify($1, $2)", [REVOKE_CHANNEL, JSON.stringify({ origin, revocation })]);
    },
    slotNotice: { channel: SLOTS_CHANNEL, origin },
    onSlotChange(listener) {
      slotListeners.add(listener);
      return () => slotListeners.delete(listener);
    },
    async close() {
      closed = true;
      slotListeners.clear();
      if (client) {
        client.removeAllListeners("end");
        client.removeAllListeners("error");
        client.on("error", () => {});
        client.removeListener("notification", onNotification);
        await client.query("UNLISTEN *").catch(() => {});
        client.release();
        client = undefined;
      }
    },
  };
}
