/**
 * A merge joins two records' consent ledgers; the latest answer about each way decides. A refusal of service
 * messages given to the merged-in record after the target's own answer stops the reminders queued for the target's
 * appointments, as a withdrawal would; an older refusal, overtaken by the target's later consent, stops nothing; a
 * later consent brings back the reminders the target's refusal had cancelled.
 * The harness clock starts on Monday 2026-11-23 09:30 in Shanghai.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookingCalls } from "./support/booking-calls.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("a customer merge and the merged consents on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let lobby: string;
  let manager: string;
  const svc = (code: string) => ids.services.get(code) as string;
  const { freeSlotsOn, staffBook } = bookingCalls(() => t, svc);
  const post = (url: string, cookie: string, body?: unknown) => t.request({ method: "POST", url, cookie, body });

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    [lobby, manager] = (await Promise.all(["lobby", "manager"].map((u) => t.login(u)))) as [string, string];
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A customer record made at the counter for a walk-in ticket (as a second record of one person would be). */
  const walkIn = async (phone: string) => {
    const ticket = await issueAtKiosk(t, svc("CASH"));
    const res = await post(`/api/tickets/${ticket.id}/customer`, lobby, { phone, name: "钱七" });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().customerId as string;
  };
  const answer = async (customerId: string, granted: boolean) => {
    t.clock.advance(1_000);
    const res = await post(`/api/customers/${customerId}/consents`, lobby, {
      purpose: "service",
      granted,
      channel: "phone",
    });
    expect(res.statusCode, res.body).toBe(201);
  };
  const reminders = async (appointmentId: string) =>
    (
      await t.server.ctx.store.db
        .selectFrom("outbox")
        .select(["status", "last_error"])
        .where("kind", "=", "appointment.reminder")
        .where("related_id", "=", appointmentId)
        .execute()
    ).map((r) => r.status);
  const merge = async (sourceId: string, targetId: string) => {
    const proposed = await post("/api/customer-merges", lobby, { sourceId, targetId, reason: "同一人两条记录" });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const id = proposed.json().id as string;
    const confirmed = await post(`/api/customer-merges/${id}/confirm`, manager, { reason: "核对证件一致" });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const line = await t.server.ctx.store.db
      .selectFrom("audit_log")
      .select("details")
      .where("action", "=", "customer.merge.confirm")
      .orderBy("at", "desc")
      .executeTakeFirstOrThrow();
    return (typeof line.details === "string" ? JSON.parse(line.details) : line.details) as Record<string, unknown>;
  };

  it("a later refusal on the merged-in record cancels the target's queued reminders", async () => {
    const target = await walkIn("13911220001");
    const appointment = await staffBook("13911220001", (await freeSlotsOn("2026-11-27"))[0]);
    const before = await reminders(appointment);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((s) => s === "pending")).toBe(true);
    await answer(target, true);
    const source = await walkIn("13911220002");
    await answer(source, false);
    // Before the merge, the other record's refusal is not this customer's: the reminders still wait.
    expect((await reminders(appointment)).every((s) => s === "pending")).toBe(true);

    const details = await merge(source, target);
    expect(await reminders(appointment)).toEqual(before.map(() => "cancelled"));
    expect(details).toMatchObject({ sourceId: source, messagesCancelled: before.length });
    const reason = await t.server.ctx.store.db
      .selectFrom("outbox")
      .select("last_error")
      .where("related_id", "=", appointment)
      .where("kind", "=", "appointment.reminder")
      .executeTakeFirstOrThrow();
    expect(reason.last_error).toContain("合并");
  });

  it("an older refusal, overtaken by the target's later consent, cancels nothing", async () => {
    const source = await walkIn("13911220004");
    await answer(source, false);
    const target = await walkIn("13911220003");
    const appointment = await staffBook("13911220003", (await freeSlotsOn("2026-11-27"))[1]);
    await answer(target, true);
    const before = await reminders(appointment);
    expect(before.length).toBeGreaterThan(0);

    const details = await merge(source, target);
    expect(await reminders(appointment)).toEqual(before);
    expect(details).not.toHaveProperty("messagesCancelled");
  });

  it("a later consent on the merged-in record brings back the reminders the target's refusal cancelled", async () => {
    const target = await walkIn("13911220005");
    const appointment = await staffBook("13911220005", (await freeSlotsOn("2026-11-27"))[2]);
    const queued = (await reminders(appointment)).length;
    await answer(target, false);
    expect((await reminders(appointment)).every((s) => s === "cancelled")).toBe(true);
    const source = await walkIn("13911220006");
    await answer(source, true);

    const details = await merge(source, target);
    const after = await reminders(appointment);
    expect(after.filter((s) => s === "pending")).toHaveLength(queued);
    expect(details).toMatchObject({ remindersQueued: queued });
    expect(details).not.toHaveProperty("messagesCancelled");
  });
});
