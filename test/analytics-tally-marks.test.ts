import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tallyMarkedDays } from "../src/app/analytics/tally-marks.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { seedSecondDemoBranch } from "../src/app/seed-demo.ts";
import { markCount } from "../src/store/analytics-marks.ts";
import { openStore } from "../src/store/connect.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, START, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

/** The test clock's day in Shanghai (START is 09:30 there). */
const TODAY = "2026-11-23";

/**
 * Tallies kept by marks (migration 045): each change marks its branch-day in its own transaction, and the tally
 * job re-tallies only the marked days, one instance at a time.
 */
describe.each(DB_KINDS)("the tally job re-tallies only marked branch-days (%s)", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let teller: string;
  let manager: string;
  let counter: string;
  let otherBranch: string;
  beforeAll(async () => {
    t = await startTestServer(kind);
    otherBranch = (await seedSecondDemoBranch(t.server.ctx, TEST_PASSWORD)).branchId;
    ids = await demoIds(t);
    teller = await t.login("teller1");
    manager = await t.login("manager");
    counter = ids.counters.get(1) as string;
    const signIn = await t.request({ method: "POST", url: `/api/counters/${counter}/sign-in`, cookie: teller });
    expect(signIn.statusCode).toBe(200);
  });
  afterAll(() => t?.close());

  const total = async () => {
    const res = await t.request({
      method: "GET",
      url: `/api/analytics/summary?branchId=${t.branchId}&from=${TODAY}&to=${TODAY}&groupBy=day`,
      cookie: manager,
    });
    expect(res.statusCode).toBe(200);
    return res.json().total as { arrived: number; served: number; called: number; meanWaitMinutes: number | null };
  };

  /** Calls, starts and completes the next ticket at counter 1. */
  const serveNext = async (): Promise<string> => {
    const called = await t.request({ method: "POST", url: `/api/counters/${counter}/call-next`, cookie: teller });
    expect(called.statusCode).toBe(200);
    const id = called.json().ticket.id as string;
    for (const action of ["start", "complete"]) {
      t.clock.advance(60_000);
      const res = await t.request({ method: "POST", url: `/api/tickets/${id}/${action}`, cookie: teller });
      expect(res.statusCode).toBe(200);
    }
    return id;
  };

  it("shows a finished ticket in the summary once the job has run, and leaves no mark behind", async () => {
    // What the set-up marked (the sign-in's counter event) is tallied first.
    await tallyMarkedDays(t.server.ctx);
    expect(await markCount(t.server.ctx.store.db)).toBe(0);
    const before = await total();
    await issueAtKiosk(t, ids.services.get("CASH"));
    t.clock.advance(4 * 60_000);
    await serveNext();
    // Issue, call, start and finish each left a mark of the branch-day; the tallies do not have it yet.
    expect(await markCount(t.server.ctx.store.db, t.branchId)).toBeGreaterThanOrEqual(4);
    expect(await total()).toEqual(before);
    const run = await tallyMarkedDays(t.server.ctx);
    expect(run).toMatchObject({ ran: true, days: [`${t.branchId} ${TODAY}`] });
    expect(await markCount(t.server.ctx.store.db)).toBe(0);
    const after = await total();
    expect(after.arrived).toBe(before.arrived + 1);
    expect(after.served).toBe(before.served + 1);
    expect(after.meanWaitMinutes).toBe(4);
  });

  it("does not re-tally a branch where nothing happened", async () => {
    expect(await markCount(t.server.ctx.store.db, otherBranch)).toBe(0);
    const otherCells = async () =>
      t.server.ctx.store.db
        .selectFrom("analytics_counter_hours")
        .selectAll()
        .where("branch_id", "=", otherBranch)
        .execute();
    const cellsBefore = await otherCells();
    await issueAtKiosk(t, ids.services.get("CASH"));
    const run = await tallyMarkedDays(t.server.ctx);
    expect(run.days).toEqual([`${t.branchId} ${TODAY}`]);
    expect(run.days.some((d) => d.startsWith(otherBranch))).toBe(false);
    expect(await otherCells()).toEqual(cellsBefore);
    // With nothing marked, a run re-tallies nothing at all.
    expect(await tallyMarkedDays(t.server.ctx)).toEqual({ ran: true, marks: 0, days: [] });
  });

  it("keeps a mark written while the job runs for the next run", async () => {
    const before = await total();
    t.clock.advance(60_000);
    await serveNext(); // the ticket issued in the test before
    let during: { id: string } | undefined;
    const run = await tallyMarkedDays(t.server.ctx, {
      afterRead: async () => {
        // A ticket is issued after the job read the marks and before it deletes them.
        during = await issueAtKiosk(t, ids.services.get("CASH"));
      },
    });
    expect(during).toBeDefined();
    expect(run.days).toEqual([`${t.branchId} ${TODAY}`]);
    // The issue's mark was not among those read, so it is still there.
    expect(await markCount(t.server.ctx.store.db, t.branchId)).toBeGreaterThanOrEqual(1);
    const next = await tallyMarkedDays(t.server.ctx);
    expect(next.days).toEqual([`${t.branchId} ${TODAY}`]);
    expect(await markCount(t.server.ctx.store.db)).toBe(0);
    const after = await total();
    expect(after.served).toBe(before.served + 1);
    expect(after.arrived).toBe(before.arrived + 1);
  });

  it("runs on one instance at a time, and two instances do not double-count", async () => {
    // A second instance: its own connection (pool) to the same database.
    const store2 = openStore(t.location);
    try {
      const ctx2 = createAppContext({ store: store2, clock: () => t.clock.now });
      const before = await total();
      t.clock.advance(60_000);
      await serveNext();
      await issueAtKiosk(t, ids.services.get("CASH"));
      const runs = await Promise.all([
        tallyMarkedDays(t.server.ctx, { owner: "instance-a" }),
        tallyMarkedDays(ctx2, { owner: "instance-b" }),
      ]);
      // One took the lease and did the work; the other found it held and did nothing.
      expect(runs.map((r) => r.ran).sort()).toEqual([false, true]);
      expect(runs.find((r) => r.ran)?.days).toEqual([`${t.branchId} ${TODAY}`]);
      // Both again, one after the other: the lease was given back, and nothing is left to do.
      expect(await tallyMarkedDays(ctx2, { owner: "instance-b" })).toEqual({ ran: true, marks: 0, days: [] });
      expect(await markCount(t.server.ctx.store.db)).toBe(0);
      const after = await total();
      expect(after.served).toBe(before.served + 1);
      expect(after.arrived).toBe(before.arrived + 1);
      // The whole day, counted from its tickets, equals the tallies.
      const tickets = await t.server.ctx.store.db
        .selectFrom("tickets")
        .select(["status"])
        .where("branch_id", "=", t.branchId)
        .where("day", "=", TODAY)
        .execute();
      expect(after.arrived).toBe(tickets.length);
      expect(after.served).toBe(tickets.filter((r) => r.status === "done").length);
    } finally {
      await store2.close();
    }
  });

  it("marks by time what needs the branch's time zone: a complaint naming no visit, a counter event", async () => {
    const db = t.server.ctx.store.db;
    const now = t.clock.now;
    await db
      .insertInto("complaints")
      .values({
        id: `unlinked-${kind}`,
        branch_id: t.branchId,
        ticket_id: null,
        source: "staff",
        category: "service",
        severity: "simple",
        description: "about the queue in general",
        status: "open",
        received_at: now,
        due_at: now + 86_400_000,
        created_at: now,
        updated_at: now,
        reopen_count: 0,
        version: 0,
      })
      .execute();
    const paused = await t.request({ method: "POST", url: `/api/counters/${counter}/pause`, cookie: teller, body: {} });
    expect(paused.statusCode).toBe(200);
    const marks = await db.selectFrom("analytics_marks").selectAll().where("branch_id", "=", t.branchId).execute();
    // The complaint's mark and the pause's, each with its time, not a day.
    expect(marks.filter((m) => m.day === null && Number(m.at) === now).length).toBe(2);
    const before = await total();
    const run = await tallyMarkedDays(t.server.ctx);
    expect(run.days).toEqual([`${t.branchId} ${TODAY}`]);
    const res = await t.request({
      method: "GET",
      url: `/api/analytics/summary?branchId=${t.branchId}&from=${TODAY}&to=${TODAY}&groupBy=day`,
      cookie: manager,
    });
    expect(res.json().total.complaints).toBe(((before as Record<string, unknown>).complaints as number) + 1);
  });

  it("a held lease keeps another instance out until it runs out", async () => {
    const { takeJobLease } = await import("../src/store/leases.ts");
    const now = START + 86_400_000;
    const held = await t.server.ctx.store.write((tx) =>
      takeJobLease(tx, { name: "analytics.tally", owner: "crashed", now: t.clock.now, leaseMs: 60_000 }),
    );
    expect(held).toBe(true);
    expect((await tallyMarkedDays(t.server.ctx, { owner: "other" })).ran).toBe(false);
    // Once the crashed holder's lease ran out, another instance takes it.
    const ctx = createAppContext({ store: t.server.ctx.store, clock: () => now });
    expect((await tallyMarkedDays(ctx, { owner: "other" })).ran).toBe(true);
  });
});
