import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueMessage } from "../src/store/outbox.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("messages and webhooks in admin on %s", (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
    await t.server.ctx.store.write(async (tx) => {
      await enqueueMessage(tx, {
        id: "m-branch",
        kind: "appointment.reminder",
        channel: "sms",
        recipient: "+8613812345678",
        lang: "zh-CN",
        data: {},
        now: t.clock.now,
        branchId: t.branchId,
      });
      await enqueueMessage(tx, {
        id: "m-otp",
        kind: "otp",
        channel: "sms",
        recipient: "+8613900001111",
        lang: "zh-CN",
        data: { code: "123456" },
        now: t.clock.now,
      });
    });
    await t.server.ctx.store.db.updateTable("outbox").set({ status: "dead", last_error: "HTTP 400" }).execute();
  });
  afterAll(() => t?.close());

  it("lists messages with masked recipients; a branch manager sees their branch's only; tellers none", async () => {
    const admin = await t.login("admin");
    const res = await t.request({ method: "GET", url: "/api/messages", cookie: admin });
    expect(res.statusCode).toBe(200);
    const list = (res.json() as { messages: Array<{ id: string; recipient: string; status: string }> }).messages;
    expect(list.map((m) => m.id).sort()).toEqual(["m-branch", "m-otp"]);
    expect(list.find((m) => m.id === "m-branch")).toMatchObject({ recipient: "138****5678", status: "dead" });
    expect(res.body).not.toContain("13812345678");
    expect(res.body).not.toContain("123456");

    const manager = await t.login("manager");
    const mine = (await t.request({ method: "GET", url: "/api/messages", cookie: manager })).json() as {
      messages: Array<{ id: string }>;
    };
    expect(mine.messages.map((m) => m.id)).toEqual(["m-branch"]);
    const teller = await t.login("teller1");
    expect((await t.request({ method: "GET", url: "/api/messages", cookie: teller })).statusCode).toBe(403);
    expect((await t.request({ method: "GET", url: "/api/messages?status=bogus", cookie: admin })).statusCode).toBe(400);
  });

  it("resends a dead message (audited) but never a one-time code", async () => {
    const manager = await t.login("manager");
    const res = await t.request({ method: "POST", url: "/api/messages/m-branch/resend", cookie: manager });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "pending", attempts: 0 });
    const again = await t.request({ method: "POST", url: "/api/messages/m-branch/resend", cookie: manager });
    expect(again.statusCode).toBe(409);
    const admin = await t.login("admin");
    expect((await t.request({ method: "POST", url: "/api/messages/m-otp/resend", cookie: admin })).statusCode).toBe(
      409,
    );
    expect((await t.request({ method: "POST", url: "/api/messages/nope/resend", cookie: admin })).statusCode).toBe(404);
    const trail = await t.server.ctx.store.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "message.resend")
      .execute();
    expect(trail).toHaveLength(1);
  });

  it("creates a webhook subscription (secret shown once), lists its deliveries, replays one", async () => {
    const admin = await t.login("admin");
    const created = await t.request({
      method: "POST",
      url: "/api/webhooks",
      cookie: admin,
      body: { url: "http://127.0.0.1:9/hook", eventTypes: ["ticket.*"], branchId: t.branchId },
    });
    expect(created.statusCode).toBe(201);
    const { subscription, secret } = created.json() as { subscription: { id: string }; secret: string };
    expect(secret).toMatch(/^whsec_/);
    const list = await t.request({ method: "GET", url: "/api/webhooks", cookie: admin });
    expect(list.body).not.toContain(secret);
    expect((list.json() as { subscriptions: unknown[] }).subscriptions).toHaveLength(1);

    const bad = await t.request({
      method: "POST",
      url: "/api/webhooks",
      cookie: admin,
      body: { url: "ftp://x.example/", eventTypes: ["ticket.*"] },
    });
    expect(bad.statusCode).toBe(400);
    const manager = await t.login("manager");
    expect((await t.request({ method: "GET", url: "/api/webhooks", cookie: manager })).statusCode).toBe(403);

    await t.server.ctx.store.db
      .insertInto("webhook_deliveries")
      .values({
        id: "msg_1",
        subscription_id: subscription.id,
        event_type: "ticket.issued",
        branch_id: t.branchId,
        payload: "{}",
        status: "dead",
        attempts: 10,
        next_attempt_at: t.clock.now,
        lease_owner: null,
        lease_until: null,
        last_error: "HTTP 500",
        last_status_code: 500,
        created_at: t.clock.now,
        updated_at: t.clock.now,
        delivered_at: null,
      })
      .execute();
    const log = await t.request({ method: "GET", url: `/api/webhooks/${subscription.id}/deliveries`, cookie: admin });
    expect((log.json() as { deliveries: unknown[] }).deliveries).toEqual([
      expect.objectContaining({ id: "msg_1", status: "dead", lastStatusCode: 500 }),
    ]);
    const replay = await t.request({ method: "POST", url: "/api/webhook-deliveries/msg_1/replay", cookie: admin });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ status: "pending", attempts: 0 });
    const off = await t.request({ method: "POST", url: `/api/webhooks/${subscription.id}/deactivate`, cookie: admin });
    expect(off.json()).toMatchObject({ active: false });
  });
});
