/**
 * Usernames are unique regardless of case, in the database itself (migration 011): two instances creating
 * `Teller` and `teller` at the same moment cannot both succeed, and a database that already holds such a pair
 * is upgraded by renaming the younger account, audited.
 */
import { Migrator, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createAppContext } from "../src/app/create-context.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { buildServer } from "../src/http/server.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { migrationProvider } from "../src/store/migrations/index.ts";
import { DB_KINDS, freshDatabase } from "./support/databases.ts";
import { START, startTestServer, TEST_PASSWORD } from "./support/harness.ts";

describe.each(DB_KINDS)("usernames unique regardless of case on %s", (kind) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("the database refuses a second username that differs only by case", async () => {
    const t = await startTestServer(kind);
    cleanup.push(() => t.close());
    const row = (id: string, username: string) => ({
      id,
      username,
      display_name: username,
      staff_no: "",
      password_hash: "x",
      roles: '["teller"]',
      active: 1,
      failed_logins: 0,
      locked_until: 0,
      created_at: START,
    });
    // Past the application's check, straight into the table: only the index stands in the way.
    await expect(
      t.server.ctx.store.write((tx) => tx.insertInto("users").values(row("u-upper", "ADMIN")).execute()),
    ).rejects.toMatchObject({ code: kind === "postgres" ? "23505" : "SQLITE_CONSTRAINT_UNIQUE" });
    await t.server.ctx.store.write((tx) => tx.insertInto("users").values(row("u-other", "admin2")).execute());
  });

  it("two instances creating case variants of one name at once: exactly one is created, the rest 409", async () => {
    const t = await startTestServer(kind);
    cleanup.push(() => t.close());
    // A second instance on PostgreSQL; SQLite has one writer per file, so there both go to the one instance.
    let second = t.server;
    if (kind === "postgres") {
      const store = openStore(t.location);
      second = await buildServer({ store, clock: () => t.clock.now });
      cleanup.push(async () => {
        await second.close();
        await store.close();
      });
    }
    const admin = await t.login("admin");
    const variants = ["Clerk", "clerk", "CLERK", "cLerk", "clERK", "ClErK", "clerK", "CLerk"];
    // A 503 (the database slow to hand out a connection on a loaded machine) is retried after a pause, as a
    // client does after Retry-After; what counts is how each request ends.
    const create = async (username: string, i: number) => {
      for (let attempt = 0; ; attempt++) {
        const res = await (i % 2 === 0 ? t.server.app : second.app).inject({
          method: "POST",
          url: "/api/users",
          headers: { cookie: admin, origin: "http://localhost" },
          payload: {
            username,
            displayName: username,
            password: "longenough",
            roles: ["teller"],
            branchIds: [t.branchId],
          },
        });
        if (res.statusCode !== 503 || attempt >= 20) return res;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const answers = await Promise.all(variants.map((username, i) => create(username, i)));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses, answers.map((a) => a.body).join("\n")).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const a of answers.filter((x) => x.statusCode === 409)) expect(a.json().error).toBe("conflict");
    const stored = await t.server.ctx.store.db
      .selectFrom("users")
      .select("username")
      .where(sql<boolean>`lower(username) = 'clerk'`)
      .execute();
    expect(stored).toHaveLength(1);
  });

  it("upgrading a database that holds such pairs renames the younger accounts, audited, and they can sign in", async () => {
    const database = await freshDatabase(kind);
    cleanup.push(database.drop);
    const old = openStore(database.location);
    const before = await new Migrator({ db: old.db, provider: migrationProvider(old.dialect) }).migrateTo(
      "010-analytics",
    );
    expect(before.error).toBeUndefined();
    await seedDemo(createAppContext({ store: old, clock: () => START }), TEST_PASSWORD, { knowledge: false });
    const teller = await old.db
      .selectFrom("users")
      .selectAll()
      .where("username", "=", "teller1")
      .executeTakeFirstOrThrow();
    // `Teller1` (younger) and `teller1-2` (taken already), as the old code let them be created.
    await old.write((tx) =>
      tx
        .insertInto("users")
        .values([
          { ...teller, id: "u-teller-upper", username: "Teller1", created_at: teller.created_at + 1 },
          { ...teller, id: "u-teller-2", username: "teller1-2", created_at: teller.created_at + 2 },
        ])
        .execute(),
    );
    await old.close();

    const store = openStore(database.location);
    cleanup.push(() => store.close());
    expect(await migrateToLatest(store)).toContain("011-usernames-login-limits");
    const names = await store.db
      .selectFrom("users")
      .select(["id", "username"])
      .where("id", "in", [teller.id, "u-teller-upper", "u-teller-2"])
      .orderBy("id")
      .execute();
    expect(Object.fromEntries(names.map((n) => [n.id, n.username]))).toEqual({
      [teller.id]: "teller1",
      "u-teller-upper": "Teller1-3",
      "u-teller-2": "teller1-2",
    });
    const audit = await store.db
      .selectFrom("audit_log")
      .select(["entity_id", "details"])
      .where("action", "=", "user.rename_duplicate")
      .execute();
    expect(audit).toEqual([
      { entity_id: "u-teller-upper", details: JSON.stringify({ from: "Teller1", to: "Teller1-3" }) },
    ]);
    const server = await buildServer({ store, clock: () => START });
    cleanup.push(() => server.close());
    const login = await server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: "Teller1-3", password: TEST_PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);
  });
});
