import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageLanguage } from "../src/http/errors.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

const ZH = { "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" };
const EN = { "accept-language": "en-US" };

describe("Accept-Language picks the error message's language", () => {
  it("reads the range with the highest q", () => {
    expect(messageLanguage("zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh");
    expect(messageLanguage("zh")).toBe("zh");
    expect(messageLanguage("zh-TW")).toBe("zh");
    expect(messageLanguage("en;q=0.5, zh-CN")).toBe("zh");
    expect(messageLanguage("en-US,en;q=0.9,zh-CN;q=0.8")).toBe("en");
    expect(messageLanguage("zh-CN;q=0, en;q=0.1")).toBe("en");
    expect(messageLanguage("*")).toBe("en");
    expect(messageLanguage("")).toBe("en");
    expect(messageLanguage(undefined)).toBe("en");
  });
});

describe("error messages over HTTP in the request's language", () => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let lobby: string;
  let teller1: string;
  let ticketId: string;
  let ticketNumber: string;

  beforeAll(async () => {
    t = await startTestServer("sqlite");
    ids = await demoIds(t);
    lobby = await t.login("lobby");
    teller1 = await t.login("teller1");
    const issued = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      token: t.deviceToken("kiosk"),
      body: { serviceId: ids.services.get("CASH") },
    });
    expect(issued.statusCode).toBe(201);
    ticketId = issued.json().id;
    ticketNumber = issued.json().number;
  });
  afterAll(() => t?.close());

  const completeWaiting = (headers?: Record<string, string>) =>
    t.request({ method: "POST", url: `/api/tickets/${ticketId}/complete`, cookie: lobby, body: {}, headers });

  it("answers the same 409 in Chinese, in English, and in English without a header", async () => {
    const zh = await completeWaiting(ZH);
    expect(zh.statusCode).toBe(409);
    expect(zh.json()).toEqual({
      error: "conflict",
      message: `${ticketNumber}号当前为“等候中”，不能办结。`,
      details: { status: "waiting" },
    });

    const english = `Ticket ${ticketNumber}: cannot complete a ticket that is waiting (allowed from: serving).`;
    const en = await completeWaiting(EN);
    expect(en.statusCode).toBe(409);
    expect(en.json()).toEqual({ error: "conflict", message: english, details: { status: "waiting" } });

    const none = await completeWaiting();
    expect(none.statusCode).toBe(409);
    expect(none.json().message).toBe(english);
  });

  it("says a paused counter cannot call, in either language", async () => {
    const counter = `/api/counters/${ids.counters.get(1)}`;
    expect((await t.request({ method: "POST", url: `${counter}/sign-in`, cookie: teller1 })).statusCode).toBe(200);
    expect((await t.request({ method: "POST", url: `${counter}/pause`, cookie: teller1 })).statusCode).toBe(200);
    const call = (headers?: Record<string, string>) =>
      t.request({ method: "POST", url: `${counter}/call-next`, cookie: teller1, headers });
    const zh = await call(ZH);
    expect(zh.statusCode).toBe(409);
    expect(zh.json()).toEqual({ error: "conflict", message: "1号窗口当前为暂停状态，请先开放窗口再叫号。" });
    const english = { error: "conflict", message: "Counter 1 is paused; open it to call tickets." };
    expect((await call(EN)).json()).toEqual(english);
    expect((await call()).json()).toEqual(english);
  });

  it("names an unknown ticket in both languages", async () => {
    const url = "/api/tickets/no-such-ticket";
    const zh = await t.request({ method: "GET", url, cookie: lobby, headers: ZH });
    expect(zh.statusCode).toBe(404);
    expect(zh.json()).toEqual({ error: "not_found", message: "号票 no-such-ticket 不存在。" });
    const en = await t.request({ method: "GET", url, cookie: lobby, headers: EN });
    expect(en.statusCode).toBe(404);
    expect(en.json()).toEqual({ error: "not_found", message: "Ticket no-such-ticket does not exist." });
  });

  it("puts a schema error into Chinese, with the same details as in English", async () => {
    const issue = (headers: Record<string, string>) =>
      t.request({
        method: "POST",
        url: `/api/branches/${t.branchId}/tickets`,
        token: t.deviceToken("kiosk"),
        body: { serviceId: 42 },
        headers,
      });
    const en = await issue(EN);
    const zh = await issue(ZH);
    expect(en.statusCode).toBe(400);
    expect(zh.statusCode).toBe(400);
    expect(zh.json().error).toBe("invalid_request");
    expect(en.json().message).toBe("body/serviceId must be string");
    expect(zh.json().message).toBe("请求内容不正确：请求体中的 serviceId 应为字符串。");
    expect(zh.json().details).toEqual(en.json().details);
    const vip = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      token: t.deviceToken("kiosk"),
      body: { serviceId: ids.services.get("CASH"), priority: "gold" },
      headers: ZH,
    });
    expect(vip.statusCode).toBe(400);
    expect(vip.json().message).toMatch(/^请求内容不正确：请求体中的 priority 应为以下之一：“normal”、/);
  });

  it("says sign in first in Chinese", async () => {
    const res = await t.request({ method: "GET", url: `/api/branches/${t.branchId}/queue`, headers: ZH });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: "unauthorized", message: "请先登录。" });
  });
});
