/**
 * Conflict of interest on complaints beyond assign: whoever served the linked visit (the teller, the lobby
 * manager who called it, the reviewer who decided it) may not close, reclassify or extend the complaint (409, as
 * assign answers); someone else of the desk may.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("complaint conflict of interest on close, reclassify and extend on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const c: Record<string, string> = {};
  const counter = (n: number) => ids.counters.get(n) as string;
  const svc = (code: string) => ids.services.get(code) as string;
  const post = (url: string, cookie: string | undefined, body: unknown = {}) =>
    t.request({ method: "POST", url, cookie: cookie as string, body });
  const statusOf = async (id: string) =>
    (await t.server.ctx.store.db.selectFrom("complaints").selectAll().where("id", "=", id).executeTakeFirstOrThrow())
      .status;

  /** A ticket of `code` called by `caller` to the counter `counterNo` (where they are signed in), served by `teller`. */
  const serve = async (code: string, caller: string, teller: string, counterNo: number) => {
    const ticket = await issueAtKiosk(t, svc(code));
    const call = await post(`/api/counters/${counter(counterNo)}/call`, c[caller], { ticketId: ticket.id });
    expect(call.statusCode, call.body).toBe(200);
    expect((await post(`/api/tickets/${ticket.id}/start`, c[teller])).statusCode).toBe(200);
    const done = await post(`/api/tickets/${ticket.id}/complete`, c[teller], { outcome: "done" });
    expect(done.statusCode, done.body).toBe(200);
    return ticket.id;
  };
  const complaintAbout = async (ticketId: string, severity: "simple" | "complex" = "simple") => {
    const res = await post("/api/complaints", c.manager, {
      branchId: t.branchId,
      ticketId,
      category: "service_quality",
      severity,
      description: "办理太慢",
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const close = (id: string, who: string) =>
    post(`/api/complaints/${id}/close`, c[who], { rootCause: "人手不足", reply: "已致歉并改进排班" });
  const reclassify = (id: string, who: string) =>
    post(`/api/complaints/${id}/severity`, c[who], { severity: "complex", reason: "需调取录像" });
  const extend = (id: string, who: string) => post(`/api/complaints/${id}/extend`, c[who], { reason: "需调取录像" });
  const expectConflict = (res: { statusCode: number; body: string; json(): unknown }) => {
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ error: "conflict", details: { reason: "served_visit" } });
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    const admin = await t.login("admin");
    // A branch manager who also serves at a counter: a senior who may extend, and a party to their own visits.
    const boss = await post("/api/users", admin, {
      username: "boss",
      displayName: "周行长",
      password: TEST_PASSWORD,
      roles: ["branch_manager", "teller"],
      branchIds: [t.branchId],
    });
    expect(boss.statusCode, boss.body).toBe(201);
    // A lobby manager who also takes a counter (a lobby manager alone may not sign in at one, so cannot call).
    const duty = await post("/api/users", admin, {
      username: "duty",
      displayName: "吴值班",
      password: TEST_PASSWORD,
      roles: ["lobby_manager", "teller"],
      branchIds: [t.branchId],
    });
    expect(duty.statusCode, duty.body).toBe(201);
    for (const u of ["teller1", "teller3", "lobby", "manager", "reviewer", "boss", "duty"]) c[u] = await t.login(u);
    expect((await post(`/api/counters/${counter(1)}/sign-in`, c.teller1)).statusCode).toBe(200);
    expect((await post(`/api/counters/${counter(2)}/sign-in`, c.boss)).statusCode).toBe(200);
    expect((await post(`/api/counters/${counter(3)}/sign-in`, c.teller3)).statusCode).toBe(200);
    expect((await post(`/api/counters/${counter(4)}/sign-in`, c.duty)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("refuses a lobby manager who called the visit to close or reclassify its complaint", async () => {
    // A lobby manager who also serves stands in at counter 4 and calls the customer there.
    const ticketId = await serve("CASH", "duty", "duty", 4);
    const id = await complaintAbout(ticketId);
    expectConflict(await reclassify(id, "duty"));
    expectConflict(await close(id, "duty"));
    expect(await statusOf(id)).toBe("open");
    // Someone of the desk who had no part in the visit may.
    expect((await reclassify(id, "reviewer")).statusCode).toBe(200);
    expect((await close(id, "reviewer")).statusCode).toBe(200);
  });

  it("refuses the reviewer who approved the visit, and the teller who served it as its owner", async () => {
    const ticketId = await serve("TRANSFER", "teller3", "teller3", 3);
    const taken = await post("/api/reviews/next", c.reviewer);
    expect(taken.statusCode, taken.body).toBe(200);
    expect(taken.json().ticketId).toBe(ticketId);
    expect((await post(`/api/reviews/${taken.json().id}/approve`, c.reviewer)).statusCode).toBe(200);
    const id = await complaintAbout(ticketId);
    expectConflict(await reclassify(id, "reviewer"));
    expectConflict(await close(id, "reviewer"));
    // Assign still refuses the teller as the owner (the rule these follow).
    expectConflict(await post(`/api/complaints/${id}/assign`, c.manager, { userId: taken.json().tellerId }));
    expect((await close(id, "lobby")).statusCode).toBe(200);
  });

  it("refuses a senior who served the visit an extension; another senior may extend", async () => {
    const ticketId = await serve("CASH", "boss", "boss", 2);
    const id = await complaintAbout(ticketId, "complex");
    expectConflict(await extend(id, "boss"));
    expectConflict(await reclassify(id, "boss"));
    expectConflict(await close(id, "boss"));
    const ok = await extend(id, "manager");
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().extended).toBe(true);
  });
});
