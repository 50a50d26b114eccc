import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoHistory } from "../src/app/analytics/demo-history.ts";
import { importTickets } from "../src/app/analytics/import-tickets.ts";
import { seedSecondDemoBranch } from "../src/app/seed-demo.ts";
import { findBranch } from "../src/store/branches.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

interface LeagueRow {
  rank: number | null;
  branchId: string;
  code: string;
  called: number;
  actualMeanWaitMinutes: number | null;
  expectedMeanWaitMinutes: number | null;
  excessWaitMinutes: number | null;
  waitRatio: number | null;
  actualWithinTargetShare: number | null;
  expectedWithinTargetShare: number | null;
  withinTargetGap: number | null;
  staffing: string;
}

/** The two demo branches with two weeks of simulated history: the league compares them. */
describe.each(DB_KINDS)("the fair branch league table on %s", (kind) => {
  let t: TestServer;
  let secondId: string;
  const range = "from=2026-11-01&to=2026-11-22";
  beforeAll(async () => {
    t = await startTestServer(kind);
    secondId = (await seedSecondDemoBranch(t.server.ctx, TEST_PASSWORD)).branchId;
    for (const id of [t.branchId, secondId]) {
      const branch = await findBranch(t.server.ctx.store.db, id);
      if (!branch) throw new Error("no branch");
      expect(await seedDemoHistory(t.server.ctx, branch, 14)).toBeGreaterThan(14 * 100);
    }
  }, 300_000);
  afterAll(() => t?.close());

  it("ranks both demo branches against the simulator's waits for their own mix and staffing", async () => {
    const admin = await t.login("admin");
    const res = await t.request({ method: "GET", url: `/api/analytics/league?${range}`, cookie: admin });
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json().rows as LeagueRow[];
    expect(rows.map((r) => r.code).sort()).toEqual(["SH001", "SH002"]);
    expect(rows.map((r) => r.rank)).toEqual([1, 2]);
    // The actual figures are the summary's per branch.
    const byBranch = (
      await t.request({ method: "GET", url: `/api/analytics/summary?${range}&groupBy=branch`, cookie: admin })
    ).json().rows as Array<{ key: string; called: number; meanWaitMinutes: number; withinTargetShare: number }>;
    for (const r of rows) {
      const s = byBranch.find((b) => b.key === r.code);
      expect(r.called).toBe(s?.called);
      expect(r.actualMeanWaitMinutes).toBe(s?.meanWaitMinutes);
      expect(r.actualWithinTargetShare).toBe(s?.withinTargetShare);
      // The counters' recorded hours staffed the expected day, and it has waits of its own.
      expect(r.staffing).toBe("recorded");
      expect(r.expectedMeanWaitMinutes).not.toBeNull();
      expect(r.expectedMeanWaitMinutes).toBeGreaterThan(0);
      const actual = r.actualMeanWaitMinutes ?? 0;
      const expected = r.expectedMeanWaitMinutes ?? 0;
      expect(r.excessWaitMinutes).toBe(Math.round((actual - expected) * 10) / 10);
      if (expected >= 1) expect(r.waitRatio).toBe(Math.round((actual / expected) * 100) / 100);
    }
    expect(rows[0]?.excessWaitMinutes ?? 0).toBeLessThanOrEqual(rows[1]?.excessWaitMinutes ?? 0);
  });

  it("shows a branch manager his branches only, and refuses tellers, the lobby manager and the auditor", async () => {
    const manager = await t.login("manager");
    const own = await t.request({ method: "GET", url: `/api/analytics/league?${range}`, cookie: manager });
    expect(own.statusCode).toBe(200);
    expect((own.json().rows as LeagueRow[]).map((r) => r.code)).toEqual(["SH001"]);
    const manager2 = await t.login("manager2");
    const second = await t.request({ method: "GET", url: `/api/analytics/league?${range}`, cookie: manager2 });
    expect((second.json().rows as LeagueRow[]).map((r) => r.code)).toEqual(["SH002"]);
    for (const who of ["teller1", "lobby", "auditor"]) {
      const res = await t.request({ method: "GET", url: `/api/analytics/league?${range}`, cookie: await t.login(who) });
      expect(res.statusCode, who).toBe(403);
    }
    const bad = await t.request({
      method: "GET",
      url: "/api/analytics/league?from=2026-11-22&to=2026-11-01",
      cookie: manager,
    });
    expect(bad.statusCode).toBe(400);
  });
});

const HEADER =
  "branch_code,service_code,number,issued_at,first_called_at,started_at,finished_at,counter_number,teller_username,outcome,rating";

interface Line {
  number: string;
  teller: string;
  wait: number | null;
  serviceMin: number | null;
  outcome: "served" | "no_show" | "walked_away";
  rating: number | null;
}

/** A small history by hand: the expected evaluation below is worked out from these lines, not by the code. */
const LINES: Line[] = [
  { number: "A001", teller: "teller1", wait: 5, serviceMin: 4, outcome: "served", rating: 3 },
  { number: "A002", teller: "teller1", wait: 20, serviceMin: 6, outcome: "served", rating: 1 },
  { number: "A003", teller: "teller1", wait: 10, serviceMin: 8, outcome: "served", rating: 3 },
  { number: "A004", teller: "teller1", wait: 16, serviceMin: null, outcome: "no_show", rating: null },
  { number: "A005", teller: "teller2", wait: 2, serviceMin: 10, outcome: "served", rating: 2 },
  { number: "A006", teller: "teller2", wait: 30, serviceMin: 12, outcome: "served", rating: null },
  { number: "A007", teller: "", wait: null, serviceMin: null, outcome: "walked_away", rating: null },
];

function csv(): string {
  const base = Date.parse("2026-11-16T09:00:00+08:00");
  const iso = (ms: number) => new Date(ms).toISOString();
  const rows = LINES.map((l, i) => {
    const issued = base + i * 10 * 60_000;
    const call = l.wait === null ? null : issued + l.wait * 60_000;
    const finish = call !== null && l.serviceMin !== null ? call + l.serviceMin * 60_000 : null;
    return [
      "SH001",
      "CASH",
      l.number,
      iso(issued),
      call === null ? "" : iso(call),
      finish === null || call === null ? "" : iso(call),
      finish === null ? "" : iso(finish),
      l.teller === "teller1" ? "1" : l.teller === "teller2" ? "2" : "",
      l.teller,
      l.outcome,
      l.rating ?? "",
    ].join(",");
  });
  return `${HEADER}\n${rows.join("\n")}\n`;
}

describe.each(DB_KINDS)("staff evaluation per teller on %s", (kind) => {
  let t: TestServer;
  const url = "/api/analytics/staff?from=2026-11-16&to=2026-11-16";
  beforeAll(async () => {
    t = await startTestServer(kind);
    expect(await importTickets(t.server.ctx, csv())).toMatchObject({ ok: true, imported: LINES.length });
    // Two complaints about teller1's tickets (A002 and A004), one about nobody's (A007).
    const manager = await t.login("manager");
    for (const number of ["A002", "A004", "A007"]) {
      const ticket = await t.server.ctx.store.db
        .selectFrom("tickets")
        .select("id")
        .where("branch_id", "=", t.branchId)
        .where("number", "=", number)
        .executeTakeFirstOrThrow();
      const res = await t.request({
        method: "POST",
        url: "/api/complaints",
        cookie: manager,
        body: {
          branchId: t.branchId,
          ticketId: ticket.id,
          category: "wait_time",
          severity: "simple",
          description: "久",
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  }, 120_000);
  afterAll(() => t?.close());

  it("gives a branch manager every teller's figures, computed by hand from the file", async () => {
    const res = await t.request({ method: "GET", url, cookie: await t.login("manager") });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.ownFiguresOnly).toBe(false);
    // A no-show is served by nobody but was called by teller1 (its ticket is his).
    expect(body.rows).toEqual([
      {
        username: "teller1",
        displayName: "柜员1",
        served: 3,
        meanServiceMinutes: 6, // (4 + 6 + 8) / 3
        rated: 3,
        satisfiedShare: 0.667, // 2 of 3 rated 满意
        csat: 2.3, // (3 + 1 + 3) / 3
        complaints: 2,
        complaintsPerThousand: 666.7, // 2 / 3 served × 1000
        called: 4,
        withinTargetShare: 0.5, // waits 5, 20, 10, 16 against the target 15: two of four
      },
      {
        username: "teller2",
        displayName: "柜员2",
        served: 2,
        meanServiceMinutes: 11,
        rated: 1,
        satisfiedShare: 0,
        csat: 2,
        complaints: 0,
        complaintsPerThousand: 0,
        called: 2,
        withinTargetShare: 0.5, // waits 2 and 30
      },
    ]);
  });

  it("shows a teller himself only, and refuses the lobby manager, the auditor and another branch", async () => {
    const own = await t.request({ method: "GET", url, cookie: await t.login("teller2") });
    expect(own.statusCode).toBe(200);
    expect(own.json().ownFiguresOnly).toBe(true);
    expect((own.json().rows as Array<{ username: string }>).map((r) => r.username)).toEqual(["teller2"]);
    const none = await t.request({ method: "GET", url, cookie: await t.login("teller5") });
    expect(none.json().rows).toEqual([]);
    for (const who of ["lobby", "auditor"])
      expect((await t.request({ method: "GET", url, cookie: await t.login(who) })).statusCode, who).toBe(403);
    const elsewhere = await t.request({
      method: "GET",
      url: `${url}&branchId=other`,
      cookie: await t.login("manager"),
    });
    expect(elsewhere.statusCode).toBe(403);
  });
});
