/**
 * "Who looked at whom" reaches the branch's auditor: audit lines of customer actions (searches, profile views,
 * call cards, break-glass unmasking, updates, merges, exports, erasures) carry the branch in whose context they
 * happened, so GET /api/audit shows them to an auditor of that branch (who sees only their branches' lines).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOrCreateCustomer } from "../src/app/customers/identify.ts";
import { seedSecondDemoBranch } from "../src/app/seed-demo.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

interface Line {
  action: string;
  entityId: string | null;
  branchId: string | null;
  /** The actor's username. */
  actorName: string | null;
  details: unknown;
}

describe.each(DB_KINDS)("customer audit lines under a branch on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let b2: string;
  const c: Record<string, string> = {};
  const post = (url: string, who: string, body: unknown = {}) =>
    t.request({ method: "POST", url, cookie: c[who] as string, body });
  const get = (url: string, who: string) => t.request({ method: "GET", url, cookie: c[who] as string });
  /** The customer lines as `who` reads them through the audit API. */
  const customerLines = async (who: string, query = "") => {
    const res = await get(`/api/audit?action=customer.&limit=500${query}`, who);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Line[];
  };
  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    b2 = (await seedSecondDemoBranch(t.server.ctx, TEST_PASSWORD)).branchId;
    for (const u of ["teller1", "lobby", "manager", "manager2", "admin", "auditor"]) c[u] = await t.login(u);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("shows the branch's auditor every customer action of its staff, and the admin's on its customers", async () => {
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    const attached = await post(`/api/tickets/${ticket.id}/customer`, "lobby", {
      phone: "13812347001",
      name: "王小明",
    });
    expect(attached.statusCode, attached.body).toBe(200);
    const wang = attached.json().customerId as string;
    const other = await issueAtKiosk(t, ids.services.get("CASH"));
    const li = (await post(`/api/tickets/${other.id}/customer`, "lobby", { phone: "13812347002", name: "李四" })).json()
      .customerId as string;

    expect((await get("/api/customers?phone=13812347001", "lobby")).statusCode).toBe(200);
    expect((await get(`/api/customers/${wang}`, "manager")).statusCode).toBe(200);
    const unmask = await post(`/api/customers/${wang}/unmask`, "manager", {
      field: "phone",
      reason: "客户来电核实身份",
    });
    expect(unmask.statusCode, unmask.body).toBe(200);
    const update = await t.request({
      method: "PATCH",
      url: `/api/customers/${wang}`,
      cookie: c.manager as string,
      body: { vipTier: "gold" },
    });
    expect(update.statusCode, update.body).toBe(200);
    expect((await post(`/api/counters/${ids.counters.get(1)}/sign-in`, "teller1")).statusCode).toBe(200);
    expect(
      (await post(`/api/counters/${ids.counters.get(1)}/call`, "teller1", { ticketId: ticket.id })).statusCode,
    ).toBe(200);
    expect((await get(`/api/tickets/${ticket.id}/call-card`, "teller1")).statusCode).toBe(200);
    const propose = await post("/api/customer-merges", "lobby", { sourceId: li, targetId: wang, reason: "同一人" });
    expect(propose.statusCode, propose.body).toBe(201);
    // The admin belongs to no branch: the line goes under the customer's one branch.
    const confirm = await post(`/api/customer-merges/${propose.json().id}/confirm`, "admin");
    expect(confirm.statusCode, confirm.body).toBe(200);
    expect((await post(`/api/customers/${wang}/export`, "manager", { reason: "客户书面申请" })).statusCode).toBe(200);
    expect((await post(`/api/customers/${wang}/erase`, "manager", { reason: "客户申请删除" })).statusCode).toBe(200);

    const lines = await customerLines("auditor");
    const seen = (action: string, who: string, entityId: string | null, via?: string) =>
      lines.find(
        (l) =>
          l.action === action &&
          l.actorName === who &&
          l.entityId === entityId &&
          (via === undefined || (l.details as { via?: string } | null)?.via === via),
      );
    const [lobby, manager, teller1, admin] = ["lobby", "manager", "teller1", "admin"];
    for (const [action, who, entityId, via] of [
      ["customer.search", lobby, null],
      ["customer.view", manager, wang, "profile"],
      ["customer.unmask", manager, wang],
      ["customer.update", manager, wang],
      ["customer.view", teller1, wang, "call_card"],
      ["customer.merge.propose", lobby, wang],
      ["customer.merge.confirm", admin, wang],
      ["customer.export", manager, wang],
      ["customer.erase", manager, wang],
    ] as Array<[string, string, string | null, string?]>) {
      const line = seen(action, who, entityId, via);
      expect(line, `${action} by ${who}${via ? ` via ${via}` : ""}`).toBeDefined();
      expect(line?.branchId).toBe(t.branchId);
    }
  });

  it("puts a look from another branch under that branch, out of this branch's auditor's sight", async () => {
    const ctx = t.server.ctx;
    const chen = await ctx.store.write(
      async (tx) => (await findOrCreateCustomer(tx, ctx, { phone: "13812347003", name: "陈一" })).id,
    );
    const complaint = await post("/api/complaints", "manager2", {
      branchId: b2,
      customerId: chen,
      category: "service_quality",
      severity: "simple",
      description: "电话投诉",
    });
    expect(complaint.statusCode, complaint.body).toBe(201);
    expect((await get(`/api/customers/${chen}`, "manager2")).statusCode).toBe(200);
    expect((await get(`/api/customers/${chen}`, "admin")).statusCode).toBe(200);
    const branchLines = (await customerLines("auditor")).filter((l) => l.entityId === chen);
    expect(branchLines).toEqual([]);
    const second = (await customerLines("admin", `&branchId=${b2}`)).filter(
      (l) => l.entityId === chen && l.action === "customer.view",
    );
    expect(second.map((l) => l.actorName).sort()).toEqual(["admin", "manager2"]);
    for (const l of second) expect(l.branchId).toBe(b2);
  });
});
