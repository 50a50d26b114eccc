/**
 * The statutory clock on the branch's real opening hours (its weekly hours and its closed and short days in
 * `branch_closures`), and the regulator export's days to close counted from the first receipt. Times are worked
 * out by hand for the demo branch (Asia/Shanghai, UTC+8; Monday–Friday 09:00–17:00, Saturday 09:00–16:00, closed
 * on Sunday).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepComplaintClocks } from "../src/app/complaints/complaints.ts";
import { DB_KINDS } from "./support/databases.ts";
import { closeOnSundays, START, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

/** A Shanghai wall-clock time as epoch milliseconds. */
const sh = (local: string) => Date.parse(`${local}+08:00`);

describe.each(DB_KINDS)("complaint clocks on real opening hours, regulator export on %s", (kind) => {
  let t: TestServer;
  const db = () => t.server.ctx.store.db;
  /** A new session each time: the clock jumps weeks ahead, past a session's lifetime. */
  const fresh = async (username: string) => {
    const res = await t.server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username, password: TEST_PASSWORD },
    });
    const set = res.cookies.find((c) => c.name === "datang_session");
    if (!set) throw new Error(`login ${username}: ${res.statusCode}`);
    return `datang_session=${set.value}`;
  };
  const call = async (method: string, url: string, user: string, body?: unknown) =>
    t.request({ method, url, cookie: await fresh(user), ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    t = await startTestServer(kind);
    // The week worked out by hand below closes on Sundays (the demo opens Sunday afternoons): set up here.
    await closeOnSundays(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("ends the deadline at the close of business, past closed days; reminds and escalates only in the day's real hours", async () => {
    t.clock.now = START; // Monday 2026-11-23 09:30
    for (const [day, hours] of [
      ["2026-12-05", ["09:00", "11:00"]], // Saturday: a short day
      ["2026-12-08", null], // the 15th day: closed
      ["2026-12-09", ["09:00", "12:00"]], // then a short day
    ] as const) {
      const res = await call("PUT", `/api/branches/${t.branchId}/closures/${day}`, "manager", {
        hours,
        reason: "测试",
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const created = await call("POST", "/api/complaints", "lobby", {
      branchId: t.branchId,
      category: "wait_time",
      severity: "simple",
      description: "等候太久",
    });
    expect(created.statusCode, created.body).toBe(201);
    // 23 Nov + 15 = Tue 8 Dec, closed → Wed 9 Dec, which closes at 12:00.
    expect(created.json().dueAt).toBe(new Date(sh("2026-12-09T12:00:00")).toISOString());
    const id = created.json().id as string;
    const state = async () => {
      await sweepComplaintClocks(t.server.ctx);
      const r = await db()
        .selectFrom("complaints")
        .select(["reminded_at", "escalated_at"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      return { reminded: r.reminded_at !== null, escalated: r.escalated_at !== null };
    };
    // The reminder is due from the opening of the third open day before 9 Dec: Mon 7, Sat 5, Fri 4 Dec 09:00.
    t.clock.now = sh("2026-12-03T16:00:00"); // the day before: too early
    expect(await state()).toEqual({ reminded: false, escalated: false });
    // Saturday 5 Dec 14:00: the weekly hours say open (to 16:00), the day's special hours closed at 11:00.
    t.clock.now = sh("2026-12-05T14:00:00");
    expect(await state()).toEqual({ reminded: false, escalated: false });
    t.clock.now = sh("2026-12-05T10:00:00"); // (a test clock: back to that morning, inside the short hours)
    expect(await state()).toEqual({ reminded: true, escalated: false });
    // Wednesday 9 Dec 14:00: past the 12:00 deadline, but the branch closed at noon: no escalation yet.
    t.clock.now = sh("2026-12-09T14:00:00");
    expect(await state()).toEqual({ reminded: true, escalated: false });
    // Thursday 10 Dec 09:30: open again, the escalation.
    t.clock.now = sh("2026-12-10T09:30:00");
    expect(await state()).toEqual({ reminded: true, escalated: true });
  });

  it("counts the regulator export's days to close from the first receipt, and reports the reopening", async () => {
    // Received Monday 23 Nov 10:30 (due Tue 8 Dec, closed that day by the first test: Wed 9 Dec), closed Thursday
    // 26 Nov 11:30: 3 days.
    t.clock.now = sh("2026-11-23T10:30:00");
    const open = async (description: string) => {
      const res = await call("POST", "/api/complaints", "lobby", {
        branchId: t.branchId,
        category: "fees",
        severity: "simple",
        description,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; reference: string };
    };
    const close = async (id: string) => {
      const res = await call("POST", `/api/complaints/${id}/close`, "lobby", {
        rootCause: "收费说明不清",
        reply: "已退费",
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    const once = await open("年费");
    const twice = await open("手续费");
    t.clock.now = sh("2026-11-26T11:30:00");
    await close(once.id);
    await close(twice.id);
    // The second is reopened on Saturday 28 Nov 10:00 (a new clock: 28 Nov + 15 = Sun 13 Dec → Mon 14 Dec) and
    // closed again on Tuesday 1 Dec 15:00: 8 days from its first receipt (not 4 from the reopening).
    t.clock.now = sh("2026-11-28T10:00:00");
    const reopened = await call("POST", `/api/complaints/${twice.id}/reopen`, "lobby", { reason: "仍不满意" });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(reopened.json().dueAt).toBe(new Date(sh("2026-12-14T17:00:00")).toISOString());
    t.clock.now = sh("2026-12-01T15:00:00");
    await close(twice.id);

    const csv = await call(
      "GET",
      `/api/complaints/export.csv?from=2026-11-23T02:00:00Z&to=2026-11-23T03:00:00Z&branchId=${t.branchId}`,
      "manager",
    );
    expect(csv.statusCode, csv.body).toBe(200);
    const [header, ...lines] = csv.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(header).toBe(
      "reference,branch,received,source,category,severity,statutory_days,extended,due,status,closed,days_to_close,within_deadline,root_cause,reopened,last_reopened",
    );
    expect(lines).toEqual([
      `${once.reference},SH001,2026-11-23,staff,fees,simple,15,no,2026-12-09,closed,2026-11-26,3,yes,收费说明不清,0,`,
      `${twice.reference},SH001,2026-11-23,staff,fees,simple,15,no,2026-12-14,closed,2026-12-01,8,yes,收费说明不清,1,2026-11-28`,
    ]);
  });
});
