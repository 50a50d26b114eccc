import { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { migrationProvider } from "../src/store/migrations/index.ts";
import { DB_KINDS, freshDatabase } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

/**
 * Issue 14: possible duplicate customer records found for a branch's staff (never merged by themselves; a
 * dismissed pair is not shown again), and the lobby's list of which tickets have a customer (so its mark survives
 * a reload). Both databases.
 */
describe.each(DB_KINDS)("possible duplicates and the lobby's customer marks on %s", (kind) => {
  let t: TestServer;
  let cash = "";
  const c: Record<string, string> = {};
  const db = () => t.server.ctx.store.db;
  const request = (method: string, url: string, cookie: string, body?: unknown) =>
    t.request({ method, url, cookie, ...(body !== undefined ? { body } : {}) });
  const label = new Map<string, string>();

  /** A customer record (as an import or an older version may have left it) with a visit at the branch today. */
  const customer = async (
    tag: string,
    over: { name?: string; phone: string; email?: string; idNumber?: string; birthDate?: string },
  ) => {
    const id = t.server.ctx.newId();
    const now = t.clock.now;
    const ticket = await issueAtKiosk(t, cash);
    await t.server.ctx.store.write(async (tx) => {
      await tx
        .insertInto("customers")
        .values({
          id,
          phone_e164: over.phone,
          name: over.name ?? "",
          email: over.email ?? null,
          lang: "zh-CN",
          preferred_channel: "sms",
          created_at: now,
          updated_at: now,
          code: `K${id.slice(-10).toUpperCase()}`,
          id_number: over.idNumber ?? null,
          birth_date: over.birthDate ?? null,
          vip_tier: null,
          pref_counter: null,
          anonymised_at: null,
          merged_into: null,
        })
        .execute();
      await tx
        .insertInto("ticket_customers")
        .values({
          ticket_id: ticket.id,
          customer_id: id,
          branch_id: t.branchId,
          method: "staff",
          attached_by: null,
          attached_at: now,
        })
        .execute();
    });
    label.set(id, tag);
    return id;
  };
  type Pair = { rules: string[]; a: { id: string }; b: { id: string } };
  const list = async (cookie = c.lobby as string) => {
    const res = await request("GET", `/api/branches/${t.branchId}/customer-duplicates`, cookie);
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const pairsOf = (items: Pair[]) =>
    items.map((p) => `${[label.get(p.a.id), label.get(p.b.id)].sort().join("+")}:${p.rules.join(",")}`);

  beforeAll(async () => {
    t = await startTestServer(kind);
    cash = (await demoIds(t)).services.get("CASH") as string;
    for (const u of ["lobby", "teller1", "manager", "reviewer", "auditor", "headoffice"]) c[u] = await t.login(u);
    await customer("A1", { name: "王小明", phone: "+8613800000001", birthDate: "1990-03-07" });
    await customer("A2", { name: "王 小明", phone: "+8613900000002", idNumber: "110101199003071234" });
    await customer("B1", { name: "李雷", phone: "+8613800000003", email: "Li.Lei@Example.com" });
    await customer("B2", { name: "韩梅梅", phone: "+8613800000004", email: "li.lei@example.com" });
    await customer("C1", { name: "赵六", phone: "+8613812345678" });
    await customer("C2", { name: "Zhao Liu", phone: "+85213812345678" });
    // 张伟 twice, same birthday, two different ID numbers: two people.
    await customer("D1", { name: "张伟", phone: "+8613800000005", idNumber: "110101198001011234" });
    await customer("D2", { name: "张伟", phone: "+8613800000006", idNumber: "310101198001014321" });
  });
  afterAll(() => t?.close());

  it("lists likely duplicates among the branch's customers, masked, with the rules that matched", async () => {
    const res = await list();
    expect(pairsOf(res.json().items)).toEqual(["B1+B2:email", "C1+C2:phone", "A1+A2:name_birth"]);
    expect(res.json().truncated).toBe(false);
    const pair = (res.json().items as Array<Pair & { a: Record<string, unknown>; b: Record<string, unknown> }>).find(
      (p) => p.rules[0] === "name_birth",
    );
    const [a1, a2] = label.get(pair?.a.id as string) === "A1" ? [pair?.a, pair?.b] : [pair?.b, pair?.a];
    expect(a1).toMatchObject({ name: "王*明", phone: "138****0001", birthYear: 1990, idNumber: null });
    expect(a2).toMatchObject({ name: "王**明", phone: "139****0002", idNumber: "110101********1234" });
    for (const full of ["13812345678", "王小明", "li.lei@example.com", "Li.Lei", "110101199003071234", "韩梅梅"])
      expect(res.body).not.toContain(full);
    // Every serving role of the branch may look (the back office too); the auditor and head office may not.
    expect((await list(c.reviewer)).json().items).toHaveLength(3);
    expect(
      (await request("GET", `/api/branches/${t.branchId}/customer-duplicates`, c.auditor as string)).statusCode,
    ).toBe(403);
    expect(
      (await request("GET", `/api/branches/${t.branchId}/customer-duplicates`, c.headoffice as string)).statusCode,
    ).toBe(403);
    const audit = await db()
      .selectFrom("audit_log")
      .select(["action", "details"])
      .where("action", "=", "customer.duplicates")
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toEqual({ customers: 8, pairs: 3 });
  });

  it("forgets a pair a person dismissed with a reason (who and why recorded, audited), and one proposed for merging", async () => {
    const items = (await list()).json().items as Pair[];
    const a = items.find((p) => p.rules.includes("name_birth")) as Pair;
    const ids = [a.a.id, a.b.id];
    const url = `/api/branches/${t.branchId}/customer-duplicates/dismiss`;
    const empty = await request("POST", url, c.lobby as string, { customerIds: ids, reason: "  " });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().details).toMatchObject({ field: "reason" });
    expect((await request("POST", url, c.reviewer as string, { customerIds: ids, reason: "x" })).statusCode).toBe(403);
    expect(
      (await request("POST", url, c.lobby as string, { customerIds: [ids[0], ids[0]], reason: "x" })).statusCode,
    ).toBe(400);
    expect(
      (await request("POST", url, c.lobby as string, { customerIds: [ids[0], "nobody-here"], reason: "x" })).statusCode,
    ).toBe(404);
    expect(await db().selectFrom("customer_duplicate_dismissals").selectAll().execute()).toEqual([]);
    const ok = await request("POST", url, c.lobby as string, {
      customerIds: [ids[1], ids[0]],
      reason: "生日相同的两位客户，证件不同",
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ customerIds: [...ids].sort(), reason: "生日相同的两位客户，证件不同" });
    const again = await request("POST", url, c.teller1 as string, { customerIds: ids, reason: "再次" });
    expect(again.statusCode).toBe(409);
    const lobbyId = (
      await db().selectFrom("users").select("id").where("username", "=", "lobby").executeTakeFirstOrThrow()
    ).id;
    const rows = await db().selectFrom("customer_duplicate_dismissals").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      dismissed_by: lobbyId,
      reason: "生日相同的两位客户，证件不同",
      branch_id: t.branchId,
    });
    const audit = await db()
      .selectFrom("audit_log")
      .select(["actor_id", "entity_id", "branch_id", "details"])
      .where("action", "=", "customer.duplicate.dismiss")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: lobbyId, branch_id: t.branchId });
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({ reason: "生日相同的两位客户，证件不同" });
    expect(pairsOf((await list()).json().items)).toEqual(["B1+B2:email", "C1+C2:phone"]);
    // A merge proposed from the list: the pair is in the merge's hands now, not shown as a possible duplicate.
    const b = ((await list()).json().items as Pair[]).find((p) => p.rules.includes("email")) as Pair;
    const proposed = await request("POST", "/api/customer-merges", c.teller1 as string, {
      sourceId: b.a.id,
      targetId: b.b.id,
      reason: "同一邮箱",
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    expect(pairsOf((await list()).json().items)).toEqual(["C1+C2:phone"]);
  });

  it("tells the lobby which unfinished tickets have a customer, with segments and no name or phone", async () => {
    const ticket = await issueAtKiosk(t, cash);
    const walkIn = await issueAtKiosk(t, cash);
    const attached = await request("POST", `/api/tickets/${ticket.id}/customer`, c.lobby as string, {
      phone: "13712340009",
      name: "孙悟空",
    });
    expect(attached.statusCode, attached.body).toBe(200);
    const customerId = attached.json().customerId as string;
    expect(
      (await request("PATCH", `/api/customers/${customerId}`, c.manager as string, { segments: ["vip"] })).statusCode,
    ).toBe(200);
    const url = `/api/branches/${t.branchId}/queue/customers`;
    const res = await request("GET", url, c.lobby as string);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Array<{ ticketId: string }>;
    expect(items.find((i) => i.ticketId === ticket.id)).toEqual({
      ticketId: ticket.id,
      method: "staff",
      segments: ["vip"],
    });
    expect(items.some((i) => i.ticketId === walkIn.id)).toBe(false);
    for (const secret of ["13712340009", "1234****0009", "137****0009", "孙悟空", "孙*空", customerId])
      expect(res.body).not.toContain(secret);
    expect((await request("GET", url, c.auditor as string)).statusCode).toBe(403);
    expect((await request("GET", url, c.teller1 as string)).statusCode).toBe(200);
    // A finished ticket leaves the list.
    const cancelled = await request("POST", `/api/tickets/${ticket.id}/cancel`, c.lobby as string, { reason: "离开" });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const after = (await request("GET", url, c.lobby as string)).json().items as Array<{ ticketId: string }>;
    expect(after.some((i) => i.ticketId === ticket.id)).toBe(false);
  });
});

describe.each(DB_KINDS)("migration 040 on a database already past later migrations (%s)", (kind) => {
  it("is applied when it arrives after 045", async () => {
    const database = await freshDatabase(kind);
    const store = openStore(database.location);
    try {
      const provider = migrationProvider(store.dialect);
      const without = {
        async getMigrations() {
          const all = await provider.getMigrations();
          delete all["040-customer-duplicate-dismissals"];
          return all;
        },
      };
      const first = await new Migrator({ db: store.db, provider: without }).migrateToLatest();
      expect(first.error).toBeUndefined();
      expect(first.results?.some((r) => r.migrationName === "045-analytics-marks")).toBe(true);
      expect(await migrateToLatest(store)).toEqual(["040-customer-duplicate-dismissals"]);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
