import { Migrator } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { cellsOf, type DayExtras } from "../src/app/analytics/build-cells.ts";
import { IMPORT_COLUMNS, importTickets } from "../src/app/analytics/import-tickets.ts";
import { ANALYTICS_JOBS } from "../src/app/analytics/jobs.ts";
import { rebuildQueuedDays } from "../src/app/analytics/rebuild-queue.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { JobRunner } from "../src/app/messages/runner.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { figuresOf } from "../src/domain/analytics/figures.ts";
import { rollupsOf } from "../src/domain/analytics/rollup.ts";
import type { Tally } from "../src/domain/analytics/tally.ts";
import { buildServer } from "../src/http/server.ts";
import { listTicketFacts } from "../src/store/analytics.ts";
import { findBranch } from "../src/store/branches.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { newTicketRow } from "../src/store/issued-ticket.ts";
import { NEW_TALLY_COLUMNS } from "../src/store/migrations/033-analytics-more-figures.ts";
import { migrationProvider } from "../src/store/migrations/index.ts";
import { readMonthRollups } from "../src/store/month-rollups.ts";
import { claimQueuedDays, finishQueuedDays, queueDays, queuedDayCount } from "../src/store/rebuild-queue.ts";
import type { Store } from "../src/store/store.ts";
import { tallyColumns } from "../src/store/tally-row.ts";
import { DB_KINDS, freshDatabase } from "./support/databases.ts";
import { START, startTestServer, TEST_PASSWORD } from "./support/harness.ts";

const DAY = "2026-11-16";
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`);
const H = 3_600_000;

/**
 * A database at the schema before migration 033, with a tallied day whose surveys, complaint, review and
 * appointments the tallies of that time did not count; the current code upgrades it and starts: the job runner
 * rebuilds the day by itself, and the summary has the figures, worked out by hand below.
 */
describe.each(DB_KINDS)("days tallied before migration 033 are rebuilt after the upgrade (%s)", (kind) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("queues them in migration 038 and the job runner rebuilds them without a person", async () => {
    const database = await freshDatabase(kind);
    cleanup.push(database.drop);
    const old = openStore(database.location);
    const before = await new Migrator({ db: old.db, provider: migrationProvider(old.dialect) }).migrateTo(
      "032-followup-attempts-staff-lang",
    );
    expect(before.error).toBeUndefined();
    const ctx = createAppContext({ store: old, clock: () => START });
    const demo = await seedDemo(ctx, TEST_PASSWORD);
    const db = old.db;
    const cash = await db
      .selectFrom("services")
      .select("id")
      .where("branch_id", "=", demo.branchId)
      .where("code", "=", "CASH")
      .executeTakeFirstOrThrow();
    const teller = await db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "teller1")
      .executeTakeFirstOrThrow();
    // Three visits: two served (waits 4 and 10 minutes), one walked away.
    const ticket = (n: number, issued: number, called: number | null, done: number | null) => ({
      ...newTicketRow({
        id: `t${n}`,
        branchId: demo.branchId,
        serviceId: cash.id,
        day: DAY,
        priority: "normal",
        channel: "kiosk",
        at: issued,
        appointmentAt: null,
        estimatedWaitMinutes: 0,
        idempotencyKey: null,
      }),
      seq: n,
      number: `A00${n}`,
      status: done === null ? ("cancelled" as const) : ("done" as const),
      called_at: called,
      first_called_at: called,
      started_at: called,
      completed_at: done,
      served_by: done === null ? null : teller.id,
      updated_at: done ?? issued,
    });
    await old.write(async (tx) => {
      await tx
        .insertInto("tickets")
        .values([
          ticket(1, at("09:00"), at("09:04"), at("09:10")),
          ticket(2, at("09:05"), at("09:15"), at("09:20")),
          ticket(3, at("09:30"), null, null),
        ])
        .execute();
      // NPS 10 and 3: one promoter, one detractor → NPS 0.
      for (const [id, nps] of [
        ["t1", 10],
        ["t2", 3],
      ] as const)
        await tx
          .insertInto("surveys")
          .values({
            id: `s-${id}`,
            ticket_id: id,
            branch_id: demo.branchId,
            nps,
            answered_at: at("12:00"),
            created_at: at("11:00"),
          } as never)
          .execute();
      await tx
        .insertInto("complaints")
        .values({
          id: "c1",
          branch_id: demo.branchId,
          ticket_id: "t2",
          source: "staff",
          category: "wait_time",
          severity: "simple",
          description: "test",
          status: "closed",
          received_at: at("10:00"),
          due_at: at("10:00") + 15 * 24 * H,
          created_at: at("10:00"),
          updated_at: at("10:00"),
          reopen_count: 0,
          version: 0,
        } as never)
        .execute();
      // A review of t1: waited 3 minutes for a reviewer, who took 5 to decide.
      await tx
        .insertInto("reviews")
        .values({
          id: "r1",
          ticket_id: "t1",
          branch_id: demo.branchId,
          service_id: cash.id,
          teller_id: teller.id,
          priority: "normal",
          round: 1,
          status: "approved",
          submitted_at: at("09:10"),
          taken_at: at("09:13"),
          decided_at: at("09:18"),
        } as never)
        .execute();
      // Two appointments at 09:00: one kept on time (booked 24 h ahead), one cancelled (booked 48 h ahead).
      for (const [id, status, lead, checkedIn] of [
        ["a1", "completed", 24, at("08:58")],
        ["a2", "cancelled", 48, null],
      ] as const)
        await tx
          .insertInto("appointments")
          .values({
            id,
            branch_id: demo.branchId,
            service_id: cash.id,
            customer_name: "测试",
            customer_phone: "+8613800000000",
            day: DAY,
            start_at: at("09:00"),
            end_at: at("09:15"),
            status,
            code: id,
            manage_token_hash: `hash-${id}`,
            channel: "online",
            checked_in_at: checkedIn,
            created_at: at("09:00") - lead * H,
            updated_at: at("09:00"),
            lang: "zh-CN",
            answers: "{}",
            version: 0,
          } as never)
          .execute();
    });
    // The day as the code before migration 033 tallied it: the ticket counts, none of the later columns.
    const branch = await findBranch(db, demo.branchId);
    if (!branch) throw new Error("no branch");
    const none: DayExtras = { reviews: [], complaints: [], appointments: [] };
    const cells = cellsOf(branch, await listTicketFacts(db, branch.id, DAY), none);
    const oldColumns = (tally: Tally): Record<string, unknown> => {
      const columns: Record<string, unknown> = { ...tallyColumns(tally) };
      for (const gone of NEW_TALLY_COLUMNS) delete columns[gone];
      return columns;
    };
    await old.write(async (tx) => {
      for (const r of rollupsOf(cells))
        await tx
          .insertInto("analytics_rollups")
          .values({ branch_id: branch.id, grain: r.grain, day: DAY, key: r.key, ...oldColumns(r.tally) } as never)
          .execute();
      for (const c of cells) {
        const columns = oldColumns(c.tally);
        await tx
          .insertInto("analytics_cells")
          .values({
            branch_id: branch.id,
            day: DAY,
            hour: c.hour,
            service_id: c.serviceId,
            counter_key: c.counterKey,
            staff_key: c.staffKey,
            ...columns,
          } as never)
          .execute();
      }
    });
    await old.close();

    // The current code: migrations 033 on, then a server and its job runner.
    const store: Store = openStore(database.location);
    cleanup.push(() => store.close());
    const applied = await migrateToLatest(store);
    expect(applied).toContain("033-analytics-more-figures");
    expect(applied).toContain("038-analytics-rebuild-queue");
    expect(await queuedDayCount(store.db)).toBe(1);
    const server = await buildServer({ store, clock: () => START });
    cleanup.push(() => server.close());
    const login = await server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: "manager", password: TEST_PASSWORD },
    });
    const session = login.cookies.find((c) => c.name === "datang_session")?.value;
    const summary = async () => {
      const res = await server.app.inject({
        method: "GET",
        url: `/api/analytics/summary?branchId=${branch.id}&from=${DAY}&to=${DAY}&groupBy=day`,
        headers: { cookie: `datang_session=${session}`, origin: "http://localhost" },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().total as Record<string, number | null>;
    };
    // Upgraded but not yet rebuilt: the old day reads as the old tallies had it.
    const stale = await summary();
    expect(stale.arrived).toBe(3);
    expect(stale.nps).toBeNull();
    expect(stale.complaints).toBe(0);
    expect(stale.appointmentsBooked).toBe(0);

    // The start: the job runner's analytics jobs, as `datang serve` runs them.
    const runner = new JobRunner(server.ctx, { config: {}, channels: [], jobs: ANALYTICS_JOBS });
    await runner.tick();
    expect(await queuedDayCount(store.db)).toBe(0);
    const total = await summary();
    expect(total).toMatchObject({
      arrived: 3,
      served: 2,
      walkAways: 1,
      npsResponses: 2,
      nps: 0,
      complaints: 1,
      reviews: 1,
      meanReviewWaitMinutes: 3,
      meanReviewMinutes: 5,
      appointmentsBooked: 2,
      appointmentsCancelled: 1,
      appointmentsCheckedIn: 1,
      appointmentsOnTime: 1,
      meanLeadTimeHours: 36,
    });
    expect(total.complaintsPer1000Visits).toBeCloseTo(1000 / 3, 0);
    // A second run finds nothing left to do.
    expect(await rebuildQueuedDays(server.ctx)).toBe(0);
  }, 180_000);

  it("hands each queued day to one claimer at a time, and a dead claimer's days to another after its lease", async () => {
    const database = await freshDatabase(kind);
    cleanup.push(database.drop);
    const store = openStore(database.location);
    cleanup.push(() => store.close());
    await migrateToLatest(store);
    const days = Array.from({ length: 6 }, (_, i) => ({ branchId: "b1", day: `2026-10-0${i + 1}` }));
    await store.write((tx) => queueDays(tx, [...days, ...days], 0));
    expect(await queuedDayCount(store.db)).toBe(6);
    const now = START;
    const claim = (owner: string, at = now) =>
      store.write((tx) => claimQueuedDays(tx, { owner, now: at, leaseMs: 60_000, limit: 3 }));
    // The latest days first (this claim's lease has run out by `now`).
    expect((await claim("early", now - 120_000)).map((d) => d.day).sort()).toEqual([
      "2026-10-04",
      "2026-10-05",
      "2026-10-06",
    ]);
    // Two instances claiming at once (PostgreSQL: two connections) take different days.
    const [a, b] = await Promise.all([claim("a"), claim("b")]);
    expect(a).toHaveLength(3);
    expect(b).toHaveLength(3);
    const key = (d: { branchId: string; day: string }) => `${d.branchId} ${d.day}`;
    expect(new Set([...a, ...b].map(key)).size).toBe(6);
    expect(await claim("c")).toHaveLength(0);
    // "a" finishes its days; "b" dies. Finishing someone else's days removes nothing.
    await store.write((tx) => finishQueuedDays(tx, "a", [...a, ...b]));
    expect(await queuedDayCount(store.db)).toBe(3);
    const retaken = await claim("c", now + 60_001);
    expect(retaken.map(key).sort()).toEqual(b.map(key).sort());
  });

  it("gives the same tallies when several instances rebuild one month's days at once", async () => {
    const t = await startTestServer(kind);
    cleanup.push(() => t.close());
    const ctx = t.server.ctx;
    const days = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-07"];
    const lines = [IMPORT_COLUMNS.join(",")];
    for (const [d, day] of days.entries())
      for (let k = 1; k <= 20; k++) {
        const issued = Date.parse(`${day}T09:00:00+08:00`) + k * 7 * 60_000;
        const iso = (ms: number) => new Date(ms).toISOString();
        const wait = ((k * 5 + d * 3) % 25) * 60_000;
        lines.push(
          `SH001,CASH,A${String(k).padStart(3, "0")},${iso(issued)},${iso(issued + wait)},${iso(issued + wait)},${iso(issued + wait + 300_000)},1,teller1,served,${1 + (k % 3)}`,
        );
      }
    const imported = await importTickets(ctx, `${lines.join("\n")}\n`, "test");
    expect(imported.ok).toBe(true);
    const month = () =>
      readMonthRollups(ctx.store.db, "day", { branchIds: [t.branchId], from: "2026-11", to: "2026-11" }).then((m) =>
        m.map((r) => figuresOf(r.tally)),
      );
    const expected = await month();
    expect(expected[0]?.arrived).toBe(120);
    // Queued again, and three instances' runs take two days each at once.
    await ctx.store.write((tx) =>
      queueDays(
        tx,
        days.map((day) => ({ branchId: t.branchId, day })),
        0,
      ),
    );
    const runs = await Promise.all(["a", "b", "c"].map((owner) => rebuildQueuedDays(ctx, { owner, limit: 2 })));
    expect(runs.reduce((a, b) => a + b, 0)).toBe(6);
    expect(await queuedDayCount(ctx.store.db)).toBe(0);
    expect(await month()).toEqual(expected);
  });
});
