import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("same-site forgery on %s", (kind) => {
  let t: TestServer;
  let counterId: string;
  let lobby: string;
  beforeAll(async () => {
    t = await startTestServer(kind);
    counterId = (await demoIds(t)).counters.get(1) ?? "";
    lobby = await t.login("lobby");
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A raw request: the harness's own Origin is left out, so each case says exactly what a browser sent. */
  const send = (method: "POST" | "GET", url: string, headers: Record<string, string>) =>
    t.server.app.inject({ method, url, headers: { host: "datang.local:3000", ...headers } });
  const counterState = async () =>
    (
      (await t.request({ method: "GET", url: `/api/branches/${t.branchId}/counters`, cookie: lobby })).json() as Array<{
        id: string;
        state: string;
      }>
    ).find((c) => c.id === counterId)?.state;

  it("refuses a bodiless POST with the session cookie from another port of the same host, and changes nothing", async () => {
    const before = await counterState();
    const cases: Array<Record<string, string>> = [
      { origin: "http://datang.local:8080", "sec-fetch-site": "same-site" },
      { origin: "http://datang.local:8080" },
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of cases) {
      const res = await send("POST", `/api/counters/${counterId}/pause`, { cookie: lobby, ...headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json()).toMatchObject({ error: "cross_origin" });
    }
    expect(await counterState()).toBe(before);
    // A logout from elsewhere does not end the session either.
    expect(
      (await send("POST", "/api/auth/logout", { cookie: lobby, origin: "http://datang.local:8080" })).statusCode,
    ).toBe(403);
    expect((await send("GET", "/api/auth/me", { cookie: lobby })).statusCode).toBe(200);
  });

  it("accepts the app's own pages: the same host and port, or Sec-Fetch-Site: same-origin", async () => {
    const own = await send("POST", `/api/counters/${counterId}/pause`, {
      cookie: lobby,
      origin: "http://datang.local:3000",
      "sec-fetch-site": "same-origin",
    });
    expect(own.statusCode).toBe(200);
    const viaFetchSite = await send("POST", `/api/counters/${counterId}/open`, {
      cookie: lobby,
      "sec-fetch-site": "same-origin",
    });
    expect(viaFetchSite.statusCode).toBe(200);
    // Reading needs no origin: a GET changes nothing.
    expect((await send("GET", "/api/auth/me", { cookie: lobby, origin: "https://evil.example" })).statusCode).toBe(200);
  });

  it("lets a client that is not a browser (no Origin, no Sec-Fetch-Site) use its cookie, as curl does", async () => {
    expect((await send("POST", `/api/counters/${counterId}/pause`, { cookie: lobby })).statusCode).toBe(200);
    expect((await send("POST", `/api/counters/${counterId}/open`, { cookie: lobby })).statusCode).toBe(200);
  });

  it("leaves bearer-token devices alone, whatever their Origin", async () => {
    const res = await send("GET", `/api/branches/${t.branchId}/services`, {
      authorization: `Bearer ${t.deviceToken("kiosk")}`,
    });
    const serviceId = (res.json() as Array<{ id: string }>)[0]?.id;
    const issued = await t.server.app.inject({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      headers: { authorization: `Bearer ${t.deviceToken("kiosk")}`, origin: "https://evil.example" },
      payload: { serviceId },
    });
    expect(issued.statusCode).toBe(201);
  });
});

describe("same-site forgery behind a proxy that rewrites Host", () => {
  it("accepts DATANG_PUBLIC_URL's origin as the app's own", async () => {
    const t = await startTestServer("sqlite", undefined, { publicUrl: "https://datang.bank.example" });
    try {
      const cookie = await t.login("lobby");
      const counterId = (await demoIds(t)).counters.get(2) ?? "";
      const from = (origin: string) =>
        t.server.app.inject({
          method: "POST",
          url: `/api/counters/${counterId}/pause`,
          headers: { host: "10.0.0.5:3000", cookie, origin },
        });
      expect((await from("https://other.bank.example")).statusCode).toBe(403);
      expect((await from("https://datang.bank.example")).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
