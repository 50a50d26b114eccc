import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("appointment share on the planning page's API on %s", (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(async () => {
    await t?.close();
  });
  const run = async (body: unknown, user = "manager") =>
    t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/simulate/appointment-share`,
      cookie: await t.login(user),
      body,
    });

  it("simulates the day with the share booked by would-be walk-ins, compared on the same random streams", async () => {
    const none = await run({ share: 0 });
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json().withShare.appointments.booked).toBe(0);
    // Nothing kept for appointments: the very same walk-in day.
    const { appointments: _, ...walkIns } = none.json().withShare;
    expect(walkIns).toEqual(none.json().baseline);

    const half = await run({ share: 0.5 });
    expect(half.statusCode, half.body).toBe(200);
    const r = half.json();
    const booked = r.appointmentsPerHour.reduce((s: number, n: number) => s + n, 0);
    expect(booked).toBeGreaterThan(0);
    // The simulator drops the few drawn after closing time.
    expect(r.withShare.appointments.booked).toBeLessThanOrEqual(booked);
    expect(r.withShare.appointments.booked).toBeGreaterThan(booked * 0.9);
    expect(r.baseline).toEqual(none.json().baseline);
    // The booked customers no longer walk in (Poisson draws: about as many fewer, not exactly).
    expect(r.withShare.customers).toBeLessThan(r.baseline.customers);
    expect(r.baseline.customers - r.withShare.customers).toBeGreaterThan(booked * 0.5);
  });

  it("refuses a share outside 0…1 and staff who do not plan", async () => {
    expect((await run({ share: 1.5 })).statusCode).toBe(400);
    expect((await run({ share: 0.3 }, "teller1")).statusCode).toBe(403);
  });
});
