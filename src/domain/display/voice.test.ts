import { describe, expect, it } from "vitest";
import { audioMatchesType, callTokens, isVoiceToken, VOICE_TOKENS } from "./voice.ts";

describe("call clips", () => {
  it("reads a call in Mandarin: 请 A 零 零 一 号 到 三 号窗口 办理", () => {
    expect(callTokens("A001", "3", "zh")).toEqual([
      "zh-qing",
      "zh-letter-A",
      "zh-digit-0",
      "zh-digit-0",
      "zh-digit-1",
      "zh-hao",
      "zh-dao",
      "zh-digit-3",
      "zh-haochuangkou",
      "zh-banli",
    ]);
  });

  it("reads counter numbers as Chinese numerals", () => {
    const counter = (n: string) => callTokens("B1", n, "zh").slice(5, -2);
    expect(counter("10")).toEqual(["zh-shi"]);
    expect(counter("12")).toEqual(["zh-shi", "zh-digit-2"]);
    expect(counter("20")).toEqual(["zh-digit-2", "zh-shi"]);
    expect(counter("35")).toEqual(["zh-digit-3", "zh-shi", "zh-digit-5"]);
    expect(counter("105")).toEqual(["zh-digit-1", "zh-digit-0", "zh-digit-5"]);
  });

  it("reads a call in English: Number C 1 2, please go to counter 1 2", () => {
    expect(callTokens("c12", "12", "en")).toEqual([
      "en-number",
      "en-letter-C",
      "en-digit-1",
      "en-digit-2",
      "en-please-go-to-counter",
      "en-digit-1",
      "en-digit-2",
    ]);
  });

  it("every token a call can use is a known token, and only those are", () => {
    for (const lang of ["zh", "en"] as const)
      for (const t of callTokens("Z9876543210", "99", lang)) expect(isVoiceToken(t)).toBe(true);
    expect(isVoiceToken("zh-letter-a")).toBe(false);
    expect(isVoiceToken("../etc")).toBe(false);
    expect(VOICE_TOKENS.length).toBe(80);
  });

  it("checks audio bytes against the type they claim", () => {
    const bytes = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
    expect(audioMatchesType(bytes("OggS\0\0"), "audio/ogg")).toBe(true);
    expect(audioMatchesType(bytes("RIFF\0\0\0\0WAVEfmt "), "audio/wav")).toBe(true);
    expect(audioMatchesType(bytes("ID3\x04"), "audio/mpeg")).toBe(true);
    expect(audioMatchesType(new Uint8Array([0xff, 0xfb, 0x90]), "audio/mpeg")).toBe(true);
    expect(audioMatchesType(bytes("<html>"), "audio/ogg")).toBe(false);
    expect(audioMatchesType(bytes("OggS"), "audio/wav")).toBe(false);
    expect(audioMatchesType(bytes("\0\0\0\x20ftypM4A "), "audio/mp4")).toBe(true);
  });
});
