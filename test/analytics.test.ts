import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importTickets } from "../src/app/analytics/import-tickets.ts";
import { DB_KINDS } from "./support/databases.ts";
import { closeOnSundays, startTestServer, type TestServer } from "./support/harness.ts";

const HEADER =
  "branch_code,service_code,number,issued_at,first_called_at,started_at,finished_at,counter_number,teller_username,outcome,rating";
const SERVICES = ["CASH", "TRANSFER", "CARD"] as const;
const DAYS = ["2026-11-16", "2026-11-17", "2026-11-18"];
const TARGET = 15;

interface Row {
  service: string;
  day: string;
  number: string;
  issued: number;
  wait: number | null;
  serviceMin: number | null;
  counter: string;
  teller: string;
  outcome: "served" | "no_show" | "walked_away" | "cancelled";
  rating: number | null;
}

/** A deterministic history: the figures below are computed from these rows, not by the code under test. */
function history(): Row[] {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const rows: Row[] = [];
  for (const day of DAYS) {
    for (let i = 1; i <= 40; i++) {
      const service = SERVICES[i % 3] ?? "CASH";
      const issued = Date.parse(`${day}T09:00:00+08:00`) + i * 7 * 60_000;
      const r = rand();
      const outcome = r < 0.75 ? "served" : r < 0.85 ? "no_show" : r < 0.95 ? "walked_away" : "cancelled";
      const called = outcome === "served" || outcome === "no_show";
      rows.push({
        service,
        day,
        number: `${service[0]}${String(i).padStart(3, "0")}`,
        issued,
        wait: called ? Math.round(rand() * 40 * 60) / 60 : null,
        serviceMin: outcome === "served" ? 2 + Math.round(rand() * 12) : null,
        counter: called ? String(i % 4 === 0 ? 99 : 1 + (i % 3)) : "",
        teller: called ? (i % 5 === 0 ? "old_zhang" : "teller1") : "",
        outcome,
        rating: outcome === "served" && rand() < 0.6 ? 1 + Math.floor(rand() * 3) : null,
      });
    }
  }
  return rows;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "+00:00");

function csvOf(rows: readonly Row[]): string {
  const lines = rows.map((r) => {
    const call = r.wait === null ? null : r.issued + r.wait * 60_000;
    const start = call !== null && r.serviceMin !== null ? call + 60_000 : null;
    const finish = start !== null && r.serviceMin !== null ? start + r.serviceMin * 60_000 : null;
    return [
      "SH001",
      r.service,
      r.number,
      iso(r.issued),
      call === null ? "" : iso(call),
      start === null ? "" : iso(start),
      finish === null ? "" : iso(finish),
      r.counter,
      r.teller,
      r.outcome,
      r.rating ?? "",
    ].join(",");
  });
  return `${HEADER}\n${lines.join("\n")}\n`;
}

/** The figures of some rows, by plain arithmetic. */
function expected(rows: readonly Row[]) {
  const waits = rows.flatMap((r) => (r.wait === null ? [] : [r.wait])).sort((a, b) => a - b);
  const served = rows.filter((r) => r.outcome === "served");
  const rated = served.filter((r) => r.rating !== null);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const nearest = (share: number) => Math.floor(waits[Math.max(1, Math.ceil(share * waits.length)) - 1] ?? 0);
  return {
    arrived: rows.length,
    served: served.length,
    noShows: rows.filter((r) => r.outcome === "no_show").length,
    walkAways: rows.filter((r) => r.outcome === "walked_away" || r.outcome === "cancelled").length,
    called: waits.length,
    meanWaitMinutes: waits.length ? r1(waits.reduce((a, b) => a + b, 0) / waits.length) : null,
    medianWaitMinutes: waits.length ? nearest(0.5) : null,
    p90WaitMinutes: waits.length ? nearest(0.9) : null,
    maxWaitMinutes: waits.length ? r1(waits[waits.length - 1] ?? 0) : null,
    withinTargetShare: waits.length
      ? Math.round((waits.filter((w) => w <= TARGET).length / waits.length) * 1000) / 1000
      : null,
    meanServiceMinutes: served.length ? r1(served.reduce((a, r) => a + (r.serviceMin ?? 0), 0) / served.length) : null,
    satisfiedShare: rated.length
      ? Math.round((rated.filter((r) => r.rating === 3).length / rated.length) * 1000) / 1000
      : null,
  };
}

describe.each(DB_KINDS)("analytics: import of history and the summary on %s", (kind) => {
  let t: TestServer;
  const rows = history();
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  const summary = async (groupBy: string, cookie?: string, extra = "") => {
    const res = await t.request({
      method: "GET",
      url: `/api/analytics/summary?from=${DAYS[0]}&to=${DAYS[2]}&groupBy=${groupBy}${extra}`,
      cookie: cookie ?? (await t.login("manager")),
    });
    return res;
  };

  it("refuses a file with bad lines, naming every one, and imports nothing", async () => {
    const good = csvOf(rows.slice(0, 3)).trim().split("\n");
    const bad = [
      ...good,
      "SH001,NOPE,X001,2026-11-16T09:00:00+08:00,,,,,,walked_away,",
      "SH001,CASH,X002,2026-11-16 09:00,,,,,,walked_away,",
      "SH001,CASH,X003,2026-11-16T09:00:00+08:00,2026-11-16T08:00:00+08:00,,,,,no_show,",
      "SH001,CASH,X004,2026-11-16T09:00:00+08:00,,,,,,served,5",
      good[1],
    ].join("\n");
    const result = await importTickets(t.server.ctx, bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = [...new Set(result.problems.map((p) => p.line))];
    expect(lines).toEqual([5, 6, 7, 8, 9]);
    expect(result.problems.find((p) => p.line === 5)?.reason).toMatch(/service_code "NOPE"/);
    expect(result.problems.find((p) => p.line === 9)?.reason).toMatch(/also on line 2/);
    const count = await t.server.ctx.store.db
      .selectFrom("tickets")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(0);
  });

  it("imports a history whose summary matches figures computed from the file", async () => {
    const result = await importTickets(t.server.ctx, csvOf(rows));
    expect(result).toEqual({ ok: true, imported: rows.length, alreadyPresent: 0, days: 3 });

    const byService = await summary("service");
    expect(byService.statusCode).toBe(200);
    const body = byService.json() as { rows: Array<Record<string, unknown>>; total: Record<string, unknown> };
    for (const code of SERVICES) {
      const row = body.rows.find((r) => r.key === code);
      expect(row, code).toMatchObject(expected(rows.filter((r) => r.service === code)));
      expect(typeof row?.nameZh).toBe("string");
    }
    expect(body.total).toMatchObject(expected(rows));

    const byDay = (await summary("day")).json() as { rows: Array<Record<string, unknown>> };
    expect(byDay.rows.map((r) => r.key)).toEqual(DAYS);
    for (const day of DAYS)
      expect(byDay.rows.find((r) => r.key === day)).toMatchObject(expected(rows.filter((r) => r.day === day)));

    // Counter 99 and teller old_zhang do not exist here: they are kept as the old system named them.
    const byCounter = (await summary("counter")).json() as { rows: Array<Record<string, unknown>> };
    expect(byCounter.rows.find((r) => r.key === 99)).toMatchObject(expected(rows.filter((r) => r.counter === "99")));
    expect(byCounter.rows.find((r) => r.key === 2)).toMatchObject(expected(rows.filter((r) => r.counter === "2")));
    const byStaff = (await summary("staff")).json() as { rows: Array<Record<string, unknown>> };
    expect(byStaff.rows.find((r) => r.key === "old_zhang")).toMatchObject(
      expected(rows.filter((r) => r.teller === "old_zhang")),
    );
    expect(byStaff.rows.find((r) => r.key === "teller1")).toMatchObject(
      expected(rows.filter((r) => r.teller === "teller1")),
    );

    const byHour = (await summary("hour")).json() as { rows: Array<{ key: number; arrived: number }> };
    const hourOf = (ms: number) => (new Date(ms).getUTCHours() + 8) % 24;
    for (const h of byHour.rows) expect(h.arrived).toBe(rows.filter((r) => hourOf(r.issued) === h.key).length);

    // The heat map: weekday (16 November 2026 is a Monday) × hour of issue.
    const heat = (await summary("weekdayHour")).json() as { rows: Array<Record<string, unknown>> };
    const weekdayOf = (day: string) => DAYS.indexOf(day) + 1;
    const keyOf = (r: Row) => `${weekdayOf(r.day)}T${String(hourOf(r.issued)).padStart(2, "0")}`;
    // (An hour with no arrivals appears where a counter was still serving in it: counter time, nothing else.)
    const arrivedHours = heat.rows.filter((h) => (h.arrived as number) > 0);
    expect(arrivedHours.map((h) => h.key).sort()).toEqual([...new Set(rows.map(keyOf))].sort());
    for (const h of heat.rows) expect(h).toMatchObject(expected(rows.filter((r) => keyOf(r) === h.key)));
  });

  it("answers the weekday, week, month and branch groupings with figures computed from the file", async () => {
    // 16–18 November 2026 are Monday to Wednesday of ISO week 47.
    const weekday = (await summary("weekday")).json() as { rows: Array<Record<string, unknown>> };
    expect(weekday.rows.map((r) => r.key)).toEqual([1, 2, 3]);
    for (const [i, day] of DAYS.entries())
      expect(weekday.rows[i]).toMatchObject(expected(rows.filter((r) => r.day === day)));
    for (const [groupBy, key] of [
      ["week", "2026-W47"],
      ["month", "2026-11"],
      ["branch", "SH001"],
    ] as const) {
      const body = (await summary(groupBy)).json() as { rows: Array<Record<string, unknown>> };
      expect(
        body.rows.map((r) => r.key),
        groupBy,
      ).toEqual([key]);
      expect(body.rows[0], groupBy).toMatchObject(expected(rows));
    }
    // Head office (an admin) without a branch: every branch's figures, here the one that has any.
    const all = (await summary("branch", await t.login("admin"))).json() as { branchIds: string[]; total: unknown };
    expect(all.branchIds).toContain(t.branchId);
    expect(all.total).toMatchObject(expected(rows));
  });

  it("does not double a file imported twice", async () => {
    const before = (await summary("branch")).json();
    const again = await importTickets(t.server.ctx, csvOf(rows));
    expect(again).toEqual({ ok: true, imported: 0, alreadyPresent: rows.length, days: 3 });
    expect((await summary("branch")).json()).toEqual(before);
  });

  it("shows a teller only his own figures, and the auditor none", async () => {
    const own = await summary("service", await t.login("teller1"));
    expect(own.statusCode).toBe(200);
    const body = own.json() as { ownFiguresOnly: boolean; total: Record<string, unknown> };
    expect(body.ownFiguresOnly).toBe(true);
    expect(body.total).toMatchObject(expected(rows.filter((r) => r.teller === "teller1")));
    expect((await summary("service", await t.login("auditor"))).statusCode).toBe(403);
    expect((await summary("service", undefined, "&branchId=elsewhere")).statusCode).toBe(403);
  });

  it("refuses a bad range with 400", async () => {
    const manager = await t.login("manager");
    const res = await t.request({
      method: "GET",
      url: "/api/analytics/summary?from=2026-11-20&to=2026-11-10&groupBy=day",
      cookie: manager,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe("invalid_request");
    const wrongGroup = await t.request({
      method: "GET",
      url: "/api/analytics/summary?from=2026-11-10&to=2026-11-20&groupBy=planet",
      cookie: manager,
    });
    expect(wrongGroup.statusCode).toBe(400);
    // 31 November is no day (JavaScript reads it as 1 December): said so, not "from is after to".
    const noDay = await t.request({
      method: "GET",
      url: "/api/analytics/summary?from=2026-11-31&to=2026-11-30&groupBy=service",
      cookie: manager,
    });
    expect(noDay.statusCode).toBe(400);
    expect(noDay.json().message).toContain("calendar days");
    expect(noDay.json().details).toEqual({ from: "2026-11-31", to: "2026-11-30" });
  });

  it("exports the same summary as CSV and XLSX", async () => {
    const manager = await t.login("manager");
    const q = `from=${DAYS[0]}&to=${DAYS[2]}&groupBy=service`;
    const json = (await t.request({ method: "GET", url: `/api/analytics/summary?${q}`, cookie: manager })).json() as {
      rows: Array<{ key: string; arrived: number; meanWaitMinutes: number }>;
    };
    const csv = await t.request({ method: "GET", url: `/api/analytics/summary.csv?${q}`, cookie: manager });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    const header = lines[0]?.split(",") ?? [];
    const cash = lines.find((l) => l.startsWith("CASH,"))?.split(",") ?? [];
    const jsonCash = json.rows.find((r) => r.key === "CASH");
    expect(Number(cash[header.indexOf("arrived")])).toBe(jsonCash?.arrived);
    expect(Number(cash[header.indexOf("meanWaitMinutes")])).toBe(jsonCash?.meanWaitMinutes);

    const xlsx = await t.request({ method: "GET", url: `/api/analytics/summary.xlsx?${q}`, cookie: manager });
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    if (!sheet) throw new Error("no sheet");
    const keys = (sheet.getRow(2).values as unknown[]).slice(1);
    const cashRow = (sheet.getSheetValues() as unknown[][]).find((r) => r?.[1] === "CASH") ?? [];
    expect(cashRow[keys.indexOf("arrived") + 1]).toBe(jsonCash?.arrived);
    expect(book.worksheets[1]?.rowCount).toBeGreaterThan(10);
  });
});

describe.each(DB_KINDS)("analytics of live tickets and the demo history on %s", (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  it("counts today's tickets once the tally job has re-tallied the marked day, and again idempotently", async () => {
    const { issueAtKiosk, demoIds } = await import("./support/harness.ts");
    const { tallyMarkedDays } = await import("../src/app/analytics/tally-marks.ts");
    const ids = await demoIds(t);
    const teller = await t.login("teller1");
    const counter = ids.counters.get(1) as string;
    expect(
      (await t.request({ method: "POST", url: `/api/counters/${counter}/sign-in`, cookie: teller })).statusCode,
    ).toBe(200);
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    await issueAtKiosk(t, ids.services.get("CASH"));
    t.clock.advance(6 * 60_000);
    const called = await t.request({ method: "POST", url: `/api/counters/${counter}/call-next`, cookie: teller });
    expect(called.json().ticket.id).toBe(ticket.id);
    for (const action of ["start", "complete"]) {
      t.clock.advance(3 * 60_000);
      const res = await t.request({ method: "POST", url: `/api/tickets/${ticket.id}/${action}`, cookie: teller });
      expect(res.statusCode).toBe(200);
    }
    await tallyMarkedDays(t.server.ctx);
    await tallyMarkedDays(t.server.ctx);
    const manager = await t.login("manager");
    const res = await t.request({
      method: "GET",
      url: "/api/analytics/summary?from=2026-11-23&to=2026-11-23&groupBy=staff",
      cookie: manager,
    });
    const rows = res.json().rows as Array<Record<string, unknown>>;
    expect(res.json().total).toMatchObject({
      arrived: 2,
      served: 1,
      called: 1,
      meanWaitMinutes: 6,
      meanServiceMinutes: 3,
    });
    expect(rows.find((r) => r.key === "teller1")).toMatchObject({ served: 1, meanWaitMinutes: 6 });
    // Counter 1 opened when teller1 signed in, 12 minutes ago, and served for 3 of them.
    const byCounter = await t.request({
      method: "GET",
      url: "/api/analytics/summary?from=2026-11-23&to=2026-11-23&groupBy=counter",
      cookie: manager,
    });
    expect(byCounter.json().rows.find((r: { key: unknown }) => r.key === 1)).toMatchObject({
      served: 1,
      counterOpenHours: 0.2,
      utilisation: 0.25,
      idleMinutes: 9,
      pausedMinutes: 0,
    });
    expect(byCounter.json().total).toMatchObject({ counterOpenHours: 0.2, utilisation: 0.25 });

    // Plan against actual: the planner's counters for today beside the 0.2 counter hours actually open.
    const planned = await t.request({ method: "GET", url: `/api/branches/${t.branchId}/plan`, cookie: manager });
    const pva = await t.request({
      method: "GET",
      url: `/api/branches/${t.branchId}/analytics/plan-vs-actual?day=2026-11-23`,
      cookie: manager,
    });
    expect(pva.statusCode, pva.body).toBe(200);
    const recommended = (planned.json().hours as Array<{ recommendedCounters: number }>).reduce(
      (s, h) => s + h.recommendedCounters,
      0,
    );
    expect(recommended).toBeGreaterThan(0);
    expect(pva.json()).toMatchObject({
      day: "2026-11-23",
      actualCounterHours: 0.2,
      recommendedCounterHours: recommended,
    });
    const hours = pva.json().hours as Array<{ arrived: number; actualCounters: number }>;
    expect(hours.reduce((s, h) => s + h.arrived, 0)).toBe(2);
    const bad = await t.request({
      method: "GET",
      url: `/api/branches/${t.branchId}/analytics/plan-vs-actual?day=2026-02-30x`,
      cookie: manager,
    });
    expect(bad.statusCode).toBe(400);
  });

  it("simulates the demo branch's past weeks through the importer, and the planner learns from them", async () => {
    const { seedDemoHistory } = await import("../src/app/analytics/demo-history.ts");
    const { findBranch } = await import("../src/store/branches.ts");
    // History only on the days the branch opens: closed on Sundays here (the demo opens Sunday afternoons).
    await closeOnSundays(t);
    const branch = await findBranch(t.server.ctx.store.db, t.branchId);
    if (!branch) throw new Error("no demo branch");
    const imported = await seedDemoHistory(t.server.ctx, branch, 21);
    expect(imported).toBeGreaterThan(21 * 200);
    const manager = await t.login("manager");
    const res = await t.request({
      method: "GET",
      url: "/api/analytics/summary?from=2026-11-01&to=2026-11-22&groupBy=day",
      cookie: manager,
    });
    const rows = res.json().rows as Array<{ key: string; arrived: number; meanWaitMinutes: number | null }>;
    // The branch opens every day but Sunday here: 21 days back from Monday 23 November hold 18 working days.
    expect(rows.length).toBe(18);
    expect(rows.every((r) => r.arrived > 150 && r.meanWaitMinutes !== null)).toBe(true);
    expect(rows.reduce((s, r) => s + r.arrived, 0)).toBe(imported);
    // The simulated days carry the counters' open, pause and close events: past days show counter time.
    const total = res.json().total as { counterOpenHours: number | null; utilisation: number | null };
    expect(total.counterOpenHours).toBeGreaterThan(18 * 8);
    expect(total.utilisation).toBeGreaterThan(0.2);
    expect(total.utilisation).toBeLessThanOrEqual(1);
    const plan = await t.request({ method: "GET", url: `/api/branches/${t.branchId}/plan`, cookie: manager });
    expect(plan.statusCode).toBe(200);
    expect(plan.json().source).toBe("history");
  });

  it("answers every grouping from the rollups exactly as from the fine cells", async () => {
    const { analyticsSummary, GROUP_BYS } = await import("../src/app/analytics/summary.ts");
    const user = await t.server.ctx.store.db
      .selectFrom("users")
      .select(["id", "username"])
      .where("username", "=", "admin")
      .executeTakeFirstOrThrow();
    const admin = {
      type: "user",
      id: user.id,
      username: user.username,
      displayName: user.username,
      roles: ["admin"],
      branchIds: [],
      ip: "127.0.0.1",
    } as unknown as import("../src/app/actor.ts").StaffActor;
    // Whole calendar months are read from the month rollups (migration 027), the days around them from the day
    // rollups: October and November whole, November alone, a month and a half, and days inside one month.
    const ranges = [
      { from: "2026-10-01", to: "2026-11-30" },
      { from: "2026-11-01", to: "2026-11-30" },
      { from: "2026-10-20", to: "2026-11-23" },
      { from: "2026-11-01", to: "2026-11-23" },
      { from: "2026-11-10", to: "2026-11-12" },
    ];
    let compared = 0;
    for (const range of ranges)
      for (const groupBy of GROUP_BYS) {
        const fromRollups = await analyticsSummary(t.server.ctx, admin, { ...range, groupBy }, "rollups");
        const fromDays = await analyticsSummary(t.server.ctx, admin, { ...range, groupBy }, "days");
        const fromCells = await analyticsSummary(t.server.ctx, admin, { ...range, groupBy }, "cells");
        expect(fromRollups, `${groupBy} ${range.from}`).toEqual(fromCells);
        expect(fromDays, `${groupBy} ${range.from} days`).toEqual(fromCells);
        expect(fromCells.rows.length).toBeGreaterThan(0);
        compared += fromCells.rows.length;
      }
    expect(compared).toBeGreaterThan(100);
  });
});
