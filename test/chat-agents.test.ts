import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignWaiting } from "../src/app/chat/agents.ts";
import { buildServer, type Server } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

interface Transcript {
  status: string;
  canRate: boolean;
  queue?: { position: number; agentsOnline: number; estimatedWaitMinutes: number | null };
  messages: Array<{ seq: number; author: string; text: string }>;
}

describe.each(DB_KINDS)("hand-over to agents and the agent's workstation on %s", (kind) => {
  let t: TestServer;
  let otherStore: Store;
  let other: Server;

  beforeAll(async () => {
    t = await startTestServer(kind);
    otherStore = openStore(t.location);
    other = await buildServer({ store: otherStore, clock: () => t.clock.now });
  });
  afterAll(async () => {
    await other?.close();
    await otherStore?.close();
    await t?.close();
  });

  const db = () => t.server.ctx.store.db;
  const start = async (language: "zh" | "en" = "zh") => {
    const res = await t.request({ method: "POST", url: "/api/public/chat", body: { language } });
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
    return (res.json() as { reply: Record<string, unknown> }).reply;
  };
  const read = async (c: { conversationId: string; token: string }): Promise<Transcript> => {
    const res = await t.request({
      method: "GET",
      url: `/api/public/chat/${c.conversationId}/messages`,
      token: c.token,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Transcript;
  };
  const as = async (user: string, method: string, url: string, body?: unknown) =>
    t.request({ method, url, cookie: await t.login(user), body });
  const presence = async (user: string, p: "online" | "away" | "offline", maxChats?: number) => {
    const res = await as(user, "PUT", "/api/chat/me/presence", { presence: p, ...(maxChats ? { maxChats } : {}) });
    expect(res.statusCode, res.body).toBe(200);
  };
  const board = async (user: string) => {
    const res = await as(user, "GET", "/api/chat/me");
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      me: { presence: string; activeChats: number };
      conversations: Array<{ id: string }>;
      waiting: { total: number };
      openCallbacks: number;
    };
  };
  const closeAll = async () => {
    // Each test starts from an empty queue and agents offline.
    await db().updateTable("chat_conversations").set({ status: "closed", closed_at: t.clock.now }).execute();
    await db().updateTable("chat_agents").set({ presence: "offline" }).execute();
  };

  it("with nobody online promises no wait, and takes a message that becomes a callback task", async () => {
    await closeAll();
    const c = await start();
    const reply = await say(c, "转人工");
    expect(reply).toMatchObject({
      handover: true,
      leaveMessage: true,
      queue: { agentsOnline: 0, estimatedWaitMinutes: null },
    });
    const left = await t.request({
      method: "POST",
      url: `/api/public/chat/${c.conversationId}/callback`,
      token: c.token,
      body: { contact: "13812345678", message: "想咨询房贷提前还款" },
    });
    expect(left.statusCode, left.body).toBe(201);
    const { callbackId, dueAt } = left.json() as { callbackId: string; dueAt: string };
    expect(Date.parse(dueAt)).toBe(t.clock.now + 24 * 3600_000);
    expect((await read(c)).status).toBe("closed");
    // Once only, and never with a wrong token.
    const again = await t.request({
      method: "POST",
      url: `/api/public/chat/${c.conversationId}/callback`,
      token: c.token,
      body: { contact: "x", message: "y" },
    });
    expect(again.statusCode).toBe(409);
    const list = await as("agent2", "GET", "/api/chat/callbacks");
    expect(list.statusCode).toBe(200);
    expect((list.json() as { callbacks: Array<{ id: string; message: string }> }).callbacks).toContainEqual(
      expect.objectContaining({ id: callbackId, message: "想咨询房贷提前还款", contact: "13812345678" }),
    );
    expect((await as("teller1", "GET", "/api/chat/callbacks")).statusCode).toBe(403);
    expect((await as("agent2", "POST", `/api/chat/callbacks/${callbackId}/done`, { outcome: "  " })).statusCode).toBe(
      400,
    );
    expect(
      (await as("agent2", "POST", `/api/chat/callbacks/${callbackId}/done`, { outcome: "已电话回复" })).statusCode,
    ).toBe(204);
    expect(
      (await as("agent2", "POST", `/api/chat/callbacks/${callbackId}/done`, { outcome: "again" })).statusCode,
    ).toBe(409);
  });

  it("gives a handed-over conversation to an online agent, who sees the whole transcript and what the bot tried", async () => {
    await closeAll();
    await presence("agent1", "online");
    const c = await start();
    await say(c, "银行卡丢了怎么办");
    const reply = await say(c, "我要转人工");
    expect(reply.handover).toBe(true);
    expect(reply.leaveMessage).toBeUndefined();
    const tr = await read(c);
    expect(tr.status).toBe("active");
    expect(tr.messages.at(-1)).toMatchObject({ author: "system", text: expect.stringContaining("已接入") });
    const b = await board("agent1");
    expect(b.conversations.map((x) => x.id)).toContain(c.conversationId);
    const conv = await as("agent1", "GET", `/api/chat/conversations/${c.conversationId}`);
    expect(conv.statusCode).toBe(200);
    const body = conv.json() as { botTried: Array<{ articleId: string }>; messages: Array<{ text: string }> };
    expect(body.botTried.map((x) => x.articleId)).toContain("faq-card-lost");
    expect(body.messages.map((m) => m.text)).toContain("银行卡丢了怎么办");
    // Another agent may neither read nor answer it; a teller is not an agent.
    expect((await as("agent2", "GET", `/api/chat/conversations/${c.conversationId}`)).statusCode).toBe(403);
    expect(
      (await as("agent2", "POST", `/api/chat/conversations/${c.conversationId}/messages`, { text: "hi" })).statusCode,
    ).toBe(403);
    expect((await as("teller1", "GET", "/api/chat/me")).statusCode).toBe(403);
    // The agent answers; the customer's next message goes to the agent with no bot reply in between.
    const answer = await as("agent1", "POST", `/api/chat/conversations/${c.conversationId}/messages`, {
      text: "您好，我来帮您办理挂失。",
    });
    expect(answer.statusCode, answer.body).toBe(201);
    const before = (await read(c)).messages.length;
    const next = await say(c, "好的谢谢");
    expect(next).toMatchObject({ text: "", handover: true });
    const after = (await read(c)).messages;
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({ author: "customer", text: "好的谢谢" });
    expect(after.map((m) => m.author)).toContain("agent");
  });

  it("keeps capacity: a full agent's next customer waits with a position and an estimate", async () => {
    await closeAll();
    await presence("agent2", "online", 1);
    const first = await start();
    await say(first, "人工");
    expect((await read(first)).status).toBe("active");
    const second = await start();
    const reply = await say(second, "人工");
    expect(reply).toMatchObject({ handover: true, queue: { position: 1, agentsOnline: 1 } });
    expect((reply.queue as { estimatedWaitMinutes: number | null }).estimatedWaitMinutes).toBeGreaterThan(0);
    const waiting = await read(second);
    expect(waiting).toMatchObject({ status: "waiting", queue: { position: 1 } });
    // Closing the first frees the place: the second is assigned at once, and the first customer may rate.
    expect((await as("agent2", "POST", `/api/chat/conversations/${first.conversationId}/close`)).statusCode).toBe(204);
    expect((await read(second)).status).toBe("active");
    const closed = await read(first);
    expect(closed).toMatchObject({ status: "closed", canRate: true });
    const rate = (score: unknown) =>
      t.request({
        method: "POST",
        url: `/api/public/chat/${first.conversationId}/rating`,
        token: first.token,
        body: { score },
      });
    expect((await rate(5)).statusCode).toBe(400);
    expect((await rate(3)).statusCode).toBe(204);
    expect((await rate(2)).statusCode).toBe(409);
    expect((await read(first)).canRate).toBe(false);
    // The figures count it: one handled by agent2, rated 满意.
    const day = new Date(t.clock.now + 8 * 3600_000).toISOString().slice(0, 10);
    const figures = await as("admin", "GET", `/api/chat/figures?from=${day}&to=${day}`);
    expect(figures.statusCode, figures.body).toBe(200);
    const f = figures.json() as {
      handoverRate: number;
      agents: Array<{ name: string; handled: number; satisfiedShare: number | null }>;
    };
    expect(f.handoverRate).toBeGreaterThan(0);
    expect(f.agents).toContainEqual(expect.objectContaining({ name: "周客服", handled: 1, satisfiedShare: 1 }));
    const own = await as("agent1", "GET", `/api/chat/figures?from=${day}&to=${day}`);
    expect((own.json() as { agents: Array<{ name: string }> }).agents.map((a) => a.name)).toEqual(["孙客服"]);
    expect((await as("agent1", "GET", `/api/chat/figures?from=${day}&to=2020-01-01`)).statusCode).toBe(400);
  });

  it("transfers with a note only staff read, and going offline puts open chats back in line", async () => {
    await closeAll();
    await presence("agent1", "online");
    const c = await start();
    await say(c, "人工");
    const handoverAt = (
      await db()
        .selectFrom("chat_conversations")
        .select("handover_at")
        .where("id", "=", c.conversationId)
        .executeTakeFirstOrThrow()
    ).handover_at;
    expect((await read(c)).status).toBe("active");
    const transfer = (body: unknown) =>
      as("agent1", "POST", `/api/chat/conversations/${c.conversationId}/transfer`, body);
    expect((await transfer({ skill: "wealth", note: " " })).statusCode).toBe(400);
    expect((await transfer({ agentId: (await userId("agent2")) ?? "", note: "客户想买理财" })).statusCode).toBe(409);
    const moved = await transfer({ skill: "wealth", note: "客户想买理财，已核实身份" });
    expect(moved.statusCode, moved.body).toBe(200);
    // agent1 is the only agent online and has the wealth skill: it comes straight back to them (it kept its place).
    const row = await db()
      .selectFrom("chat_conversations")
      .select(["handover_at", "skill", "agent_id", "status"])
      .where("id", "=", c.conversationId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ skill: "wealth", status: "active" });
    expect(Number(row.handover_at)).toBe(Number(handoverAt));
    const customer = await read(c);
    expect(customer.messages.map((m) => m.text).join("\n")).not.toContain("已核实身份");
    const staff = await as("agent1", "GET", `/api/chat/conversations/${c.conversationId}`);
    expect((staff.json() as { messages: Array<{ text: string; internal: boolean }> }).messages).toContainEqual(
      expect.objectContaining({ text: "客户想买理财，已核实身份", internal: true }),
    );
    await presence("agent1", "offline");
    expect((await read(c)).status).toBe("waiting");
    const audit = await db()
      .selectFrom("audit_log")
      .select("action")
      .where("action", "in", ["chat.transfer", "chat.presence"])
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["chat.transfer", "chat.presence"]));
  });

  const userId = async (username: string) =>
    (await db().selectFrom("users").select("id").where("username", "=", username).executeTakeFirst())?.id;

  it("never gives one conversation to two agents or an agent more than their capacity, routing from two instances at once", async () => {
    await closeAll();
    const conversations = [];
    for (let i = 0; i < 12; i++) {
      const c = await start();
      await say(c, "人工");
      conversations.push(c);
    }
    // Nobody was online: all wait. Both agents come online with room for 3 each, and both instances route at once.
    await db().updateTable("chat_agents").set({ max_chats: 3 }).execute();
    await presence("agent1", "online", 3);
    await presence("agent2", "online", 3);
    await Promise.all([
      assignWaiting(t.server.ctx),
      assignWaiting(other.ctx),
      assignWaiting(t.server.ctx),
      assignWaiting(other.ctx),
    ]);
    const rows = await db()
      .selectFrom("chat_conversations")
      .select(["id", "agent_id", "status"])
      .where(
        "id",
        "in",
        conversations.map((c) => c.conversationId),
      )
      .execute();
    const active = rows.filter((r) => r.status === "active");
    expect(active.length).toBe(6);
    const per = new Map<string, number>();
    for (const r of active) per.set(String(r.agent_id), (per.get(String(r.agent_id)) ?? 0) + 1);
    expect([...per.values()].sort()).toEqual([3, 3]);
    // The oldest six were taken.
    expect(new Set(active.map((r) => r.id))).toEqual(new Set(conversations.slice(0, 6).map((c) => c.conversationId)));
    // Each taken conversation has exactly one "joined" notice.
    const joined = await db()
      .selectFrom("chat_messages")
      .select("conversation_id")
      .where("author", "=", "system")
      .where("data", "like", '%"joined"%')
      .where(
        "conversation_id",
        "in",
        conversations.map((c) => c.conversationId),
      )
      .execute();
    expect(joined.length).toBe(6);
  });

  it("streams the conversation to the customer: an agent's reply arrives as an event", async () => {
    await closeAll();
    await presence("agent1", "online");
    const c = await start();
    await say(c, "人工");
    const base = await t.server.app.listen({ port: 0, host: "127.0.0.1" });
    const controller = new AbortController();
    try {
      const res = await fetch(`${base}/api/public/chat/${c.conversationId}/stream`, {
        headers: { authorization: `Bearer ${c.token}` },
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = "";
      const until = async (needle: string) => {
        const deadline = Date.now() + 10_000;
        while (!text.includes(needle)) {
          if (Date.now() > deadline) throw new Error(`no ${needle} in ${text}`);
          const { value, done } = await reader.read();
          if (done) throw new Error("stream ended");
          text += decoder.decode(value, { stream: true });
        }
      };
      await until('"status":"active"');
      const sent = await as("agent1", "POST", `/api/chat/conversations/${c.conversationId}/messages`, {
        text: "您好，请问有什么可以帮您？",
      });
      const { seq } = sent.json() as { seq: number };
      await until("请问有什么可以帮您");
      expect(text).toContain(`id: ${seq}\n`);
      // Without the token the stream is refused before it opens.
      const refused = await fetch(`${base}/api/public/chat/${c.conversationId}/stream`);
      expect(refused.status).toBe(401);
    } finally {
      controller.abort();
    }
  });
  it("answers today's queue, hours and booking from live data (guided self-service)", async () => {
    const c = await start();
    const before = await say(c, "现在排队情况怎么样");
    expect(before.text).toContain("上海南京西路支行");
    const count = (text: string) => Number(/对公业务：(\d+) 人等候/.exec(text)?.[1] ?? Number.NaN);
    const corp = await t.server.ctx.store.db
      .selectFrom("services")
      .select("id")
      .where("code", "=", "CORP")
      .executeTakeFirstOrThrow();
    const waitingBefore = count(String(before.text));
    expect(Number.isNaN(waitingBefore)).toBe(false);
    await issueAtKiosk(t, corp.id);
    const after = await say(c, "现在排队情况怎么样");
    expect(count(String(after.text))).toBe(waitingBefore + 1);
    // Monday 09:30 in Shanghai: today's hours.
    expect((await say(c, "你们几点关门")).text).toContain("周一：09:00–17:00");
    expect((await say(c, "我想预约明天办理开户")).text).toContain("/book");
    const en = await start("en");
    expect((await say(en, "Are you open today?")).text).toContain("Monday: 09:00–17:00");
    // None of these counted as a miss: the bot has not handed over.
    expect((await read(c)).status).toBe("bot");
  });
});
