/**
 * Issue 13: what an instance remembers about bookable places, and how it forgets it.
 * - A slot known full is refused from memory, and a cancellation or a released hold makes it bookable again at once.
 * - Two instances on one PostgreSQL: a booking, a cancellation, a rule change or an edit of what the slot grid is
 *   made of (a counter's skills, the opening hours, a business type's minutes) on one shows in the other's slot
 *   answer at once (NOTIFY), and a full slot freed on one is bookable on the other at once.
 * - The listening connection lost: no crash, answers still come (the TTL bounds them), and after it is back the
 *   notices flow again.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type Server } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

// A long lifetime: whatever shows at once below was dropped, not expired. Put back after this file, since test files
// may share a process (vitest.config.ts).
const lifetimeBefore = process.env.DATANG_SLOT_CACHE_MS;
beforeAll(() => {
  process.env.DATANG_SLOT_CACHE_MS = "10000";
});
afterAll(() => {
  if (lifetimeBefore === undefined) delete process.env.DATANG_SLOT_CACHE_MS;
  else process.env.DATANG_SLOT_CACHE_MS = lifetimeBefore;
});
const TOMORROW = "2026-11-24";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls until `check` holds; answers how long that took (a notice takes a moment, the lifetime is 10 s). */
async function soon(check: () => Promise<boolean>, ms = 3_000): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${check.toString().slice(0, 200)}`);
    await sleep(10);
  }
  return Date.now() - t0;
}

describe.each(DB_KINDS)("a full slot remembered on %s", (kind) => {
  let t: TestServer;
  let wealth: string;
  let lobby: string;
  beforeAll(async () => {
    t = await startTestServer(kind);
    const ids = await demoIds(t);
    wealth = ids.services.get("WEALTH") as string;
    lobby = await t.login("lobby");
    // Counters 6 and 7 serve WEALTH: half their time gives one place a slot.
    const rules = await t.request({
      method: "PUT",
      url: `/api/services/${wealth}/booking-rules`,
      cookie: await t.login("manager"),
      body: { share: 0.5 },
    });
    expect(rules.statusCode, rules.body).toBe(200);
  });
  afterAll(() => t?.close());

  const book = (start: string, phone: string) =>
    t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: lobby,
      body: { serviceId: wealth, start, name: "客户", phone },
    });
  const count = async (start: string) =>
    (
      await t.server.ctx.store.db
        .selectFrom("appointments")
        .select("id")
        .where("start_at", "=", Date.parse(start))
        .where("status", "=", "booked")
        .execute()
    ).length;

  it("refuses a full slot without reading the database, and books it again at once after a cancellation", async () => {
    const start = `${TOMORROW}T10:00:00.000+08:00`;
    const first = await book(start, "13800138001");
    expect(first.statusCode, first.body).toBe(201);
    expect((await book(start, "13800138002")).statusCode).toBe(409);
    // Known full now: the refusal asks the database nothing (every query of the store is counted).
    const db = t.server.ctx.store.db.getExecutor() as unknown as { executeQuery: (...a: unknown[]) => unknown };
    const original = db.executeQuery;
    let queries = 0;
    db.executeQuery = function (this: unknown, ...a: unknown[]) {
      queries++;
      return original.apply(this, a);
    };
    // The probe counts: an ordinary read through the store is seen.
    await t.server.ctx.store.db.selectFrom("branches").select("id").execute();
    expect(queries).toBe(1);
    queries = 0;
    try {
      const refused = await book(start, "13800138003");
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ details: { reason: "full" } });
    } finally {
      db.executeQuery = original;
    }
    expect(queries).toBe(0);
    expect(await count(start)).toBe(1);
    // The customer cancels: the place is free at once, not after the cache's lifetime.
    const cancelled = await t.request({
      method: "POST",
      url: `/api/appointments/${first.json().id}/cancel`,
      cookie: lobby,
      body: { reason: "test" },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const again = await book(start, "13800138004");
    expect(again.statusCode, again.body).toBe(201);
    expect(await count(start)).toBe(1);
  });

  it("a slot full because of a hold is bookable once the hold is released or lapses; the holder is never refused", async () => {
    const start = `${TOMORROW}T10:20:00.000+08:00`;
    const held = await t.request({
      method: "POST",
      url: "/api/public/holds",
      body: { branchId: t.branchId, serviceId: wealth, start },
    });
    expect(held.statusCode, held.body).toBe(201);
    expect((await book(start, "13800138011")).statusCode).toBe(409);
    expect((await book(start, "13800138012")).statusCode).toBe(409);
    // The holder books on the held place although the slot is known full.
    const holder = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: lobby,
      body: { serviceId: wealth, start, name: "持有者", phone: "13800138013", holdId: held.json().holdId },
    });
    expect(holder.statusCode, holder.body).toBe(201);
    expect(await count(start)).toBe(1);

    const next = `${TOMORROW}T10:40:00.000+08:00`;
    const hold2 = await t.request({
      method: "POST",
      url: "/api/public/holds",
      body: { branchId: t.branchId, serviceId: wealth, start: next },
    });
    expect(hold2.statusCode, hold2.body).toBe(201);
    expect((await book(next, "13800138014")).statusCode).toBe(409);
    const released = await t.request({ method: "POST", url: `/api/public/holds/${hold2.json().holdId}/release` });
    expect(released.json()).toEqual({ released: true });
    expect((await book(next, "13800138015")).statusCode).toBe(201);

    const later = `${TOMORROW}T11:00:00.000+08:00`;
    const hold3 = await t.request({
      method: "POST",
      url: "/api/public/holds",
      body: { branchId: t.branchId, serviceId: wealth, start: later },
    });
    expect(hold3.statusCode, hold3.body).toBe(201);
    expect((await book(later, "13800138016")).statusCode).toBe(409);
    // The hold lapses (10 minutes): the slot is free again although nothing told this instance.
    t.clock.advance(11 * 60_000);
    expect((await book(later, "13800138017")).statusCode).toBe(201);
  });
});

describe.each(DB_KINDS.filter((k) => k === "postgres"))("slot answers across two instances on %s", (kind) => {
  let t: TestServer;
  let second: { server: Server; store: Store };
  let wealth: string;
  let lobby: string;
  let manager: string;
  beforeAll(async () => {
    t = await startTestServer(kind);
    const store = openStore(t.location);
    second = { server: await buildServer({ store, clock: () => t.clock.now }), store };
    const ids = await demoIds(t);
    wealth = ids.services.get("WEALTH") as string;
    lobby = await t.login("lobby");
    manager = await t.login("manager");
    const rules = await t.request({
      method: "PUT",
      url: `/api/services/${wealth}/booking-rules`,
      cookie: manager,
      body: { share: 0.5 },
    });
    expect(rules.statusCode, rules.body).toBe(200);
  });
  afterAll(async () => {
    await second?.server.close();
    await second?.store.close();
    await t?.close();
  });

  const slotsOn = async (server: Server, date = TOMORROW) => {
    const res = await server.app.inject({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${wealth}&date=${date}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().slots as Array<{ start: string; free: number }>;
  };
  const freeAt = async (server: Server, start: string) => (await slotsOn(server)).find((s) => s.start === start)?.free;
  const bookOn = (server: Server, start: string, phone: string) =>
    server.app.inject({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      headers: { cookie: lobby },
      payload: { serviceId: wealth, start, name: "客户", phone },
    });

  it("a booking and a cancellation on one instance show in the other's cached answer at once", async () => {
    const start = `${TOMORROW}T09:20:00.000+08:00`;
    // The second instance has the day's answer cached (for 2 s) before the booking.
    expect(await freeAt(second.server, start)).toBe(1);
    expect(await freeAt(second.server, start)).toBe(1);
    const booked = await bookOn(t.server, start, "13900139001");
    expect(booked.statusCode, booked.body).toBe(201);
    // The notice is delivered at the commit: the other instance's answer changes well inside its 10 s lifetime.
    expect(await soon(async () => (await freeAt(second.server, start)) === 0)).toBeLessThan(3_000);
    // Known full on the second instance too, then freed on the first: bookable on the second at once.
    expect((await bookOn(second.server, start, "13900139002")).statusCode).toBe(409);
    expect((await bookOn(second.server, start, "13900139003")).statusCode).toBe(409);
    const cancelled = await t.server.app.inject({
      method: "POST",
      url: `/api/appointments/${booked.json().id}/cancel`,
      headers: { cookie: lobby },
      payload: { reason: "test" },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await soon(async () => (await freeAt(second.server, start)) === 1);
    const rebooked = await bookOn(second.server, start, "13900139004");
    expect(rebooked.statusCode, rebooked.body).toBe(201);
    await soon(async () => (await freeAt(t.server, start)) === 0);
  });

  it("a rule change on one instance shows in the other's answers at once", async () => {
    const before = await slotsOn(second.server, "2026-11-25");
    expect(before.every((s) => s.free <= 1)).toBe(true);
    const rules = await t.server.app.inject({
      method: "PUT",
      url: `/api/services/${wealth}/booking-rules`,
      headers: { cookie: manager },
      payload: { share: 1 },
    });
    expect(rules.statusCode, rules.body).toBe(200);
    await soon(async () => (await slotsOn(second.server, "2026-11-25")).some((s) => s.free === 2));
  });

  it("survives losing the listening connection: answers keep coming, and notices flow again once it is back", async () => {
    const admin = new pg.Client({ connectionString: t.location });
    await admin.connect();
    try {
      const killed = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity " +
          "WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
      );
      expect(killed.rowCount).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.end();
    }
    const start = `${TOMORROW}T11:20:00.000+08:00`;
    // Meanwhile: no crash, answers come (fresh or at most the TTL old).
    expect(await freeAt(second.server, start)).toBe(2);
    // The listeners reconnect (200 ms, doubling up to 1 s).
    const deadline = Date.now() + 15_000;
    for (;;) {
      const probe = new pg.Client({ connectionString: t.location });
      await probe.connect();
      const n = (
        await probe.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
      ).rows[0] as { n: number };
      await probe.end();
      if (n.n >= 2) break;
      if (Date.now() > deadline) throw new Error("the listeners did not come back");
      await sleep(100);
    }
    expect(await freeAt(second.server, start)).toBe(2);
    const booked = await bookOn(t.server, start, "13900139011");
    expect(booked.statusCode, booked.body).toBe(201);
    expect(await soon(async () => (await freeAt(second.server, start)) === 1)).toBeLessThan(3_000);
  });

  it("a counter, opening-hours or business-type edit on one instance shows in the other's answers at once", async () => {
    const day = "2026-11-26"; // a Thursday no test above booked on
    const config = (server: Server, url: string, payload: object) =>
      server.app.inject({ method: "PATCH", url, headers: { cookie: manager }, payload });
    const ids = await demoIds(t);
    const counter7 = ids.counters.get(7) as string;
    const at = (hhmm: string) => `${day}T${hhmm}:00.000+08:00`;

    // Counters 6 and 7 serve WEALTH at share 1: two places a slot, cached on both instances (10 s lifetime).
    const rules = await t.server.app.inject({
      method: "PUT",
      url: `/api/services/${wealth}/booking-rules`,
      headers: { cookie: manager },
      payload: { share: 1 },
    });
    expect(rules.statusCode, rules.body).toBe(200);
    await soon(async () => (await slotsOn(second.server, day)).every((s) => s.free === 2));
    expect((await slotsOn(second.server, day)).every((s) => s.free === 2)).toBe(true);
    expect((await slotsOn(t.server, day)).every((s) => s.free === 2)).toBe(true);
    // Counter 7 stops serving WEALTH on the first instance: one place a slot on both, well inside the lifetime.
    const unskilled = await config(t.server, `/api/counters/${counter7}`, {
      skills: [{ serviceId: ids.services.get("CASH") as string, weight: 1 }],
    });
    expect(unskilled.statusCode, unskilled.body).toBe(200);
    expect(await soon(async () => (await slotsOn(second.server, day)).every((s) => s.free === 1))).toBeLessThan(3_000);
    expect((await slotsOn(t.server, day)).every((s) => s.free === 1)).toBe(true);

    // The second instance learns 09:00 is full (one place): its next attempt is refused from memory.
    expect((await bookOn(second.server, at("09:00"), "13900139021")).statusCode).toBe(201);
    expect((await bookOn(second.server, at("09:00"), "13900139022")).statusCode).toBe(409);
    // Counter 7 serves WEALTH again (first instance): the second instance books the new place at once.
    const reskilled = await config(t.server, `/api/counters/${counter7}`, {
      skills: [{ serviceId: wealth, weight: 3 }],
    });
    expect(reskilled.statusCode, reskilled.body).toBe(200);
    await soon(async () => (await slotsOn(second.server, day)).find((s) => s.start === at("09:00"))?.free === 1);
    expect((await bookOn(second.server, at("09:00"), "13900139023")).statusCode).toBe(201);

    // Opening hours of Thursday cut to 09:00–10:00 on the first instance: no later slot on the second.
    const branches = (
      await t.server.app.inject({ method: "GET", url: "/api/branches", headers: { cookie: manager } })
    ).json() as Array<{ id: string; openingHours: Record<string, [string, string] | null> }>;
    const branch = branches.find((b) => b.id === t.branchId) as (typeof branches)[number];
    const thursday = branch.openingHours["4"];
    expect(thursday?.[1]).not.toBe("10:00");
    expect((await slotsOn(second.server, day)).some((s) => s.start >= at("10:00"))).toBe(true);
    const hours = await config(t.server, `/api/branches/${t.branchId}`, {
      openingHours: { ...branch.openingHours, 4: [thursday?.[0] ?? "09:00", "10:00"] },
    });
    expect(hours.statusCode, hours.body).toBe(200);
    expect(
      await soon(async () => {
        const slots = await slotsOn(second.server, day);
        return slots.length > 0 && slots.every((s) => s.start < at("10:00"));
      }),
    ).toBeLessThan(3_000);

    // WEALTH takes twice as long on the first instance: half as many slots on the second.
    const before = (await slotsOn(second.server, day)).length;
    const service = (
      await t.server.app.inject({
        method: "GET",
        url: `/api/branches/${t.branchId}/services`,
        headers: { cookie: manager },
      })
    ).json() as Array<{ id: string; expectedMinutes: number }>;
    const minutes = service.find((s) => s.id === wealth)?.expectedMinutes as number;
    const longer = await config(t.server, `/api/services/${wealth}`, { expectedMinutes: minutes * 2 });
    expect(longer.statusCode, longer.body).toBe(200);
    expect(await soon(async () => (await slotsOn(second.server, day)).length < before)).toBeLessThan(3_000);
  });
});
