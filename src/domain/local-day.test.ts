import { describe, expect, it } from "vitest";
import type { EpochMs } from "./ids.ts";
import { localDay } from "./local-day.ts";

const at = (iso: string) => Date.parse(iso) as EpochMs;
/** What Intl itself answers, with no cache in between. */
const fresh = (ms: number, timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);

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

  it("agrees with a fresh formatter just before, at and after midnights, also in local mean time", () => {
    // Shanghai's midnight in 1900 (+08:05:43), Monrovia's in 1971 (-00:44:30), Shanghai's today, and the epoch.
    const midnights: Array<[string, string]> = [
      ["1900-06-01T15:54:17.000Z", "Asia/Shanghai"],
      ["1971-06-01T00:44:30.000Z", "Africa/Monrovia"],
      ["2026-11-23T16:00:00.000Z", "Asia/Shanghai"],
      ["1970-01-01T00:00:00.000Z", "UTC"],
    ];
    for (const [iso, zone] of midnights) {
      const m = Date.parse(iso);
      for (const ms of [m - 1001, m - 1, m, m + 999, m + 1000, m - 1, m - 0.5, m])
        expect(localDay(ms as EpochMs, zone), `${zone} ${ms}`).toBe(fresh(ms, zone));
    }
  });

  it("agrees with a fresh formatter on instants around many midnights", () => {
    const zones = ["Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu", "Europe/London", "America/St_Johns"];
    let ms = at("2026-03-01T00:00:00.000Z");
    for (let i = 0; i < 2000; i++) {
      ms += 997 * 60 * 7 + 431; // steps of about seven minutes that drift across second and day boundaries
      for (const zone of zones) expect(localDay(ms as EpochMs, zone)).toBe(fresh(ms, zone));
    }
  });
});
