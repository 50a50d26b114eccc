import { describe, expect, it } from "vitest";
import { messagingConfigFromEnv } from "./config.ts";
import { renderMessage } from "./render.ts";

const booking = {
  code: "K7Q2",
  start: "2026-11-24T02:00:00.000Z",
  timeZone: "Asia/Shanghai",
  branch: { zh: "南京西路支行", en: "Nanjing West Road" },
  service: { zh: "开户", en: "Open an account" },
  managePath: "/book/manage/abc",
};

describe("renderMessage", () => {
  it("writes a confirmation in the customer's language, in branch time, with the public link", () => {
    const zh = renderMessage("appointment.confirmed", "zh-CN", booking, { publicUrl: "https://q.bank.cn" });
    expect(zh.text).toContain("南京西路支行 · 开户");
    expect(zh.text).toContain("10:00");
    expect(zh.text).toContain("https://q.bank.cn/book/manage/abc");
    const en = renderMessage("appointment.confirmed", "en", booking, {});
    expect(en.subject).toBe("Appointment confirmed");
    expect(en.text).toContain("Nanjing West Road · Open an account");
    expect(en.text).toContain("/book/manage/abc");
  });

  it("puts the one-time code in the SMS text", () => {
    expect(renderMessage("otp", "zh-CN", { code: "042917", minutes: 5 }, {}).text).toContain("042917");
    expect(renderMessage("otp", "en", { code: "042917" }, {}).text).toContain("042917");
  });

  it("escapes data in the HTML part", () => {
    const m = renderMessage("appointment.cancelled", "en", { ...booking, reason: "<script>x</script>" }, {});
    expect(m.html).not.toContain("<script>");
    expect(m.html).toContain("&lt;script&gt;");
  });

  it("falls back to a plain subject and text for an unknown kind, never a prototype property", () => {
    expect(renderMessage("toString", "en", { text: "hello" }, {}).text).toBe("hello");
  });
});

describe("messagingConfigFromEnv", () => {
  it("reads the channels and refuses malformed values by name", () => {
    expect(messagingConfigFromEnv({})).toEqual({});
    expect(
      messagingConfigFromEnv({
        DATANG_SMTP_URL: "smtps://u:p@mail.example:465",
        DATANG_SMS_HTTP_URL: "https://sms.example/send",
        DATANG_SMS_HTTP_HEADERS: '{"x-key":"k"}',
        DATANG_PUBLIC_URL: "https://q.bank.cn/",
        DATANG_JOB_LEASE_SECONDS: "30",
      }),
    ).toMatchObject({
      smtp: { url: "smtps://u:p@mail.example:465" },
      sms: { url: "https://sms.example/send", headers: { "x-key": "k" } },
      publicUrl: "https://q.bank.cn",
      leaseMs: 30_000,
    });
    expect(() => messagingConfigFromEnv({ DATANG_SMTP_URL: "mail.example" })).toThrow("DATANG_SMTP_URL");
    expect(() => messagingConfigFromEnv({ DATANG_SMS_HTTP_TEMPLATE: "{nope" })).toThrow("DATANG_SMS_HTTP_TEMPLATE");
    expect(() => messagingConfigFromEnv({ DATANG_SMS_HTTP_HEADERS: "[1]" })).toThrow("DATANG_SMS_HTTP_HEADERS");
    expect(() => messagingConfigFromEnv({ DATANG_SMS_HTTP_HEADERS: "{bad" })).toThrow("DATANG_SMS_HTTP_HEADERS");
    expect(() => messagingConfigFromEnv({ DATANG_JOB_LEASE_SECONDS: "0" })).toThrow("DATANG_JOB_LEASE_SECONDS");
  });
});
