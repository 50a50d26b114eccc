/**
 * A revoked device, a logged-out session and a deactivated user lose their open event streams within 2 s, and
 * their credential at once, on every instance (PostgreSQL: a second instance on the same database hears of it
 * through NOTIFY; its credential cache is only the fallback).
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type Server } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

/** Opens an event stream; `ended` resolves with the milliseconds from `since()` to the stream's end. */
function openStream(base: string, path: string, headers: Record<string, string>) {
  return new Promise<{ ended: Promise<number>; markNow: () => void; close: () => void }>((resolve, reject) => {
    let from = Date.now();
    let finish: (ms: number) => void = () => {};
    const ended = new Promise<number>((r) => {
      finish = r;
    });
    const req = request(`${base}${path}`, { headers: { accept: "text/event-stream", ...headers } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE ${res.statusCode}`));
      res.resume();
      res.on("end", () => finish(Date.now() - from));
      res.on("close", () => finish(Date.now() - from));
      resolve({ ended, markNow: () => (from = Date.now()), close: () => req.destroy() });
    });
    req.on("error", reject);
    req.end();
  });
}

const within = <T>(p: Promise<T>, ms: number): Promise<T | "timeout"> =>
  Promise.race([p, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms))]);

describe.each(DB_KINDS)("revoked credentials on %s", (kind) => {
  let t: TestServer;
  let base: string;
  /** Where the streams are held: a second instance on PostgreSQL, the same one on SQLite. */
  let otherBase: string;
  let other: { server: Server; store: Store } | undefined;

  beforeAll(async () => {
    t = await startTestServer(kind);
    base = await t.server.app.listen({ port: 0, host: "127.0.0.1" });
    otherBase = base;
    if (kind === "postgres") {
      const store = openStore(t.location);
      const server = await buildServer({ store, clock: () => t.clock.now });
      other = { server, store };
      otherBase = await server.app.listen({ port: 0, host: "127.0.0.1" });
    }
  });
  afterAll(async () => {
    if (other) {
      await other.server.close();
      await other.store.close();
    }
    await t?.close();
  });

  const events = () => `/api/branches/${t.branchId}/events`;
  const login = async (username: string): Promise<string> => {
    const res = await fetch(`${otherBase}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    return res.headers.get("set-cookie")?.split(";")[0] as string;
  };
  /** The credential works on the stream's instance (and is cached there). */
  const status = async (headers: Record<string, string>) =>
    (await fetch(`${otherBase}/api/auth/me`, { headers })).status;

  it("a revoked device's stream ends within 2 s and its token stops working at once", async () => {
    const headers = { authorization: `Bearer ${t.deviceToken("display")}` };
    expect(await status(headers)).toBe(200);
    const stream = await openStream(otherBase, events(), headers);
    const admin = await t.login("admin");
    const devices = (
      await t.request({ method: "GET", url: `/api/branches/${t.branchId}/devices`, cookie: admin })
    ).json() as Array<{ id: string; kind: string }>;
    const display = devices.find((d) => d.kind === "display") as { id: string };
    stream.markNow();
    const revoked = await t.request({ method: "POST", url: `/api/devices/${display.id}/revoke`, cookie: admin });
    expect(revoked.statusCode).toBe(200);
    expect(await status(headers)).toBe(401);
    const ms = await within(stream.ended, 2000);
    expect(ms, "the stream was still open 2 s after the revocation").not.toBe("timeout");
  });

  it("a logged-out session's stream ends within 2 s; the same user's other session keeps its stream", async () => {
    const cookie = await login("lobby");
    const second = await login("lobby");
    expect(await status({ cookie })).toBe(200);
    const stream = await openStream(otherBase, events(), { cookie });
    const kept = await openStream(otherBase, events(), { cookie: second });
    stream.markNow();
    // The logout happens on the first instance.
    const out = await fetch(`${base}/api/auth/logout`, { method: "POST", headers: { cookie } });
    expect(out.status).toBe(204);
    expect(await status({ cookie })).toBe(401);
    expect(await within(stream.ended, 2000)).not.toBe("timeout");
    expect(await within(kept.ended, 300)).toBe("timeout");
    expect(await status({ cookie: second })).toBe(200);
    kept.close();
  });

  it("a deactivated user's streams end within 2 s", async () => {
    const cookie = await login("teller2");
    const stream = await openStream(otherBase, events(), { cookie });
    const admin = await t.login("admin");
    const users = (await t.request({ method: "GET", url: "/api/users", cookie: admin })).json() as Array<{
      id: string;
      username: string;
    }>;
    const teller = users.find((u) => u.username === "teller2") as { id: string };
    stream.markNow();
    const patched = await t.request({
      method: "PATCH",
      url: `/api/users/${teller.id}`,
      cookie: admin,
      body: { active: false },
    });
    expect(patched.statusCode).toBe(200);
    expect(await status({ cookie })).toBe(401);
    expect(await within(stream.ended, 2000)).not.toBe("timeout");
  });
});
