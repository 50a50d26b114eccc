import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatEmbedOrigins } from "../src/http/security-headers.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

/**
 * Only the widget's chat page (/chat?embed=1) may be framed, and only by the sites the bank names; with none
 * named, only by Datang's own origin.
 */
describe("framing the chat page for the website widget", () => {
  it("reads the allowed sites from DATANG_CHAT_EMBED_ORIGINS", () => {
    // Unset or empty: same origin only, not any site.
    expect(chatEmbedOrigins({})).toEqual(["'self'"]);
    expect(chatEmbedOrigins({ DATANG_CHAT_EMBED_ORIGINS: "  " })).toEqual(["'self'"]);
    // Any site only when written out.
    expect(chatEmbedOrigins({ DATANG_CHAT_EMBED_ORIGINS: "*" })).toEqual(["*"]);
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

  const withEnv = async (value: string | undefined): Promise<TestServer> => {
    const before = process.env.DATANG_CHAT_EMBED_ORIGINS;
    if (value === undefined) delete process.env.DATANG_CHAT_EMBED_ORIGINS;
    else process.env.DATANG_CHAT_EMBED_ORIGINS = value;
    try {
      return await startTestServer("sqlite");
    } finally {
      if (before === undefined) delete process.env.DATANG_CHAT_EMBED_ORIGINS;
      else process.env.DATANG_CHAT_EMBED_ORIGINS = before;
    }
  };

  describe("unset (the default)", () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await withEnv(undefined);
    });
    afterAll(() => t?.close());

    it("lets only Datang's own origin frame /chat?embed=1; every other page stays unframeable", async () => {
      const embedded = await t.request({ method: "GET", url: "/chat?embed=1" });
      const policy = String(embedded.headers["content-security-policy"]);
      expect(policy).toContain("frame-ancestors 'self'");
      expect(policy).not.toMatch(/frame-ancestors[^;]*\*/);
      expect(embedded.headers["x-frame-options"]).toBe("SAMEORIGIN");
      for (const url of ["/chat", "/agent?embed=1", "/api/health"]) {
        const res = await t.request({ method: "GET", url });
        expect(res.headers["content-security-policy"], url).toContain("frame-ancestors 'none'");
        expect(res.headers["x-frame-options"], url).toBe("DENY");
      }
    });
  });

  describe("with * written out", () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await withEnv("*");
    });
    afterAll(() => t?.close());

    it("lets any site frame /chat?embed=1, and still nothing else", async () => {
      const embedded = await t.request({ method: "GET", url: "/chat?embed=1" });
      expect(embedded.headers["content-security-policy"]).toContain("frame-ancestors *");
      expect(embedded.headers["x-frame-options"]).toBeUndefined();
      const other = await t.request({ method: "GET", url: "/chat" });
      expect(other.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
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
