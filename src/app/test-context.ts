/**
 * Test support for the use-case tests beside each use case: an AppContext on a fresh database (SQLite or PostgreSQL) with the
 * demo branch seeded, a clock the test moves, and actors built from the seeded rows. Never imported by
 * production code.
 */

import { type DbKind, databaseFromTemplate } from "../../test/support/databases.ts";
import type { UserId } from "../domain/ids.ts";
import type { TicketStatus } from "../domain/ticket.ts";
import { migrateToLatest, openStore } from "../store/connect.ts";
import type { CounterTable, TicketTable } from "../store/schema.ts";
import type { DeviceActor, DeviceKind, StaffActor } from "./actor.ts";
import { deviceActor } from "./auth/authenticate.ts";
import { loadStaff } from "./auth/login.ts";
import type { AppContext } from "./context.ts";
import { callTicket } from "./counters/call-next.ts";
import { signIn } from "./counters/sign-in.ts";
import { createAppContext } from "./create-context.ts";
import { type DemoLogins, seedDemo } from "./seed-demo.ts";
import { issueTicket } from "./tickets/issue-ticket.ts";
import { completeService, markNoShow, parkTicket, recallTicket, startService } from "./tickets/serve-actions.ts";
import { cancelTicket, redirectTicket } from "./tickets/triage-actions.ts";
import type { TicketView } from "./views.ts";

export const TEST_PASSWORD = "test-password-1";

/** 09:30 in Shanghai on a Monday: the branch is open. */
export const START = Date.parse("2026-11-23T01:30:00Z");

export interface TestClock {
  now: number;
  advance(ms: number): void;
}

export interface TestContext {
  readonly ctx: AppContext;
  readonly clock: TestClock;
  /** The database (SQLite file or PostgreSQL URL): a second store on it sees only committed data. */
  readonly location: string;
  readonly branchId: string;
  /** Business type id by code (CASH, TRANSFER, ACCOUNT, CARD, WEALTH, CORP). */
  service(code: string): string;
  /** Counter id by number (1–8). */
  counter(number: number): string;
  /** A demo user as a signed-in staff actor (admin, manager, lobby, teller1…teller8, reviewer, auditor). */
  staff(username: string, ip?: string): Promise<StaffActor>;
  /** The demo branch's device of this kind (the rating pad belongs to counter 1). */
  device(kind: DeviceKind): Promise<DeviceActor>;
  /** A walk-in ticket of this business type, taken at the demo kiosk. */
  issue(code: string): Promise<TicketView & { position: number }>;
  ticketRow(id: string): Promise<TicketTable>;
  counterRow(number: number): Promise<CounterTable>;
  close(): Promise<void>;
}

/**
 * A fresh database of the given kind, migrated to the latest version and seeded with the demo branch at START with
 * TEST_PASSWORD (as `seedDemo` does on an empty database), copied from a template made once per worker process.
 */
export function seededDemoDatabase(kind: DbKind): ReturnType<typeof databaseFromTemplate<DemoLogins>> {
  return databaseFromTemplate(kind, "demo", async (location) => {
    const store = openStore(location);
    try {
      await migrateToLatest(store);
      return await seedDemo(createAppContext({ store, clock: () => START }), TEST_PASSWORD);
    } finally {
      await store.close();
    }
  });
}

/** A fresh database of the given kind with the demo branch, for one test or one describe block. */
export async function makeTestContext(kind: DbKind = "sqlite"): Promise<TestContext> {
  const { location, drop, built: demo } = await seededDemoDatabase(kind);
  const database = { location, drop };
  const store = openStore(database.location);
  const clock: TestClock = {
    now: START,
    advance(ms) {
      this.now += ms;
    },
  };
  const ctx = createAppContext({ store, clock: () => clock.now });
  const services = new Map(
    (await store.db.selectFrom("services").select(["id", "code"]).execute()).map((s) => [s.code, s.id]),
  );
  const counters = new Map(
    (await store.db.selectFrom("counters").select(["id", "number"]).execute()).map((c) => [c.number, c.id]),
  );
  const must = <K, V>(map: Map<K, V>, key: K): V => {
    const value = map.get(key);
    if (value === undefined) throw new Error(`no demo entry ${String(key)}`);
    return value;
  };
  const testContext: TestContext = {
    ctx,
    clock,
    location: database.location,
    branchId: demo.branchId,
    service: (code) => must(services, code),
    counter: (number) => must(counters, number),
    async staff(username, ip = "10.0.0.1") {
      const row = await store.db
        .selectFrom("users")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirstOrThrow();
      const actor = await loadStaff(ctx, row.id as UserId, ip);
      if (!actor) throw new Error(`demo user ${username} is inactive`);
      return actor;
    },
    async device(kind) {
      const row = await store.db
        .selectFrom("devices")
        .select("id")
        .where("branch_id", "=", demo.branchId)
        .where("kind", "=", kind)
        .executeTakeFirstOrThrow();
      return deviceActor(ctx, row.id);
    },
    async issue(code) {
      return (
        await issueTicket(ctx, await testContext.device("kiosk"), {
          branchId: demo.branchId,
          serviceId: testContext.service(code),
        })
      ).ticket;
    },
    ticketRow: (id) => store.db.selectFrom("tickets").selectAll().where("id", "=", id).executeTakeFirstOrThrow(),
    counterRow: (number) =>
      store.db.selectFrom("counters").selectAll().where("id", "=", must(counters, number)).executeTakeFirstOrThrow(),
    async close() {
      ctx.lines.close();
      await store.close();
      await database.drop();
    },
  };
  return testContext;
}

/** One ticket in each status, through the use cases: teller1 works at counter 1, teller2 at counter 2. */
export async function ticketsInEveryStatus(t: TestContext): Promise<Record<TicketStatus, string>> {
  const { ctx } = t;
  const kiosk = await t.device("kiosk");
  const lobby = await t.staff("lobby");
  const teller1 = await t.staff("teller1");
  const teller2 = await t.staff("teller2");
  const issue = async () =>
    (await issueTicket(ctx, kiosk, { branchId: t.branchId, serviceId: t.service("CASH") })).ticket.id;
  await signIn(ctx, teller1, t.counter(1));
  await signIn(ctx, teller2, t.counter(2));
  const call = (teller: StaffActor, counter: number, id: string) => callTicket(ctx, teller, t.counter(counter), id);

  const done = await issue();
  await call(teller1, 1, done);
  await startService(ctx, teller1, done);
  await completeService(ctx, teller1, done, {});

  const noShow = await issue();
  await call(teller1, 1, noShow);
  for (let i = 0; i < 3; i++) {
    t.clock.advance(10_000); // the branch's least gap between calls
    await recallTicket(ctx, teller1, noShow);
  }
  await markNoShow(ctx, teller1, noShow);

  const parked = await issue();
  await call(teller1, 1, parked);
  await parkTicket(ctx, teller1, parked, {});

  const cancelled = await issue();
  await cancelTicket(ctx, lobby, cancelled, {});
  const redirected = await issue();
  await redirectTicket(ctx, lobby, redirected, { reason: "simple deposit", target: "self_service" });

  // A business type that needs a second review: its completion leaves it in review.
  const inReview = (await issueTicket(ctx, kiosk, { branchId: t.branchId, serviceId: t.service("TRANSFER") })).ticket
    .id;
  await call(teller1, 1, inReview);
  await startService(ctx, teller1, inReview);
  await completeService(ctx, teller1, inReview, {});

  const called = await issue();
  await call(teller1, 1, called);
  const serving = await issue();
  await call(teller2, 2, serving);
  await startService(ctx, teller2, serving);

  const waiting = await issue();
  return { waiting, called, serving, done, no_show: noShow, parked, cancelled, redirected, in_review: inReview };
}

/** What a refused action must leave untouched: the ticket row, its transitions, the branch events, the counters. */
export async function writtenState(t: TestContext, ticketId: string) {
  const db = t.ctx.store.db;
  const count = (table: "ticket_transitions" | "events" | "audit_log") =>
    db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  return {
    ticket: await db.selectFrom("tickets").selectAll().where("id", "=", ticketId).executeTakeFirstOrThrow(),
    transitions: await db
      .selectFrom("ticket_transitions")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("ticket_id", "=", ticketId)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n)),
    allTransitions: await count("ticket_transitions"),
    events: await count("events"),
    audit: await count("audit_log"),
    counters: await db.selectFrom("counters").selectAll().orderBy("number").execute(),
  };
}

export { deviceActor };
