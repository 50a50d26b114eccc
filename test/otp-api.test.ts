import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("POST /api/public/otp on %s", (kind) => {
  let t: TestServer;
  let log = "";
  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on("data", (chunk: Buffer) => {
      log += chunk.toString("utf8");
    });
    t = await startTestServer(kind, undefined, { logger: { stream } });
  });
  afterAll(() => t?.close());

  const post = (body: unknown, lang?: string) =>
    t.request({
      method: "POST",
      url: "/api/public/otp",
      body,
      headers: lang ? { "accept-language": lang } : {},
    });

  it("answers 202 without sign-in and queues the SMS; the code appears in no log", async () => {
    const consoleLines: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
        consoleLines.push(args.map(String).join(" "));
      }),
    );
    try {
      const res = await post({ phone: "138 1234 5678" });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ expiresInSeconds: 300 });
    } finally {
      for (const s of spies) s.mockRestore();
    }
    const sms = await t.server.ctx.store.db.selectFrom("outbox").selectAll().executeTakeFirstOrThrow();
    expect(sms).toMatchObject({ kind: "otp", channel: "sms", recipient: "+8613812345678" });
    const code = (JSON.parse(sms.data) as { code: string }).code;
    expect(code).toMatch(/^\d{6}$/);
    await new Promise((r) => setImmediate(r));
    expect(log).toContain("/api/public/otp");
    expect(log).not.toContain(code);
    expect(consoleLines.join("\n")).not.toContain(code);
  });

  it("refuses a bad phone with 400 and a second request within the minute with 429, in the client's language", async () => {
    const bad = await post({ phone: "12345" }, "zh-CN");
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: "invalid_phone", message: "手机号码无效。" });
    const again = await post({ phone: "+8613812345678" });
    expect(again.statusCode).toBe(429);
    expect(again.json()).toMatchObject({ error: "rate_limited", details: { retryAfterSeconds: 60 } });
    const missing = await post({});
    expect(missing.statusCode).toBe(400);
  });
});
