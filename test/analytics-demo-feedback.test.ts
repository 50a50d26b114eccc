import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoHistory, seedDemoHistory } from "../src/app/analytics/demo-history.ts";
import { seedSecondDemoBranch } from "../src/app/seed-demo.ts";
import { findBranch } from "../src/store/branches.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

interface Figures {
  key: string;
  arrived: number;
  served: number;
  npsResponses: number;
  nps: number | null;
  complaints: number;
  complaintsPer1000Visits: number | null;
  reviews: number;
  meanReviewWaitMinutes: number | null;
  meanReviewMinutes: number | null;
  appointmentsBooked: number;
  appointmentsCancelled: number;
  appointmentNoShows: number;
  appointmentsCheckedIn: number;
  appointmentsOnTime: number;
  appointmentOnTimeShare: number | null;
  meanLeadTimeHours: number | null;
}

const FROM = "2026-11-09";
const TO = "2026-11-22";

/**
 * The demo's simulated past (two branches, two weeks here; 90 days on `npm start`) holds surveys, complaints,
 * reviews and appointments, so the dashboard's NPS, complaint, review and appointment figures have values.
 */
describe.each(DB_KINDS)("the demo's past has surveys, complaints, reviews and appointments (%s)", (kind) => {
  let t: TestServer;
  const ids: string[] = [];
  beforeAll(async () => {
    t = await startTestServer(kind);
    ids.push(t.branchId, (await seedSecondDemoBranch(t.server.ctx, TEST_PASSWORD)).branchId);
    for (const id of ids) {
      const branch = await findBranch(t.server.ctx.store.db, id);
      if (!branch) throw new Error("no branch");
      expect(await seedDemoHistory(t.server.ctx, branch, 14)).toBeGreaterThan(14 * 100);
    }
  }, 300_000);
  afterAll(() => t?.close());

  /** Rows of a table of one branch, optionally of some statuses (or, for surveys, answered with an NPS). */
  const count = async (
    table: "surveys" | "complaints" | "reviews" | "appointments",
    branchId: string,
    status?: readonly string[],
  ): Promise<number> => {
    const db = t.server.ctx.store.db;
    const rows =
      table === "surveys"
        ? await db.selectFrom("surveys").select("nps").where("branch_id", "=", branchId).execute()
        : await db.selectFrom(table).select("status").where("branch_id", "=", branchId).execute();
    return rows.filter((r) => ("nps" in r ? r.nps !== null : status === undefined || status.includes(String(r.status))))
      .length;
  };

  it("answers every figure of the summary for both branches, and the tallies count what was stored", async () => {
    const res = await t.request({
      method: "GET",
      url: `/api/analytics/summary?from=${FROM}&to=${TO}&groupBy=branch`,
      cookie: await t.login("headoffice"),
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { rows: Array<Figures & { key: string }>; total: Figures };
    expect(body.rows).toHaveLength(2);
    for (const row of [...body.rows, body.total]) {
      expect(row.npsResponses).toBeGreaterThan(10);
      expect(row.nps).not.toBeNull();
      expect(row.nps).toBeGreaterThan(-100);
      expect(row.nps).toBeLessThan(100);
      expect(row.complaints).toBeGreaterThan(0);
      // A handful per 1,000 visits, not a complaint a visit.
      expect(row.complaintsPer1000Visits).toBeGreaterThan(0);
      expect(row.complaintsPer1000Visits).toBeLessThan(50);
      expect(row.reviews).toBeGreaterThan(10);
      expect(row.meanReviewWaitMinutes).toBeGreaterThan(0);
      expect(row.meanReviewMinutes).toBeGreaterThanOrEqual(2);
      expect(row.meanReviewMinutes).toBeLessThanOrEqual(6);
      expect(row.appointmentsBooked).toBeGreaterThan(5);
      expect(row.appointmentsCheckedIn).toBeGreaterThan(0);
      expect(row.appointmentsCheckedIn).toBeLessThan(row.appointmentsBooked);
      expect(row.appointmentOnTimeShare).toBeGreaterThan(0.5);
      expect(row.appointmentOnTimeShare).toBeLessThan(1);
      expect(row.meanLeadTimeHours).toBeGreaterThan(2);
    }
    expect(body.total.appointmentsCancelled).toBeGreaterThan(0);
    expect(body.total.appointmentNoShows).toBeGreaterThan(0);
    // The figures are the stored rows counted: every survey answer, complaint, review round and appointment.
    const codes = await t.server.ctx.store.db.selectFrom("branches").select(["id", "code"]).execute();
    for (const row of body.rows) {
      const branchId = codes.find((b) => b.code === row.key)?.id ?? "";
      expect(branchId, row.key).not.toBe("");
      expect(row.npsResponses).toBe(await count("surveys", branchId));
      expect(row.complaints).toBe(await count("complaints", branchId));
      expect(row.reviews).toBe(await count("reviews", branchId));
      expect(row.appointmentsBooked).toBe(await count("appointments", branchId));
      expect(row.appointmentsCancelled).toBe(await count("appointments", branchId, ["cancelled"]));
    }
  });

  it("leaves nothing for the live clocks: complaints closed, reviews decided, appointments over", async () => {
    for (const branchId of ids) {
      expect(await count("complaints", branchId, ["open"])).toBe(0);
      expect(await count("reviews", branchId, ["pending", "taken"])).toBe(0);
      expect(await count("appointments", branchId, ["booked"])).toBe(0);
    }
    // A kept appointment names the visit it came to, checked in at that visit's issue.
    const linked = await t.server.ctx.store.db
      .selectFrom("appointments")
      .innerJoin("tickets", "tickets.id", "appointments.ticket_id")
      .select([
        "appointments.checked_in_at",
        "tickets.issued_at",
        "appointments.service_id",
        "tickets.service_id as ts",
      ])
      .execute();
    expect(linked.length).toBeGreaterThan(0);
    for (const r of linked) {
      expect(Number(r.checked_in_at)).toBe(Number(r.issued_at));
      expect(r.service_id).toBe(r.ts);
    }
    const kept = await t.server.ctx.store.db
      .selectFrom("appointments")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("status", "=", "completed")
      .executeTakeFirstOrThrow();
    expect(Number(kept.n)).toBe(linked.length);
  });

  it("makes the same past every time (seeded random)", async () => {
    const branch = await findBranch(t.server.ctx.store.db, t.branchId);
    if (!branch) throw new Error("no branch");
    const a = await demoHistory(t.server.ctx, branch, 3);
    const b = await demoHistory(t.server.ctx, branch, 3);
    expect(a.feedback.surveys.length + a.feedback.reviews.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });
});
