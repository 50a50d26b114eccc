/**
 * A known customer's name typed into free text that belongs to them (a complaint's texts, the staff notes on their
 * record) is masked like the numbers in it (test/free-text-masking.test.ts): the complaint's recorder and owner
 * read it as typed, everyone else gets "张**" for 张三丰 and "**" for 三丰; notes on the profile and call card are
 * masked for every reader, and an edit of the masked notes keeps the stored name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOrCreateCustomer } from "../src/app/customers/identify.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

const TYPED = "张三丰来电投诉，三丰说柜员态度差，手机 13812345678";
const MASKED = "张**来电投诉，**说柜员态度差，手机 138****5678";

describe.each(DB_KINDS)("a customer's name masked in free text on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let customerId: string;
  const c: Record<string, string> = {};
  const post = (url: string, cookie: string, body: unknown = {}) => t.request({ method: "POST", url, cookie, body });
  const get = (url: string, cookie: string) => t.request({ method: "GET", url, cookie });
  const noName = (body: string) => {
    expect(body).not.toContain("张三丰");
    expect(body).not.toContain("三丰");
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    for (const u of ["lobby", "manager", "reviewer", "admin", "teller1"]) c[u] = await t.login(u);
    const ctx = t.server.ctx;
    customerId = await ctx.store.write(
      async (tx) => (await findOrCreateCustomer(tx, ctx, { phone: "13800138088", name: "张三丰" })).id,
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it("masks the complainant's name in a complaint's texts for all but its recorder and owner", async () => {
    const created = await post("/api/complaints", c.lobby as string, {
      branchId: t.branchId,
      customerId,
      category: "service_quality",
      severity: "simple",
      description: TYPED,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await get(`/api/complaints/${id}`, c.lobby as string)).json().description).toBe(TYPED);
    for (const who of ["manager", "reviewer", "admin"]) {
      const res = await get(`/api/complaints/${id}`, c[who] as string);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().description, who).toBe(MASKED);
      noName(res.body);
      const list = await get(`/api/branches/${t.branchId}/complaints`, c[who] as string);
      const item = (list.json().items as Array<{ id: string; description: string }>).find((x) => x.id === id);
      expect(item?.description, who).toBe(MASKED);
    }
    // The reasons in its history too.
    const extended = await post(`/api/complaints/${id}/extend`, c.manager as string, { reason: "需与张三丰本人面谈" });
    expect(extended.statusCode, extended.body).toBe(200);
    noName(extended.body);
    const detail = (await get(`/api/complaints/${id}`, c.admin as string)).json();
    expect(detail.notes.find((n: { action: string }) => n.action === "extended").data.reason).toBe("需与张**本人面谈");
  });

  it("knows the complainant through the linked visit's customer too", async () => {
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    expect((await post(`/api/tickets/${ticket.id}/customer`, c.lobby as string, { customerId })).statusCode).toBe(200);
    const created = await post("/api/complaints", c.lobby as string, {
      branchId: t.branchId,
      ticketId: ticket.id,
      category: "wait_time",
      severity: "simple",
      description: TYPED,
    });
    expect(created.statusCode, created.body).toBe(201);
    const res = await get(`/api/complaints/${created.json().id}`, c.manager as string);
    expect(res.json().description).toBe(MASKED);
  });

  it("masks the customer's name in the notes on their record, and an edit keeps the stored name", async () => {
    const updated = await t.request({
      method: "PATCH",
      url: `/api/customers/${customerId}`,
      cookie: c.manager as string,
      body: { notes: TYPED },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json().notes).toBe(MASKED);
    for (const who of ["lobby", "manager", "admin", "teller1"]) {
      const res = await get(`/api/customers/${customerId}`, c[who] as string);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().notes, who).toBe(MASKED);
    }
    // Edited from the masked form: the name and number stay as stored.
    const edited = await t.request({
      method: "PATCH",
      url: `/api/customers/${customerId}`,
      cookie: c.manager as string,
      body: { notes: `${MASKED}。已回电` },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const row = await t.server.ctx.store.db
      .selectFrom("customers")
      .select("notes")
      .where("id", "=", customerId)
      .executeTakeFirstOrThrow();
    expect(row.notes).toBe(`${TYPED}。已回电`);
  });
});
