import { describe, expect, it } from "vitest";
import {
  canBook,
  canChange,
  capReached,
  checkInWindow,
  DEFAULT_RULES,
  holdExpiresAt,
  lastBookableDay,
  nextOnWaitlist,
  noShowAfter,
  onlineBookingBarred,
  ruleProblems,
  withDefaults,
} from "./rules.ts";

const MIN = 60_000;
const now = Date.parse("2026-11-23T01:30:00Z");

describe("booking rules", () => {
  it("books only ahead of the notice and within the days ahead", () => {
    const r = DEFAULT_RULES;
    const last = lastBookableDay(r, "2026-11-23");
    expect(last).toBe("2026-12-07");
    expect(canBook(r, now, now + 2 * 60 * MIN, "2026-11-23", last)).toEqual({ ok: true });
    expect(canBook(r, now, now - MIN, "2026-11-23", last)).toEqual({ ok: false, reason: "past" });
    expect(canBook(r, now, now + 30 * MIN, "2026-11-23", last)).toEqual({ ok: false, reason: "too_soon" });
    expect(canBook(r, now, now + 15 * 24 * 60 * MIN, "2026-12-08", last)).toEqual({ ok: false, reason: "too_far" });
    // Staff booking a caller is not held to the notice, but never to the past.
    expect(canBook(r, now, now + 30 * MIN, "2026-11-23", last, true)).toEqual({ ok: true });
    expect(canBook(r, now, now - MIN, "2026-11-23", last, true).ok).toBe(false);
    expect(canBook({ ...r, bookable: false }, now, now + 120 * MIN, "2026-11-23", last)).toEqual({
      ok: false,
      reason: "not_bookable",
    });
    expect(lastBookableDay({ ...r, daysAhead: 30 }, "2026-12-20")).toBe("2027-01-19");
  });

  it("lets customers cancel and reschedule only until the notice, and says until when", () => {
    const r = { ...DEFAULT_RULES, minNoticeCancelMinutes: 120, minNoticeRescheduleMinutes: 240 };
    const start = now + 180 * MIN;
    expect(canChange(r, "cancel", now, start)).toEqual({ ok: true });
    expect(canChange(r, "reschedule", now, start)).toEqual({ ok: false, reason: "notice", latest: start - 240 * MIN });
    expect(canChange(r, "reschedule", now, start, true)).toEqual({ ok: true });
  });

  it("opens check-in 30 minutes early and closes it 15 late", () => {
    const start = now + 60 * MIN;
    expect(checkInWindow(DEFAULT_RULES, now, start)).toEqual({ kind: "too_early", opensAt: start - 30 * MIN });
    expect(checkInWindow(DEFAULT_RULES, start - 30 * MIN, start)).toEqual({ kind: "open" });
    expect(checkInWindow(DEFAULT_RULES, start + 15 * MIN, start)).toEqual({ kind: "open" });
    expect(checkInWindow(DEFAULT_RULES, start + 15 * MIN + 1, start)).toEqual({
      kind: "too_late",
      closedAt: start + 15 * MIN,
    });
    expect(noShowAfter(DEFAULT_RULES, start)).toBe(start + 15 * MIN);
    const wide = { ...DEFAULT_RULES, checkInEarlyMinutes: 60, checkInLateMinutes: 0 };
    expect(checkInWindow(wide, now, start).kind).toBe("open");
    expect(checkInWindow(wide, start + 1, start).kind).toBe("too_late");
  });

  it("caps bookings per customer and day, bars online booking after 3 no-shows, holds 10 minutes", () => {
    expect(capReached(DEFAULT_RULES, 0)).toBe(false);
    expect(capReached(DEFAULT_RULES, 1)).toBe(true);
    expect(capReached({ ...DEFAULT_RULES, capPerCustomerPerDay: 2 }, 1)).toBe(false);
    expect(onlineBookingBarred(DEFAULT_RULES, 2)).toBe(false);
    expect(onlineBookingBarred(DEFAULT_RULES, 3)).toBe(true);
    expect(holdExpiresAt(DEFAULT_RULES, now)).toBe(now + 10 * MIN);
  });

  it("offers a freed place to the earliest on the waitlist for that day, only when the type keeps one", () => {
    const waiting = [
      { id: "b", day: "2026-11-24", joinedAt: 20 },
      { id: "a", day: "2026-11-24", joinedAt: 10 },
      { id: "c", day: "2026-11-25", joinedAt: 1 },
    ];
    expect(nextOnWaitlist(DEFAULT_RULES, waiting, "2026-11-24")).toBeNull();
    const r = { ...DEFAULT_RULES, waitlist: true };
    expect(nextOnWaitlist(r, waiting, "2026-11-24")?.id).toBe("a");
    expect(nextOnWaitlist(r, waiting, "2026-11-26")).toBeNull();
  });

  it("fills missing fields with defaults and names each wrong field", () => {
    expect(withDefaults({ daysAhead: 7 }).holdMinutes).toBe(10);
    expect(ruleProblems(DEFAULT_RULES)).toEqual([]);
    expect(ruleProblems({ ...DEFAULT_RULES, share: 1.5, daysAhead: -1, shareByHour: { "25": 0.2 } })).toEqual([
      "daysAhead must be a whole number from 0 to 365",
      "share must be from 0 to 1",
      "shareByHour.25 must be from 0 to 1",
    ]);
  });
});
