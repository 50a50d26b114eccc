import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatEmbedOrigins } from "../src/http/security-headers.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

/** Only the widget's chat page (/chat?embed=1) may be framed, and only by the sites the bank names. */
describe("framing the chat page for the website widget", () => {
  it("reads the allowed sites from DATANG_CHAT_EMBED_ORIGINS", () => {
    expect(chatEmbedOrigins({})).toEqual(["*"]);
    expect(chatEmbedOrigins({ DATANG_CHAT_EMBED_ORIGINS: "none" })).toEqual([]);
    expect(
      chatEmbedOrigins({ DATANG_CHAT_EMBED_ORIGINS: "https://www.examplebank.cn, https://m.examplebank.cn" }),
    ).toEqual(["https://www.examplebank.cn", "https://m.examplebank.cn"]);
    // Anything that is not an origin (a policy injection) is dropped.
    expect(chatEmbedOrigins({ DATANG_CHAT_EMBED_ORIGINS: "https://a.cn; script-src *" })).toEqual([]);
  });

  describe("with one site named", () => {
    let t: TestServer;
    beforeAll(async () => {
      process.env.DATANG_CHAT_EMBED_ORIGINS = "https://www.examplebank.cn";
      try {
        t = await startTestServer("sqlite");
      } finally {
        delete process.env.DATANG_CHAT_EMBED_ORIGINS;
      }
    });
    afterAll(() => t?.close());

    it("lets that site frame /chat?embed=1 and nothing else", async () => {
      const embedded = await t.request({ method: "GET", url: "/chat?embed=1" });
      expect(embedded.headers["content-security-policy"]).toContain("frame-ancestors https://www.examplebank.cn");
      expect(embedded.headers["content-security-policy"]).not.toContain("frame-ancestors 'none'");
      expect(embedded.headers["x-frame-options"]).toBeUndefined();
      for (const url of ["/chat", "/chat?embed=0", "/agent?embed=1", "/api/public/chat?embed=1", "/api/health"]) {
        const res = await t.request({ method: url.startsWith("/api/public") ? "POST" : "GET", url });
        expect(res.headers["content-security-policy"], url).toContain("frame-ancestors 'none'");
        expect(res.headers["x-frame-options"], url).toBe("DENY");
      }
    });
  });

  describe("with none", () => {
    let t: TestServer;
    beforeAll(async () => {
      process.env.DATANG_CHAT_EMBED_ORIGINS = "none";
      try {
        t = await startTestServer("sqlite");
      } finally {
        delete process.env.DATANG_CHAT_EMBED_ORIGINS;
      }
    });
    afterAll(() => t?.close());

    it("frames nothing, the embedded page included", async () => {
      const embedded = await t.request({ method: "GET", url: "/chat?embed=1" });
      expect(embedded.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(embedded.headers["x-frame-options"]).toBe("DENY");
    });
  });
});
