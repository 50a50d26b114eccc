import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifyWaitAlarms } from "../src/app/tickets/wait-alarms.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

const MINUTE = 60_000;

interface User {
  id: string;
  username: string;
  email: string | null;
  phone: string | null;
}

describe.each(DB_KINDS)("waits past the alarm notify the branch manager on %s", (kind) => {
  let t: TestServer;
  let users: User[];
  let cash: string;
  let alarmWaitMinutes: number;
  beforeAll(async () => {
    t = await startTestServer(kind);
    cash = (await demoIds(t)).services.values().next().value as string;
    const manager = await t.login("manager");
    const queue = await t.request({ method: "GET", url: `/api/branches/${t.branchId}/queue`, cookie: manager });
    alarmWaitMinutes = (queue.json() as { alarmWaitMinutes: number }).alarmWaitMinutes;
    const admin = await t.login("admin");
    users = (await t.request({ method: "GET", url: "/api/users", cookie: admin })).json() as User[];
  });
  afterAll(() => t?.close());

  const user = (name: string) => {
    const found = users.find((u) => u.username === name);
    if (!found) throw new Error(`no user ${name}`);
    return found;
  };

  it("staff contacts are set in admin, validated, and an empty one clears it", async () => {
    const admin = await t.login("admin");
    const manager = user("manager");
    expect(manager.email).toBeNull();
    const bad = await t.request({
      method: "PATCH",
      url: `/api/users/${manager.id}`,
      cookie: admin,
      body: { email: "not an address" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: "invalid_request" });
    const badPhone = await t.request({
      method: "PATCH",
      url: `/api/users/${manager.id}`,
      cookie: admin,
      body: { phone: "13812345678" },
    });
    expect(badPhone.statusCode).toBe(400);
    const ok = await t.request({
      method: "PATCH",
      url: `/api/users/${manager.id}`,
      cookie: admin,
      body: { email: "manager@example.com", phone: "+8613812345678" },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ email: "manager@example.com", phone: "+8613812345678" });
    // The lobby manager has a contact too, but is not told: the notice is the branch manager's.
    const lobby = await t.request({
      method: "PATCH",
      url: `/api/users/${user("lobby").id}`,
      cookie: admin,
      body: { email: "lobby@example.com" },
    });
    expect(lobby.json()).toMatchObject({ email: "lobby@example.com", phone: null });
    const cleared = await t.request({
      method: "PATCH",
      url: `/api/users/${user("lobby").id}`,
      cookie: admin,
      body: { email: "" },
    });
    expect(cleared.json()).toMatchObject({ email: null });
    await t.request({
      method: "PATCH",
      url: `/api/users/${user("lobby").id}`,
      cookie: admin,
      body: { email: "lobby@example.com" },
    });
  });

  it("one e-mail and one SMS per ticket past the alarm, none before it, none again; shown in Messages", async () => {
    const early = await issueAtKiosk(t, cash);
    t.clock.advance(10 * MINUTE);
    const late = await issueAtKiosk(t, cash);
    const branch = { alarmWaitMinutes };
    // Just under the alarm for the first ticket: nothing.
    t.clock.advance((branch.alarmWaitMinutes - 10) * MINUTE - 1000);
    expect(await notifyWaitAlarms(t.server.ctx)).toEqual([]);
    // Past it for the first ticket only.
    t.clock.advance(2000);
    const first = await notifyWaitAlarms(t.server.ctx);
    expect(first).toEqual([{ branchId: t.branchId, ticketNumber: early.number, recipients: 2 }]);
    expect(await notifyWaitAlarms(t.server.ctx)).toEqual([]);
    // Later the second ticket passes it too; the first is not told again.
    t.clock.advance(10 * MINUTE);
    expect(await notifyWaitAlarms(t.server.ctx)).toEqual([
      { branchId: t.branchId, ticketNumber: late.number, recipients: 2 },
    ]);
    expect(await notifyWaitAlarms(t.server.ctx)).toEqual([]);

    const rows = await t.server.ctx.store.db
      .selectFrom("outbox")
      .select(["kind", "channel", "recipient", "related_id", "branch_id", "data"])
      .where("kind", "=", "wait.alarm")
      .orderBy("created_at")
      .orderBy("channel")
      .execute();
    expect(rows.map((r) => [r.related_id, r.channel, r.recipient])).toEqual([
      [early.id, "email", "manager@example.com"],
      [early.id, "sms", "+8613812345678"],
      [late.id, "email", "manager@example.com"],
      [late.id, "sms", "+8613812345678"],
    ]);
    expect(JSON.parse(rows[0]?.data ?? "{}")).toMatchObject({
      number: early.number,
      alarmMinutes: branch.alarmWaitMinutes,
    });

    const manager = await t.login("manager");
    const listed = (await t.request({ method: "GET", url: "/api/messages", cookie: manager })).json() as {
      messages: Array<{ kind: string }>;
    };
    expect(listed.messages.filter((m) => m.kind === "wait.alarm")).toHaveLength(4);
  });

  it("a ticket cancelled before the sweep is not noticed", async () => {
    const ticket = await issueAtKiosk(t, cash);
    const lobby = await t.login("lobby");
    const cancelled = await t.request({
      method: "POST",
      url: `/api/tickets/${ticket.id}/cancel`,
      cookie: lobby,
      body: { reason: "left" },
    });
    expect(cancelled.statusCode).toBe(200);
    t.clock.advance(120 * MINUTE);
    const notices = await notifyWaitAlarms(t.server.ctx);
    expect(notices.map((n) => n.ticketNumber)).not.toContain(ticket.number);
  });
});
