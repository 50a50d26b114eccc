import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import type { AppError } from "../errors.ts";
import { makeTestContext, TEST_PASSWORD, type TestContext } from "../test-context.ts";
import { login, unknownUsernameFailures } from "./login.ts";
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

  it("counts wrong passwords per account and address and, past three, locks that pair for a doubling delay", async () => {
    const ip = "10.1.0.2";
    for (let i = 1; i <= 4; i++) {
      await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({ status: 401 });
    }
    // Locked for a second: refused without counting, even with the right password.
    await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({
      status: 429,
      details: { retryAfterSeconds: 1 },
    });
    await expect(attempt("teller1", TEST_PASSWORD, ip)).rejects.toMatchObject({ status: 429 });
    t.clock.advance(1000);
    await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({ status: 401 });
    await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({ details: { retryAfterSeconds: 2 } });
    t.clock.advance(2000);
    await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({ status: 401 });
    await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({ details: { retryAfterSeconds: 4 } });
    // The owner, at another address, is not locked out by any of this.
    expect((await attempt("teller1", TEST_PASSWORD, "10.1.0.99")).user.username).toBe("teller1");
    // Nor is a session refused once the lock passed, and the pair's count starts again after a success.
    t.clock.advance(4000);
    expect((await attempt("teller1", TEST_PASSWORD, ip)).user.username).toBe("teller1");
    for (let i = 0; i < 4; i++) await expect(attempt("teller1", "wrong", ip)).rejects.toMatchObject({ status: 401 });
  });

  it("counts parallel guesses before hashing them: a burst gets only the free tries", async () => {
    const ip = "10.1.0.3";
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => attempt("teller2", "wrong", ip)));
    const statuses = results.map((r) => (r.status === "rejected" ? (r.reason as { status: number }).status : 200));
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(16);
  });

  it("answers an unknown username exactly as a known one, attempt by attempt", async () => {
    const answers = async (username: string, ip: string) => {
      const out: unknown[] = [];
      for (let i = 0; i < 7; i++) {
        const error = await attempt(username, "wrong", ip).then(
          () => null,
          (e: AppError) => ({ status: e.status, code: e.code, message: e.message, details: e.details }),
        );
        out.push(error);
        if (i === 4) t.clock.advance(1000);
      }
      return out;
    };
    const known = await answers("teller3", "10.1.0.4");
    const unknown = await answers("nobody-here", "10.1.0.5");
    expect(known.map((a) => (a as { status: number }).status)).toEqual([401, 401, 401, 401, 429, 401, 429]);
    expect(unknown).toEqual(known);
  });

  it("slows down an address that sprays many usernames, and only that address", async () => {
    const sprayer = "10.1.0.6";
    for (let i = 0; i < 11; i++) {
      await expect(attempt(`nobody${i}`, "guess", sprayer)).rejects.toMatchObject({ status: 401 });
    }
    await expect(attempt("nobody99", "guess", sprayer)).rejects.toMatchObject({
      status: 429,
      details: { retryAfterSeconds: 1 },
    });
    await expect(attempt("teller4", "guess", sprayer)).rejects.toMatchObject({ status: 429 });
    expect((await attempt("teller4", TEST_PASSWORD, "10.1.0.7")).user.username).toBe("teller4");
  });

  it("limits guesses at one account from many addresses, except at addresses its owner signed in from", async () => {
    expect((await attempt("teller5", TEST_PASSWORD, "10.1.1.1")).user.username).toBe("teller5");
    for (let i = 0; i < 30; i++) {
      await expect(attempt("teller5", "wrong", `10.2.0.${i}`)).rejects.toMatchObject({ status: 401 });
    }
    // One more guess from yet another address would be over the account's limit: the lock applies there.
    await expect(attempt("teller5", "wrong", "10.2.1.1")).rejects.toMatchObject({ status: 401 });
    await expect(attempt("teller5", TEST_PASSWORD, "10.2.1.2")).rejects.toMatchObject({ status: 429 });
    // The owner at the address they used before still signs in.
    expect((await attempt("teller5", TEST_PASSWORD, "10.1.1.1")).user.username).toBe("teller5");
  });

  it("keeps only a bounded sample of unknown usernames' failures in the audit trail, and counts them all", async () => {
    for (let i = 0; i < 30; i++) {
      await expect(attempt(`ghost${i}`, "guess", `10.3.0.${i}`)).rejects.toMatchObject({ status: 401 });
    }
    const rows = await t.ctx.store.db
      .selectFrom("audit_log")
      .select(["actor_name", "details"])
      .where("action", "=", "auth.login_failed")
      .orderBy("id")
      .execute();
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.actor_name === null)).toBe(true);
    expect(JSON.parse(rows[19]?.details ?? "{}")).toMatchObject({ unknownUsername: true, unknownFailuresThisHour: 20 });
    expect(await unknownUsernameFailures(t.ctx.store.db, t.clock.now)).toEqual({ total: 30, inHour: 30 });
    // The next hour has a sample of its own.
    t.clock.advance(60 * 60_000);
    await expect(attempt("ghost-late", "guess", "10.3.1.1")).rejects.toMatchObject({ status: 401 });
    const late = await t.ctx.store.db
      .selectFrom("audit_log")
      .select("details")
      .where("action", "=", "auth.login_failed")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(late.details ?? "{}")).toMatchObject({ unknownFailuresThisHour: 1, unknownFailuresTotal: 31 });
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

  it("forgets a count an hour after its last failure, and sweeps forgotten counts from the database", async () => {
    const ip = "10.1.0.8";
    for (let i = 0; i < 4; i++) await expect(attempt("teller6", "wrong", ip)).rejects.toMatchObject({ status: 401 });
    await expect(attempt("teller6", "wrong", ip)).rejects.toMatchObject({ status: 429 });
    const rows = () => t.ctx.store.db.selectFrom("login_limits").select("key").where("key", "like", "p:%").execute();
    expect((await rows()).map((r) => r.key)).toEqual(["p:teller6\n10.1.0.8"]);
    t.clock.advance(61 * 60_000);
    // Three free failures again, then the lock of a first excess (1 s), not the doubled one.
    for (let i = 0; i < 4; i++) await expect(attempt("teller6", "wrong", ip)).rejects.toMatchObject({ status: 401 });
    await expect(attempt("teller6", "wrong", ip)).rejects.toMatchObject({ details: { retryAfterSeconds: 1 } });
    // Another address's attempt an hour later sweeps the stale rows: the pair above is gone from the table.
    t.clock.advance(61 * 60_000);
    await expect(attempt("teller6", "wrong", "10.1.0.9")).rejects.toMatchObject({ status: 401 });
    expect((await rows()).map((r) => r.key)).toEqual(["p:teller6\n10.1.0.9"]);
  });
});
