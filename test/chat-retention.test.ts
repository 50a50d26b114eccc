/**
 * Chat transcripts have a retention class of their own (`chat_transcripts`): once a closed conversation is older
 * than the class's period, its texts are anonymised (messages, the customer link, a finished callback's contact),
 * while the conversation row keeps its times, skill, agent and rating for the contact centre's figures. Open
 * conversations and ones closed inside the period are untouched; the period is set like the other classes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

const DAY = 86_400_000;

describe.each(DB_KINDS)("chat transcript retention on %s", (kind) => {
  let t: TestServer;
  const db = () => t.server.ctx.store.db;

  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const start = async () => {
    const res = await t.request({ method: "POST", url: "/api/public/chat", body: { language: "zh" } });
    expect(res.statusCode).toBe(201);
    return res.json() as { conversationId: string; token: string };
  };
  const say = async (c: { conversationId: string; token: string }, text: string) => {
    const res = await t.request({
      method: "POST",
      url: `/api/public/chat/${c.conversationId}/messages`,
      token: c.token,
      body: { text },
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  /** A fresh session cookie: sessions expire while the test clock moves by weeks. */
  const fresh = async (username: string) => {
    const res = await t.server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username, password: "test-password-1" },
    });
    const c = res.cookies.find((x) => x.name === "datang_session");
    return `datang_session=${c?.value}`;
  };
  const as = async (user: string, method: string, url: string, body?: unknown) =>
    t.request({ method, url, cookie: await fresh(user), body });
  const texts = async (conversationId: string) =>
    (
      await db()
        .selectFrom("chat_messages")
        .select(["text", "data"])
        .where("conversation_id", "=", conversationId)
        .orderBy("seq")
        .execute()
    ).filter((m) => m.text !== "" || m.data !== null);
  const row = (id: string) =>
    db().selectFrom("chat_conversations").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const chatItem = (items: Array<{ dataClass: string; rows: Record<string, number> }>) =>
    items.find((i) => i.dataClass === "chat_transcripts");

  it("is a class of its own with a default, set by an admin within the same bounds as the others", async () => {
    const got = await as("manager", "GET", "/api/retention");
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json().classes).toContainEqual(
      expect.objectContaining({ dataClass: "chat_transcripts", days: 365, defaultDays: 365, updatedAt: null }),
    );
    expect((await as("manager", "PUT", "/api/retention", { days: { chat_transcripts: 60 } })).statusCode).toBe(403);
    const tooShort = await as("admin", "PUT", "/api/retention", { days: { chat_transcripts: 7 } });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.json().details).toMatchObject({ field: "chat_transcripts", min: 30 });
    const set = await as("admin", "PUT", "/api/retention", { days: { chat_transcripts: 30 } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().classes).toContainEqual(
      expect.objectContaining({ dataClass: "chat_transcripts", days: 30, defaultDays: 365 }),
    );
    const audited = await db()
      .selectFrom("audit_log")
      .select("details")
      .where("action", "=", "retention.settings")
      .execute();
    expect(audited.map((a) => JSON.parse(a.details ?? "{}"))).toContainEqual({ chat_transcripts: 30 });
  });

  it("anonymises a closed conversation's transcript after the period; times, skill, agent and rating stay", async () => {
    await as("agent2", "PUT", "/api/chat/me/presence", { presence: "online" });
    // Closed by an agent and rated, long ago.
    const old = await start();
    await say(old, "我的身份证号是110101199003071234，想改手机号");
    await say(old, "人工");
    expect((await row(old.conversationId)).agent_id).not.toBeNull();
    expect(
      (await as("agent2", "POST", `/api/chat/conversations/${old.conversationId}/messages`, { text: "您好，王先生" }))
        .statusCode,
    ).toBe(201);
    expect((await as("agent2", "POST", `/api/chat/conversations/${old.conversationId}/close`)).statusCode).toBe(204);
    const rated = await t.request({
      method: "POST",
      url: `/api/public/chat/${old.conversationId}/rating`,
      token: old.token,
      body: { score: 3 },
    });
    expect(rated.statusCode, rated.body).toBe(204);
    const before = await row(old.conversationId);
    expect((await texts(old.conversationId)).length).toBeGreaterThanOrEqual(4);

    // Still open after the same time: a conversation the customer left mid-way, never closed.
    const open = await start();
    await say(open, "我的电话是13912345678");

    t.clock.advance(20 * DAY);
    // Closed 20 days later: inside the 30-day period when the run comes.
    const recent = await start();
    await say(recent, "请问开户要带什么");
    await say(recent, "人工");
    expect((await as("agent2", "POST", `/api/chat/conversations/${recent.conversationId}/close`)).statusCode).toBe(204);

    t.clock.advance(11 * DAY);
    const dry = await as("admin", "GET", "/api/retention/dry-run");
    expect(dry.statusCode, dry.body).toBe(200);
    const planned = chatItem(dry.json().items);
    expect(planned).toMatchObject({ dataClass: "chat_transcripts", days: 30, available: true });
    expect(planned?.rows.chat_conversations).toBe(1);
    expect(planned?.rows.chat_messages).toBe((await texts(old.conversationId)).length);
    // The dry run changed nothing.
    expect((await texts(old.conversationId)).length).toBe(planned?.rows.chat_messages);

    const run = await as("admin", "POST", "/api/retention/run");
    expect(run.statusCode, run.body).toBe(200);
    expect(chatItem(run.json().items)?.rows).toEqual(planned?.rows);

    expect(await texts(old.conversationId)).toEqual([]);
    const after = await row(old.conversationId);
    expect(after).toMatchObject({
      status: "closed",
      csat: 3,
      skill: before.skill,
      agent_id: before.agent_id,
      created_at: before.created_at,
      assigned_at: before.assigned_at,
      first_response_at: before.first_response_at,
      closed_at: before.closed_at,
      closed_by: before.closed_by,
      customer_id: null,
      flow: null,
    });
    // Who wrote when stays (the message rows), only the words are gone.
    const kept = await db()
      .selectFrom("chat_messages")
      .select(["author", "at"])
      .where("conversation_id", "=", old.conversationId)
      .execute();
    expect(kept.length).toBe(planned?.rows.chat_messages);
    expect(kept.map((m) => m.author)).toContain("agent");

    // The open one and the recently closed one keep their words.
    expect((await texts(open.conversationId)).map((m) => m.text)).toContain("我的电话是13912345678");
    expect((await texts(recent.conversationId)).map((m) => m.text)).toContain("请问开户要带什么");

    // Recorded, and the next dry run finds nothing of that class.
    const audit = await db()
      .selectFrom("audit_log")
      .select("details")
      .where("action", "=", "retention.run")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details ?? "{}").chat_transcripts).toEqual(planned?.rows);
    const next = chatItem((await as("admin", "GET", "/api/retention/dry-run")).json().items);
    expect(next?.rows).toEqual({ chat_conversations: 0, chat_messages: 0 });
  });

  it("blanks a finished callback's contact but keeps the contact of a callback not yet made", async () => {
    await db().updateTable("chat_agents").set({ presence: "offline" }).execute();
    const leave = async (contact: string) => {
      const c = await start();
      await say(c, "转人工");
      const left = await t.request({
        method: "POST",
        url: `/api/public/chat/${c.conversationId}/callback`,
        token: c.token,
        body: { contact, message: "请回电" },
      });
      expect(left.statusCode, left.body).toBe(201);
      return { ...c, callbackId: left.json().callbackId as string };
    };
    const done = await leave("13700001111");
    const pending = await leave("13700002222");
    const made = await as("agent2", "POST", `/api/chat/callbacks/${done.callbackId}/done`, { outcome: "已电话回复" });
    expect(made.statusCode, made.body).toBe(204);
    t.clock.advance(31 * DAY);
    expect((await as("admin", "POST", "/api/retention/run")).statusCode).toBe(200);
    const callback = (id: string) =>
      db()
        .selectFrom("chat_callbacks")
        .select(["contact", "message", "status"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
    expect(await callback(done.callbackId)).toMatchObject({ contact: "", message: "" });
    expect(await callback(pending.callbackId)).toMatchObject({ contact: "13700002222", message: "请回电" });
    expect(await texts(done.conversationId)).toEqual([]);
    expect(await texts(pending.conversationId)).toEqual([]);
    // Once that callback is made, the next run takes its contact too.
    const later = await as("agent2", "POST", `/api/chat/callbacks/${pending.callbackId}/done`, { outcome: "已回电" });
    expect(later.statusCode, later.body).toBe(204);
    const dry = await as("admin", "GET", "/api/retention/dry-run");
    expect(chatItem(dry.json().items)?.rows).toEqual({ chat_conversations: 1, chat_messages: 0 });
    expect((await as("admin", "POST", "/api/retention/run")).statusCode).toBe(200);
    expect(await callback(pending.callbackId)).toMatchObject({ contact: "", message: "" });
  });
});
