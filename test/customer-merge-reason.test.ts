import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

/** The decider of a customer merge says why (issue 14): the reason is kept in the audit line of the decision. */
describe.each(DB_KINDS)("customer merge decision reason on %s", (kind) => {
  let t: TestServer;
  let lobby: string;
  let manager: string;
  const ids: string[] = [];
  const post = (url: string, cookie: string, body?: unknown) => t.request({ method: "POST", url, cookie, body });

  beforeAll(async () => {
    t = await startTestServer(kind);
    const demo = await demoIds(t);
    [lobby, manager] = (await Promise.all(["lobby", "manager"].map((u) => t.login(u)))) as [string, string];
    for (const phone of ["13811110001", "13811110002", "13811110003"]) {
      const ticket = await issueAtKiosk(t, demo.services.get("CASH"));
      const res = await post(`/api/tickets/${ticket.id}/customer`, lobby, { phone, name: "赵六" });
      expect(res.statusCode, res.body).toBe(200);
      ids.push(res.json().customerId);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const auditDetails = async (action: string) =>
    (
      await t.server.ctx.store.db
        .selectFrom("audit_log")
        .select("details")
        .where("action", "=", action)
        .orderBy("at", "desc")
        .execute()
    ).map((r) => (typeof r.details === "string" ? JSON.parse(r.details) : r.details) as Record<string, unknown>);

  it("refuses a blank reason and records the one given", async () => {
    const proposed = await post("/api/customer-merges", lobby, {
      sourceId: ids[0],
      targetId: ids[1],
      reason: "同名同证件",
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const id = proposed.json().id as string;
    const blank = await post(`/api/customer-merges/${id}/reject`, manager, { reason: "   " });
    expect(blank.statusCode, blank.body).toBe(400);
    expect(blank.json().details).toMatchObject({ field: "reason" });
    const rejected = await post(`/api/customer-merges/${id}/reject`, manager, { reason: "证件号不同，不是同一人" });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json().status).toBe("rejected");
    expect(await auditDetails("customer.merge.reject")).toEqual([
      { mergeId: id, sourceId: ids[0], reason: "证件号不同，不是同一人" },
    ]);
  });

  it("still confirms without a body (older clients)", async () => {
    const proposed = await post("/api/customer-merges", lobby, {
      sourceId: ids[2],
      targetId: ids[1],
      reason: "换了手机号",
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const confirmed = await post(`/api/customer-merges/${proposed.json().id}/confirm`, manager);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().status).toBe("confirmed");
    expect(await auditDetails("customer.merge.confirm")).toEqual([{ mergeId: proposed.json().id, sourceId: ids[2] }]);
    // The merged record's profile says where it went and shows no phone (its stored one is a placeholder).
    const merged = await t.request({ method: "GET", url: `/api/customers/${ids[2]}`, cookie: manager });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({ mergedInto: ids[1], phone: "" });
  });
});
