import { Migrator, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createAppContext } from "../src/app/create-context.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { buildServer } from "../src/http/server.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { newTicketRow } from "../src/store/issued-ticket.ts";
import { migrationProvider } from "../src/store/migrations/index.ts";
import { DB_KINDS, freshDatabase } from "./support/databases.ts";
import { START, TEST_PASSWORD } from "./support/harness.ts";

/**
 * A database made by the first release upgrades in place: migration 001 only, the branch set up and a ticket
 * waiting in it; then the current code migrates it and a teller serves that ticket.
 */
describe.each(DB_KINDS)("upgrading a database of the first release on %s", (kind) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("migrates to the latest schema and serves the tickets it held", async () => {
    const database = await freshDatabase(kind);
    cleanup.push(database.drop);

    // The first release: its schema, its branch, and a ticket written with its columns.
    const old = openStore(database.location);
    const first = await new Migrator({ db: old.db, provider: migrationProvider(old.dialect) }).migrateTo("001-initial");
    expect(first.error).toBeUndefined();
    const demo = await seedDemo(createAppContext({ store: old, clock: () => START }), TEST_PASSWORD, {
      knowledge: false,
    });
    const service = await old.db
      .selectFrom("services")
      .select(["id", "prefix"])
      .where("code", "=", "CASH")
      .executeTakeFirstOrThrow();
    const { first_called_at: _new, ...row } = newTicketRow({
      id: "01900000-0000-7000-8000-000000000001",
      branchId: demo.branchId,
      serviceId: service.id,
      day: "2026-11-23",
      priority: "normal",
      channel: "kiosk",
      at: START,
      appointmentAt: null,
      estimatedWaitMinutes: 0,
      idempotencyKey: null,
    });
    // Served before the upgrade: issued at START − 10 min, called 2 minutes later, done. No first call stored.
    const served = {
      ...row,
      id: "01900000-0000-7000-8000-000000000000",
      seq: 1,
      number: `${service.prefix}001`,
      status: "done" as const,
      issued_at: START - 10 * 60_000,
      queued_at: START - 10 * 60_000,
      called_at: START - 8 * 60_000,
      started_at: START - 7 * 60_000,
      completed_at: START - 3 * 60_000,
      updated_at: START - 3 * 60_000,
    };
    await old.write((tx) =>
      tx
        .insertInto("tickets")
        .values([served, { ...row, seq: 2, number: `${service.prefix}002` }])
        .execute(),
    );
    await old.close();

    // The current code: migrations from 002 on, then a server on the upgraded database.
    const store = openStore(database.location);
    cleanup.push(() => store.close());
    // Every migration after the first release's, whichever capabilities have added theirs.
    const later = Object.keys(await migrationProvider(store.dialect).getMigrations())
      .filter((name) => name !== "001-initial")
      .sort();
    expect(later[0]).toBe("002-first-call");
    expect(await migrateToLatest(store)).toEqual(later);
    const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(store.db);
    expect(applied.rows.map((r) => r.name)).toEqual(["001-initial", ...later]);
    let now = START + 4 * 60_000;
    const server = await buildServer({ store, clock: () => now });
    cleanup.push(() => server.close());
    const login = await server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: "teller3", password: TEST_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const cookie = `datang_session=${login.cookies.find((c) => c.name === "datang_session")?.value}`;
    const counter = await store.db
      .selectFrom("counters")
      .select("id")
      .where("number", "=", 3)
      .executeTakeFirstOrThrow();
    const post = (url: string) => server.app.inject({ method: "POST", url, headers: { cookie } });
    expect((await post(`/api/counters/${counter.id}/sign-in`)).statusCode).toBe(200);
    const called = await post(`/api/counters/${counter.id}/call-next`);
    expect(called.json().ticket).toMatchObject({ number: "A002", status: "called" });
    now += 60_000;
    expect((await post(`/api/tickets/${row.id}/recall`)).statusCode).toBe(200);
    const stats = await server.app.inject({
      method: "GET",
      url: `/api/branches/${demo.branchId}/stats/today`,
      headers: { cookie },
    });
    // The ticket served before the upgrade waited 2 minutes (to its call: no first call was stored then); the
    // one called since, 4 (the recall a minute later does not count).
    expect(stats.json()).toMatchObject({ issued: 2, served: 1, averageWaitMinutes: 3 });
  });
});
