import { describe, expect, it } from "vitest";
import type { EpochMs } from "./ids.ts";
import { localDay } from "./local-day.ts";

const at = (iso: string) => Date.parse(iso) as EpochMs;

describe("localDay", () => {
  it("turns over at the branch's midnight, also within one second of asking", () => {
    expect(localDay(at("2026-11-23T15:59:59.000Z"), "Asia/Shanghai")).toBe("2026-11-23");
    expect(localDay(at("2026-11-23T15:59:59.999Z"), "Asia/Shanghai")).toBe("2026-11-23");
    expect(localDay(at("2026-11-23T16:00:00.000Z"), "Asia/Shanghai")).toBe("2026-11-24");
    expect(localDay(at("2026-11-23T15:59:59.500Z"), "Asia/Shanghai")).toBe("2026-11-23");
  });

  it("answers each zone for itself when zones alternate", () => {
    const instant = at("2026-11-23T20:30:00.000Z");
    for (let i = 0; i < 3; i++) {
      expect(localDay(instant, "Asia/Shanghai")).toBe("2026-11-24");
      expect(localDay(instant, "America/New_York")).toBe("2026-11-23");
      expect(localDay(instant, "Asia/Kathmandu")).toBe("2026-11-24");
    }
  });

  it("agrees with a fresh formatter on instants around many midnights", () => {
    const zones = ["Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu", "Europe/London", "America/St_Johns"];
    const fresh = (ms: number, timeZone: string) =>
      new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
    let ms = at("2026-03-01T00:00:00.000Z");
    for (let i = 0; i < 2000; i++) {
      ms += 997 * 60 * 7 + 431; // steps of about seven minutes that drift across second and day boundaries
      for (const zone of zones) expect(localDay(ms as EpochMs, zone)).toBe(fresh(ms, zone));
    }
  });
});
