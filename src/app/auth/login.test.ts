import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { makeTestContext, TEST_PASSWORD, type TestContext } from "../test-context.ts";
import { AddressFailures, login } from "./login.ts";
import { secretHash } from "./passwords.ts";

describe.each(DB_KINDS)("login on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const attempt = (username: string, password: string, ip: string) => login(t.ctx, { username, password, ip });
  const userRow = (username: string) =>
    t.ctx.store.db
      .selectFrom("users")
      .select(["failed_logins", "locked_until"])
      .where("username", "=", username)
      .executeTakeFirstOrThrow();

  it("opens a session for the right password and says who signed in", async () => {
    const result = await attempt("teller1", TEST_PASSWORD, "10.1.0.1");
    expect(result.user).toMatchObject({
      username: "teller1",
      roles: ["teller"],
      branchIds: [t.branchId],
      ip: "10.1.0.1",
    });
    expect(result.expiresAt).toBe(t.clock.now + t.ctx.settings.sessionTtlMs);
    const session = await t.ctx.store.db
      .selectFrom("sessions")
      .selectAll()
      .where("id", "=", secretHash(result.sessionToken))
      .executeTakeFirstOrThrow();
    expect(session).toMatchObject({ user_id: result.user.id, expires_at: result.expiresAt, ip: "10.1.0.1" });
  });

  it("counts wrong passwords and, past three, locks the account for a doubling delay", async () => {
    const ip = "10.1.0.2";
    for (let i = 1; i <= 3; i++) {
      await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({ status: 401 });
      expect(await userRow("teller1")).toEqual({ failed_logins: i, locked_until: 0 });
    }
    await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({ status: 401 });
    expect(await userRow("teller1")).toEqual({ failed_logins: 4, locked_until: t.clock.now + 1000 });
    // While locked, attempts are refused without counting.
    await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({
      status: 429,
      details: { retryAfterSeconds: 1 },
    });
    expect((await userRow("teller1")).failed_logins).toBe(4);

    t.clock.advance(1000);
    await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({ status: 401 });
    expect(await userRow("teller1")).toEqual({ failed_logins: 5, locked_until: t.clock.now + 2000 });
    t.clock.advance(2000);
    await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({ status: 401 });
    expect(await userRow("teller1")).toEqual({ failed_logins: 6, locked_until: t.clock.now + 4000 });
    await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({ details: { retryAfterSeconds: 4 } });
  });

  it("answers 429 to a locked account even with the right password, and lets it in once the lock passed", async () => {
    const ip = "10.1.0.3";
    for (let i = 0; i < 4; i++) await expect(attempt("teller2", "wrong", ip)).rejects.toMatchObject({ status: 401 });
    await expect(attempt("teller2", TEST_PASSWORD, ip)).rejects.toMatchObject({ status: 429 });
    expect(
      await t.ctx.store.db
        .selectFrom("sessions")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n)),
    ).toBe(0);
    t.clock.advance(1000);
    expect((await attempt("teller2", TEST_PASSWORD, ip)).user.username).toBe("teller2");
    expect(await userRow("teller2")).toEqual({ failed_logins: 0, locked_until: 0 });
    // Another user is never affected by this one's lock.
    expect(await userRow("teller3")).toEqual({ failed_logins: 0, locked_until: 0 });
  });

  it("slows down an address that keeps guessing unknown usernames, and only that address", async () => {
    const guesser = "10.1.0.4";
    for (let i = 0; i < 4; i++) {
      await expect(attempt(`nobody${i}`, "guess", guesser)).rejects.toMatchObject({ status: 401 });
    }
    await expect(attempt("nobody9", "guess", guesser)).rejects.toMatchObject({
      status: 429,
      details: { retryAfterSeconds: 1 },
    });
    // From that address even a real user must wait; from another address they sign in.
    await expect(attempt("teller4", TEST_PASSWORD, guesser)).rejects.toMatchObject({ status: 429 });
    expect((await attempt("teller4", TEST_PASSWORD, "10.1.0.5")).user.username).toBe("teller4");
    t.clock.advance(1000);
    expect((await attempt("teller4", TEST_PASSWORD, guesser)).user.username).toBe("teller4");
  });

  it("audits every attempt without the password", async () => {
    const ip = "10.1.0.6";
    await expect(attempt("manager", "secret-guess", ip)).rejects.toMatchObject({ status: 401 });
    await attempt("manager", TEST_PASSWORD, ip);
    const rows = await t.ctx.store.db
      .selectFrom("audit_log")
      .select(["action", "actor_name", "branch_id", "ip", "details"])
      .where("action", "like", "auth.%")
      .orderBy("id")
      .execute();
    expect(rows.map((r) => [r.action, r.actor_name, r.branch_id, r.ip])).toEqual([
      ["auth.login_failed", "manager", t.branchId, ip],
      ["auth.login", "manager", t.branchId, ip],
    ]);
    expect(JSON.stringify(rows)).not.toContain("secret-guess");
    expect(JSON.stringify(rows)).not.toContain(TEST_PASSWORD);
  });
});

describe("failures per address for unknown usernames", () => {
  it("slows an address down after a few failures, and forgets it an hour after its last one", () => {
    const table = new AddressFailures(100, 60 * 60_000);
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) table.fail("10.0.0.1", t0);
    expect(table.lockedUntil("10.0.0.1", t0)).toBe(0);
    table.fail("10.0.0.1", t0);
    expect(table.lockedUntil("10.0.0.1", t0)).toBe(t0 + 1000);
    table.fail("10.0.0.1", t0);
    expect(table.lockedUntil("10.0.0.1", t0)).toBe(t0 + 2000);
    expect(table.lockedUntil("10.0.0.2", t0)).toBe(0);
    // An hour and a bit later the count starts again from nothing.
    const later = t0 + 61 * 60_000;
    table.fail("10.0.0.1", later);
    expect(table.lockedUntil("10.0.0.1", later)).toBe(0);
    table.succeed("10.0.0.1");
    expect(table.size).toBe(0);
  });

  it("never holds more addresses than its bound: the oldest failures make room", () => {
    const table = new AddressFailures(50);
    for (let i = 0; i < 5; i++) table.fail("10.9.9.9", 1000);
    for (let i = 0; i < 500; i++) table.fail(`10.1.${i >> 8}.${i & 255}`, 2000 + i);
    expect(table.size).toBe(50);
    // The early guesser was among the oldest, so it is gone; the newest addresses are kept.
    expect(table.lockedUntil("10.9.9.9", 2000)).toBe(0);
    for (let i = 0; i < 4; i++) table.fail("10.1.1.243", 3000);
    expect(table.lockedUntil("10.1.1.243", 3000)).toBeGreaterThan(3000);
  });
});
