/**
 * Issue 13, the booking rush: the attempts queued on this instance behind a booking that takes a slot's last place
 * are refused as soon as that booking is committed (visible to every reader), not only once it is durable and its
 * own caller answered. What makes that visible point observable here: a store whose writes answer only when the
 * test lets them (as a slow disk sync would), while the commit itself has happened.
 * - Never more bookings than places, on SQLite and PostgreSQL; a cancellation frees the place again at once.
 * - On PostgreSQL, an instance that remembers a slot as full is not fooled by it: a place freed on another instance
 *   is bookable there as soon as the notice arrives, and the database's count decides every booking.
 */

import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type Server } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store, WriteFn } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

// A long lifetime: a slot bookable again "at once" below was dropped, not expired. Put back after this file, since
// test files may share a process (vitest.config.ts).
const lifetimeBefore = process.env.DATANG_SLOT_CACHE_MS;
beforeAll(() => {
  process.env.DATANG_SLOT_CACHE_MS = "10000";
});
afterAll(() => {
  if (lifetimeBefore === undefined) delete process.env.DATANG_SLOT_CACHE_MS;
  else process.env.DATANG_SLOT_CACHE_MS = lifetimeBefore;
});
const TOMORROW = "2026-11-24";
const at = (hhmm: string) => `${TOMORROW}T${hhmm}:00.000+08:00`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A store whose writes commit as usual but answer their callers only while the gate is open. */
function gatedStore(store: Store): { store: Store; close(): void; open(): void } {
  let gate: Promise<void> | undefined;
  let openGate = (): void => {};
  // Everything else as the store has it (on PostgreSQL its pool, which the instance listens for notices on).
  const gated: Store = {
    ...store,
    write: <T>(fn: WriteFn<T>) =>
      store.write(fn).then(async (value) => {
        if (gate) await gate;
        return value;
      }),
  };
  return {
    store: gated,
    close() {
      gate = new Promise<void>((resolve) => {
        openGate = resolve;
      });
    },
    open() {
      openGate();
      gate = undefined;
    },
  };
}

describe.each(DB_KINDS)("a rush on one slot on %s", (kind) => {
  let t: TestServer;
  let gated: { server: Server; store: Store; gate: ReturnType<typeof gatedStore> };
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
    const store = openStore(t.location);
    const gate = gatedStore(store);
    gated = { server: await buildServer({ store: gate.store, clock: () => t.clock.now }), store, gate };
  });
  afterAll(async () => {
    gated?.gate.open();
    await gated?.server.close();
    await gated?.store.close();
    await t?.close();
  });

  const bookOn = (server: Server, start: string, phone: string) =>
    server.app.inject({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      headers: { cookie: lobby },
      payload: { serviceId: wealth, start, name: "客户", phone },
    });
  const booked = async (start: string) =>
    (
      await t.server.ctx.store.db
        .selectFrom("appointments")
        .select("id")
        .where("service_id", "=", wealth)
        .where("start_at", "=", Date.parse(start))
        .where("status", "=", "booked")
        .execute()
    ).length;

  it("refuses the attempts queued behind the booking that fills a slot once it is committed, before it answers", async () => {
    const start = at("10:00");
    gated.gate.close();
    const settled: Array<LightMyRequestResponse | undefined> = [];
    const attempts = Array.from({ length: 21 }, (_, i) =>
      bookOn(gated.server, start, `1380013${String(8100 + i)}`).then((res) => {
        settled[i] = res;
        return res;
      }),
    );
    // Twenty refusals come while the booking's own answer is still held back: they did not wait for it.
    const deadline = Date.now() + 10_000;
    while (settled.filter((r) => r?.statusCode === 409).length < 20) {
      if (Date.now() > deadline) throw new Error(`refusals: ${settled.map((r) => r?.statusCode).join(",")}`);
      await sleep(5);
    }
    expect(settled.filter((r) => r !== undefined)).toHaveLength(20);
    for (const r of settled) if (r) expect(r.json()).toMatchObject({ error: "conflict", details: { reason: "full" } });
    // The booking is committed (every reader sees it), and only it.
    expect(await booked(start)).toBe(1);
    gated.gate.open();
    const all = await Promise.all(attempts);
    expect(all.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(all.filter((r) => r.statusCode === 409)).toHaveLength(20);
    const winner = all.find((r) => r.statusCode === 201) as LightMyRequestResponse;
    expect(Object.keys(winner.json()).sort()).toEqual([
      "code",
      "end",
      "id",
      "manageToken",
      "manageUrl",
      "start",
      "status",
    ]);
    expect(await booked(start)).toBe(1);

    // Known full now; the customer cancels, and the place is bookable again at once (no lifetime to wait out).
    expect((await bookOn(gated.server, start, "13800138200")).statusCode).toBe(409);
    const cancelled = await gated.server.app.inject({
      method: "POST",
      url: `/api/appointments/${winner.json().id}/cancel`,
      headers: { cookie: lobby },
      payload: { reason: "test" },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const again = await bookOn(gated.server, start, "13800138201");
    expect(again.statusCode, again.body).toBe(201);
    expect(await booked(start)).toBe(1);
  });

  it("a burst across three slots books each free place once; the refusals undo no other booking", async () => {
    // One place at 10:20 and at 10:40, and one at 11:00 already taken: 30 attempts across them, all at once.
    expect((await bookOn(gated.server, at("11:00"), "13800138300")).statusCode).toBe(201);
    const starts = [at("10:20"), at("10:40"), at("11:00")];
    const all = await Promise.all(
      Array.from({ length: 30 }, (_, i) => bookOn(gated.server, starts[i % 3] as string, `1380013${String(8310 + i)}`)),
    );
    const byStart = starts.map((_start, k) => all.filter((r, i) => i % 3 === k && r.statusCode === 201).length);
    expect(byStart).toEqual([1, 1, 0]);
    expect(all.filter((r) => r.statusCode === 409)).toHaveLength(28);
    for (const s of starts) expect(await booked(s)).toBe(1);
  });

  it.runIf(kind === "postgres")(
    "an instance that remembers a slot as full is not fooled by it when another instance frees the place",
    async () => {
      const start = at("11:20");
      const first = await bookOn(gated.server, start, "13800138400");
      expect(first.statusCode, first.body).toBe(201);
      // The gated instance now knows the slot full: refused from memory.
      expect((await bookOn(gated.server, start, "13800138401")).statusCode).toBe(409);
      // The other instance frees the place and takes it again itself: the remembered "full" is true again, and the
      // database's count, not the memory, decided both bookings.
      const cancel = (id: string) =>
        t.server.app.inject({
          method: "POST",
          url: `/api/appointments/${id}/cancel`,
          headers: { cookie: lobby },
          payload: { reason: "test" },
        });
      expect((await cancel(first.json().id)).statusCode).toBe(200);
      const other = await bookOn(t.server, start, "13800138402");
      expect(other.statusCode, other.body).toBe(201);
      expect((await bookOn(gated.server, start, "13800138403")).statusCode).toBe(409);
      expect(await booked(start)).toBe(1);
      // Freed on the other instance again: the gated one books it as soon as the notice arrives, well before the
      // memory's lifetime (10 s here) would have let it go.
      expect((await cancel(other.json().id)).statusCode).toBe(200);
      const t0 = Date.now();
      let rebooked: LightMyRequestResponse | undefined;
      for (let i = 0; Date.now() - t0 < 3_000; i++) {
        const res = await bookOn(gated.server, start, `1380013${String(8410 + i)}`);
        if (res.statusCode === 201) {
          rebooked = res;
          break;
        }
        expect(res.statusCode).toBe(409);
        await sleep(5);
      }
      expect(rebooked?.statusCode).toBe(201);
      expect(await booked(start)).toBe(1);
      // Both instances at once on a fresh one-place slot: one booking in all.
      const fresh = at("11:40");
      const all = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          bookOn(i % 2 ? t.server : gated.server, fresh, `1380013${String(8500 + i)}`),
        ),
      );
      expect(all.filter((r) => r.statusCode === 201)).toHaveLength(1);
      expect(await booked(fresh)).toBe(1);
    },
  );
});
