import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { computeSlots, dayInZone, hoursOn, isoInZone, localHour, type SlotInput } from "./slots.ts";

const WEEK = {
  "1": ["09:00", "17:00"],
  "2": ["09:00", "17:00"],
  "3": ["09:00", "17:00"],
  "4": ["09:00", "17:00"],
  "5": ["09:00", "17:00"],
  "6": ["09:00", "12:00"],
  "0": null,
} as const;

const base: SlotInput = {
  date: "2026-11-24", // a Tuesday
  timeZone: "Asia/Shanghai",
  openingHours: WEEK,
  counters: 2,
  expectedMinutes: 15,
  bufferMinutes: 0,
  share: 0.5,
};

const iso = (ms: number, tz = "Asia/Shanghai") => isoInZone(ms, tz).slice(11, 16);

describe("computeSlots", () => {
  it("follows the day's opening hours, in the branch's time zone", () => {
    const slots = computeSlots(base);
    expect(slots).toHaveLength(32); // 8 hours of 15 minutes
    expect(isoInZone(slots[0]?.start ?? 0, "Asia/Shanghai")).toBe("2026-11-24T09:00:00.000+08:00");
    expect(iso(slots.at(-1)?.start ?? 0)).toBe("16:45");
    expect(iso(slots.at(-1)?.end ?? 0)).toBe("17:00");
    // Saturday's shorter hours; Sunday closed.
    expect(computeSlots({ ...base, date: "2026-11-28" })).toHaveLength(12);
    expect(computeSlots({ ...base, date: "2026-11-29" })).toEqual([]);
  });

  it("keeps closed days and exceptions", () => {
    expect(computeSlots({ ...base, closedDays: ["2026-11-24"] })).toEqual([]);
    expect(computeSlots({ ...base, exceptions: { "2026-11-24": null } })).toEqual([]);
    const short = computeSlots({ ...base, exceptions: { "2026-11-24": ["10:00", "11:00"] } });
    expect(short.map((s) => iso(s.start))).toEqual(["10:00", "10:15", "10:30", "10:45"]);
    // An exception opens a day that is normally closed.
    expect(
      computeSlots({ ...base, date: "2026-11-29", exceptions: { "2026-11-29": ["09:00", "10:00"] } }),
    ).toHaveLength(4);
    expect(hoursOn("2026-11-25", "Asia/Shanghai", WEEK, ["2026-11-24"])).toEqual(["09:00", "17:00"]);
  });

  it("leaves the buffer after each appointment and never runs past closing", () => {
    const slots = computeSlots({ ...base, expectedMinutes: 20, bufferMinutes: 10 });
    expect(slots.slice(0, 3).map((s) => `${iso(s.start)}-${iso(s.end)}`)).toEqual([
      "09:00-09:20",
      "09:30-09:50",
      "10:00-10:20",
    ]);
    expect(slots).toHaveLength(16);
    expect(iso(slots.at(-1)?.end ?? 0)).toBe("16:50");
    // 40-minute service in a 17:00 close: the last slot starts 16:00 (16:40 ends), not 16:40.
    const long = computeSlots({ ...base, expectedMinutes: 40, bufferMinutes: 20 });
    expect(iso(long.at(-1)?.start ?? 0)).toBe("16:00");
  });

  it("gives appointments only their share of the counters, handing out fractions by the running total", () => {
    const half = computeSlots(base);
    expect(half.every((s) => s.capacity === 1)).toBe(true); // 2 counters × 50%
    const thirty = computeSlots({ ...base, share: 0.3 });
    expect(thirty.slice(0, 5).map((s) => s.capacity)).toEqual([0, 1, 0, 1, 1]); // 0.6 a slot: 0.6, 1.2, 1.8, 2.4, 3.0
    expect(thirty.reduce((n, s) => n + s.capacity, 0)).toBe(Math.floor(32 * 0.6 + 1e-9));
    const full = computeSlots({ ...base, counters: 3, share: 1 });
    expect(full.every((s) => s.capacity === 3)).toBe(true);
    expect(computeSlots({ ...base, share: 0 }).every((s) => s.capacity === 0)).toBe(true);
    expect(computeSlots({ ...base, counters: 0 })).toEqual([]);
  });

  it("uses another share in the hours that name one", () => {
    const slots = computeSlots({ ...base, shareByHour: { "12": 0, "9": 1 } });
    const by = (hh: string) => slots.filter((s) => iso(s.start).startsWith(hh)).map((s) => s.capacity);
    expect(by("09")).toEqual([2, 2, 2, 2]);
    expect(by("12")).toEqual([0, 0, 0, 0]);
    expect(by("13")).toEqual([1, 1, 1, 1]);
  });

  it("works in a second time zone, across a daylight-saving change", () => {
    const london = { ...base, timeZone: "Europe/London", date: "2026-03-30" }; // Monday after clocks went forward
    const slots = computeSlots(london);
    expect(isoInZone(slots[0]?.start ?? 0, "Europe/London")).toBe("2026-03-30T09:00:00.000+01:00");
    expect(new Date(slots[0]?.start ?? 0).toISOString()).toBe("2026-03-30T08:00:00.000Z");
    const winter = computeSlots({ ...london, date: "2026-03-27" }); // the Friday before, GMT
    expect(new Date(winter[0]?.start ?? 0).toISOString()).toBe("2026-03-27T09:00:00.000Z");
    // The same local day in Shanghai starts 8 hours earlier than in London in winter.
    const sh = computeSlots({ ...base, date: "2026-03-27" });
    expect((winter[0]?.start ?? 0) - (sh[0]?.start ?? 0)).toBe(8 * 3_600_000);
  });
});

describe("isoInZone, dayInZone, localHour (fast offsets)", () => {
  it("write exactly what luxon writes, across DST transitions and odd offsets", () => {
    const zones = [
      "Asia/Shanghai",
      "Europe/London",
      "America/New_York",
      "Australia/Lord_Howe",
      "Asia/Kathmandu",
      "America/St_Johns",
      "UTC",
      "Etc/GMT-3",
    ];
    // Every 21 minutes and 39 seconds through March and November 2026 (the northern transitions) and April
    // (Lord Howe's half-hour one), so stretches on both sides of every transition are asked.
    const ranges = [
      [Date.UTC(2026, 2, 1), Date.UTC(2026, 3, 10)],
      [Date.UTC(2026, 9, 20), Date.UTC(2026, 10, 5)],
    ] as const;
    let checked = 0;
    for (const zone of zones)
      for (const [from, to] of ranges)
        for (let at = from; at < to; at += 1_299_007) {
          const lux = DateTime.fromMillis(at, { zone });
          expect(isoInZone(at, zone)).toBe(lux.toISO());
          expect(dayInZone(at, zone)).toBe(lux.toISODate());
          expect(localHour(at, zone)).toBe(lux.hour);
          checked++;
        }
    expect(checked).toBeGreaterThan(25_000);
  });
});
