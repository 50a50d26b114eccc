import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type Server } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

interface Reply {
  text: string;
  articleId?: string;
  suggestions?: Array<{ articleId: string; title: string }>;
  handover: boolean;
}

describe.each(DB_KINDS)("the bot's public chat API on %s", (kind) => {
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

  const start = async (language?: "zh" | "en") => {
    const res = await t.request({
      method: "POST",
      url: "/api/public/chat",
      body: language ? { language } : undefined,
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { conversationId: string; token: string };
  };
  const send = (c: { conversationId: string; token?: string }, text: unknown) =>
    t.request({ method: "POST", url: `/api/public/chat/${c.conversationId}/messages`, token: c.token, body: { text } });
  const say = async (c: { conversationId: string; token: string }, text: string): Promise<Reply> => {
    const res = await send(c, text);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { reply: Reply }).reply;
  };
  const messageCount = async (id: string) =>
    (await t.server.ctx.store.db.selectFrom("chat_messages").select("seq").where("conversation_id", "=", id).execute())
      .length;

  it("answers a clear question from the knowledge base, in the customer's language", async () => {
    const zh = await start();
    const reply = await say(zh, "我的银行卡丢了，怎么挂失？");
    expect(reply).toMatchObject({ articleId: "faq-card-lost", handover: false });
    expect(reply.text).toContain("400-800-9555");
    const en = await start("en");
    const english = await say(en, "my card was stolen, how do I block it");
    expect(english).toMatchObject({ articleId: "faq-card-lost", handover: false });
    expect(english.text).toContain("Report a lost or stolen card");
  });

  it("refuses a missing token (401), a wrong one or an unknown conversation (404) and an empty message (400), storing nothing", async () => {
    const c = await start();
    const before = await messageCount(c.conversationId);
    expect((await send({ conversationId: c.conversationId }, "你好")).statusCode).toBe(401);
    const wrong = await send({ conversationId: c.conversationId, token: `${c.token}x` }, "你好");
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json()).toMatchObject({ error: "not_found", message: expect.any(String) });
    expect((await send({ conversationId: "nope", token: c.token }, "你好")).statusCode).toBe(404);
    for (const text of ["", "   ", 42, "x".repeat(1001)]) expect((await send(c, text)).statusCode).toBe(400);
    const transcript = await t.request({ method: "GET", url: `/api/public/chat/${c.conversationId}/messages` });
    expect(transcript.statusCode).toBe(401);
    expect(await messageCount(c.conversationId)).toBe(before);
  });

  it("offers the closest articles when unsure, and hands over after the second miss; the bot then stays quiet", async () => {
    const c = await start();
    const first = await say(c, "zzqx wvvt");
    expect(first.handover).toBe(false);
    expect(first.articleId).toBeUndefined();
    const second = await say(c, "qwpx kkvv");
    expect(second.handover).toBe(true);
    const after = await say(c, "银行卡丢了怎么挂失");
    expect(after).toMatchObject({ handover: true });
    expect(after.articleId).toBeUndefined();
    const row = await t.server.ctx.store.db
      .selectFrom("chat_conversations")
      .select(["status", "handover_at"])
      .where("id", "=", c.conversationId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("waiting");
    expect(Number(row.handover_at)).toBe(t.clock.now);
  });

  it("hands over at once when the customer asks for a person, keeping the skill of what was asked", async () => {
    const c = await start();
    await say(c, "转账手续费怎么收");
    const reply = await say(c, "转人工");
    expect(reply.handover).toBe(true);
    const row = await t.server.ctx.store.db
      .selectFrom("chat_conversations")
      .select(["status", "skill"])
      .where("id", "=", c.conversationId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "waiting", skill: "payments" });
    const en = await start("en");
    expect((await say(en, "can I speak to a human please")).handover).toBe(true);
  });

  it("keeps the whole conversation: the transcript after a reload, from another instance, is complete and in order", async () => {
    const c = await start();
    await say(c, "你们几点开门");
    await say(c, "转账多久到账");
    const res = await other.app.inject({
      method: "GET",
      url: `/api/public/chat/${c.conversationId}/messages`,
      headers: { authorization: `Bearer ${c.token}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { status: string; messages: Array<{ seq: number; author: string; text: string }> };
    expect(body.status).toBe("bot");
    expect(body.messages.map((m) => [m.seq, m.author])).toEqual([
      [1, "bot"],
      [2, "customer"],
      [3, "bot"],
      [4, "customer"],
      [5, "bot"],
    ]);
    expect(body.messages[1]?.text).toBe("你们几点开门");
    expect(body.messages[3]?.text).toBe("转账多久到账");
  });

  it("numbers messages sent at the same time one after the other, losing none", async () => {
    const c = await start();
    const texts = ["营业时间", "转账限额", "忘记密码", "预约", "外币兑换"];
    const replies = await Promise.all(texts.map((text) => send(c, text)));
    expect(replies.map((r) => r.statusCode)).toEqual(texts.map(() => 200));
    const rows = await t.server.ctx.store.db
      .selectFrom("chat_messages")
      .select(["seq", "author", "text"])
      .where("conversation_id", "=", c.conversationId)
      .orderBy("seq")
      .execute();
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(
      rows
        .filter((r) => r.author === "customer")
        .map((r) => r.text)
        .sort(),
    ).toEqual([...texts].sort());
  });
});
