import { describe, expect, it } from "vitest";
import {
  type BranchCalendar,
  clockAction,
  daysLeft,
  decisionDueAt,
  extendedDueAt,
  inWorkingHours,
  reminderAt,
} from "./clock.ts";

const TZ = "Asia/Shanghai"; // UTC+8, no summer time: 17:00 there is 09:00Z.
/** The demo branch's week: Monday–Friday 09:00–17:00, Saturday 09:00–16:00, closed on Sunday. */
const WEEK = {
  "1": ["09:00", "17:00"],
  "2": ["09:00", "17:00"],
  "3": ["09:00", "17:00"],
  "4": ["09:00", "17:00"],
  "5": ["09:00", "17:00"],
  "6": ["09:00", "16:00"],
  "0": null,
} as const;
const cal = (special: BranchCalendar["special"] = {}): BranchCalendar => ({ timeZone: TZ, hours: WEEK, special });
const iso = (ms: number) => new Date(ms).toISOString();
// Monday 2026-11-23 09:30 in Shanghai.
const RECEIVED = Date.parse("2026-11-23T01:30:00Z");
/** 国庆节 2026: closed 1–7 October. */
const NATIONAL_DAY = Object.fromEntries(
  ["01", "02", "03", "04", "05", "06", "07"].map((d) => [`2026-10-${d}`, null]),
) as BranchCalendar["special"];

describe("complaint clock on the branch's real opening hours", () => {
  it("ends 15 or 30 calendar days after the day of receipt, at that day's closing time", () => {
    // Mon 23 Nov + 15 = Tue 8 Dec, closes 17:00 = 09:00Z; + 30 = Wed 23 Dec.
    expect(iso(decisionDueAt(RECEIVED, "simple", cal()))).toBe("2026-12-08T09:00:00.000Z");
    expect(iso(decisionDueAt(RECEIVED, "complex", cal()))).toBe("2026-12-23T09:00:00.000Z");
  });

  it("counts the local day, not the UTC one: 23:30 on Monday in Shanghai is still Monday", () => {
    const lateMonday = Date.parse("2026-11-23T15:30:00Z");
    expect(iso(decisionDueAt(lateMonday, "simple", cal()))).toBe("2026-12-08T09:00:00.000Z");
  });

  it("ends on a Saturday at its shorter closing time, and moves a Sunday to Monday", () => {
    // Fri 27 Nov + 15 = Sat 12 Dec, closes 16:00 = 08:00Z.
    expect(iso(decisionDueAt(Date.parse("2026-11-27T02:00:00Z"), "simple", cal()))).toBe("2026-12-12T08:00:00.000Z");
    // Sat 28 Nov + 15 = Sun 13 Dec: closed, so Mon 14 Dec 17:00.
    expect(iso(decisionDueAt(Date.parse("2026-11-28T02:00:00Z"), "simple", cal()))).toBe("2026-12-14T09:00:00.000Z");
  });

  it("ends at a special day's early closing, and after closed days on the next day the branch opens", () => {
    // Tue 8 Dec with special hours 09:00–12:00: the deadline is 12:00 = 04:00Z.
    expect(iso(decisionDueAt(RECEIVED, "simple", cal({ "2026-12-08": ["09:00", "12:00"] })))).toBe(
      "2026-12-08T04:00:00.000Z",
    );
    // Closed Tue 8 and Wed 9 Dec: Thu 10 Dec 17:00.
    expect(iso(decisionDueAt(RECEIVED, "simple", cal({ "2026-12-08": null, "2026-12-09": null })))).toBe(
      "2026-12-10T09:00:00.000Z",
    );
    // Wed 16 Sep + 15 = Thu 1 Oct, closed to 7 Oct: Thu 8 Oct 17:00.
    expect(iso(decisionDueAt(Date.parse("2026-09-16T02:00:00Z"), "simple", cal(NATIONAL_DAY)))).toBe(
      "2026-10-08T09:00:00.000Z",
    );
    // A make-up working Sunday (调休) with hours is a day the period may end on: Sat 12 Sep + 15 = Sun 27 Sep.
    expect(
      iso(decisionDueAt(Date.parse("2026-09-12T02:00:00Z"), "simple", cal({ "2026-09-27": ["09:00", "17:00"] }))),
    ).toBe("2026-09-27T09:00:00.000Z");
  });

  it("extends by 30 days from the current deadline's day, to that day's closing time", () => {
    const due = decisionDueAt(RECEIVED, "simple", cal());
    // Tue 8 Dec + 30 = Thu 7 Jan 2027.
    expect(iso(extendedDueAt(due, cal()))).toBe("2027-01-07T09:00:00.000Z");
    // Closed on 7 Jan: Fri 8 Jan.
    expect(iso(extendedDueAt(due, cal({ "2027-01-07": null })))).toBe("2027-01-08T09:00:00.000Z");
  });

  it("reminds at the opening of the third day the branch opens before the deadline's day", () => {
    const due = decisionDueAt(RECEIVED, "simple", cal()); // Tue 8 Dec 17:00
    // Open days before Tue 8 Dec: Mon 7, (Sun 6 closed), Sat 5, Fri 4 → Fri 4 Dec 09:00 = 01:00Z.
    expect(iso(reminderAt(due, cal()))).toBe("2026-12-04T01:00:00.000Z");
    // Fri 4 Dec opens at 13:00 only: its opening.
    expect(iso(reminderAt(due, cal({ "2026-12-04": ["13:00", "17:00"] })))).toBe("2026-12-04T05:00:00.000Z");
    // Deadline Thu 8 Oct after the National Day week: Wed 30, Tue 29, Mon 28 Sep → 28 Sep 09:00, not the
    // deadline's own morning (calendar days would have asked from 5 October, when the branch is closed).
    const afterHoliday = decisionDueAt(Date.parse("2026-09-16T02:00:00Z"), "simple", cal(NATIONAL_DAY));
    expect(iso(reminderAt(afterHoliday, cal(NATIONAL_DAY)))).toBe("2026-09-28T01:00:00.000Z");
  });

  it("reminds from its time, escalates after the deadline, each once", () => {
    const due = decisionDueAt(RECEIVED, "simple", cal());
    const fresh = { dueAt: due, remindedAt: null, escalatedAt: null };
    expect(clockAction(fresh, RECEIVED, cal())).toBeNull();
    expect(clockAction(fresh, Date.parse("2026-12-04T00:59:59Z"), cal())).toBeNull();
    expect(clockAction(fresh, Date.parse("2026-12-04T01:00:00Z"), cal())).toBe("remind");
    expect(clockAction({ ...fresh, remindedAt: 1 }, Date.parse("2026-12-08T08:59:59Z"), cal())).toBeNull();
    expect(clockAction({ ...fresh, remindedAt: 1 }, Date.parse("2026-12-08T09:00:00.001Z"), cal())).toBe("escalate");
    expect(clockAction({ ...fresh, remindedAt: 1, escalatedAt: 2 }, due + 86_400_000, cal())).toBeNull();
    expect(daysLeft(due, Date.parse("2026-12-05T02:00:00Z"), TZ)).toBe(3);
  });

  it("knows working hours from the day's special hours first, then the weekly hours", () => {
    expect(inWorkingHours(RECEIVED, cal())).toBe(true); // Monday 09:30
    expect(inWorkingHours(RECEIVED, cal({ "2026-11-23": null }))).toBe(false); // closed that day
    expect(inWorkingHours(Date.parse("2026-11-23T00:30:00Z"), cal())).toBe(false); // 08:30
    expect(inWorkingHours(Date.parse("2026-11-22T03:00:00Z"), cal())).toBe(false); // Sunday
    // Thu 24 Dec open 09:00–12:00 only: 11:59 yes, 14:00 no (the weekly hours would say yes).
    const short = cal({ "2026-12-24": ["09:00", "12:00"] });
    expect(inWorkingHours(Date.parse("2026-12-24T03:59:00Z"), short)).toBe(true);
    expect(inWorkingHours(Date.parse("2026-12-24T06:00:00Z"), short)).toBe(false);
    expect(inWorkingHours(Date.parse("2026-12-24T06:00:00Z"), cal())).toBe(true);
    // A make-up working Sunday.
    expect(inWorkingHours(Date.parse("2026-09-27T02:00:00Z"), cal({ "2026-09-27": ["09:00", "17:00"] }))).toBe(true);
  });
});
