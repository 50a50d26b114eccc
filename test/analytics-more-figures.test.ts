import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rebuildAll } from "../src/app/analytics/build-cells.ts";
import { importTickets } from "../src/app/analytics/import-tickets.ts";
import { tallyMarkedDays } from "../src/app/analytics/tally-marks.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

const DAY = "2026-11-16";
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`);
const H = 3_600_000;

/**
 * One day of SH001, imported, with what else the day holds written as its own capabilities store it: survey
 * answers, two complaints (one about a visit, one naming none), a review round, and appointments. The figures
 * expected below are worked out by hand from these rows.
 */
const CSV = [
  "branch_code,service_code,number,issued_at,first_called_at,started_at,finished_at,counter_number,teller_username,outcome,rating",
  `SH001,CASH,A001,${DAY}T09:00:00+08:00,${DAY}T09:04:00+08:00,${DAY}T09:04:00+08:00,${DAY}T09:10:00+08:00,1,teller1,served,3`,
  `SH001,CASH,A002,${DAY}T09:05:00+08:00,${DAY}T09:15:00+08:00,${DAY}T09:15:00+08:00,${DAY}T09:20:00+08:00,1,teller1,served,2`,
  `SH001,TRANSFER,B001,${DAY}T10:00:00+08:00,${DAY}T10:02:00+08:00,${DAY}T10:02:00+08:00,${DAY}T10:12:00+08:00,2,teller1,served,`,
  `SH001,TRANSFER,B002,${DAY}T10:10:00+08:00,${DAY}T10:20:00+08:00,,,2,teller1,no_show,`,
  `SH001,CASH,A003,${DAY}T11:00:00+08:00,,,${DAY}T11:12:00+08:00,,,walked_away,`,
].join("\n");

describe.each(DB_KINDS)("NPS, complaints, reviews and appointments in the summary (%s)", (kind) => {
  let t: TestServer;
  const ids = new Map<string, string>();
  beforeAll(async () => {
    t = await startTestServer(kind);
    const ctx = t.server.ctx;
    const result = await importTickets(ctx, CSV, "test");
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const db = ctx.store.db;
    for (const r of await db
      .selectFrom("tickets")
      .select(["id", "number", "service_id"])
      .where("day", "=", DAY)
      .execute())
      ids.set(r.number, r.id);
    const ticket = (n: string) => ids.get(n) ?? "";
    const services = await db
      .selectFrom("services")
      .select(["id", "code"])
      .where("branch_id", "=", t.branchId)
      .execute();
    const service = (code: string) => services.find((s) => s.code === code)?.id ?? "";
    const teller = await db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "teller1")
      .executeTakeFirstOrThrow();
    // NPS answers 10, 9 and 3: two promoters, one detractor.
    for (const [n, nps] of [
      ["A001", 10],
      ["A002", 9],
      ["B001", 3],
    ] as const)
      await db
        .insertInto("surveys")
        .values({
          id: `sv-${n}`,
          ticket_id: ticket(n),
          branch_id: t.branchId,
          nps,
          answered_at: at("12:00"),
          created_at: at("12:00"),
        })
        .execute();
    const complaint = (id: string, ticketId: string | null, receivedAt: number) =>
      db
        .insertInto("complaints")
        .values({
          id,
          branch_id: t.branchId,
          ticket_id: ticketId,
          source: "staff",
          category: "service",
          severity: "simple",
          description: "test",
          status: "open",
          received_at: receivedAt,
          due_at: receivedAt + 15 * 24 * H,
          created_at: receivedAt,
          updated_at: receivedAt,
          reopen_count: 0,
          version: 0,
        })
        .execute();
    await complaint("c1", ticket("A002"), at("16:00"));
    await complaint("c2", null, at("15:30"));
    // A review of B001: waited 4 minutes for a reviewer, who took 6 to decide.
    await db
      .insertInto("reviews")
      .values({
        id: "rv1",
        ticket_id: ticket("B001"),
        branch_id: t.branchId,
        service_id: service("TRANSFER"),
        teller_id: teller.id,
        priority: "normal",
        round: 1,
        status: "approved",
        submitted_at: at("10:12"),
        taken_at: at("10:16"),
        decided_at: at("10:22"),
      })
      .execute();
    // Appointments at 14:00: on time (booked 48 h ahead), late (24 h), cancelled (12 h), no-show (6 h).
    const appointment = (id: string, status: string, leadHours: number, checkedIn: number | null) =>
      db
        .insertInto("appointments")
        .values({
          id,
          branch_id: t.branchId,
          service_id: service("CASH"),
          customer_name: "测试",
          customer_phone: "13800000000",
          day: DAY,
          start_at: at("14:00"),
          end_at: at("14:15"),
          status: status as "booked",
          code: id,
          manage_token_hash: `hash-${id}`,
          channel: "online",
          checked_in_at: checkedIn,
          created_at: at("14:00") - leadHours * H,
          updated_at: at("14:00"),
          lang: "zh-CN",
          answers: "{}",
          version: 0,
        })
        .execute();
    await appointment("ap1", "completed", 48, at("13:55"));
    await appointment("ap2", "checked_in", 24, at("14:10"));
    await appointment("ap3", "cancelled", 12, null);
    await appointment("ap4", "no_show", 6, null);
    // What `datang analytics rebuild` does.
    await rebuildAll(ctx);
  }, 120_000);
  afterAll(() => t?.close());

  const summary = async (groupBy: string) => {
    const res = await t.request({
      method: "GET",
      url: `/api/analytics/summary?branchId=${t.branchId}&from=${DAY}&to=${DAY}&groupBy=${groupBy}`,
      cookie: await t.login("manager"),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { rows: Array<Record<string, unknown>>; total: Record<string, unknown> };
  };

  it("answers the figures from the aggregates, as worked out by hand", async () => {
    const day = await summary("day");
    expect(day.rows).toHaveLength(1);
    expect(day.rows[0]).toMatchObject({
      key: DAY,
      arrived: 5,
      npsResponses: 3,
      // (2 − 1) / 3 = 33.3…
      nps: 33,
      complaints: 2,
      // 2 / 5 × 1,000
      complaintsPer1000Visits: 400,
      reviews: 1,
      meanReviewWaitMinutes: 4,
      meanReviewMinutes: 6,
      appointmentsBooked: 4,
      appointmentsCancelled: 1,
      appointmentNoShows: 1,
      appointmentsCheckedIn: 2,
      appointmentsOnTime: 1,
      appointmentOnTimeShare: 0.5,
      // (48 + 24 + 12 + 6) / 4
      meanLeadTimeHours: 22.5,
      // The existing figures are unchanged by the new ones.
      walkAways: 1,
      satisfiedShare: 0.5,
    });
    // Per business type: the complaint about A002 is CASH's (3 visits), the one naming no visit has no type.
    const byService = await summary("service");
    expect(byService.rows.find((r) => r.key === "CASH")).toMatchObject({
      complaints: 1,
      complaintsPer1000Visits: 333.3,
      npsResponses: 2,
      nps: 100,
      appointmentsBooked: 4,
    });
    expect(byService.rows.find((r) => r.key === "TRANSFER")).toMatchObject({ nps: -100, reviews: 1, complaints: 0 });
    expect(byService.rows.find((r) => r.key === "—")).toMatchObject({ arrived: 0, complaints: 1 });
    // Per hour of issue: the review sits in 10:00 with B001; the appointments in 14:00, their start.
    const byHour = await summary("hour");
    expect(byHour.rows.find((r) => r.key === 10)).toMatchObject({ reviews: 1 });
    expect(byHour.rows.find((r) => r.key === 14)).toMatchObject({ appointmentsBooked: 4, arrived: 0 });
    // Over a month, read from the month rollups, the same.
    const month = await t.request({
      method: "GET",
      url: `/api/analytics/summary?branchId=${t.branchId}&from=2026-11-01&to=2026-11-30&groupBy=branch`,
      cookie: await t.login("manager"),
    });
    expect(month.json().rows[0]).toMatchObject({ nps: 33, complaints: 2, reviews: 1, appointmentsBooked: 4 });
  });

  it("keeps them current when a complaint about an older visit arrives", async () => {
    const db = t.server.ctx.store.db;
    const now = t.server.ctx.clock();
    await db
      .insertInto("complaints")
      .values({
        id: "c3",
        branch_id: t.branchId,
        ticket_id: ids.get("B001") ?? "",
        source: "staff",
        category: "service",
        severity: "simple",
        description: "late complaint",
        status: "open",
        received_at: now,
        due_at: now + 15 * 24 * H,
        created_at: now,
        updated_at: now,
        reopen_count: 0,
        version: 0,
      })
      .execute();
    expect(now - at("10:00")).toBeGreaterThan(2 * 24 * H);
    // The insert marked the visit's day (migration 045); the tally job re-tallies it.
    await tallyMarkedDays(t.server.ctx);
    expect((await summary("day")).rows[0]).toMatchObject({ complaints: 3, complaintsPer1000Visits: 600 });
  });

  it("exports the new figures in the CSV and the XLSX", async () => {
    const manager = await t.login("manager");
    const q = `branchId=${t.branchId}&from=${DAY}&to=${DAY}&groupBy=day`;
    const csv = await t.request({ method: "GET", url: `/api/analytics/summary.csv?${q}`, cookie: manager });
    const lines = csv.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    const header = lines[0]?.split(",") ?? [];
    const row = lines[1]?.split(",") ?? [];
    expect(header.slice(0, 3)).toEqual(["key", "nameZh", "nameEn"]);
    expect(Number(row[header.indexOf("nps")])).toBe(33);
    expect(Number(row[header.indexOf("meanReviewWaitMinutes")])).toBe(4);
    expect(Number(row[header.indexOf("appointmentOnTimeShare")])).toBe(0.5);
    const xlsx = await t.request({ method: "GET", url: `/api/analytics/summary.xlsx?${q}`, cookie: manager });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    if (!sheet) throw new Error("no sheet");
    const keys = (sheet.getRow(2).values as unknown[]).slice(1);
    const values = (sheet.getRow(3).values as unknown[]).slice(1);
    expect(values[keys.indexOf("complaintsPer1000Visits")]).toBe(600);
    expect(values[keys.indexOf("meanLeadTimeHours")]).toBe(22.5);
    const glossary = ((book.worksheets[1]?.getSheetValues() ?? []) as unknown[][]).map((r) => r?.[1]);
    expect(glossary).toContain("nps");
  });
});
