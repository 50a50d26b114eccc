import { describe, expect, it } from "vitest";
import { maskEmail, maskPhone, normalisePhone } from "./phone.ts";

describe("normalisePhone", () => {
  it("reads a Chinese mobile without country code as +86", () => {
    expect(normalisePhone("138 1234 5678")).toEqual({ ok: true, e164: "+8613812345678" });
    expect(normalisePhone("+86 138-1234-5678")).toEqual({ ok: true, e164: "+8613812345678" });
  });
  it("keeps another country's code", () => {
    expect(normalisePhone("+44 7911 123456")).toEqual({ ok: true, e164: "+447911123456" });
  });
  it("refuses what is not a phone number", () => {
    expect(normalisePhone("")).toEqual({ ok: false, reason: "empty" });
    expect(normalisePhone("1-800-FLOWERS").ok).toBe(false);
    expect(normalisePhone("12345")).toEqual({ ok: false, reason: "invalid" });
    expect(normalisePhone("99912345678").ok).toBe(false);
  });
});

describe("masking", () => {
  it("hides the middle of a phone number and the local part of an e-mail", () => {
    expect(maskPhone("+8613812345678")).toBe("138****5678");
    expect(maskPhone("+447911123456")).toBe("+447****3456");
    expect(maskEmail("zhang.san@example.com")).toBe("z***@example.com");
  });
});
