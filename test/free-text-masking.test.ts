/**
 * Mobile and ID numbers typed into free text outside a ticket's own answer: the review queue (the teller's notes),
 * complaints (description, root cause, reply, the reasons in their history), a survey's complaint (the customer's
 * comment) and the staff notes on a customer's profile and call card. Each reaches as typed only who needs it
 * (the serving teller for a review item; the complaint's owner and its recorder), everyone else gets it masked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOrCreateCustomer } from "../src/app/customers/identify.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

const TYPED = "客户手机 139-8765-4321，身份证 11010119900307123X";
const MASKED = "客户手机 139****4321，身份证 110101********123X";
const REASON = "需回电 13712340987 核实";
const REASON_MASKED = "需回电 137****0987 核实";
/** Digits of the hidden middles: none may appear in a masked answer. */
const SECRETS = ["87654", "9900307", "12340"];
const noSecrets = (body: string) => {
  for (const s of SECRETS) expect(body).not.toContain(s);
};

describe.each(DB_KINDS)("free text masked outside the ticket on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const c: Record<string, string> = {};
  const counter = (n: number) => ids.counters.get(n) as string;
  const svc = (code: string) => ids.services.get(code) as string;
  const post = (url: string, cookie: string | undefined, body: unknown = {}) =>
    t.request({ method: "POST", url, ...(cookie ? { cookie } : {}), body });
  const get = (url: string, cookie?: string) => t.request({ method: "GET", url, ...(cookie ? { cookie } : {}) });
  const db = () => t.server.ctx.store.db;
  const userId = async (username: string) =>
    (await db().selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    for (const u of ["teller1", "teller2", "teller3", "lobby", "manager", "reviewer", "admin"]) c[u] = await t.login(u);
    expect((await post(`/api/counters/${counter(1)}/sign-in`, c.teller1)).statusCode).toBe(200);
    expect((await post(`/api/counters/${counter(3)}/sign-in`, c.teller3)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("masks the teller's notes and outcome in the review queue for reviewers and managers", async () => {
    const ticket = await issueAtKiosk(t, svc("TRANSFER"));
    expect((await post(`/api/counters/${counter(3)}/call`, c.teller3, { ticketId: ticket.id })).statusCode).toBe(200);
    expect((await post(`/api/tickets/${ticket.id}/start`, c.teller3)).statusCode).toBe(200);
    const done = await post(`/api/tickets/${ticket.id}/complete`, c.teller3, { outcome: REASON, notes: TYPED });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().status).toBe("in_review");
    for (const [who, url] of [
      ["reviewer", `/api/branches/${t.branchId}/reviews`],
      ["reviewer", "/api/reviews"],
      ["manager", `/api/branches/${t.branchId}/reviews`],
      ["admin", "/api/reviews"],
    ] as const) {
      const res = await get(url, c[who]);
      expect(res.statusCode, `${who} ${url}: ${res.body}`).toBe(200);
      const item = (res.json().items as Array<Record<string, unknown>>).find((i) => i.ticketId === ticket.id);
      expect(item, `${who} ${url}`).toMatchObject({ notes: MASKED, outcome: REASON_MASKED });
      noSecrets(res.body);
    }
    // A rejection's reason, shown with the next round, is masked as well.
    const taken = await post("/api/reviews/next", c.reviewer);
    expect(taken.statusCode, taken.body).toBe(200);
    expect(taken.json()).toMatchObject({ ticketId: ticket.id, notes: MASKED });
    const rejected = await post(`/api/reviews/${taken.json().id}/reject`, c.reviewer, { reason: REASON });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect((await post(`/api/tickets/${ticket.id}/complete`, c.teller3, { notes: TYPED })).statusCode).toBe(200);
    const again = await get(`/api/branches/${t.branchId}/reviews`, c.reviewer);
    const item = (again.json().items as Array<Record<string, unknown>>).find((i) => i.ticketId === ticket.id);
    expect(item).toMatchObject({ round: 2, earlierRejections: [REASON_MASKED] });
    noSecrets(again.body);
  });

  it("shows a complaint's texts as typed to its recorder and owner only; the desk, manager and admin get them masked", async () => {
    const created = await post("/api/complaints", c.lobby, {
      branchId: t.branchId,
      category: "service_quality",
      severity: "complex",
      description: TYPED,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const detail = (who: string) => get(`/api/complaints/${id}`, c[who]);
    // The recorder typed it.
    expect((await detail("lobby")).json().description).toBe(TYPED);
    for (const who of ["manager", "reviewer", "admin"]) {
      const res = await detail(who);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().description, who).toBe(MASKED);
      noSecrets(res.body);
      const list = await get(`/api/branches/${t.branchId}/complaints`, c[who]);
      expect(list.statusCode, list.body).toBe(200);
      expect(
        (list.json().items as Array<{ id: string; description: string }>).find((x) => x.id === id)?.description,
      ).toBe(MASKED);
      noSecrets(list.body);
    }
    const assigned = await post(`/api/complaints/${id}/assign`, c.manager, { userId: await userId("teller2") });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().description).toBe(MASKED);
    // The owner handles it and answers the complainant: as typed.
    expect((await detail("teller2")).json().description).toBe(TYPED);
    const extended = await post(`/api/complaints/${id}/extend`, c.manager, { reason: REASON });
    expect(extended.statusCode, extended.body).toBe(200);
    noSecrets(extended.body);
    const closed = await post(`/api/complaints/${id}/close`, c.teller2, {
      rootCause: REASON,
      reply: `已回复 ${TYPED}`,
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ rootCause: REASON, reply: `已回复 ${TYPED}` });
    for (const who of ["manager", "reviewer", "admin"]) {
      const res = await detail(who);
      expect(res.json(), who).toMatchObject({ rootCause: REASON_MASKED, reply: `已回复 ${MASKED}` });
      const ext = (res.json().notes as Array<{ action: string; data: { reason?: string } }>).find(
        (n) => n.action === "extended",
      );
      expect(ext?.data.reason).toBe(REASON_MASKED);
      noSecrets(res.body);
    }
    const owner = (await detail("teller2")).json();
    expect(owner.notes.find((n: { action: string }) => n.action === "extended").data.reason).toBe(REASON);
  });

  it("puts a survey's free comment into its complaint masked, as the profile shows it", async () => {
    const ctx = t.server.ctx;
    const customerId = await ctx.store.write(
      async (tx) =>
        (
          await findOrCreateCustomer(tx, ctx, {
            phone: "13800138061",
            name: "赵六",
            consents: [{ purpose: "service", granted: true, channel: "staff", textVersion: "v1" }],
          })
        ).id,
    );
    const ticket = await issueAtKiosk(t, svc("CASH"));
    expect((await post(`/api/counters/${counter(1)}/call`, c.teller1, { ticketId: ticket.id })).statusCode).toBe(200);
    expect((await post(`/api/tickets/${ticket.id}/customer`, c.lobby, { customerId })).statusCode).toBe(200);
    await post(`/api/tickets/${ticket.id}/start`, c.teller1);
    expect((await post(`/api/tickets/${ticket.id}/complete`, c.teller1, {})).statusCode).toBe(200);
    const invite = await db()
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "survey.invite")
      .where("related_id", "=", ticket.id)
      .executeTakeFirstOrThrow();
    const token = (JSON.parse(invite.data).surveyPath as string).replace("/survey/", "");
    const answered = await post(`/api/public/surveys/${token}`, undefined, { nps: 2, comment: TYPED });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json().complaintOpened).toBe(true);
    const complaint = await db()
      .selectFrom("complaints")
      .selectAll()
      .where("ticket_id", "=", ticket.id)
      .executeTakeFirstOrThrow();
    expect(complaint.description).toContain(MASKED);
    noSecrets(complaint.description);
    // The survey's own record keeps the comment (its retention class anonymises it later).
    const survey = await db()
      .selectFrom("surveys")
      .selectAll()
      .where("ticket_id", "=", ticket.id)
      .executeTakeFirstOrThrow();
    expect(survey.comment).toBe(TYPED);
    // Staff see it masked, whoever asks: the owner too (nobody typed it into the complaint).
    const assigned = await post(`/api/complaints/${complaint.id}/assign`, c.manager, {
      userId: await userId("teller2"),
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    for (const who of ["teller2", "manager", "lobby"]) {
      const res = await get(`/api/complaints/${complaint.id}`, c[who]);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().description).toContain(MASKED);
      noSecrets(res.body);
    }
    const profile = await get(`/api/customers/${customerId}`, c.manager);
    expect(profile.statusCode, profile.body).toBe(200);
    noSecrets(profile.body);
  });

  it("masks staff notes about a customer on the profile and on the call card", async () => {
    const ticket = await issueAtKiosk(t, svc("CASH"));
    const attached = await post(`/api/tickets/${ticket.id}/customer`, c.lobby, { phone: "13800138062", name: "钱七" });
    expect(attached.statusCode, attached.body).toBe(200);
    const customerId = attached.json().customerId as string;
    const updated = await t.request({
      method: "PATCH",
      url: `/api/customers/${customerId}`,
      cookie: c.manager,
      body: { notes: TYPED },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json().notes).toBe(MASKED);
    for (const who of ["lobby", "manager", "admin", "teller1"]) {
      const res = await get(`/api/customers/${customerId}`, c[who]);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
      expect(res.json().notes).toBe(MASKED);
      noSecrets(res.body);
    }
    expect((await post(`/api/counters/${counter(1)}/call`, c.teller1, { ticketId: ticket.id })).statusCode).toBe(200);
    const card = await get(`/api/tickets/${ticket.id}/call-card`, c.teller1);
    expect(card.statusCode, card.body).toBe(200);
    expect(card.json().customer.notes).toBe(MASKED);
    noSecrets(card.body);
    // The visit's free text (the ticket's outcome, the service record's needs and outcome) on the profile.
    expect((await post(`/api/tickets/${ticket.id}/start`, c.teller1)).statusCode).toBe(200);
    const record = await t.request({
      method: "PUT",
      url: `/api/tickets/${ticket.id}/service-record`,
      cookie: c.teller1,
      body: { needs: TYPED, products: [], outcome: REASON },
    });
    expect(record.statusCode, record.body).toBe(200);
    const completed = await post(`/api/tickets/${ticket.id}/complete`, c.teller1, { outcome: REASON });
    expect(completed.statusCode, completed.body).toBe(200);
    for (const who of ["manager", "lobby"]) {
      const res = await get(`/api/customers/${customerId}`, c[who]);
      const visit = (res.json().visits as Array<Record<string, unknown>>).find((v) => v.ticketId === ticket.id);
      expect(visit, who).toMatchObject({ outcome: REASON_MASKED, needs: MASKED, recordOutcome: REASON_MASKED });
      noSecrets(res.body);
    }
    // The note itself is kept as typed.
    const row = await db()
      .selectFrom("customers")
      .select("notes")
      .where("id", "=", customerId)
      .executeTakeFirstOrThrow();
    expect(row.notes).toBe(TYPED);
    // Editing the note as shown (masked) and saving keeps the stored numbers: stars are not written over them.
    const edited = await t.request({
      method: "PATCH",
      url: `/api/customers/${customerId}`,
      cookie: c.lobby,
      body: { notes: `${MASKED}；偏好上午办理` },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().notes).toBe(`${MASKED}；偏好上午办理`);
    const stored = await db()
      .selectFrom("customers")
      .select("notes")
      .where("id", "=", customerId)
      .executeTakeFirstOrThrow();
    expect(stored.notes).toBe(`${TYPED}；偏好上午办理`);
  });
});
