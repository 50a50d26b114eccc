import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
