import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offerWaitlistPlaces } from "../src/app/appointments/waitlist.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, START, startTestServer, type TestServer } from "./support/harness.ts";

const MIN = 60_000;
const DAY = "2026-11-24";

describe.each(DB_KINDS)("waitlist on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const svc = (code: string) => ids.services.get(code) as string;
  const db = () => t.server.ctx.store.db;
  const codeFor = async (phone: string) => {
    const otp = await t.request({ method: "POST", url: "/api/public/otp", body: { phone } });
    expect(otp.statusCode, otp.body).toBe(202);
    const sms = await db()
      .selectFrom("outbox")
      .select("data")
      .where("kind", "=", "otp")
      .where("recipient", "=", `+86${phone}`)
      .executeTakeFirstOrThrow();
    return (JSON.parse(sms.data) as { code: string }).code;
  };
  const join = async (phone: string, body: Record<string, unknown>) =>
    t.request({
      method: "POST",
      url: "/api/public/waitlist",
      body: { branchId: t.branchId, name: `W ${phone}`, phone, otp: await codeFor(phone), ...body },
    });
  const free = async (start: string) => {
    const res = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${svc("WEALTH")}&date=${DAY}`,
    });
    return (res.json().slots as Array<{ start: string; free: number }>).find((s) => s.start === start)?.free;
  };
  const entries = async () =>
    (
      await db().selectFrom("appointment_waitlist").select(["customer_phone", "status"]).orderBy("joined_at").execute()
    ).map((e) => `${e.customer_phone}:${e.status}`);
  const offerToken = async (phone: string) => {
    const m = await db()
      .selectFrom("outbox")
      .select("data")
      .where("kind", "=", "waitlist.offer")
      .where("recipient", "=", phone)
      .executeTakeFirstOrThrow();
    return (JSON.parse(m.data) as { offerPath: string }).offerPath.split("token=")[1] as string;
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    const rules = await t.request({
      method: "PUT",
      url: `/api/services/${svc("WEALTH")}/booking-rules`,
      cookie: await t.login("manager"),
      body: { share: 0.5, waitlist: true },
    });
    expect(rules.statusCode, rules.body).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("offers a freed place to the first in line, holds it, passes it on when the offer lapses, books on accept", async () => {
    t.clock.now = START;
    const noList = await join("13300133001", { serviceId: svc("CARD"), day: DAY });
    expect(noList.statusCode).toBe(400);
    expect(noList.json().details).toMatchObject({ reason: "no_waitlist" });

    // The 10:00 slot (one place) is booked by a caller.
    const start = "2026-11-24T10:00:00.000+08:00";
    const lobby = await t.login("lobby");
    const booked = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: lobby,
      body: { serviceId: svc("WEALTH"), start, name: "First", phone: "13300133000" },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    expect(await free(start)).toBe(0);

    // A and B wait for 10:00–10:10 (the 10:00 slot alone); C for the afternoon, where places are free: C is offered one at once.
    const a = await join("13300133002", { serviceId: svc("WEALTH"), day: DAY, from: "10:00", to: "10:10" });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({ day: DAY, status: "waiting", position: 1 });
    t.clock.advance(1_000);
    const b = await join("13300133003", { serviceId: svc("WEALTH"), day: DAY, from: "10:00", to: "10:10" });
    expect(b.json().position).toBe(2);
    t.clock.advance(1_000);
    const c = await join("13300133004", { serviceId: svc("WEALTH"), day: DAY, from: "14:00", to: "15:00" });
    expect(c.statusCode).toBe(201);

    // Cancelled: the place goes to A, held for A (nobody else sees it free), offered by SMS with a link.
    const cancel = await t.request({
      method: "POST",
      url: `/api/appointments/${booked.json().id}/cancel`,
      cookie: lobby,
      body: { reason: "customer called" },
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    await offerWaitlistPlaces(t.server.ctx);
    expect(await entries()).toEqual(["+8613300133002:offered", "+8613300133003:waiting", "+8613300133004:offered"]);
    expect(await free(start)).toBe(0);
    const tokenA = await offerToken("+8613300133002");
    expect(tokenA.length).toBeGreaterThanOrEqual(40);

    // A does not answer within 30 minutes: the offer lapses and B gets the place.
    t.clock.now = START + 31 * MIN;
    await offerWaitlistPlaces(t.server.ctx);
    expect(await entries()).toEqual(["+8613300133002:left", "+8613300133003:offered", "+8613300133004:left"]);
    const late = await t.request({ method: "POST", url: "/api/public/waitlist/accept", body: { token: tokenA } });
    expect(late.statusCode).toBe(404);
    const tokenB = await offerToken("+8613300133003");
    // The offer's page shows B's place; A's lapsed link shows nothing.
    const shown = await t.request({ method: "GET", url: `/api/public/waitlist/offer?token=${tokenB}` });
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ status: "offered", start, serviceId: svc("WEALTH") });
    const lapsed = await t.request({ method: "GET", url: `/api/public/waitlist/offer?token=${tokenA}` });
    expect(lapsed.statusCode).toBe(404);
    const wrong = await t.request({
      method: "POST",
      url: "/api/public/waitlist/accept",
      body: { token: `${tokenB}x` },
    });
    expect(wrong.statusCode).toBe(404);
    const accepted = await t.request({ method: "POST", url: "/api/public/waitlist/accept", body: { token: tokenB } });
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(accepted.json()).toMatchObject({ start, status: "booked" });
    expect(await entries()).toEqual(["+8613300133002:left", "+8613300133003:booked", "+8613300133004:left"]);
    expect(await free(start)).toBe(0);
    const twice = await t.request({ method: "POST", url: "/api/public/waitlist/accept", body: { token: tokenB } });
    expect(twice.statusCode).toBe(404);
    // One booking for the slot, B's.
    const rows = await db()
      .selectFrom("appointments")
      .select(["customer_phone", "status"])
      .where("start_at", "=", Date.parse(start))
      .where("service_id", "=", svc("WEALTH"))
      .execute();
    expect(rows.map((r) => `${r.customer_phone}:${r.status}`).sort()).toEqual([
      "+8613300133000:cancelled",
      "+8613300133003:booked",
    ]);
  });
});
