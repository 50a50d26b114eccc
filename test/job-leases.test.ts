/**
 * One mechanism for the jobs that run on one instance at a time (store/leases.ts, `job_schedule`, migrations 044 and
 * 052): the analytics tally (a run spanning transactions) and the daily retention run (a run inside one
 * transaction) both take the job's lease. Several instances on one database (each its own store and connections)
 * never run the same job at once; migration 052 moves the tally's lease out of `analytics_job_leases`, which goes.
 */
import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tallyMarkedDays } from "../src/app/analytics/tally-marks.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { jobLastRunAt, releaseJobLease, takeJobLease } from "../src/store/leases.ts";
import { migrationProvider } from "../src/store/migrations/index.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS, freshDatabase } from "./support/databases.ts";
import { START } from "./support/harness.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(DB_KINDS)("one lease for one-instance jobs on %s", (kind) => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  /** Three instances: each its own store (its own connections) on the one database. */
  const instances: Store[] = [];

  beforeAll(async () => {
    database = await freshDatabase(kind);
    for (let i = 0; i < 3; i++) instances.push(openStore(database.location));
    await migrateToLatest(instances[0] as Store);
  });
  afterAll(async () => {
    for (const store of instances) await store.close();
    await database?.drop();
  });

  it("two instances never run the same job at once; a job given back is taken again", async () => {
    const job = "test.exclusive";
    let running = 0;
    let most = 0;
    const runs = new Map<string, number>();
    const instance = async (store: Store, owner: string) => {
      for (let i = 0; i < 20; i++) {
        const held = await store.write((tx) =>
          takeJobLease(tx, { name: job, owner, now: Date.now(), leaseMs: 60_000 }),
        );
        if (held) {
          running++;
          most = Math.max(most, running);
          runs.set(owner, (runs.get(owner) ?? 0) + 1);
          await sleep(4);
          running--;
          expect(await store.write((tx) => releaseJobLease(tx, job, owner, Date.now()))).toBe(true);
        }
        await sleep(1 + (i % 3));
      }
    };
    await Promise.all(instances.map((store, i) => instance(store, `instance-${i}`)));
    expect(most).toBe(1);
    const total = [...runs.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(1);
    expect(await jobLastRunAt((instances[0] as Store).db, job)).toBeGreaterThan(0);
  });

  it("a job claimed inside a transaction is not run by another instance meanwhile, nor after while it is not due", async () => {
    const job = "test.daily";
    const day = 86_400_000;
    const now = START;
    const [a, b] = instances as [Store, Store];
    const claim = (owner: string, at: number) => ({ name: job, owner, now: at, leaseMs: 60_000, everyMs: day });
    let aDone = false;
    const first = a.write(async (tx) => {
      const taken = await takeJobLease(tx, claim("a", now));
      // The run's work, while the other instance tries (PostgreSQL). A SQLite write holds the one write lock, which
      // the other store's synchronous driver would wait for on this very thread: there the other tries afterwards.
      if (kind === "postgres") await sleep(300);
      await releaseJobLease(tx, job, "a", now);
      aDone = true;
      return taken;
    });
    await sleep(100);
    // PostgreSQL: the row is locked by a's open transaction and skipped at once; SQLite: b's write comes after a's
    // commit and finds the job run. Either way b does not run it.
    const second = await b.write((tx) => takeJobLease(tx, claim("b", now + 1)));
    expect(await first).toBe(true);
    expect(second).toBe(false);
    expect(aDone).toBe(true);
    // Not due again until a day after the run; then the next instance takes it.
    expect(await b.write((tx) => takeJobLease(tx, claim("b", now + day - 1)))).toBe(false);
    expect(await b.write((tx) => takeJobLease(tx, claim("b", now + day)))).toBe(true);
  });

  it("the tally job on two instances: one runs while the other's run finds it held", async () => {
    const [a, b] = instances as [Store, Store];
    const now = Date.now();
    const ctxA = createAppContext({ store: a, clock: () => now });
    const ctxB = createAppContext({ store: b, clock: () => now });
    // An empty database has no marks: a run that holds the lease returns at once. One mark keeps A's run busy.
    await a.write((tx) =>
      tx.insertInto("analytics_marks").values({ branch_id: "no-such-branch", day: "2026-11-23" }).execute(),
    );
    let during: Awaited<ReturnType<typeof tallyMarkedDays>> | undefined;
    const first = await tallyMarkedDays(ctxA, {
      owner: "tally-a",
      afterRead: async () => {
        during = await tallyMarkedDays(ctxB, { owner: "tally-b" });
      },
    });
    expect(first.ran).toBe(true);
    expect(first.marks).toBe(1);
    expect(during?.ran).toBe(false);
    // Given back: the other instance's next run takes it.
    expect((await tallyMarkedDays(ctxB, { owner: "tally-b" })).ran).toBe(true);
  });

  it("migration 052 moves the tally job's lease into job_schedule and drops analytics_job_leases", async () => {
    const old = await freshDatabase(kind);
    const store = openStore(old.location);
    try {
      const migrator = new Migrator({
        db: store.db,
        provider: migrationProvider(store.dialect),
        allowUnorderedMigrations: true,
      });
      expect((await migrator.migrateTo("051-smart-alarm-first-default")).error).toBeUndefined();
      // An instance held the tally's lease when the upgrade began.
      await sql`UPDATE analytics_job_leases SET owner = 'tally-old', lease_until = ${START + 60_000} WHERE name = 'analytics.tally'`.execute(
        store.db,
      );
      await migrateToLatest(store);
      const rows = await store.db
        .selectFrom("job_schedule")
        .select(["name", "lease_owner", "lease_until"])
        .orderBy("name")
        .execute();
      expect(rows.map((r) => ({ ...r, lease_until: Number(r.lease_until) }))).toEqual([
        { name: "analytics.tally", lease_owner: "tally-old", lease_until: START + 60_000 },
        { name: "retention", lease_owner: null, lease_until: 0 },
      ]);
      // The lease it held still keeps others out until it runs out.
      const claim = (at: number) => ({ name: "analytics.tally", owner: "tally-new", now: at, leaseMs: 60_000 });
      expect(await store.write((tx) => takeJobLease(tx, claim(START)))).toBe(false);
      expect(await store.write((tx) => takeJobLease(tx, claim(START + 60_001)))).toBe(true);
      const gone = await sql`SELECT * FROM analytics_job_leases`.execute(store.db).then(
        () => false,
        () => true,
      );
      expect(gone).toBe(true);
    } finally {
      await store.close();
      await old.drop();
    }
  });
});
