import { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { figuresOf } from "../src/domain/analytics/figures.ts";
import { rollupsOf } from "../src/domain/analytics/rollup.ts";
import { addTicket, emptyTally, encodeBins, mergeTally } from "../src/domain/analytics/tally.ts";
import { openStore } from "../src/store/connect.ts";
import { migrationProvider } from "../src/store/migrations/index.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS, freshDatabase } from "./support/databases.ts";

/** Migration 020 fills the rollups of the cells a database already holds, exactly as a rebuild would. */
describe.each(DB_KINDS)("analytics rollups on upgrade (%s)", (kind) => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await freshDatabase(kind);
    drop = db.drop;
    store = openStore(db.location);
  });
  afterAll(async () => {
    await store?.close();
    await drop?.();
  });

  it("rolls up the cells stored before migration 020", async () => {
    const migrator = new Migrator({ db: store.db, provider: migrationProvider(store.dialect) });
    const before = await migrator.migrateTo("010-analytics");
    expect(before.error).toBeUndefined();
    // Two days of one branch: cells over two hours, two business types, two counters and two tellers.
    const cells = [];
    let n = 0;
    for (const hour of [9, 10])
      for (const serviceId of ["s1", "s2"])
        for (const [counterKey, staffKey] of [
          ["c1", "u1"],
          ["c2", "u2"],
        ] as const) {
          const tally = emptyTally();
          for (let k = 0; k < 3; k++) {
            n++;
            const issuedAt = Date.UTC(2026, 10, 16, hour - 8, k * 10);
            addTicket(
              tally,
              {
                issuedAt,
                firstCalledAt: issuedAt + ((n * 7) % 41) * 60_000,
                startedAt: issuedAt + ((n * 7) % 41) * 60_000,
                completedAt: issuedAt + ((n * 7) % 41) * 60_000 + 300_000,
                end: "served",
                rating: k === 0 ? 3 : null,
              },
              { targetMinutes: 15, alarmMinutes: 30 },
            );
          }
          cells.push({ hour, serviceId, counterKey, staffKey, tally });
        }
    for (const day of ["2026-11-16", "2026-11-17"])
      for (const c of cells) {
        const t = c.tally;
        await store.db
          .insertInto("analytics_cells")
          .values({
            branch_id: "b1",
            day,
            hour: c.hour,
            service_id: c.serviceId,
            counter_key: c.counterKey,
            staff_key: c.staffKey,
            arrived: t.arrived,
            served: t.served,
            no_shows: t.noShows,
            walk_aways: t.walkAways,
            redirected: t.redirected,
            called: t.called,
            wait_sum_ms: t.waitSumMs,
            wait_max_ms: t.waitMaxMs,
            within_target: t.withinTarget,
            above_alarm: t.aboveAlarm,
            wait_bins: encodeBins(t.waitBins),
            timed: t.timed,
            service_sum_ms: t.serviceSumMs,
            rated: t.rated,
            satisfied: t.satisfied,
            neutral: t.neutral,
            dissatisfied: t.dissatisfied,
            // The columns of the table at migration 010 (later migrations add more, with defaults).
          } as never)
          .execute();
      }
    const after = await migrator.migrateToLatest();
    expect(after.error).toBeUndefined();
    const { readRollups } = await import("../src/store/analytics.ts");
    const expected = rollupsOf(cells);
    for (const grain of ["day", "hour", "service", "counter", "staff"] as const) {
      const stored = await readRollups(store.db, grain, { branchIds: ["b1"], from: "2026-11-16", to: "2026-11-17" });
      const want = expected.filter((r) => r.grain === grain);
      expect(stored.length, grain).toBe(2 * want.length);
      for (const s of stored) {
        const w = want.find((r) => r.key === s.key);
        expect(w, `${grain} ${s.key}`).toBeDefined();
        if (w) expect(figuresOf(s.tally)).toEqual(figuresOf(w.tally));
      }
    }
    const day = await readRollups(store.db, "day", { branchIds: ["b1"], from: "2026-11-16", to: "2026-11-16" });
    expect(day[0]?.tally.arrived).toBe(24);
    // Migration 027 merged the two days into the month, histograms included.
    const { readMonthRollups } = await import("../src/store/month-rollups.ts");
    const months = await readMonthRollups(store.db, "day", { branchIds: ["b1"], from: "2026-11", to: "2026-11" });
    expect(months).toHaveLength(1);
    const twoDays = emptyTally();
    for (const d of await readRollups(store.db, "day", { branchIds: ["b1"], from: "2026-11-16", to: "2026-11-17" }))
      mergeTally(twoDays, d.tally);
    expect(months[0]?.tally.arrived).toBe(48);
    expect(figuresOf(months[0]?.tally ?? emptyTally())).toEqual(figuresOf(twoDays));
  });
});

/** Migration 046 sums the counter hours a database already holds over counters, per hour and per day. */
describe.each(DB_KINDS)("analytics counter totals on upgrade (%s)", (kind) => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await freshDatabase(kind);
    drop = db.drop;
    store = openStore(db.location);
  });
  afterAll(async () => {
    await store?.close();
    await drop?.();
  });

  it("sums the counter hours stored before migration 046 as the counter hours themselves sum", async () => {
    const migrator = new Migrator({ db: store.db, provider: migrationProvider(store.dialect) });
    expect((await migrator.migrateTo("045-analytics-marks")).error).toBeUndefined();
    // Two branches, two days, three hours, two counters; every time different.
    const rows = [];
    let n = 0;
    for (const branch_id of ["b1", "b2"])
      for (const day of ["2026-11-16", "2026-11-17"])
        for (const hour of [9, 10, 14])
          for (const counter_id of ["c1", "c2"]) {
            n++;
            rows.push({
              branch_id,
              day,
              hour,
              counter_id,
              open_ms: 3_000_000 + n,
              paused_ms: 60_000 + n,
              busy_ms: n * 7,
            });
          }
    await store.db.insertInto("analytics_counter_hours").values(rows).execute();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const { readCounterTime, sumCounterTotals } = await import("../src/store/analytics.ts");
    const range = { branchIds: ["b1", "b2"], from: "2026-11-16", to: "2026-11-17" };
    const key = (r: { branchId: string; day: string; hour: number }) => `${r.branchId} ${r.day} ${r.hour}`;
    const sorted = <T extends { branchId: string; day: string; hour: number }>(list: T[]) =>
      [...list].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    // Per branch, day and hour: the counter hours summed over counters.
    expect(sorted(await sumCounterTotals(store.db, range, ["branch", "day", "hour"]))).toEqual(
      sorted(await readCounterTime(store.db, range, "hour")),
    );
    expect(sorted(await sumCounterTotals(store.db, range, ["branch", "day"]))).toEqual(
      sorted(await readCounterTime(store.db, range, "day")),
    );
    const total = await sumCounterTotals(store.db, range, []);
    expect(total).toHaveLength(1);
    expect(total[0]?.busyMs).toBe(rows.reduce((s, r) => s + r.busy_ms, 0));
    expect(total[0]?.openMs).toBe(rows.reduce((s, r) => s + r.open_ms, 0));
    const hours = await sumCounterTotals(store.db, { ...range, branchIds: ["b2"] }, ["hour"]);
    expect(hours.map((h) => h.hour).sort((a, b) => a - b)).toEqual([9, 10, 14]);
    expect(await sumCounterTotals(store.db, { ...range, from: "2026-11-18", to: "2026-11-30" }, [])).toEqual([]);
  });
});
