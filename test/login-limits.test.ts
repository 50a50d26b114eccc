import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type Server } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

/** As behind a reverse proxy with DATANG_TRUST_PROXY=1: the client's address comes from X-Forwarded-For. */
describe.each(DB_KINDS)("sign-in limits behind a trusted proxy on %s", (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, undefined, { trustProxy: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  const signIn = (username: string, password: string, from: string) =>
    t.request({
      method: "POST",
      url: "/api/auth/login",
      body: { username, password },
      headers: { "x-forwarded-for": `${from}, 10.0.0.1` },
    });

  it("a stranger's failures at one address do not lock the owner out at another", async () => {
    const stranger = "203.0.113.9";
    for (let i = 0; i < 4; i++) expect((await signIn("admin", "guess", stranger)).statusCode).toBe(401);
    const locked = await signIn("admin", "guess", stranger);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers["retry-after"]).toBe("1");
    expect((await signIn("admin", TEST_PASSWORD, stranger)).statusCode).toBe(429);
    // The owner, from an address never seen before, with the right password.
    const owner = await signIn("admin", TEST_PASSWORD, "198.51.100.7");
    expect(owner.statusCode).toBe(200);
    expect(owner.json()).toMatchObject({ user: { username: "admin" } });
  });

  it("answers the same for a username that does not exist as for one that does", async () => {
    const statuses = async (username: string, from: string) => {
      const out: Array<[number, unknown]> = [];
      for (let i = 0; i < 6; i++) {
        const res = await signIn(username, "guess", from);
        out.push([res.statusCode, res.json()]);
      }
      return out;
    };
    const known = await statuses("auditor", "203.0.113.20");
    const unknown = await statuses("no-such-user", "203.0.113.21");
    expect(known.map(([s]) => s)).toEqual([401, 401, 401, 401, 429, 429]);
    expect(unknown).toEqual(known);
  });
});

/**
 * The counts are the database's, not an instance's: on PostgreSQL two instances (two app contexts on one
 * database) see each other's failures, so an attacker who alternates between them gets no more tries. On
 * SQLite (one instance per file) a second context on the same store counts the same way.
 */
describe.each(DB_KINDS)("sign-in limits shared by instances on %s", (kind) => {
  let t: TestServer;
  let second: Server;
  let secondStore: Store | undefined;
  beforeAll(async () => {
    t = await startTestServer(kind, undefined, { trustProxy: true });
    secondStore = kind === "postgres" ? openStore(t.location) : undefined;
    second = await buildServer({
      store: secondStore ?? t.server.ctx.store,
      clock: () => t.clock.now,
      trustProxy: true,
    });
  });
  afterAll(async () => {
    await second?.close();
    await secondStore?.close();
    await t?.close();
  });

  const signInAt = (instance: number, username: string, password: string, from: string) =>
    (instance % 2 === 0 ? t.server.app : second.app).inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username, password },
      headers: { "x-forwarded-for": from },
    });

  it("a guesser alternating between instances gets the free tries of one, not of each", async () => {
    const from = "203.0.113.50";
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signInAt(i, "manager", "guess", from)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    // Locked on both instances, even with the right password.
    expect((await signInAt(0, "manager", TEST_PASSWORD, from)).statusCode).toBe(429);
    expect((await signInAt(1, "manager", TEST_PASSWORD, from)).statusCode).toBe(429);
  });

  it("parallel guesses on two instances at once are counted one after another", async () => {
    const from = "203.0.113.51";
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => signInAt(i, "reviewer", "guess", from).then((r) => r.statusCode)),
    );
    expect(answers.filter((s) => s === 401)).toHaveLength(4);
    expect(answers.filter((s) => s === 429)).toHaveLength(4);
  });

  it("the slower limit per account counts the failures of every instance and address", async () => {
    for (let i = 0; i < 30; i++)
      expect((await signInAt(i, "lobby", "guess", `198.51.100.${i + 1}`)).statusCode).toBe(401);
    expect((await signInAt(30, "lobby", "guess", "198.51.100.200")).statusCode).toBe(401);
    expect((await signInAt(31, "lobby", TEST_PASSWORD, "198.51.100.201")).statusCode).toBe(429);
    expect((await signInAt(32, "lobby", TEST_PASSWORD, "198.51.100.202")).statusCode).toBe(429);
  });
});
