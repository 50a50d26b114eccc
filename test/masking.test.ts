import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "../src/app/actor.ts";
import { generateServiceReports } from "../src/app/customers/service-record.ts";
import { createDueFollowups } from "../src/app/followups/followups.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

/** Usernames of the demo per role. */
const USER_OF: Record<(typeof ROLES)[number], string> = {
  admin: "admin",
  branch_manager: "manager",
  lobby_manager: "lobby",
  teller: "teller1",
  back_office: "reviewer",
  auditor: "auditor",
  agent: "agent1",
  head_office: "headoffice",
};

/**
 * Which role needs a full phone number, ID number or name in an ordinary answer: the teller serving a ticket, for
 * its own free text (notes, the service record; teller1 serves the walked ticket), and the agent a chat is assigned
 * to, for that chat (agent1 has the walked conversation; agent2, walked as "other agent", has none). Staff see
 * customers masked (138****5678, 110105********002X, 王*明) and ask for one full value through the break-glass
 * route (POST, with a reason, recorded), which this walk does not take. Keyed by role, path and the ids put in it.
 */
const NEEDS_FULL: ReadonlySet<string> = new Set([
  "teller GET /api/tickets/{ticketId} ticketId=served",
  "teller GET /api/tickets/{ticketId}/service-record ticketId=served",
  "agent GET /api/chat/conversations/{conversationId} conversationId=chat",
  // The board's last message of the agent's own open chats.
  "agent GET /api/chat/me",
]);
/**
 * Fields one role reads as typed in an answer, left out of its check: a callback's contact is what an agent calls
 * back (its message is still checked; an admin gets the contact masked).
 */
const FIELDS_NEEDED: Readonly<Record<string, readonly string[]>> = {
  "agent GET /api/chat/callbacks": ["contact"],
  "other_agent GET /api/chat/callbacks": ["contact"],
};

/** The answer without the named fields, wherever they are. */
function without(body: string, fields: readonly string[]): string {
  if (!fields.length) return body;
  return JSON.stringify(JSON.parse(body), (key, value) => (fields.includes(key) ? undefined : value));
}

const PHONES = ["13812345678", "13912345678", "13700001111"] as const;
const ID_NUMBER = "11010519491231002X";
const NAMES = ["王小明", "李四海", "赵钱孙"] as const;
/**
 * Free text about the first customer (王小明) planted wherever staff type or customers write it: the served
 * ticket's notes, its service record, the customer's survey comment, the notes sent to review, a cancellation
 * reason, a follow-up's note, a merge's reason, a counter's handover (transfer) note, the chat's messages and a
 * callback's message. The other customers' own texts: the appointment's form answers (李四海) and the lobby's form
 * answers for a walk-in (赵钱孙).
 */
const PLANT = `王小明来电，小明说手机 ${PHONES[0]}，身份证 ${ID_NUMBER}`;

/** What in an answer is an unmasked phone or ID number: the known ones in any form, and anything shaped like one. */
function leaks(body: string): string[] {
  const found: string[] = [];
  for (const p of PHONES) if (body.includes(p)) found.push(`phone ${p}`);
  if (body.includes(ID_NUMBER)) found.push("ID number");
  for (const n of NAMES) if (body.includes(n)) found.push(`name ${n}`);
  // The planted customer's given name alone (free text says "小明" as often as "王小明").
  if (body.includes("小明")) found.push("given name 小明");
  // Not inside an id or token: a UUID's hex (…-18483293569f…) holds 11 digits in a row now and then.
  const mobile = body.match(/(?<![\w.-])(?:\+?86)?1[3-9]\d{9}(?!\w)/g);
  if (mobile) found.push(...mobile.map((m) => `mobile-shaped ${m}`));
  const id = body.match(/(?<!\d)\d{17}[\dX](?!\d)/g);
  if (id) found.push(...id.map((m) => `ID-shaped ${m}`));
  return found;
}

describe.each(DB_KINDS)("masking of every staff answer on %s", (kind) => {
  let t: TestServer;
  let real: Record<string, string>;
  /** Ids walked under a label, each in turn (the served ticket, the walk-in with form answers, …). */
  let labelled: Record<string, Record<string, string>>;
  let gets: string[];

  /** Each way to fill a path's ids: every labelled id in turn (all combinations), the others from `real`. */
  const idsFor = (path: string): Array<Record<string, [string, string]>> => {
    let out: Array<Record<string, [string, string]>> = [{}];
    for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
      const key = name as string;
      const options = labelled[key];
      out = options
        ? out.flatMap((o) =>
            Object.entries(options).map(([label, id]) => ({
              ...o,
              [key]: [`${key}=${label}`, id] as [string, string],
            })),
          )
        : out.map((o) => ({ ...o, [key]: ["", real[key] ?? "unknown"] as [string, string] }));
    }
    return out;
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    const ids = await demoIds(t);
    const [lobby, teller] = (await Promise.all(["lobby", "teller1"].map((u) => t.login(u)))) as [string, string];
    const post = async (url: string, cookie: string, body: unknown = {}, code = 200) => {
      const res = await t.request({ method: "POST", url, cookie, body });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(code);
      return res.json();
    };
    // A customer with a phone, name and ID number on a ticket that is served and reported.
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    const attached = await post(`/api/tickets/${ticket.id}/customer`, lobby, { phone: PHONES[0], name: NAMES[0] });
    const customerId = attached.customerId as string;
    const patch = await t.request({
      method: "PATCH",
      url: `/api/customers/${customerId}`,
      cookie: lobby,
      body: { idNumber: ID_NUMBER, notes: "VIP" },
    });
    expect(patch.statusCode).toBe(200);
    await t.server.ctx.store.write((tx) =>
      tx
        .insertInto("customer_consents")
        .values({
          customer_id: customerId,
          purpose: "service",
          granted: 1,
          channel: "staff",
          text_version: "v1",
          at: t.clock.now,
        })
        .execute(),
    );
    // CASH wants a follow-up: the served ticket below gets one (its customer shown in follow-up answers).
    const rule = await t.request({
      method: "PUT",
      url: `/api/services/${ids.services.get("CASH")}/followup-rule`,
      cookie: await t.login("manager"),
      body: { active: true, days: 7, purpose: "marketing" },
    });
    expect(rule.statusCode, rule.body).toBe(200);
    const c1 = ids.counters.get(1) as string;
    await post(`/api/counters/${c1}/sign-in`, teller);
    const called = await post(`/api/counters/${c1}/call-next`, teller);
    await post(`/api/tickets/${called.ticket.id}/start`, teller);
    await t.request({
      method: "PUT",
      url: `/api/tickets/${called.ticket.id}/service-record`,
      cookie: teller,
      body: { needs: PLANT, products: ["定期"], outcome: PLANT },
    });
    await post(`/api/tickets/${called.ticket.id}/complete`, teller, { outcome: "served", notes: PLANT });
    // The customer answers the survey with a comment about themselves.
    const invite = await t.server.ctx.store.db
      .selectFrom("outbox")
      .select("data")
      .where("kind", "=", "survey.invite")
      .where("related_id", "=", called.ticket.id)
      .executeTakeFirstOrThrow();
    const surveyToken = (JSON.parse(invite.data).surveyPath as string).replace("/survey/", "");
    const answered = await t.request({
      method: "POST",
      url: `/api/public/surveys/${surveyToken}`,
      body: { nps: 9, comment: PLANT },
    });
    expect(answered.statusCode, answered.body).toBe(200);
    await generateServiceReports(t.server.ctx);
    expect(await createDueFollowups(t.server.ctx)).toBe(1);
    // A note on the follow-up (its assignee, none here, would read it as typed).
    await t.server.ctx.store.write((tx) =>
      tx.updateTable("followups").set({ note: PLANT }).where("ticket_id", "=", called.ticket.id).execute(),
    );
    // A ticket of the customer cancelled by the lobby with a reason about them (the audit trail shows it).
    const cancelled = await issueAtKiosk(t, ids.services.get("CASH"));
    await post(`/api/tickets/${cancelled.id}/customer`, lobby, { customerId });
    await post(`/api/tickets/${cancelled.id}/cancel`, lobby, { reason: PLANT });
    // An appointment booked by phone for someone else, and a one-time code sent to a third number.
    const slots = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${ids.services.get("CASH")}&date=2026-11-24`,
    });
    const start = (slots.json().slots as Array<{ start: string; free: number }>).find((s) => s.free > 0)?.start;
    // CASH asks a free-text question on its form: the booker's answer and the lobby's answer for a walk-in below.
    const form = await t.request({
      method: "PUT",
      url: `/api/services/${ids.services.get("CASH")}/booking-form`,
      cookie: await t.login("manager"),
      body: { fields: [{ key: "note", type: "text", labelZh: "备注", labelEn: "Note", required: false }] },
    });
    expect(form.statusCode, form.body).toBe(200);
    const booked = await post(
      `/api/branches/${t.branchId}/appointments`,
      lobby,
      {
        serviceId: ids.services.get("CASH"),
        start,
        name: NAMES[1],
        phone: PHONES[1],
        answers: { note: `${NAMES[1]}本人办理，手机 ${PHONES[1]}，身份证 ${ID_NUMBER}` },
      },
      201,
    );
    expect((await t.request({ method: "POST", url: "/api/public/otp", body: { phone: PHONES[2] } })).statusCode).toBe(
      202,
    );
    // A walk-in the lobby attached by phone and name, waiting.
    const waiting = await issueAtKiosk(t, ids.services.get("CASH"));
    await post(`/api/tickets/${waiting.id}/customer`, lobby, { phone: "13600006666", name: NAMES[2] });
    const walkInAnswers = await t.request({
      method: "PUT",
      url: `/api/tickets/${waiting.id}/answers`,
      cookie: lobby,
      body: { answers: { note: `${NAMES[2]}本人，手机 13600006666，身份证 ${ID_NUMBER}` } },
    });
    expect(walkInAnswers.statusCode, walkInAnswers.body).toBe(200);
    // A proposed merge.
    await post(
      "/api/customer-merges",
      lobby,
      {
        sourceId: customerId,
        targetId: (
          await post(`/api/tickets/${(await issueAtKiosk(t, ids.services.get("CASH"))).id}/customer`, lobby, {
            phone: "13500005555",
            name: "周五",
          })
        ).customerId,
        reason: PLANT,
      },
      201,
    );
    // A complaint about the served visit whose description carries the customer's phone and ID number, recorded
    // by teller2: its recorder (and an owner) read it as typed; no role walked below is either, so every answer
    // naming it must be masked (the complaint routes are walked with its id).
    const complaint = await post(
      "/api/complaints",
      await t.login("teller2"),
      {
        branchId: t.branchId,
        ticketId: called.ticket.id,
        customerId,
        category: "service_quality",
        severity: "simple",
        description: `客户手机 ${PHONES[0]}，身份证 ${ID_NUMBER}，投诉等候过久`,
      },
      201,
    );
    // A transfer awaiting back-office review, its notes carrying a phone and an ID number: the review queue's
    // items are walked (the teller who served it is the only one who reads the notes as typed, and no queue
    // answers a teller).
    const transfer = await issueAtKiosk(t, ids.services.get("TRANSFER"));
    await post(`/api/tickets/${transfer.id}/customer`, lobby, { customerId });
    await post(`/api/counters/${c1}/call`, teller, { ticketId: transfer.id });
    await post(`/api/tickets/${transfer.id}/start`, teller);
    const inReview = await post(`/api/tickets/${transfer.id}/complete`, teller, {
      outcome: "remitted",
      notes: `收款人手机 ${PHONES[2]}，身份证 ${ID_NUMBER}，${PLANT}`,
    });
    expect(inReview.status).toBe("in_review");
    // A ticket of the customer handed over from counter 1 to counter 2 with a note about them, called there by
    // teller2 (not walked): the queue's counters show the handover note to everyone else masked.
    const handed = await issueAtKiosk(t, ids.services.get("CASH"));
    await post(`/api/tickets/${handed.id}/customer`, lobby, { customerId });
    await post(`/api/counters/${c1}/call`, teller, { ticketId: handed.id });
    await post(`/api/tickets/${handed.id}/start`, teller);
    const c2 = ids.counters.get(2) as string;
    const teller2 = await t.login("teller2");
    await post(`/api/counters/${c2}/sign-in`, teller2);
    await post(`/api/tickets/${handed.id}/transfer`, teller, { counterId: c2, position: "first", note: PLANT });
    await post(`/api/counters/${c2}/call`, teller2, { ticketId: handed.id });
    const atCounter2 = await t.request({ method: "GET", url: `/api/counters/${c2}`, cookie: teller2 });
    expect(atCounter2.json().handoverNote, atCounter2.body).toBe(PLANT);
    const user = await t.server.ctx.store.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "teller1")
      .executeTakeFirstOrThrow();
    const device = await t.server.ctx.store.db
      .selectFrom("devices")
      .select("id")
      .where("branch_id", "=", t.branchId)
      .executeTakeFirstOrThrow();
    // A chat handed over while no agent is online: the customer leaves their phone and a message about
    // themselves for a callback (never identified in the chat: their phone names them).
    const left = (await t.request({ method: "POST", url: "/api/public/chat", body: {} })).json();
    const toPerson = await t.request({
      method: "POST",
      url: `/api/public/chat/${left.conversationId}/messages`,
      token: left.token,
      body: { text: "转人工" },
    });
    expect(toPerson.json().reply.leaveMessage, toPerson.body).toBe(true);
    await t.request({
      method: "POST",
      url: `/api/public/chat/${left.conversationId}/callback`,
      token: left.token,
      body: { contact: PHONES[0], message: PLANT },
    });
    // The first customer identified in a chat by phone and code, handed over to agent1: the agent's view of
    // the conversation and of the customer is walked too.
    const chat = (await t.request({ method: "POST", url: "/api/public/chat", body: {} })).json();
    expect((await t.request({ method: "POST", url: "/api/public/otp", body: { phone: PHONES[0] } })).statusCode).toBe(
      202,
    );
    const sms = await t.server.ctx.store.db
      .selectFrom("outbox")
      .select("data")
      .where("kind", "=", "otp")
      .where("recipient", "=", `+86${PHONES[0]}`)
      .executeTakeFirstOrThrow();
    const identified = await t.request({
      method: "POST",
      url: `/api/public/chat/${chat.conversationId}/identify`,
      token: chat.token,
      body: { phone: PHONES[0], otp: (JSON.parse(sms.data) as { code: string }).code },
    });
    expect(identified.statusCode, identified.body).toBe(200);
    const agent1 = await t.login("agent1");
    expect(
      (await t.request({ method: "PUT", url: "/api/chat/me/presence", cookie: agent1, body: { presence: "online" } }))
        .statusCode,
    ).toBe(200);
    await t.request({
      method: "POST",
      url: `/api/public/chat/${chat.conversationId}/messages`,
      token: chat.token,
      body: { text: "转人工" },
    });
    // With agent1 now, the customer writes about themselves.
    const said = await t.request({
      method: "POST",
      url: `/api/public/chat/${chat.conversationId}/messages`,
      token: chat.token,
      body: { text: PLANT },
    });
    expect(said.json().reply, said.body).toMatchObject({ text: "", handover: true });
    labelled = {
      ticketId: { served: called.ticket.id, walkIn: waiting.id, handedOver: handed.id },
      conversationId: { chat: chat.conversationId, callback: left.conversationId },
    };
    real = {
      branchId: t.branchId,
      serviceId: ids.services.get("CASH") as string,
      counterId: c1,
      ticketId: called.ticket.id,
      customerId,
      appointmentId: booked.id,
      userId: user.id,
      deviceId: device.id,
      followupId: (
        await t.server.ctx.store.db
          .selectFrom("followups")
          .select("id")
          .where("ticket_id", "=", called.ticket.id)
          .executeTakeFirstOrThrow()
      ).id,
      conversationId: chat.conversationId,
      complaintId: complaint.id,
    };
    const doc = (await t.request({ method: "GET", url: "/api/openapi.json" })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    gets = Object.entries(doc.paths)
      .filter(([, ops]) => "get" in ops)
      .map(([path]) => path)
      // Event streams stay open; what they carry is checked below from the events table.
      .filter((p) => !p.endsWith("/events") && !p.endsWith("/stream"));
  });
  afterAll(() => t?.close());

  const query = (path: string): string => {
    if (path === "/api/customers") return "?phone=138";
    if (path === "/api/branches/{branchId}/appointments") return "?date=2026-11-24";
    if (path.startsWith("/api/analytics/summary"))
      return `?from=2026-11-01&to=2026-11-30&groupBy=day&branchId=${t.branchId}`;
    if (path === "/api/knowledge/search") return "?q=card";
    if (path === "/api/complaints/export.csv") return "?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";
    if (path === "/api/branches/{branchId}/followups") return "?scope=branch";
    if (path === "/api/branches/{branchId}/appointment-slots") return `?serviceId=${real.serviceId}&date=2026-11-24`;
    if (path === "/api/public/branches/{branchId}/slots") return `?serviceId=${real.serviceId}&date=2026-11-24`;
    return "";
  };

  it("finds no unmasked phone, ID number or name in any GET answer, for any role, nor in public answers", async () => {
    const problems: string[] = [];
    let answered = 0;
    const callers: Array<[string, string | undefined]> = [
      ["public", undefined],
      ...(await Promise.all(ROLES.map(async (r) => [r, await t.login(USER_OF[r])] as [string, string]))),
      ["other_agent", await t.login("agent2")],
    ];
    const walked = new Set<string>();
    for (const [role, cookie] of callers)
      for (const path of gets)
        for (const ids of idsFor(path)) {
          const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => ids[name]?.[1] ?? "unknown") + query(path);
          const res = await t.request({ method: "GET", url, cookie });
          if (res.statusCode !== 200) continue;
          answered++;
          const which = Object.values(ids)
            .map(([label]) => label)
            .filter(Boolean)
            .join(" ");
          walked.add(`${path} ${which}`.trim());
          if (NEEDS_FULL.has(`${role} GET ${path} ${which}`.trim())) continue;
          const isJson = res.headers["content-type"]?.toString().includes("json");
          const body = res.headers["content-type"]?.toString().includes("pdf")
            ? ""
            : isJson
              ? without(res.body, FIELDS_NEEDED[`${role} GET ${path}`] ?? [])
              : res.body;
          for (const leak of leaks(body)) problems.push(`${role} GET ${url}: ${leak}`);
        }
    expect(problems).toEqual([]);
    // The walk really saw answers: every role some, and the customer routes among them.
    expect(answered).toBeGreaterThan(gets.length);
    // The answers carrying the newer plants were among them.
    for (const w of [
      "/api/tickets/{ticketId}/answers ticketId=walkIn",
      "/api/tickets/{ticketId} ticketId=handedOver",
      "/api/branches/{branchId}/appointments",
      "/api/chat/conversations/{conversationId} conversationId=chat",
      "/api/chat/conversations/{conversationId} conversationId=callback",
      "/api/chat/callbacks",
      "/api/branches/{branchId}/queue",
    ])
      expect(walked, w).toContain(w);
    const profile = await t.request({
      method: "GET",
      url: `/api/customers/${real.customerId}`,
      cookie: await t.login("teller1"),
    });
    expect(profile.json()).toMatchObject({ phone: "138****5678", idNumber: "110105********002X", name: "王*明" });
    // The follow-up answers carried the customer, masked (so their place in the walk above meant something).
    const followup = await t.request({
      method: "GET",
      url: `/api/followups/${real.followupId}`,
      cookie: await t.login("manager"),
    });
    expect(followup.json().customer).toMatchObject({ phone: "138****5678", name: "王*明" });
    // The agent's view of the customer identified in the chat was walked, answered, and is masked.
    const chatCustomer = await t.request({
      method: "GET",
      url: `/api/chat/conversations/${real.conversationId}/customer`,
      cookie: await t.login("agent1"),
    });
    expect(chatCustomer.json()).toMatchObject({ customer: { phone: "138****5678", name: "王*明" } });
    expect(chatCustomer.json().visits.length).toBeGreaterThan(0);
    // The complaint and the review item were walked, answered, and masked.
    const manager = await t.login("manager");
    const complaint = await t.request({ method: "GET", url: `/api/complaints/${real.complaintId}`, cookie: manager });
    expect(complaint.statusCode, complaint.body).toBe(200);
    expect(complaint.json().description).toContain("138****5678");
    const reviews = await t.request({ method: "GET", url: `/api/branches/${real.branchId}/reviews`, cookie: manager });
    expect(reviews.statusCode, reviews.body).toBe(200);
    expect(reviews.json().items).toHaveLength(1);
    expect(reviews.json().items[0].notes).toContain("137****1111");
  });

  it("the detector catches what it should (so a pass above means something)", () => {
    expect(leaks('{"phone":"+8613812345678"}')).not.toEqual([]);
    expect(leaks('{"x":"15011112222"}')).not.toEqual([]);
    expect(leaks('{"id":"11010519900307123X"}')).not.toEqual([]);
    expect(leaks('{"phone":"138****5678","id":"110105********002X","name":"王*明","at":1764000000000}')).toEqual([]);
  });

  it("puts no personal data in branch events or public ticket pages", async () => {
    const events = await t.server.ctx.store.db.selectFrom("events").select(["type", "payload"]).execute();
    expect(events.length).toBeGreaterThan(0);
    const problems = events.flatMap((e) => leaks(e.payload).map((l) => `${e.type}: ${l}`));
    expect(problems).toEqual([]);
    const pub = await t.request({ method: "GET", url: `/api/public/tickets/${real.ticketId}` });
    expect(pub.statusCode).toBe(200);
    expect(leaks(pub.body)).toEqual([]);
  });
});
