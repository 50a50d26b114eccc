import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("bad input on %s", (kind) => {
  let t: TestServer;
  let lobby: string;
  let manager: string;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const ticketCount = async () =>
    Number(
      (
        await t.server.ctx.store.db
          .selectFrom("tickets")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await startTestServer(kind);
    lobby = await t.login("lobby");
    manager = await t.login("manager");
    ids = await demoIds(t);
  });
  afterAll(() => t?.close());

  const issueUrl = () => `/api/branches/${t.branchId}/tickets`;

  it("rejects malformed JSON with 400 invalid_json and changes nothing", async () => {
    const before = await ticketCount();
    const res = await t.request({
      method: "POST",
      url: issueUrl(),
      cookie: lobby,
      body: '{"serviceId": "x",',
      headers: { "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: "invalid_json", message: expect.any(String) });
    expect(await ticketCount()).toBe(before);
  });

  it("rejects wrong types and unknown fields with 400 and the offending field", async () => {
    for (const body of [
      { serviceId: 42 },
      { serviceId: ids.services.get("CASH"), priority: "king" },
      { serviceId: ids.services.get("CASH"), extra: 1 },
      [],
      "text",
      null,
    ]) {
      const res = await t.request({
        method: "POST",
        url: issueUrl(),
        cookie: lobby,
        body: JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error).toMatch(/^invalid_(request|json)$/);
    }
    const wrongCounter = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/counters`,
      cookie: manager,
      body: { number: "seven", kind: "teller", skills: [] },
    });
    expect(wrongCounter.statusCode).toBe(400);
    expect(JSON.stringify(wrongCounter.json().details)).toContain("number");
  });

  it("refuses an appointment time that passes the date-time format but is no readable time, with 400", async () => {
    const before = await ticketCount();
    // An offset without minutes and a leap second: JSON Schema's date-time takes both, Date cannot read them.
    for (const appointmentAt of ["2026-11-23T10:00:00+08", "2026-12-31T23:59:60Z"]) {
      const res = await t.request({
        method: "POST",
        url: issueUrl(),
        cookie: lobby,
        body: { serviceId: ids.services.get("CASH"), appointmentAt },
      });
      expect(res.statusCode, `${appointmentAt}: ${res.body}`).toBe(400);
      expect(res.json()).toMatchObject({ error: "invalid_request", details: { field: "appointmentAt" } });
    }
    expect(await ticketCount()).toBe(before);
  });

  it("answers a URL with broken %-encoding with 400 in the usual error shape", async () => {
    for (const lang of ["en", "zh-CN"]) {
      const res = await t.request({
        method: "POST",
        url: "/api/tickets/%E0%A4%A/start",
        cookie: lobby,
        headers: { "accept-language": lang },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: "invalid_request", message: expect.any(String) });
      if (lang === "zh-CN") expect(res.json().message).toMatch(/网址/);
    }
  });

  it("answers an empty PATCH of any record without a 500, and changes nothing", async () => {
    const admin = await t.login("admin");
    const user = await t.server.ctx.store.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "teller8")
      .executeTakeFirstOrThrow();
    for (const url of [
      `/api/branches/${t.branchId}`,
      `/api/services/${ids.services.get("CASH")}`,
      `/api/counters/${ids.counters.get(8)}`,
      `/api/users/${user.id}`,
    ]) {
      const res = await t.request({ method: "PATCH", url, cookie: admin, body: {} });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json().error).toBe("invalid_request");
    }
  });

  it("refuses opening hours for a weekday that does not exist, and keeps the hours it had", async () => {
    const admin = await t.login("admin");
    const url = `/api/branches/${t.branchId}`;
    const before = (await t.request({ method: "GET", url: "/api/branches", cookie: admin })).json();
    for (const openingHours of [{ "7": null }, { mon: ["09:00", "17:00"] }, { "1": ["9:00", "17:00"] }]) {
      const res = await t.request({ method: "PATCH", url, cookie: admin, body: { openingHours } });
      expect(res.statusCode, JSON.stringify(openingHours)).toBe(400);
      expect(res.json().error).toBe("invalid_request");
    }
    expect((await t.request({ method: "GET", url: "/api/branches", cookie: admin })).json()).toEqual(before);
  });

  it("refuses bodies over 64 KB with 413", async () => {
    const res = await t.request({
      method: "POST",
      url: issueUrl(),
      cookie: lobby,
      body: { serviceId: "x".repeat(200_000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toBe("payload_too_large");
  });

  it("answers 404 for unknown ids and routes, also when they look like SQL", async () => {
    for (const id of ["00000000-0000-7000-8000-000000000000", "1' OR '1'='1", "x; DROP TABLE tickets; --"]) {
      const res = await t.request({ method: "GET", url: `/api/tickets/${encodeURIComponent(id)}`, cookie: lobby });
      expect(res.statusCode, id).toBe(404);
      expect(res.json().error).toBe("not_found");
    }
    const unknownService = await t.request({
      method: "POST",
      url: issueUrl(),
      cookie: lobby,
      body: { serviceId: "' OR 1=1 --" },
    });
    expect(unknownService.statusCode).toBe(404);
    expect((await t.request({ method: "GET", url: "/api/nothing-here", cookie: lobby })).statusCode).toBe(404);
    expect(await t.server.ctx.store.db.selectFrom("tickets").select("id").execute()).toBeDefined();
  });

  it("rejects a wrong content type with 415", async () => {
    const res = await t.request({
      method: "POST",
      url: issueUrl(),
      cookie: lobby,
      body: "serviceId=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toBe("unsupported_media_type");
  });

  it("refuses a text/plain body with 415 in either language and changes nothing, on a route with or without a body schema", async () => {
    const before = await ticketCount();
    const serviceId = ids.services.get("CASH") as string;
    const plain = (url: string, body: string, headers: Record<string, string> = {}) =>
      t.request({ method: "POST", url, cookie: lobby, body, headers: { "content-type": "text/plain", ...headers } });

    const en = await plain(issueUrl(), JSON.stringify({ serviceId }));
    expect(en.statusCode).toBe(415);
    expect(en.json()).toEqual({
      error: "unsupported_media_type",
      message: expect.stringContaining("application/json"),
    });
    const zh = await plain(issueUrl(), JSON.stringify({ serviceId }), {
      "content-type": "text/plain; charset=utf-8",
      "accept-language": "zh-CN",
    });
    expect(zh.statusCode).toBe(415);
    expect(zh.json()).toEqual({ error: "unsupported_media_type", message: expect.stringMatching(/[\u4e00-\u9fff]/) });
    expect(await ticketCount()).toBe(before);

    // The same ticket as JSON is accepted: it is the content type that was refused, not the content.
    const json = await t.request({ method: "POST", url: issueUrl(), cookie: lobby, body: { serviceId } });
    expect(json.statusCode).toBe(201);
    const ticketId = json.json().id as string;
    const status = async () =>
      (
        await t.server.ctx.store.db
          .selectFrom("tickets")
          .select("status")
          .where("id", "=", ticketId)
          .executeTakeFirstOrThrow()
      ).status;
    // An action whose body is optional: a text body is refused too, and the ticket stays as it was.
    const cancel = await plain(`/api/tickets/${ticketId}/cancel`, "please");
    expect(cancel.statusCode).toBe(415);
    expect(cancel.json().error).toBe("unsupported_media_type");
    expect(await status()).toBe("waiting");
  });

  it("round-trips Chinese text, emoji and SQL-looking strings exactly", async () => {
    const text = "开户 🏦👵 「测试」 '); DROP TABLE services; -- \u0000end".replace("\u0000", "");
    const created = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/services`,
      cookie: manager,
      body: {
        code: "EMOJI",
        nameZh: text,
        nameEn: "Emoji 😀",
        category: "other",
        expectedMinutes: 5,
        prefix: "Z",
        requiredDocuments: ["身份证 🪪"],
      },
    });
    expect(created.statusCode).toBe(201);
    const list = (
      await t.request({ method: "GET", url: `/api/branches/${t.branchId}/services`, cookie: manager })
    ).json() as Array<{ code: string; nameZh: string; nameEn: string; requiredDocuments: string[] }>;
    const found = list.find((s) => s.code === "EMOJI");
    expect(found).toMatchObject({ nameZh: text, nameEn: "Emoji 😀", requiredDocuments: ["身份证 🪪"] });
  });

  it("answers conflicts with 409 and the same error shape, and a rejected write leaves nothing behind", async () => {
    const dup = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/services`,
      cookie: manager,
      body: { code: "CASH", nameZh: "重复", nameEn: "Duplicate", category: "cash", expectedMinutes: 5, prefix: "Q" },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toEqual({ error: "conflict", message: expect.any(String) });
    const services = (
      await t.request({ method: "GET", url: `/api/branches/${t.branchId}/services`, cookie: manager })
    ).json() as Array<{ prefix: string }>;
    expect(services.some((s) => s.prefix === "Q")).toBe(false);
  });

  it("never answers 500 to a battery of odd requests", async () => {
    const odd = [
      { method: "GET", url: `/api/branches/${t.branchId}/events?lastEventId=abc` },
      { method: "GET", url: "/api/audit?limit=-5" },
      { method: "POST", url: "/api/auth/login", body: { username: "", password: "" } },
      { method: "POST", url: "/api/auth/login", body: { username: "管理员😀", password: "x".repeat(150) } },
      { method: "PATCH", url: `/api/branches/${t.branchId}`, body: { timezone: "Mars/Olympus" } },
      { method: "PATCH", url: `/api/branches/${t.branchId}`, body: { targetWaitMinutes: 40, alarmWaitMinutes: 20 } },
      { method: "POST", url: `/api/counters/${ids.counters.get(1)}/call-next` },
      { method: "POST", url: "/api/tickets/%00/start" },
      { method: "DELETE", url: "/api/branches" },
    ];
    for (const r of odd) {
      const res = await t.request({ ...r, cookie: manager });
      expect(res.statusCode, `${r.method} ${r.url}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${r.method} ${r.url}: ${res.body}`).toBeLessThan(500);
      expect(res.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
  });
});
