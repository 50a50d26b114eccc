/**
 * The complaint desk reclassifies a complaint's severity (online ones always arrive as simple): simple ↔ complex
 * with a reason, the statutory clock computed again from the receipt date, noted in its history and audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

const DAY = 86_400_000;

describe.each(DB_KINDS)("complaint severity reclassification on %s", (kind) => {
  let t: TestServer;
  const db = () => t.server.ctx.store.db;
  const post = (url: string, body: unknown, cookie?: string) =>
    t.request({ method: "POST", url, body, ...(cookie ? { cookie } : {}) });

  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("reclassifies an online complaint simple → complex and back, the deadline from the receipt, audited", async () => {
    t.clock.advance(61_000);
    expect((await post("/api/public/otp", { phone: "13900002222" })).statusCode).toBe(202);
    const sms = await db()
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "otp")
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
    const otp = (JSON.parse(sms.data) as { code: string }).code;
    const filed = await post("/api/public/complaints", {
      branchId: t.branchId,
      category: "wait_time",
      description: "理财产品说明不清",
      phone: "13900002222",
      otp,
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const row = await db().selectFrom("complaints").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source: "online", severity: "simple" });
    const id = row.id;
    const receivedAt = Number(row.received_at);
    const simpleDue = Number(row.due_at);
    // A few days on, the desk sees it needs more work.
    t.clock.advance(3 * DAY);
    const lobby = await t.login("lobby");
    const teller = await t.login("teller1");
    const url = `/api/complaints/${id}/severity`;
    expect((await post(url, { severity: "complex", reason: "涉及理财产品，需多部门核实" }, teller)).statusCode).toBe(
      403,
    );
    expect((await post(url, { severity: "complex", reason: " " }, lobby)).statusCode).toBe(400);
    expect((await post(url, { severity: "simple", reason: "不变" }, lobby)).statusCode).toBe(400);
    expect((await post(url, { severity: "grave", reason: "不对" }, lobby)).statusCode).toBe(400);

    const complex = await post(url, { severity: "complex", reason: "涉及理财产品，需多部门核实" }, lobby);
    expect(complex.statusCode, complex.body).toBe(200);
    expect(complex.json()).toMatchObject({ id, severity: "complex", status: "open" });
    const after = await db().selectFrom("complaints").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    // 30 days from the receipt (not from today), to the end of that branch-local day: 15 days later than before.
    expect(Number(after.due_at) - simpleDue).toBe(15 * DAY);
    const days = (Number(after.due_at) - receivedAt) / DAY;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThanOrEqual(31);
    expect(Date.parse(complex.json().dueAt)).toBe(Number(after.due_at));
    expect(after.received_at).toBe(row.received_at);

    const detail = (await t.request({ method: "GET", url: `/api/complaints/${id}`, cookie: lobby })).json();
    expect(detail.notes.at(-1)).toMatchObject({
      action: "reclassified",
      data: { from: "simple", to: "complex", reason: "涉及理财产品，需多部门核实" },
    });
    const audited = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "complaint.reclassify")
      .where("entity_id", "=", id)
      .execute();
    expect(audited).toHaveLength(1);
    expect(JSON.parse(audited[0]?.details ?? "{}")).toMatchObject({ from: "simple", to: "complex" });

    // Back to simple: the 15 days from the receipt again.
    const back = await post(url, { severity: "simple", reason: "核实后属简单问题" }, lobby);
    expect(back.statusCode, back.body).toBe(200);
    expect(Date.parse(back.json().dueAt)).toBe(simpleDue);
    // A closed complaint is not reclassified.
    const manager = await t.login("manager");
    expect(
      (await post(`/api/complaints/${id}/close`, { rootCause: "说明不足", reply: "已重新说明" }, manager)).statusCode,
    ).toBe(200);
    expect((await post(url, { severity: "complex", reason: "再调整" }, lobby)).statusCode).toBe(409);
  });
});
