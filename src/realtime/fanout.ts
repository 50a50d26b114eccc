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
  close(): Promise<void>;
}

export const noFanout: Fanout = {
  notice: undefined,
  async announce() {},
  async close() {},
};

export const NOTIFY_CHANNEL = "datang_events";
export const REVOKE_CHANNEL = "datang_revocations";

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

  const onNotification = (msg: pg.Notification): void => {
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
      reconnect(200);
    };
    c.on("notification", onNotification);
    c.on("error", onLost);
    c.on("end", onLost);
    try {
      await c.query(`LISTEN ${NOTIFY_CHANNEL}; LISTEN ${REVOKE_CHANNEL}`);
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
    async close() {
      closed = true;
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
