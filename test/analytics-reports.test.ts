import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importTickets } from "../src/app/analytics/import-tickets.ts";
import { sendDueReports } from "../src/app/analytics/reports.ts";
import { JobRunner } from "../src/app/messages/runner.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";
import { type SmtpSink, smtpSink } from "./support/mail-sinks.ts";

const MINUTE = 60_000;
/** The day before the test clock's Monday 23 November 2026 in Shanghai: the daily report's day. */
const DAY = "2026-11-22";
const TARGET = 15;
const HEADER =
  "branch_code,service_code,number,issued_at,first_called_at,started_at,finished_at,counter_number,teller_username,outcome,rating";

interface Row {
  service: string;
  number: string;
  issued: number;
  wait: number | null;
  serviceMin: number | null;
  counter: string;
  teller: string;
  outcome: "served" | "no_show" | "walked_away";
  rating: number | null;
}

/** A fixed day of 36 tickets; every figure below is computed from these rows by plain arithmetic. */
function fixture(): Row[] {
  const services = ["CASH", "TRANSFER", "CARD"];
  const rows: Row[] = [];
  for (let i = 1; i <= 36; i++) {
    const outcome = i % 9 === 0 ? "no_show" : i % 11 === 0 ? "walked_away" : "served";
    const called = outcome !== "walked_away";
    rows.push({
      service: services[i % 3] ?? "CASH",
      number: `R${String(i).padStart(3, "0")}`,
      issued: Date.parse(`${DAY}T09:00:00+08:00`) + i * 11 * MINUTE,
      wait: called ? (i * 7) % 31 : null,
      serviceMin: outcome === "served" ? 3 + (i % 8) : null,
      counter: called ? String(1 + (i % 2)) : "",
      teller: called ? (i % 4 === 0 ? "teller2" : "teller1") : "",
      outcome,
      rating: outcome === "served" && i % 3 === 0 ? 1 + (i % 3) + (i % 2) : null,
    });
  }
  return rows;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "+00:00");
function csvOf(rows: readonly Row[]): string {
  const lines = rows.map((r) => {
    const call = r.wait === null ? null : r.issued + r.wait * MINUTE;
    const start = call !== null && r.serviceMin !== null ? call + MINUTE : null;
    const finish = start !== null && r.serviceMin !== null ? start + r.serviceMin * MINUTE : null;
    const end = r.outcome === "no_show" && call !== null ? call + 3 * MINUTE : null;
    return [
      "SH001",
      r.service,
      r.number,
      iso(r.issued),
      call === null ? "" : iso(call),
      start === null ? "" : iso(start),
      finish !== null
        ? iso(finish)
        : end !== null
          ? iso(end)
          : r.outcome === "walked_away"
            ? iso(r.issued + 20 * MINUTE)
            : "",
      r.counter,
      r.teller,
      r.outcome,
      r.rating ?? "",
    ].join(",");
  });
  return `${HEADER}\n${lines.join("\n")}\n`;
}

const r1 = (v: number) => Math.round(v * 10) / 10;
function expected(rows: readonly Row[]) {
  const waits = rows.flatMap((r) => (r.wait === null ? [] : [r.wait]));
  const served = rows.filter((r) => r.outcome === "served");
  const rated = served.filter((r) => r.rating !== null);
  return {
    arrived: rows.length,
    served: served.length,
    noShows: rows.filter((r) => r.outcome === "no_show").length,
    walkAways: rows.filter((r) => r.outcome === "walked_away").length,
    meanWaitMinutes: waits.length ? r1(waits.reduce((a, b) => a + b, 0) / waits.length) : null,
    maxWaitMinutes: waits.length ? Math.max(...waits) : null,
    withinTargetShare: waits.length
      ? Math.round((waits.filter((w) => w <= TARGET).length / waits.length) * 1000) / 1000
      : null,
    meanServiceMinutes: served.length ? r1(served.reduce((a, r) => a + (r.serviceMin ?? 0), 0) / served.length) : null,
    satisfiedShare: rated.length
      ? Math.round((rated.filter((r) => r.rating === 3).length / rated.length) * 1000) / 1000
      : null,
  };
}

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "datang-report-"));
  try {
    const file = join(dir, "r.pdf");
    writeFileSync(file, pdf);
    return execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A sheet's data rows as objects keyed by the figure names of its second row. */
function sheetRows(sheet: ExcelJS.Worksheet | undefined): Array<Record<string, unknown>> {
  if (!sheet) throw new Error("no such sheet");
  const keys = (sheet.getRow(2).values as unknown[]).slice(1).map(String);
  const out: Array<Record<string, unknown>> = [];
  for (let i = 3; i <= sheet.rowCount; i++) {
    const values = (sheet.getRow(i).values as unknown[]).slice(1);
    out.push(Object.fromEntries(keys.map((k, j) => [k, values[j] ?? null])));
  }
  return out;
}

describe.each(DB_KINDS)("scheduled reports on %s", (kind) => {
  let t: TestServer;
  let smtp: SmtpSink;
  const rows = fixture();
  beforeAll(async () => {
    t = await startTestServer(kind);
    smtp = await smtpSink();
    const result = await importTickets(t.server.ctx, csvOf(rows));
    expect(result).toMatchObject({ ok: true, imported: rows.length });
  });
  afterAll(async () => {
    await smtp?.down();
    await t?.close();
  });

  const url = "/api/analytics/report-subscriptions";

  it("subscriptions: branch managers for their branch, every branch for admins only; checked and audited", async () => {
    const manager = await t.login("manager");
    const body = { branchId: t.branchId, period: "daily", recipients: ["boss@example.com"], timeOfDay: "10:00" };
    for (const who of ["teller1", "lobby", "auditor"]) {
      const res = await t.request({ method: "POST", url, cookie: await t.login(who), body });
      expect(res.statusCode, who).toBe(403);
    }
    const all = await t.request({ method: "POST", url, cookie: manager, body: { ...body, branchId: null } });
    expect(all.statusCode).toBe(403);
    const badTime = await t.request({ method: "POST", url, cookie: manager, body: { ...body, timeOfDay: "25:00" } });
    expect(badTime.statusCode).toBe(400);
    const badMail = await t.request({
      method: "POST",
      url,
      cookie: manager,
      body: { ...body, recipients: ["nobody"] },
    });
    expect(badMail.statusCode).toBe(400);

    const weekly = await t.request({
      method: "POST",
      url,
      cookie: manager,
      body: { ...body, period: "weekly", timeOfDay: "07:30" },
    });
    expect(weekly.statusCode, weekly.body).toBe(201);
    // Monday 09:30 in Shanghai now: next Monday 07:30 Shanghai.
    expect(weekly.json()).toMatchObject({ nextRunAt: "2026-11-29T23:30:00.000Z", timeZone: "Asia/Shanghai" });
    const monthly = await t.request({
      method: "POST",
      url,
      cookie: await t.login("admin"),
      body: { ...body, branchId: null, period: "monthly", timeOfDay: "06:00", lang: "en" },
    });
    expect(monthly.statusCode).toBe(201);
    expect(monthly.json()).toMatchObject({ branchId: null, nextRunAt: "2026-11-30T22:00:00.000Z" });
    // The branch manager does not see head office's subscription; the admin sees both.
    const mine = (await t.request({ method: "GET", url, cookie: manager })).json() as Array<{ id: string }>;
    expect(mine.map((s) => s.id)).toEqual([weekly.json().id]);
    const everyone = (await t.request({ method: "GET", url, cookie: await t.login("admin") })).json() as unknown[];
    expect(everyone).toHaveLength(2);
    for (const id of [weekly.json().id, monthly.json().id]) {
      const cookie = id === weekly.json().id ? manager : await t.login("admin");
      expect((await t.request({ method: "DELETE", url: `${url}/${id}`, cookie })).statusCode).toBe(204);
    }
    const audit = await t.server.ctx.store.db
      .selectFrom("audit_log")
      .select("action")
      .where("action", "like", "report_subscription.%")
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "report_subscription.create",
      "report_subscription.create",
      "report_subscription.delete",
      "report_subscription.delete",
    ]);
  });

  it("sends the day's XLSX and PDF once at its time, to a real SMTP server, with the fixture's figures", async () => {
    const manager = await t.login("manager");
    const created = await t.request({
      method: "POST",
      url,
      cookie: manager,
      body: {
        branchId: t.branchId,
        period: "daily",
        recipients: ["boss@example.com", "ops@example.com"],
        timeOfDay: "10:00",
      },
    });
    expect(created.statusCode).toBe(201);
    const sub = created.json() as { id: string; nextRunAt: string };
    expect(sub.nextRunAt).toBe("2026-11-23T02:00:00.000Z");
    // Before its time: nothing.
    expect(await sendDueReports(t.server.ctx)).toEqual([]);
    t.clock.advance(31 * MINUTE);
    // Two instances at once: one sends.
    const runs = (await Promise.all([sendDueReports(t.server.ctx), sendDueReports(t.server.ctx)])).flat();
    expect(runs).toEqual([{ subscriptionId: sub.id, period: DAY, messages: 2 }]);
    expect(await sendDueReports(t.server.ctx)).toEqual([]);
    const after = (await t.request({ method: "GET", url, cookie: manager })).json() as Array<Record<string, unknown>>;
    expect(after.find((s) => s.id === sub.id)).toMatchObject({
      nextRunAt: "2026-11-24T02:00:00.000Z",
      lastPeriod: DAY,
    });

    const runner = new JobRunner(t.server.ctx, {
      config: { smtp: { url: smtp.url, from: "Datang <no-reply@datang.local>" } },
    });
    for (let i = 0; i < 20 && smtp.mails.length < 2; i++) {
      await runner.tick();
      if (smtp.mails.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    await runner.stop();
    expect(smtp.mails.map((m) => m.to && !Array.isArray(m.to) && m.to.text).sort()).toEqual([
      "boss@example.com",
      "ops@example.com",
    ]);
    const mail = smtp.mails[0] as ParsedMail;
    const total = expected(rows);
    const branch = await t.server.ctx.store.db
      .selectFrom("branches")
      .select("name_zh")
      .where("id", "=", t.branchId)
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe(`大堂运营报告：${branch.name_zh} ${DAY}`);
    expect(mail.text).toContain(`到达 ${total.arrived}，办结 ${total.served}`);
    expect(mail.attachments.map((a) => [a.filename, a.contentType]).sort()).toEqual([
      [`datang-report-SH001-${DAY}.pdf`, "application/pdf"],
      [`datang-report-SH001-${DAY}.xlsx`, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ]);
    const xlsx = mail.attachments.find((a) => a.filename?.endsWith(".xlsx"));
    const pdf = mail.attachments.find((a) => a.filename?.endsWith(".pdf"));

    // The workbook, read back.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx?.content as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual([
      "汇总 Summary",
      "按业务 By business type",
      "按窗口 By counter",
      "按柜员 By staff",
      "按时段 By hour",
      "Glossary 指标说明",
    ]);
    const head = book.getWorksheet("汇总 Summary");
    const totals = new Map<string, unknown>();
    head?.eachRow((row) => {
      const v = row.values as unknown[];
      if (typeof v[2] === "string") totals.set(v[2], v[3] ?? null);
    });
    for (const [key, value] of Object.entries(total)) expect(totals.get(key), key).toBe(value);
    const byService = sheetRows(book.getWorksheet("按业务 By business type"));
    expect(byService.map((r) => r.key).sort()).toEqual(["CARD", "CASH", "TRANSFER"]);
    for (const row of byService)
      expect(row, String(row.key)).toMatchObject(expected(rows.filter((r) => r.service === row.key)));
    const byCounter = sheetRows(book.getWorksheet("按窗口 By counter"));
    for (const n of [1, 2])
      expect(byCounter.find((r) => r.key === n)).toMatchObject(expected(rows.filter((r) => r.counter === String(n))));
    const byStaff = sheetRows(book.getWorksheet("按柜员 By staff"));
    for (const name of ["teller1", "teller2"])
      expect(byStaff.find((r) => r.key === name)).toMatchObject(expected(rows.filter((r) => r.teller === name)));
    const hourOf = (ms: number) => (new Date(ms).getUTCHours() + 8) % 24;
    const byHour = sheetRows(book.getWorksheet("按时段 By hour")).filter((r) => (r.arrived as number) > 0);
    expect(byHour.map((r) => r.key)).toEqual([...new Set(rows.map((r) => hourOf(r.issued)))]);
    for (const h of byHour) expect(h.arrived).toBe(rows.filter((r) => hourOf(r.issued) === h.key).length);

    // The PDF summary, read by poppler.
    const text = pdfText(pdf?.content as Buffer);
    const pct = (v: number | null) => `${((v ?? 0) * 100).toFixed(1)}%`;
    expect(text).toContain("大堂运营报告 Datang report");
    expect(text).toContain(`期间 Period: ${DAY} ~ ${DAY}`);
    expect(text).toContain(`到达 Arrived: ${total.arrived}`);
    expect(text).toContain(`办结 Served: ${total.served}`);
    expect(text).toContain(`过号 No-shows: ${total.noShows}`);
    expect(text).toContain(`平均等候(分) Mean wait (min): ${total.meanWaitMinutes}`);
    expect(text).toContain(`达标率 Within target: ${pct(total.withinTargetShare)}`);
    expect(text).toContain(`满意率 Satisfied: ${pct(total.satisfiedShare)}`);
    const cash = expected(rows.filter((r) => r.service === "CASH"));
    expect(text.replace(/\s+/g, " ")).toContain(
      `到达 arrived ${cash.arrived}, 办结 served ${cash.served}, 平均等候 mean wait ${cash.meanWaitMinutes}`,
    );
  });
  it("checks the owner's rights again at every run: a manager who lost the branch or a deactivated one gets nothing, and the run says why", async () => {
    const admin = await t.login("admin");
    const as = async (method: string, u: string, cookie: string, body?: unknown) =>
      t.request({ method, url: u, cookie, body });
    // Two more managers of the branch, each subscribing to its daily report.
    const owners: Record<string, { userId: string; subscriptionId: string }> = {};
    for (const username of ["moved_mgr", "gone_mgr"]) {
      const user = await as("POST", "/api/users", admin, {
        username,
        displayName: username,
        password: TEST_PASSWORD,
        roles: ["branch_manager"],
        branchIds: [t.branchId],
      });
      expect(user.statusCode, user.body).toBe(201);
      const cookie = await t.login(username);
      const sub = await as("POST", url, cookie, {
        branchId: t.branchId,
        period: "daily",
        recipients: [`${username}@example.com`],
        timeOfDay: "10:00",
      });
      expect(sub.statusCode, sub.body).toBe(201);
      owners[username] = { userId: user.json().id, subscriptionId: sub.json().id };
    }
    const control = await as("POST", url, await t.login("manager"), {
      branchId: t.branchId,
      period: "daily",
      recipients: ["still@example.com"],
      timeOfDay: "10:00",
    });
    expect(control.statusCode).toBe(201);
    const moved = owners.moved_mgr as { userId: string; subscriptionId: string };
    const gone = owners.gone_mgr as { userId: string; subscriptionId: string };
    // One loses the branch, the other is deactivated, after saving.
    expect((await as("PATCH", `/api/users/${moved.userId}`, admin, { branchIds: [] })).statusCode).toBe(200);
    expect((await as("PATCH", `/api/users/${gone.userId}`, admin, { active: false })).statusCode).toBe(200);

    // "Send now" on a refused subscription sends nothing either (the admin may keep it, its owner may not have it).
    const now = await as("POST", `${url}/${moved.subscriptionId}/send`, admin);
    expect(now.statusCode, now.body).toBe(409);
    expect(now.json().details).toEqual({ reason: "owner_not_allowed" });

    const before = await t.server.ctx.store.db.selectFrom("outbox").select("recipient").execute();
    t.clock.advance(86_400_000);
    const runs = await sendDueReports(t.server.ctx);
    const byId = new Map(runs.map((r) => [r.subscriptionId, r]));
    expect(byId.get(moved.subscriptionId)).toMatchObject({ messages: 0, refused: "owner_not_allowed" });
    expect(byId.get(gone.subscriptionId)).toMatchObject({ messages: 0, refused: "owner_inactive" });
    expect(byId.get(control.json().id)).toMatchObject({ messages: 1 });
    expect(byId.get(control.json().id)?.refused).toBeUndefined();
    const after = await t.server.ctx.store.db.selectFrom("outbox").select("recipient").execute();
    const added = after.map((m) => m.recipient).filter((r) => !before.some((b) => b.recipient === r));
    expect(added).toContain("still@example.com");
    expect(added).not.toContain("moved_mgr@example.com");
    expect(added).not.toContain("gone_mgr@example.com");
    // The runs record why, and move on (not retried every minute); the period is not counted as sent.
    // A day has passed: the sessions made before it have expired.
    const signIn = await t.request({
      method: "POST",
      url: "/api/auth/login",
      body: { username: "admin", password: TEST_PASSWORD },
    });
    const session = signIn.cookies.find((c) => c.name === "datang_session");
    const admin2 = `datang_session=${session?.value}`;
    const listed = await as("GET", url, admin2);
    expect(listed.statusCode, listed.body).toBe(200);
    const list = listed.json() as Array<Record<string, unknown>>;
    expect(list.find((s) => s.id === moved.subscriptionId)).toMatchObject({
      lastOutcome: "refused",
      lastReason: "owner_not_allowed",
      lastPeriod: null,
      lastSentAt: null,
    });
    expect(list.find((s) => s.id === gone.subscriptionId)).toMatchObject({
      lastOutcome: "refused",
      lastReason: "owner_inactive",
    });
    expect(list.find((s) => s.id === control.json().id)).toMatchObject({ lastOutcome: "sent", lastReason: null });
    expect(await sendDueReports(t.server.ctx)).toEqual([]);
    // The branch given back: the next run is sent again.
    expect((await as("PATCH", `/api/users/${moved.userId}`, admin2, { branchIds: [t.branchId] })).statusCode).toBe(200);
    t.clock.advance(86_400_000);
    const again = new Map((await sendDueReports(t.server.ctx)).map((r) => [r.subscriptionId, r]));
    expect(again.get(moved.subscriptionId)).toMatchObject({ messages: 1 });
    expect(again.get(gone.subscriptionId)).toMatchObject({ messages: 0, refused: "owner_inactive" });
  });
});
