/**
 * Issue 13: a branch's closed days and days with other hours (branch_closures), entered through the API.
 * - A closed day offers no slot and refuses a booking; the appointments already on it are counted, not cancelled.
 * - Special hours shorten the day's slots; removing the entry gives the weekly hours back; a range closes a week.
 * - The slot answers change at once (the cached answer is dropped), on this instance and (PostgreSQL) another one.
 * - Only the admin and the branch's own manager may write; every change is audited; bad input is a 400 in zh/en.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

const lifetimeBefore = process.env.DATANG_SLOT_CACHE_MS;
beforeAll(() => {
  // A long lifetime: whatever changes at once below was dropped, not expired.
  process.env.DATANG_SLOT_CACHE_MS = "10000";
});
afterAll(() => {
  if (lifetimeBefore === undefined) delete process.env.DATANG_SLOT_CACHE_MS;
  else process.env.DATANG_SLOT_CACHE_MS = lifetimeBefore;
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DB_KINDS)("branch closed days and special hours on %s", (kind) => {
  let t: TestServer;
  let cash: string;
  let manager: string;
  beforeAll(async () => {
    t = await startTestServer(kind);
    cash = (await demoIds(t)).services.get("CASH") as string;
    manager = await t.login("manager");
  });
  afterAll(() => t?.close());

  const slots = async (date: string) => {
    const res = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${cash}&date=${date}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().slots as Array<{ start: string; end: string; free: number }>;
  };
  const book = (start: string, phone: string) =>
    t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: manager,
      body: { serviceId: cash, start, name: "客户", phone },
    });
  const put = (day: string, body: unknown, cookie = manager, headers?: Record<string, string>) =>
    t.request({ method: "PUT", url: `/api/branches/${t.branchId}/closures/${day}`, cookie, body, headers });

  it("a closed day offers no slot, refuses a booking, and counts (never cancels) the appointments already on it", async () => {
    const day = "2026-11-25"; // a Wednesday inside the booking window
    const before = await slots(day); // cached now
    expect(before.length).toBeGreaterThan(0);
    const booked = await book(before[0]?.start as string, "13800138101");
    expect(booked.statusCode, booked.body).toBe(201);

    const closed = await put(day, { hours: null, reason: "国庆节调休" });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toEqual({ day, hours: null, reason: "国庆节调休", appointmentsAffected: 1 });
    expect(await slots(day)).toEqual([]);
    const refused = await book(before[1]?.start as string, "13800138102");
    expect(refused.statusCode, refused.body).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    const status = await t.server.ctx.store.db
      .selectFrom("appointments")
      .select("status")
      .where("id", "=", booked.json().id)
      .executeTakeFirstOrThrow();
    expect(status.status).toBe("booked");

    const listed = await t.request({
      method: "GET",
      url: `/api/branches/${t.branchId}/closures?from=2026-11-24`,
      cookie: manager,
    });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().closures).toEqual([{ day, hours: null, reason: "国庆节调休" }]);

    const audit = await t.server.ctx.store.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "branch.closure.set")
      .execute();
    expect(audit.length).toBe(1);

    const removed = await t.request({
      method: "DELETE",
      url: `/api/branches/${t.branchId}/closures/${day}`,
      cookie: manager,
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toEqual({ removed: true });
    expect((await slots(day)).length).toBe(before.length);
  });

  it("special hours shorten the day's slots to those hours", async () => {
    const day = "2026-11-26";
    const full = await slots(day);
    expect(full.some((s) => s.start.slice(11, 16) >= "11:00")).toBe(true);
    const short = await put(day, { hours: ["10:00", "11:00"], reason: "半天培训" });
    expect(short.statusCode, short.body).toBe(200);
    const after = await slots(day);
    expect(after.length).toBeGreaterThan(0);
    expect(after.length).toBeLessThan(full.length);
    for (const s of after) {
      expect(s.start.slice(11, 16) >= "10:00", s.start).toBe(true);
      expect(s.end.slice(11, 16) <= "11:00", s.end).toBe(true);
    }
  });

  it("closes a holiday range at once", async () => {
    expect((await slots("2026-11-27")).length).toBeGreaterThan(0);
    const range = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/closures/range`,
      cookie: await t.login("admin"),
      body: { from: "2026-11-27", to: "2026-11-30", hours: null, reason: "春节" },
    });
    expect(range.statusCode, range.body).toBe(200);
    expect(range.json().closures.map((c: { day: string }) => c.day)).toEqual([
      "2026-11-27",
      "2026-11-28",
      "2026-11-29",
      "2026-11-30",
    ]);
    expect(await slots("2026-11-27")).toEqual([]);
    expect(await slots("2026-11-30")).toEqual([]);
    const tooLong = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/closures/range`,
      cookie: manager,
      body: { from: "2026-12-01", to: "2027-01-15", hours: null, reason: "x" },
    });
    expect(tooLong.statusCode).toBe(400);
  });

  it("refuses bad input with a 400 in the stable shape, in Chinese and English", async () => {
    const notADay = await put("2026-02-30", { hours: null, reason: "x" });
    expect(notADay.statusCode).toBe(400);
    expect(notADay.json()).toMatchObject({ error: "invalid_request", message: expect.stringContaining("calendar") });
    const zh = await put("2026-02-30", { hours: null }, manager, { "accept-language": "zh-CN" });
    expect(zh.json().message).toContain("真实日期");
    const backwards = await put("2026-12-02", { hours: ["12:00", "10:00"], reason: "x" });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().message).toContain("before the closing");
    expect((await put("2026-12-02", { hours: ["9:00", "10:00"] })).statusCode).toBe(400);
    expect((await put("2026-12-02", { hours: null, reason: "长".repeat(201) })).statusCode).toBe(400);
    // Nothing was written by any refusal.
    const rows = await t.server.ctx.store.db
      .selectFrom("branch_closures")
      .select("day")
      .where("day", "in", ["2026-02-30", "2026-12-02"])
      .execute();
    expect(rows).toEqual([]);
  });

  it("lets only the admin and the branch's own manager in (403 for others), and a stranger's branch is 403", async () => {
    // The manager of another branch.
    const admin = await t.login("admin");
    const other = await t.request({
      method: "POST",
      url: "/api/branches",
      cookie: admin,
      body: { code: "SH002", nameZh: "另一网点", nameEn: "Other" },
    });
    expect(other.statusCode, other.body).toBe(201);
    const user = await t.request({
      method: "POST",
      url: "/api/users",
      cookie: admin,
      body: {
        username: "othermanager",
        displayName: "别的经理",
        password: TEST_PASSWORD,
        roles: ["branch_manager"],
        branchIds: [other.json().id],
      },
    });
    expect(user.statusCode, user.body).toBe(201);
    const cookies: Record<string, string> = {
      teller1: await t.login("teller1"),
      lobby: await t.login("lobby"),
      auditor: await t.login("auditor"),
      othermanager: await t.login("othermanager"),
    };
    for (const [who, cookie] of Object.entries(cookies)) {
      const res = await put("2026-12-03", { hours: null, reason: "x" }, cookie);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(403);
      expect(res.json().error).toBe("forbidden");
      const list = await t.request({ method: "GET", url: `/api/branches/${t.branchId}/closures`, cookie });
      expect(list.statusCode, who).toBe(403);
    }
    expect((await put("2026-12-03", { hours: null, reason: "x" }, await t.login("admin"))).statusCode).toBe(200);
  });

  it.runIf(kind === "postgres")("a closed day entered on one instance shows on another's slots at once", async () => {
    const store = openStore(t.location);
    const second = await buildServer({ store, clock: () => t.clock.now });
    try {
      const day = "2026-12-04";
      const onSecond = async () =>
        (
          await second.app.inject({
            method: "GET",
            url: `/api/public/branches/${t.branchId}/slots?serviceId=${cash}&date=${day}`,
          })
        ).json().slots as unknown[];
      expect((await onSecond()).length).toBeGreaterThan(0); // cached on the second instance, 10 s lifetime
      expect((await put(day, { hours: null, reason: "停电" })).statusCode).toBe(200);
      const t0 = Date.now();
      while ((await onSecond()).length > 0) {
        if (Date.now() - t0 > 3_000) throw new Error("the second instance still offers slots");
        await sleep(20);
      }
    } finally {
      await second.close();
      await store.close();
    }
  });
});
