/**
 * A customer's whole record is reached by branch: export and erasure are for the admin, or for a branch manager
 * of a branch the customer has had a visit, an appointment or a complaint with (403 otherwise, nothing done).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOrCreateCustomer } from "../src/app/customers/identify.ts";
import { seedSecondDemoBranch } from "../src/app/seed-demo.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

const ZH = { "accept-language": "zh-CN,zh;q=0.9" };

describe.each(DB_KINDS)("customer export and erasure by branch on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let b2: string;
  const c: Record<string, string> = {};
  const db = () => t.server.ctx.store.db;
  const post = (url: string, cookie: string | undefined, body: unknown = {}, headers?: Record<string, string>) =>
    t.request({ method: "POST", url, cookie: cookie as string, body, ...(headers ? { headers } : {}) });
  const anonymised = async (id: string) =>
    (await db().selectFrom("customers").select("anonymised_at").where("id", "=", id).executeTakeFirstOrThrow())
      .anonymised_at;

  /** A customer the lobby manager of the first branch attached to a walk-in ticket there. */
  const firstBranchCustomer = async (phone: string) => {
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    const res = await post(`/api/tickets/${ticket.id}/customer`, c.lobby, { phone, name: "王小明" });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().customerId as string;
  };
  /** A customer known to the second branch only, through a complaint its manager recorded. */
  const secondBranchCustomer = async (phone: string) => {
    const ctx = t.server.ctx;
    const id = await ctx.store.write(async (tx) => (await findOrCreateCustomer(tx, ctx, { phone, name: "陈一" })).id);
    const res = await post("/api/complaints", c.manager2, {
      branchId: b2,
      customerId: id,
      category: "service_quality",
      severity: "simple",
      description: "电话投诉",
    });
    expect(res.statusCode, res.body).toBe(201);
    return id;
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    b2 = (await seedSecondDemoBranch(t.server.ctx, TEST_PASSWORD)).branchId;
    for (const u of ["lobby", "manager", "manager2", "admin"]) c[u] = await t.login(u);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("refuses another branch's manager an export (403, zh/en message), lets the customer's branch and the admin", async () => {
    const wang = await firstBranchCustomer("13812340001");
    const other = await post(`/api/customers/${wang}/export`, c.manager2, { reason: "客户书面申请" });
    expect(other.statusCode, other.body).toBe(403);
    expect(other.json()).toMatchObject({ error: "forbidden", message: expect.any(String) });
    expect(other.body).toContain("your branches");
    expect(other.body).not.toContain("13812340001");
    const zh = await post(`/api/customers/${wang}/export`, c.manager2, { reason: "客户书面申请" }, ZH);
    expect(zh.statusCode).toBe(403);
    expect(zh.body).toContain("所属网点");
    for (const who of ["manager", "admin"]) {
      const res = await post(`/api/customers/${wang}/export`, c[who], { reason: "客户书面申请" });
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
      expect(res.json().customer.id).toBe(wang);
    }
    // A customer known to the second branch only (a complaint): the other way round.
    const chen = await secondBranchCustomer("13812340002");
    expect((await post(`/api/customers/${chen}/export`, c.manager2, { reason: "客户书面申请" })).statusCode).toBe(200);
    expect((await post(`/api/customers/${chen}/export`, c.manager, { reason: "客户书面申请" })).statusCode).toBe(403);
  });

  it("refuses another branch's manager an erasure and erases nothing; the customer's branch may", async () => {
    const wang = await firstBranchCustomer("13812340003");
    const other = await post(`/api/customers/${wang}/erase`, c.manager2, { reason: "客户申请删除个人信息" });
    expect(other.statusCode, other.body).toBe(403);
    expect(other.json()).toMatchObject({ error: "forbidden", message: expect.any(String) });
    expect(await anonymised(wang)).toBeNull();
    const ok = await post(`/api/customers/${wang}/erase`, c.manager, { reason: "客户申请删除个人信息" });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await anonymised(wang)).not.toBeNull();
    const chen = await secondBranchCustomer("13812340004");
    expect((await post(`/api/customers/${chen}/erase`, c.manager, { reason: "客户申请删除个人信息" })).statusCode).toBe(
      403,
    );
    expect(await anonymised(chen)).toBeNull();
    const admin = await post(`/api/customers/${chen}/erase`, c.admin, { reason: "客户申请删除个人信息" });
    expect(admin.statusCode, admin.body).toBe(200);
    expect(await anonymised(chen)).not.toBeNull();
  });
});
