import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { closeOnSundays, demoIds, START, startTestServer, type TestServer } from "./support/harness.ts";

const MIN = 60_000;
const TOMORROW = "2026-11-24";

describe.each(DB_KINDS)("slot holds on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const svc = (code: string) => ids.services.get(code) as string;
  const slots = async (code: string, date = TOMORROW) => {
    const res = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${svc(code)}&date=${date}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().slots as Array<{ start: string; end: string; free: number }>;
  };
  const hold = (code: string, start: string | undefined, ip: string) =>
    t.server.app.inject({
      method: "POST",
      url: "/api/public/holds",
      remoteAddress: ip,
      payload: { branchId: t.branchId, serviceId: svc(code), start },
    });
  const book = async (code: string, start: string | undefined, phone: string, holdId?: string) =>
    t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: await t.login("lobby"),
      body: { serviceId: svc(code), start, name: "Hold Test", phone, ...(holdId && { holdId }) },
    });
  const freeAt = async (code: string, start: string | undefined) =>
    (await slots(code)).find((s) => s.start === start)?.free;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    // All of ACCOUNT's counter time for appointments: slots of several places.
    const rules = await t.request({
      method: "PUT",
      url: `/api/services/${svc("ACCOUNT")}/booking-rules`,
      cookie: await t.login("manager"),
      body: { share: 1 },
    });
    expect(rules.statusCode, rules.body).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("takes exactly the free places under 40 parallel holds; held places count against capacity", async () => {
    t.clock.now = START;
    const day = await slots("ACCOUNT");
    const slot = day.find((s) => s.free >= 2);
    expect(slot, JSON.stringify(day.slice(0, 5))).toBeDefined();
    const places = slot?.free ?? 0;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => hold("ACCOUNT", slot?.start, `10.1.${i >> 8}.${i & 255}`)),
    );
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(places);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40 - places);
    const won = answers.filter((r) => r.statusCode === 201).map((r) => r.json());
    expect(won[0]).toMatchObject({ start: slot?.start, end: slot?.end });
    expect(won[0].holdId.length).toBeGreaterThanOrEqual(22);
    // Ten minutes (the default hold), written with the branch's offset.
    expect(Date.parse(won[0].expiresAt) - START).toBe(10 * MIN);
    expect(await freeAt("ACCOUNT", slot?.start)).toBe(0);

    // Someone without a hold finds the slot full; the holder books it.
    const full = await book("ACCOUNT", slot?.start, "13800000001");
    expect(full.statusCode, full.body).toBe(409);
    const mine = await book("ACCOUNT", slot?.start, "13800000002", won[0].holdId);
    expect(mine.statusCode, mine.body).toBe(201);
    expect(await freeAt("ACCOUNT", slot?.start)).toBe(0);
    // Its hold is gone with the booking: used again, it is no free pass.
    const again = await book("ACCOUNT", slot?.start, "13800000003", won[0].holdId);
    expect(again.statusCode).toBe(409);

    // A released hold frees its place at once.
    const released = await t.request({ method: "POST", url: `/api/public/holds/${won[1].holdId}/release` });
    expect(released.statusCode).toBe(200);
    expect(released.json()).toEqual({ released: true });
    expect(await freeAt("ACCOUNT", slot?.start)).toBe(1);
    const unknown = await t.request({ method: "POST", url: "/api/public/holds/AAAAAAAAAAAAAAAAAAAAAA/release" });
    expect(unknown.json()).toEqual({ released: false });

    // The rest lapse after ten minutes: the slot list shows the places again without any change in between.
    t.clock.now = START + 10 * MIN + 1;
    expect(await freeAt("ACCOUNT", slot?.start)).toBe(places - 1);
  });

  it("refuses a hold for another slot, a closed time, and too many holds from one address", async () => {
    t.clock.now = START + 20 * MIN;
    const day = await slots("CASH");
    const [a, b] = day.filter((s) => s.free > 0);
    const h = await hold("CASH", a?.start, "10.9.9.9");
    expect(h.statusCode, h.body).toBe(201);
    const wrong = await book("CASH", b?.start, "13800000010", h.json().holdId);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details).toMatchObject({ reason: "hold_mismatch" });
    // A closed day: this test closes the branch on Sundays (the demo opens Sunday afternoons).
    await closeOnSundays(t);
    const closed = await hold("CASH", "2026-11-29T10:00:00+08:00", "10.9.9.8"); // a Sunday
    expect(closed.statusCode).toBe(400);
    const held = await t.server.ctx.store.db
      .selectFrom("slot_holds")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    // Two more from the same address make three live holds; the fourth is refused, naming when to retry.
    const open = day.filter((s) => s.free > 0);
    expect((await hold("CASH", open[2]?.start, "10.9.9.9")).statusCode).toBe(201);
    expect((await hold("CASH", open[3]?.start, "10.9.9.9")).statusCode).toBe(201);
    const fourth = await hold("CASH", open[4]?.start, "10.9.9.9");
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().details.retryAfterSeconds).toBeGreaterThan(0);
    const after = await t.server.ctx.store.db
      .selectFrom("slot_holds")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(held.n) + 2);
  });
});
