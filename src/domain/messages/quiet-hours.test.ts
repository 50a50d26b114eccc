import { describe, expect, it } from "vitest";
import { nextAllowedTime } from "./quiet-hours.ts";

const SH = "Asia/Shanghai";
const at = (iso: string) => Date.parse(iso);

describe("nextAllowedTime (21:00–08:00 quiet)", () => {
  it("leaves a daytime moment alone", () => {
    expect(nextAllowedTime(at("2026-11-23T10:00:00+08:00"), SH)).toBe(at("2026-11-23T10:00:00+08:00"));
    expect(nextAllowedTime(at("2026-11-23T08:00:00+08:00"), SH)).toBe(at("2026-11-23T08:00:00+08:00"));
  });
  it("moves an evening moment to 08:00 the next day", () => {
    expect(nextAllowedTime(at("2026-11-23T21:00:00+08:00"), SH)).toBe(at("2026-11-24T08:00:00+08:00"));
    expect(nextAllowedTime(at("2026-11-23T23:59:00+08:00"), SH)).toBe(at("2026-11-24T08:00:00+08:00"));
  });
  it("moves an early-morning moment to 08:00 the same day", () => {
    expect(nextAllowedTime(at("2026-11-24T03:10:00+08:00"), SH)).toBe(at("2026-11-24T08:00:00+08:00"));
  });
  it("uses the branch's own time zone", () => {
    // 22:00 in Shanghai is 14:00 in London: allowed there.
    expect(nextAllowedTime(at("2026-11-23T22:00:00+08:00"), "Europe/London")).toBe(at("2026-11-23T22:00:00+08:00"));
  });
  it("handles a quiet period that does not wrap midnight", () => {
    expect(nextAllowedTime(at("2026-11-23T12:30:00+08:00"), SH, { start: "12:00", end: "13:00" })).toBe(
      at("2026-11-23T13:00:00+08:00"),
    );
  });
});
