import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

/** Honest waits and per-business-type opening rules, over HTTP as the kiosk, the phone and admin meet them. */
describe.each(DB_KINDS)("opening rules and honest waits over HTTP on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let kiosk: string;
  let manager: string;
  let teller1: string;
  const s = (code: string) => ids.services.get(code) as string;
  const c = (n: number) => ids.counters.get(n) as string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    kiosk = t.deviceToken("kiosk");
    manager = await t.login("manager");
    teller1 = await t.login("teller1");
  });
  afterAll(() => t?.close());

  const issue = (code: string, lang = "zh-CN") =>
    t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      token: kiosk,
      body: { serviceId: s(code) },
      headers: { "accept-language": lang },
    });
  const queueService = async (code: string) => {
    const queue = (await t.request({ method: "GET", url: `/api/branches/${t.branchId}/queue`, token: kiosk })).json();
    return queue.services.find((x: { code: string }) => x.code === code);
  };
  const setRules = (code: string, body: Record<string, unknown>) =>
    t.request({ method: "PATCH", url: `/api/services/${s(code)}`, cookie: manager, body });

  it("promises no wait while no open counter serves the business type: ticket, kiosk and live page", async () => {
    const res = await issue("CASH");
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ estimatedWaitMinutes: null, waitUnknownReason: "no_open_counter" });
    const live = (await t.request({ method: "GET", url: `/api/public/tickets/${res.json().id}` })).json();
    expect(live).toMatchObject({ estimatedWaitMinutes: null, waitUnknownReason: "no_open_counter" });
    expect(await queueService("CASH")).toMatchObject({
      estimatedWaitMinutes: null,
      waitUnknownReason: "no_open_counter",
      availability: { open: true },
      issuedToday: 1,
    });
    // A teller opens counter 1 (cash): now there is a wait to promise, and the phone is told.
    expect(
      (await t.request({ method: "POST", url: `/api/counters/${c(1)}/sign-in`, cookie: teller1 })).statusCode,
    ).toBe(200);
    const after = (await t.request({ method: "GET", url: `/api/public/tickets/${res.json().id}` })).json();
    expect(after).toMatchObject({ waitUnknownReason: null });
    expect(typeof after.estimatedWaitMinutes).toBe("number");
    expect(await queueService("CASH")).toMatchObject({ waitUnknownReason: null });
  });

  it("edits a business type's rules in admin, refuses nonsense with 400, and shows them in the list", async () => {
    const bad = await setRules("WEALTH", { opensAt: "25:00" });
    expect(bad.statusCode).toBe(400);
    const backwards = await setRules("WEALTH", { opensAt: "16:00", closesAt: "10:00" });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ error: "invalid_request" });
    const ok = await setRules("WEALTH", { opensAt: "10:00", closesAt: "16:00", ticketCutoff: "15:30", dailyCap: 40 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ opensAt: "10:00", closesAt: "16:00", ticketCutoff: "15:30", dailyCap: 40 });
    const list = (await t.request({ method: "GET", url: `/api/branches/${t.branchId}/services`, token: kiosk })).json();
    expect(list.find((x: { code: string }) => x.code === "WEALTH")).toMatchObject({ opensAt: "10:00", dailyCap: 40 });
    const cleared = await setRules("WEALTH", { dailyCap: null });
    expect(cleared.json()).toMatchObject({ dailyCap: null, opensAt: "10:00" });
  });

  it("answers 409 service_closed before opening, in the caller's language, and the kiosk's view says why", async () => {
    // The test clock stands at 09:30 in Shanghai; WEALTH takes tickets from 10:00 (set above).
    const zh = await issue("WEALTH");
    expect(zh.statusCode).toBe(409);
    expect(zh.json()).toEqual({
      error: "service_closed",
      message: "业务 WEALTH 10:00 起取号。",
      details: { reason: "not_open_yet", at: "10:00" },
    });
    const en = await issue("WEALTH", "en");
    expect(en.json().message).toBe("Business type WEALTH takes tickets from 10:00.");
    expect(await queueService("WEALTH")).toMatchObject({
      availability: { open: false, reason: "not_open_yet", at: "10:00" },
    });
  });

  it("answers 409 service_full past the daily cap and the kiosk's view greys it out", async () => {
    expect((await setRules("CARD", { dailyCap: 1 })).statusCode).toBe(200);
    expect((await issue("CARD")).statusCode).toBe(201);
    const full = await issue("CARD", "en");
    expect(full.statusCode).toBe(409);
    expect(full.json()).toMatchObject({ error: "service_full", details: { reason: "full", cap: 1 } });
    expect(await queueService("CARD")).toMatchObject({
      issuedToday: 1,
      availability: { open: false, reason: "full", cap: 1 },
    });
  });

  it("documents the new fields in the OpenAPI document", async () => {
    const doc = (await t.request({ method: "GET", url: "/api/openapi.json" })).json();
    const text = JSON.stringify(doc);
    for (const field of ["waitUnknownReason", "ticketCutoff", "dailyCap", "opensAt"]) expect(text).toContain(field);
  });
});
