import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("managing staff on %s", (kind) => {
  let t: TestServer;
  let admin: string;
  let manager: string;
  let otherBranch: string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    admin = await t.login("admin");
    manager = await t.login("manager");
    const created = await t.request({
      method: "POST",
      url: "/api/branches",
      cookie: admin,
      body: { code: "GZ001", nameZh: "广州分行", nameEn: "Guangzhou" },
    });
    otherBranch = created.json().id;
  });
  afterAll(() => t?.close());

  const user = (username: string, branchIds: string[], roles = ["teller"]) => ({
    username,
    displayName: `员工 ${username}`,
    password: "longenough",
    roles,
    branchIds,
  });
  const post = (cookie: string, body: unknown) => t.request({ method: "POST", url: "/api/users", cookie, body });
  const patch = (cookie: string, id: string, body: unknown) =>
    t.request({ method: "PATCH", url: `/api/users/${id}`, cookie, body });
  const row = (id: string) =>
    t.server.ctx.store.db
      .selectFrom("users")
      .select(["password_hash", "roles"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();

  it("lets a branch manager manage the staff of their own branch", async () => {
    const created = await post(manager, user("sh-new", [t.branchId]));
    expect(created.statusCode, created.body).toBe(201);
    const changed = await patch(manager, created.json().id, { displayName: "新柜员", password: "another-pass" });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ displayName: "新柜员", branchIds: [t.branchId] });
  });

  it("refuses a username that differs from an existing one only by case (409), on create and on rename", async () => {
    const count = async () =>
      Number(
        (
          await t.server.ctx.store.db
            .selectFrom("users")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    for (const name of ["Admin", "ADMIN", "Teller1"]) {
      const res = await post(manager, user(name, [t.branchId]));
      expect(res.statusCode, name).toBe(409);
      expect(res.json()).toMatchObject({ error: "conflict", details: { existing: name.toLowerCase() } });
    }
    expect(await count()).toBe(before);
    const created = await post(manager, user("case-test", [t.branchId]));
    expect(created.statusCode).toBe(201);
    expect((await patch(manager, created.json().id, { username: "Teller2" })).statusCode).toBe(409);
    // Changing the case of one's own name is not a clash with oneself.
    expect((await patch(manager, created.json().id, { username: "Case-Test" })).statusCode).toBe(200);
  });

  it("refuses a branch manager staff who belong to no branch: neither creating nor taking one over (403)", async () => {
    expect((await post(manager, user("floating-1", []))).statusCode).toBe(403);
    const floating = await post(admin, user("floating-2", []));
    expect(floating.statusCode, floating.body).toBe(201);
    const id = floating.json().id;
    const before = await row(id);
    for (const body of [{ password: "taken-over!" }, { branchIds: [t.branchId] }, { displayName: "mine" }]) {
      const res = await patch(manager, id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(403);
      expect(res.json().error).toBe("forbidden");
    }
    expect(await row(id)).toEqual(before);
    const adopted = await patch(admin, id, { branchIds: [t.branchId] });
    expect(adopted.statusCode, adopted.body).toBe(200);
  });

  it("refuses a branch manager another branch, or a role above their own (403)", async () => {
    expect((await post(manager, user("gz-1", [otherBranch]))).statusCode).toBe(403);
    expect((await post(manager, user("sh-admin", [t.branchId], ["admin"]))).statusCode).toBe(403);
    const own = (await post(manager, user("sh-2", [t.branchId]))).json();
    expect((await patch(manager, own.id, { branchIds: [] })).statusCode).toBe(403);
    expect((await patch(manager, own.id, { branchIds: [otherBranch] })).statusCode).toBe(403);
    expect((await patch(manager, own.id, { roles: ["auditor"] })).statusCode).toBe(403);
  });
});
