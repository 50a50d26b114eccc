import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type Server } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

// The harness clock starts on Monday 2026-11-23 09:30 in Shanghai; tomorrow is a Tuesday.
const TOMORROW = "2026-11-24";

/**
 * The cap per customer per day is a rule of each business type (issue 13: "Rules per business type: … a cap per
 * customer per day"): a type's cap counts the phone's appointments of that type on that local day, not those of
 * other types; and bookings of one phone into different slots at the same moment cannot together beat it.
 */
describe.each(DB_KINDS)("the per-customer per-day cap of a business type on %s", (kind) => {
  let t: TestServer;
  let second: { server: Server; store: Store } | undefined;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let lobby: string;
  const svc = (code: string) => ids.services.get(code) as string;
  const slots = async (code: string, date = TOMORROW) => {
    const res = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${svc(code)}&date=${date}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().slots as Array<{ start: string; end: string; free: number }>).filter((s) => s.free > 0);
  };
  const book = (body: Record<string, unknown>, server: Server = t.server) =>
    server.app.inject({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      headers: { cookie: lobby, origin: "http://localhost" },
      payload: body,
    });
  const setCap = async (code: string, cap: number) => {
    const res = await t.request({
      method: "PUT",
      url: `/api/services/${svc(code)}/booking-rules`,
      cookie: await t.login("manager"),
      body: { capPerCustomerPerDay: cap },
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  const held = async (phone: string, day: string, code?: string) => {
    let q = t.server.ctx.store.db
      .selectFrom("appointments")
      .select("id")
      .where("customer_phone", "=", phone)
      .where("day", "=", day)
      .where("status", "=", "booked");
    if (code !== undefined) q = q.where("service_id", "=", svc(code));
    return (await q.execute()).length;
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    lobby = await t.login("lobby");
    if (kind === "postgres") {
      // A second instance on the same database: the serialisation must hold across instances, not only in memory.
      const store = openStore(t.location);
      second = { server: await buildServer({ store, clock: () => t.clock.now }), store };
    }
  });
  afterAll(async () => {
    if (second) {
      await second.server.close();
      await second.store.close();
    }
    await t?.close();
  });

  it("counts only the business type's own appointments: another type the same day is not refused", async () => {
    const phone = "+8613811110000";
    const card = await slots("CARD");
    const account = await slots("ACCOUNT");
    const first = await book({ serviceId: svc("CARD"), start: card[0]?.start, name: "甲", phone });
    expect(first.statusCode, first.body).toBe(201);
    // ACCOUNT has its own cap of 1, not yet used by this phone today.
    const other = await book({ serviceId: svc("ACCOUNT"), start: account[2]?.start, name: "甲", phone });
    expect(other.statusCode, other.body).toBe(201);
    // Each type's cap still holds for its own type.
    const moreCard = await book({ serviceId: svc("CARD"), start: card[4]?.start, name: "甲", phone });
    expect(moreCard.statusCode, moreCard.body).toBe(409);
    expect(moreCard.json()).toMatchObject({ error: "conflict", details: { reason: "cap" } });
    const moreAccount = await book({ serviceId: svc("ACCOUNT"), start: account[5]?.start, name: "甲", phone });
    expect(moreAccount.statusCode, moreAccount.body).toBe(409);
    expect(moreAccount.json().details).toEqual({ reason: "cap" });
    expect(await held(phone, TOMORROW)).toBe(2);
  });

  it("a type's own cap: 2 for CARD lets a second CARD appointment in, not a third; ACCOUNT stays at 1", async () => {
    await setCap("CARD", 2);
    try {
      const phone = "+8613811112222";
      const day = "2026-11-25";
      const card = await slots("CARD", day);
      const account = await slots("ACCOUNT", day);
      for (const [i, expected] of [201, 201, 409].entries()) {
        const res = await book({ serviceId: svc("CARD"), start: card[i * 2]?.start, name: "乙", phone });
        expect(res.statusCode, `CARD #${i + 1}: ${res.body}`).toBe(expected);
      }
      const a1 = await book({ serviceId: svc("ACCOUNT"), start: account[1]?.start, name: "乙", phone });
      expect(a1.statusCode, a1.body).toBe(201);
      const a2 = await book({ serviceId: svc("ACCOUNT"), start: account[3]?.start, name: "乙", phone });
      expect(a2.statusCode, a2.body).toBe(409);
      expect(await held(phone, day, "CARD")).toBe(2);
      expect(await held(phone, day, "ACCOUNT")).toBe(1);
    } finally {
      await setCap("CARD", 1);
    }
  });

  it("a reschedule counts the type's appointments of the new day only: another type there does not block it", async () => {
    const phone = "+8613811113333";
    const day1 = "2026-11-26";
    const day2 = "2026-11-27";
    const account1 = await slots("ACCOUNT", day1);
    const card1 = await slots("CARD", day1);
    const card2 = await slots("CARD", day2);
    expect((await book({ serviceId: svc("ACCOUNT"), start: account1[0]?.start, name: "丙", phone })).statusCode).toBe(
      201,
    );
    const moving = await book({ serviceId: svc("CARD"), start: card2[0]?.start, name: "丙", phone });
    expect(moving.statusCode, moving.body).toBe(201);
    const move = await t.request({
      method: "POST",
      url: `/api/public/appointments/${moving.json().id}/reschedule`,
      body: { token: moving.json().manageToken, start: card1[3]?.start },
    });
    expect(move.statusCode, move.body).toBe(200);
    // A second CARD appointment on day 2, then moved onto day 1 where CARD is now held: the cap refuses it.
    const again = await book({ serviceId: svc("CARD"), start: card2[2]?.start, name: "丙", phone });
    expect(again.statusCode, again.body).toBe(201);
    const onto = await t.request({
      method: "POST",
      url: `/api/public/appointments/${again.json().id}/reschedule`,
      body: { token: again.json().manageToken, start: card1[5]?.start },
    });
    expect(onto.statusCode, onto.body).toBe(409);
    expect(onto.json().details).toEqual({ reason: "cap" });
  });

  it("bookings of one phone into different slots at the same moment book exactly the cap (5 rounds)", async () => {
    await setCap("CASH", 2);
    const N = 8;
    const days = ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30"];
    try {
      for (const [round, day] of days.entries()) {
        const phone = `+86139000000${String(round).padStart(2, "0")}`;
        const free = await slots("CASH", day);
        expect(free.length, day).toBeGreaterThanOrEqual(N);
        const results = await Promise.all(
          free
            .slice(0, N)
            .map((s, i) =>
              book(
                { serviceId: svc("CASH"), start: s.start, name: `丁${round}`, phone },
                second && i % 2 === 1 ? second.server : t.server,
              ),
            ),
        );
        const statuses = results.map((r) => r.statusCode);
        expect(
          statuses.filter((s) => s === 201),
          `round ${round} (${day}): ${statuses.join(",")}`,
        ).toHaveLength(2);
        for (const r of results.filter((x) => x.statusCode !== 201))
          expect(r.json(), r.body).toMatchObject({ error: "conflict", details: { reason: "cap" } });
        expect(await held(phone, day, "CASH")).toBe(2);
      }
    } finally {
      await setCap("CASH", 1);
    }
  });
});
