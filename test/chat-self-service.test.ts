import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

/**
 * Guided self-service in the chat (a remote ticket taken by the bot through the kiosk's issue rules) and the
 * customer identified in the chat by phone and one-time code: linked record, VIP to a senior agent, the
 * agent's masked view of the customer, every look recorded.
 */

interface Reply {
  text: string;
  handover: boolean;
  articleId?: string;
  choices?: Array<{ value: string; label: string }>;
  ticket?: { id: string; number: string; url: string };
}

describe.each(DB_KINDS)("the chat's remote ticket and identified customers on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const db = () => t.server.ctx.store.db;
  const svc = (code: string) => ids.services.get(code) as string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const start = async (language: "zh" | "en" = "zh") => {
    const res = await t.request({ method: "POST", url: "/api/public/chat", body: { language } });
    expect(res.statusCode).toBe(201);
    return res.json() as { conversationId: string; token: string };
  };
  const say = async (c: { conversationId: string; token: string }, text: string): Promise<Reply> => {
    const res = await t.request({
      method: "POST",
      url: `/api/public/chat/${c.conversationId}/messages`,
      token: c.token,
      body: { text },
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { reply: Reply }).reply;
  };
  const as = async (user: string, method: string, url: string, body?: unknown) =>
    t.request({ method, url, cookie: await t.login(user), body });
  const setRules = async (code: string, body: Record<string, unknown>) => {
    const res = await as("manager", "PATCH", `/api/services/${svc(code)}`, body);
    expect(res.statusCode, res.body).toBe(200);
  };
  const otpFor = async (phone: string): Promise<string> => {
    const res = await t.request({ method: "POST", url: "/api/public/otp", body: { phone } });
    expect(res.statusCode, res.body).toBe(202);
    const sms = await db()
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "otp")
      .where("recipient", "=", `+86${phone}`)
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
    return (JSON.parse(sms.data) as { code: string }).code;
  };
  const identify = (c: { conversationId: string; token: string }, phone: string, otp: string) =>
    t.request({
      method: "POST",
      url: `/api/public/chat/${c.conversationId}/identify`,
      token: c.token,
      body: { phone, otp },
    });
  const auditCount = async (action: string, entityId: string) =>
    Number(
      (
        await db()
          .selectFrom("audit_log")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("action", "=", action)
          .where("entity_id", "=", entityId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("takes a real ticket for the customer: business types with live waits, a pick, the number and the live page", async () => {
    const c = await start();
    const offer = await say(c, "你好，帮我取个号");
    expect(offer.handover).toBe(false);
    // One branch: the bot goes straight to its business types, each with its wait.
    expect(offer.text).toContain("上海南京西路支行");
    expect(offer.text).toMatch(/1\. 现金存取（\d+ 人等候，/);
    expect(offer.choices?.map((x) => x.label)).toEqual([
      "现金存取",
      "转账汇款",
      "开户销户",
      "挂失冻结",
      "理财保险",
      "对公业务",
    ]);
    const waitingBefore = await db()
      .selectFrom("tickets")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("service_id", "=", svc("ACCOUNT"))
      .where("status", "=", "waiting")
      .executeTakeFirstOrThrow();
    const issued = await say(c, "3");
    expect(issued.ticket?.number).toMatch(/^[A-Z]+\d+$/);
    expect(issued.ticket?.url).toBe(`/t/${issued.ticket?.id}`);
    expect(issued.text).toContain(`已为您取号：${issued.ticket?.number}（开户销户）`);
    expect(issued.text).toContain(`前面还有 ${Number(waitingBefore.n)} 人`);
    expect(issued.text).toContain(issued.ticket?.url);
    // A real ticket of the branch's line, taken by the chat; its live page answers.
    const row = await db()
      .selectFrom("tickets")
      .selectAll()
      .where("id", "=", issued.ticket?.id as string)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ service_id: svc("ACCOUNT"), status: "waiting", channel: "chat", priority: "normal" });
    const live = await t.request({ method: "GET", url: `/api/public/tickets/${row.id}` });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toMatchObject({ number: row.number, status: "waiting" });
    // The transcript keeps the ticket (a reload shows it); asking again gives the same ticket, not a second.
    const transcript = (
      await t.request({ method: "GET", url: `/api/public/chat/${c.conversationId}/messages`, token: c.token })
    ).json() as { messages: Array<{ ticket?: { id: string } }> };
    expect(transcript.messages.at(-1)?.ticket?.id).toBe(row.id);
    const again = await say(c, "再帮我取个号");
    expect(again.ticket?.id).toBe(row.id);
    expect(again.text).toContain("已取号");
    // The bot fulfilled the request itself: it counts as contained.
    const conv = await db()
      .selectFrom("chat_conversations")
      .selectAll()
      .where("id", "=", c.conversationId)
      .executeTakeFirstOrThrow();
    expect(conv).toMatchObject({ ticket_id: row.id, flow: null, answered_by_bot: 1 });
  });

  it("answers the opening rules' refusals in words and lets the customer pick another type, in English too", async () => {
    // Wealth: tickets stopped at 09:00 (it is 09:30 in Shanghai); corporate: today's 1 number is taken.
    await setRules("WEALTH", { ticketCutoff: "09:00" });
    await setRules("CORP", { dailyCap: 1 });
    const kioskTaken = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      token: t.deviceToken("kiosk"),
      body: { serviceId: svc("CORP") },
    });
    expect(kioskTaken.statusCode).toBe(201);
    const c = await start("en");
    const offer = await say(c, "Can you get me a ticket?");
    expect(offer.text).toContain("Shanghai Nanjing West Road Branch");
    expect(offer.text).toContain("tickets stopped at 09:00 today");
    expect(offer.text).toContain("today's tickets are all taken");
    const cut = await say(c, "5");
    expect(cut.ticket).toBeUndefined();
    expect(cut.text).toContain("Sorry, no ticket for Wealth & insurance: tickets stopped at 09:00 today.");
    expect(cut.choices?.length).toBe(6);
    const full = await say(c, "corporate");
    expect(full.ticket).toBeUndefined();
    expect(full.text).toContain("today's 1 tickets are all taken");
    // Still in the step: a name picks another type.
    const ok = await say(c, "cash");
    expect(ok.ticket?.number).toBeTruthy();
    expect(ok.text).toContain("Your ticket:");
    await setRules("WEALTH", { ticketCutoff: null });
    await setRules("CORP", { dailyCap: null });
  });

  it("asks for the branch when there are several, lets the customer cancel, and leaves the step after two misses", async () => {
    const admin = await t.login("admin");
    const branch = await t.request({
      method: "POST",
      url: "/api/branches",
      cookie: admin,
      body: { code: "BJ001", nameZh: "北京西单支行", nameEn: "Beijing Xidan Branch", timezone: "Asia/Shanghai" },
    });
    expect(branch.statusCode, branch.body).toBe(201);
    const bj = branch.json().id as string;
    const svcRes = await t.request({
      method: "POST",
      url: `/api/branches/${bj}/services`,
      cookie: admin,
      body: { code: "CASH", nameZh: "个人现金", nameEn: "Cash", category: "cash", expectedMinutes: 5, prefix: "A" },
    });
    expect(svcRes.statusCode, svcRes.body).toBe(201);

    const c = await start();
    const which = await say(c, "我想远程取号");
    expect(which.text).toContain("请问您要在哪个网点取号");
    expect(which.choices?.map((x) => x.label).sort()).toEqual(["上海南京西路支行", "北京西单支行"].sort());
    const types = await say(c, "西单");
    expect(types.text).toContain("北京西单支行：请选择要办理的业务");
    expect(types.choices?.map((x) => x.label)).toEqual(["个人现金"]);
    const cancelled = await say(c, "算了，不取了");
    expect(cancelled.text).toContain("已取消取号");
    expect(cancelled.ticket).toBeUndefined();

    // A branch named in the question skips the branch step; two answers that are no choice leave the step.
    const d = await start();
    const named = await say(d, "帮我在北京西单支行取个号");
    expect(named.text).toContain("北京西单支行：请选择要办理的业务");
    // Without the city, as customers say it.
    const short = await say(await start(), "帮我在西单支行取个号");
    expect(short.text).toContain("北京西单支行：请选择要办理的业务");
    const miss = await say(d, "嗯？");
    expect(miss.text).toContain("没有看懂您选的业务");
    const left = await say(d, "我的银行卡丢了，怎么挂失？");
    expect(left).toMatchObject({ articleId: "faq-card-lost" });
    expect(left.text).toContain("400-800-9555");
    const row = await db()
      .selectFrom("chat_conversations")
      .select(["flow", "ticket_id"])
      .where("id", "=", d.conversationId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ flow: null, ticket_id: null });
  });

  it("identifies the customer by phone and code: a wrong code links nothing; the right one links the record", async () => {
    const c = await start();
    const code = await otpFor("13812345678");
    const wrong = await identify(c, "13812345678", code === "000000" ? "111111" : "000000");
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toBe("otp_invalid");
    const before = await db()
      .selectFrom("chat_conversations")
      .select("customer_id")
      .where("id", "=", c.conversationId)
      .executeTakeFirstOrThrow();
    expect(before.customer_id).toBeNull();
    const identifications = async () =>
      (
        await db()
          .selectFrom("audit_log")
          .select(["actor_type", "actor_id", "actor_name", "entity_id", "branch_id", "ip", "details"])
          .where("action", "=", "customer.identify")
          .orderBy("id")
          .execute()
      ).filter(
        (l) => (JSON.parse(l.details ?? "{}") as { conversationId?: string }).conversationId === c.conversationId,
      );
    // A wrong code identifies nobody, so nothing is recorded.
    expect(await identifications()).toEqual([]);
    // Without the conversation's token nothing is checked.
    const noToken = await t.request({
      method: "POST",
      url: `/api/public/chat/${c.conversationId}/identify`,
      body: { phone: "13812345678", otp: code },
    });
    expect(noToken.statusCode).toBe(401);
    const ok = await identify(c, "13812345678", code);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ phone: "138****5678" });
    // The code is spent.
    expect((await identify(c, "13812345678", code)).statusCode).toBe(400);
    const customer = await db()
      .selectFrom("customers")
      .select("id")
      .where("phone_e164", "=", "+8613812345678")
      .executeTakeFirstOrThrow();
    // The identification is in the audit trail: the customer (by record id) linked this conversation; no
    // phone or name is copied into the line. The refused tries (wrong code, spent code) added none.
    const lines = await identifications();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      actor_type: "customer",
      actor_id: customer.id,
      actor_name: null,
      entity_id: customer.id,
      branch_id: null,
    });
    expect(lines[0]?.ip).toBeTruthy();
    expect(JSON.parse(lines[0]?.details ?? "{}")).toEqual({
      via: "chat",
      conversationId: c.conversationId,
      vip: false,
      created: true,
    });
    expect(JSON.stringify(lines)).not.toMatch(/13812345678|5678/);
    // Admins (and auditors) read it in the audit trail like any profile view.
    const trail = await as("admin", "GET", "/api/audit?limit=50");
    expect(trail.statusCode, trail.body).toBe(200);
    expect(
      (trail.json() as Array<{ action: string; entityId: string | null }>).some(
        (e) => e.action === "customer.identify" && e.entityId === customer.id,
      ),
    ).toBe(true);
    const linked = await db()
      .selectFrom("chat_conversations")
      .select(["customer_id", "vip"])
      .where("id", "=", c.conversationId)
      .executeTakeFirstOrThrow();
    expect(linked).toMatchObject({ customer_id: customer.id });
    expect(Number(linked.vip)).toBe(0);
    const transcript = (
      await t.request({ method: "GET", url: `/api/public/chat/${c.conversationId}/messages`, token: c.token })
    ).json() as { identified?: { phone: string }; messages: Array<{ text: string }> };
    expect(transcript.identified).toEqual({ phone: "138****5678" });
    expect(transcript.messages.at(-1)?.text).toBe("已验证身份：138****5678。");
    expect(JSON.stringify(transcript)).not.toContain("13812345678");
    // A ticket the bot takes now is the customer's: it shows among their visits.
    // (There are two branches now: the question names one.)
    await say(c, "帮我在上海南京西路支行取个号");
    const ticket = (await say(c, "现金存取")).ticket;
    expect(ticket).toBeDefined();
    const link = await db()
      .selectFrom("ticket_customers")
      .selectAll()
      .where("ticket_id", "=", ticket?.id as string)
      .executeTakeFirstOrThrow();
    expect(link).toMatchObject({ customer_id: customer.id, method: "chat" });
  });

  it("routes an identified VIP to the senior agent, who sees the masked profile and visits; each look is recorded", async () => {
    await db().updateTable("chat_conversations").set({ status: "closed", closed_at: t.clock.now }).execute();
    // A VIP customer (staff segment) with one past visit whose outcome holds a phone number.
    const code1 = await otpFor("13900001111");
    const warm = await start();
    expect((await identify(warm, "13900001111", code1)).statusCode).toBe(200);
    const vipCustomer = await db()
      .selectFrom("customers")
      .select("id")
      .where("phone_e164", "=", "+8613900001111")
      .executeTakeFirstOrThrow();
    const patch = await as("manager", "PATCH", `/api/customers/${vipCustomer.id}`, {
      segments: ["vip"],
      name: "王小明",
    });
    expect(patch.statusCode, patch.body).toBe(200);
    await say(warm, "帮我在上海南京西路支行取个号");
    const visit = (await say(warm, "1")).ticket;
    await db()
      .updateTable("tickets")
      .set({ outcome: "已办理，客户留电话13912345678回访" })
      .where("id", "=", visit?.id as string)
      .execute();

    // Both agents online; the non-senior one has more room, but a VIP goes to the senior one.
    for (const [user, max] of [
      ["agent1", 1],
      ["agent2", 5],
    ] as const) {
      const res = await as(user, "PUT", "/api/chat/me/presence", { presence: "online", maxChats: max });
      expect(res.statusCode, res.body).toBe(200);
    }
    const c = await start();
    t.clock.advance(61_000); // one code a minute per phone
    const code2 = await otpFor("13900001111");
    const identified = await auditCount("customer.identify", vipCustomer.id);
    expect((await identify(c, "13900001111", code2)).statusCode).toBe(200);
    // Every identification is recorded, the same customer's second one (another conversation) too.
    expect(await auditCount("customer.identify", vipCustomer.id)).toBe(identified + 1);
    expect(
      Number(
        (
          await db()
            .selectFrom("chat_conversations")
            .select("vip")
            .where("id", "=", c.conversationId)
            .executeTakeFirstOrThrow()
        ).vip,
      ),
    ).toBe(1);
    const handed = await say(c, "转人工");
    expect(handed.handover).toBe(true);
    const conv = await db()
      .selectFrom("chat_conversations")
      .innerJoin("users", "users.id", "chat_conversations.agent_id")
      .select(["users.username", "chat_conversations.status"])
      .where("chat_conversations.id", "=", c.conversationId)
      .executeTakeFirstOrThrow();
    expect(conv).toEqual({ username: "agent1", status: "active" });

    const seen = await as("agent1", "GET", `/api/chat/conversations/${c.conversationId}`);
    expect(seen.json()).toMatchObject({ vip: true, identified: true });
    const views = await auditCount("customer.view", vipCustomer.id);
    const res = await as("agent1", "GET", `/api/chat/conversations/${c.conversationId}/customer`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.customer).toMatchObject({ name: "王*明", phone: "139****1111", segments: ["vip"] });
    expect(body.visits[0]).toMatchObject({
      ticketId: visit?.id,
      serviceNameZh: "现金存取",
      outcome: "已办理，客户留电话139****5678回访",
    });
    // Nothing in the answer is a full phone or the full name.
    expect(res.body).not.toMatch(/1390000111|13912345678|王小明/);
    expect(await auditCount("customer.view", vipCustomer.id)).toBe(views + 1);
    const view = await db()
      .selectFrom("audit_log")
      .select(["actor_name", "details"])
      .where("action", "=", "customer.view")
      .where("entity_id", "=", vipCustomer.id)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(view.details ?? "{}")).toMatchObject({ via: "chat" });
    // Another agent may not look; nor may a teller (not an agent).
    expect((await as("agent2", "GET", `/api/chat/conversations/${c.conversationId}/customer`)).statusCode).toBe(403);
    expect((await as("teller1", "GET", `/api/chat/conversations/${c.conversationId}/customer`)).statusCode).toBe(403);
    expect(await auditCount("customer.view", vipCustomer.id)).toBe(views + 1);
    // A conversation nobody identified: no customer, and nothing recorded.
    await db().updateTable("chat_conversations").set({ status: "closed" }).where("id", "=", c.conversationId).execute();
    const anon = await start();
    await say(anon, "转人工");
    const anonRow = await db()
      .selectFrom("chat_conversations")
      .select(["agent_id"])
      .where("id", "=", anon.conversationId)
      .executeTakeFirstOrThrow();
    const agentName = anonRow.agent_id
      ? (await db().selectFrom("users").select("username").where("id", "=", anonRow.agent_id).executeTakeFirstOrThrow())
          .username
      : "admin";
    const none = await as(agentName, "GET", `/api/chat/conversations/${anon.conversationId}/customer`);
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json()).toEqual({ customer: null, visits: [] });
    for (const user of ["agent1", "agent2"]) await as(user, "PUT", "/api/chat/me/presence", { presence: "offline" });
  });
});
