import type pg from "pg";

/**
 * Resolves once some session of `session`'s database waits for a lock: the moment a test that holds a row
 * lock in one session knows that the write under test has reached that row and waits for it.
 */
export async function someoneWaits(session: pg.Client): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await session.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (rows[0].n > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("nobody waited for a lock");
}
