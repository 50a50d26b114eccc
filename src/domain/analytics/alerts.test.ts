import { describe, expect, it } from "vitest";
import { type AlertRuleSpec, type AlertTicket, alertFigure, nextAlertState, ruleProblem } from "./alerts.ts";
import { cronPattern, periodBefore } from "./report-period.ts";

const MIN = 60_000;
const NOW = Date.parse("2026-11-23T03:00:00Z");
const at = (minutesAgo: number) => NOW - minutesAgo * MIN;

/** Hand-made tickets; each comment gives the wait. */
const TICKETS: AlertTicket[] = [
  // Called 5 min ago after 25 min: in a 15-min window.
  { serviceId: "cash", status: "serving", issuedAt: at(30), firstCalledAt: at(5), completedAt: null },
  // Called 10 min ago after 8 min: in the window.
  { serviceId: "card", status: "done", issuedAt: at(18), firstCalledAt: at(10), completedAt: at(2) },
  // Called 20 min ago after 40 min: outside a 15-min window.
  { serviceId: "cash", status: "done", issuedAt: at(60), firstCalledAt: at(20), completedAt: at(12) },
  // Called exactly 15 min ago after 12 min: the window's start is excluded.
  { serviceId: "cash", status: "done", issuedAt: at(27), firstCalledAt: at(15), completedAt: at(9) },
  // Waiting for 22 and 3 minutes.
  { serviceId: "cash", status: "waiting", issuedAt: at(22), firstCalledAt: null, completedAt: null },
  { serviceId: "card", status: "waiting", issuedAt: at(3), firstCalledAt: null, completedAt: null },
  // No-shows: one 4 min ago (called 7 min ago after 6 min), one 40 min ago.
  { serviceId: "cash", status: "no_show", issuedAt: at(13), firstCalledAt: at(7), completedAt: at(4) },
  { serviceId: "card", status: "no_show", issuedAt: at(70), firstCalledAt: at(50), completedAt: at(40) },
];

const rule = (over: Partial<AlertRuleSpec>): AlertRuleSpec => ({
  metric: "meanWait",
  windowMinutes: 15,
  comparison: "above",
  threshold: 20,
  serviceId: null,
  ...over,
});

describe("alert figures", () => {
  it("mean wait of the tickets first called in the window", () => {
    // 25, 8 and 6 minutes: 13.
    expect(alertFigure(rule({}), TICKETS, NOW, 15)).toBe(13);
    // Cash only: 25 and 6: 15.5.
    expect(alertFigure(rule({ serviceId: "cash" }), TICKETS, NOW, 15)).toBe(15.5);
    // 60 minutes: also 40, 12 and (called 50 min ago) 20: (25+8+40+12+6+20)/6 = 18.5.
    expect(alertFigure(rule({ windowMinutes: 60 }), TICKETS, NOW, 15)).toBe(18.5);
    // Nobody called in the last 2 minutes: no figure.
    expect(alertFigure(rule({ windowMinutes: 2 }), TICKETS, NOW, 15)).toBeNull();
  });

  it("longest current wait and waiting count ignore the window", () => {
    expect(alertFigure(rule({ metric: "longestWait", windowMinutes: 1 }), TICKETS, NOW, 15)).toBe(22);
    expect(alertFigure(rule({ metric: "longestWait", serviceId: "card" }), TICKETS, NOW, 15)).toBe(3);
    expect(alertFigure(rule({ metric: "longestWait", serviceId: "none" }), TICKETS, NOW, 15)).toBe(0);
    expect(alertFigure(rule({ metric: "waitingCount", windowMinutes: 1 }), TICKETS, NOW, 15)).toBe(2);
  });

  it("within-target share in percent, and no-shows in the window", () => {
    // Waits 25, 8, 6 against a target of 15: 2 of 3.
    expect(alertFigure(rule({ metric: "withinTargetShare" }), TICKETS, NOW, 15)).toBe(66.7);
    // Target 25: a wait equal to the target is within.
    expect(alertFigure(rule({ metric: "withinTargetShare" }), TICKETS, NOW, 25)).toBe(100);
    expect(alertFigure(rule({ metric: "noShowCount" }), TICKETS, NOW, 15)).toBe(1);
    expect(alertFigure(rule({ metric: "noShowCount", windowMinutes: 60 }), TICKETS, NOW, 15)).toBe(2);
  });
});

describe("firing once per breach", () => {
  it("fires when an armed rule breaches, stays while it lasts, clears and fires again", () => {
    const r = rule({ threshold: 20 });
    expect(nextAlertState(false, 20, r)).toBe("stay");
    expect(nextAlertState(false, 20.1, r)).toBe("fire");
    expect(nextAlertState(true, 30, r)).toBe("stay");
    expect(nextAlertState(true, null, r)).toBe("stay");
    expect(nextAlertState(true, 19, r)).toBe("clear");
    expect(nextAlertState(false, null, r)).toBe("stay");
    expect(nextAlertState(false, 21, r)).toBe("fire");
    const below = rule({ metric: "withinTargetShare", comparison: "below", threshold: 80 });
    expect(nextAlertState(false, 79.9, below)).toBe("fire");
    expect(nextAlertState(true, 80, below)).toBe("clear");
  });

  it("checks a rule's numbers", () => {
    expect(ruleProblem(rule({}))).toBeNull();
    expect(ruleProblem(rule({ windowMinutes: 0 }))?.field).toBe("windowMinutes");
    expect(ruleProblem(rule({ windowMinutes: 1.5 }))?.field).toBe("windowMinutes");
    expect(ruleProblem(rule({ threshold: -1 }))?.field).toBe("threshold");
    expect(ruleProblem(rule({ metric: "withinTargetShare", threshold: 101 }))?.field).toBe("threshold");
  });
});

describe("report periods", () => {
  it("daily, weekly and monthly cover the period that ended", () => {
    expect(periodBefore("daily", "2026-11-23")).toEqual({ from: "2026-11-22", to: "2026-11-22", key: "2026-11-22" });
    // Monday 23 November 2026: the week of 16–22 November, ISO week 47.
    expect(periodBefore("weekly", "2026-11-23")).toEqual({ from: "2026-11-16", to: "2026-11-22", key: "2026-W47" });
    // A Wednesday: still the last full week.
    expect(periodBefore("weekly", "2026-11-25")).toEqual({ from: "2026-11-16", to: "2026-11-22", key: "2026-W47" });
    expect(periodBefore("monthly", "2026-03-01")).toEqual({ from: "2026-02-01", to: "2026-02-28", key: "2026-02" });
    expect(periodBefore("monthly", "2027-01-01")).toEqual({ from: "2026-12-01", to: "2026-12-31", key: "2026-12" });
  });

  it("cron patterns", () => {
    expect(cronPattern("daily", "07:30")).toBe("30 7 * * *");
    expect(cronPattern("weekly", "08:05")).toBe("5 8 * * 1");
    expect(cronPattern("monthly", "23:59")).toBe("59 23 1 * *");
    expect(() => cronPattern("daily", "24:00")).toThrow();
  });
});
