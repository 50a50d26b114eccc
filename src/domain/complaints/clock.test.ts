import { describe, expect, it } from "vitest";
import { clockAction, daysLeft, decisionDueAt, extendedDueAt, inWorkingHours } from "./clock.ts";

const TZ = "Asia/Shanghai";
// Monday 2026-11-23 09:30 in Shanghai.
const RECEIVED = Date.parse("2026-11-23T01:30:00Z");

describe("complaint clock", () => {
  it("gives a simple case 15 and a complex one 30 calendar days, to the end of the branch-local day", () => {
    expect(new Date(decisionDueAt(RECEIVED, "simple", TZ)).toISOString()).toBe("2026-12-08T15:59:59.999Z");
    expect(new Date(decisionDueAt(RECEIVED, "complex", TZ)).toISOString()).toBe("2026-12-23T15:59:59.999Z");
  });

  it("counts the local day, not the UTC one: 23:30 in Shanghai is already the next UTC-less day", () => {
    const lateMonday = Date.parse("2026-11-23T15:30:00Z"); // 23:30 Monday in Shanghai
    expect(new Date(decisionDueAt(lateMonday, "simple", TZ)).toISOString()).toBe("2026-12-08T15:59:59.999Z");
  });

  it("extends by 30 days from the current deadline", () => {
    const due = decisionDueAt(RECEIVED, "simple", TZ);
    expect(new Date(extendedDueAt(due, TZ)).toISOString()).toBe("2027-01-07T15:59:59.999Z");
  });

  it("reminds within three days of the deadline, escalates after it, each once", () => {
    const due = decisionDueAt(RECEIVED, "simple", TZ);
    const day = 86_400_000;
    const fresh = { dueAt: due, remindedAt: null, escalatedAt: null };
    expect(clockAction(fresh, RECEIVED, TZ)).toBeNull();
    expect(daysLeft(due, RECEIVED + 12 * day, TZ)).toBe(3);
    expect(clockAction(fresh, RECEIVED + 11 * day, TZ)).toBeNull();
    expect(clockAction(fresh, RECEIVED + 12 * day, TZ)).toBe("remind");
    expect(clockAction({ ...fresh, remindedAt: RECEIVED + 12 * day }, RECEIVED + 13 * day, TZ)).toBeNull();
    expect(clockAction({ ...fresh, remindedAt: 1 }, due + 1, TZ)).toBe("escalate");
    expect(clockAction({ ...fresh, remindedAt: 1, escalatedAt: due + 1 }, due + day, TZ)).toBeNull();
  });

  it("knows working hours from the weekly hours and closed days", () => {
    const hours = { "1": ["09:00", "17:00"] as const, "0": null };
    expect(inWorkingHours(RECEIVED, TZ, hours, new Set())).toBe(true);
    expect(inWorkingHours(RECEIVED, TZ, hours, new Set(["2026-11-23"]))).toBe(false);
    expect(inWorkingHours(Date.parse("2026-11-23T00:30:00Z"), TZ, hours, new Set())).toBe(false); // 08:30
    expect(inWorkingHours(Date.parse("2026-11-22T03:00:00Z"), TZ, hours, new Set())).toBe(false); // Sunday
  });
});
