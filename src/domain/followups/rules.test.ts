import { describe, expect, it } from "vitest";
import {
  afterNoAnswer,
  type BranchCalendar,
  DEFAULT_POLICY,
  daysToDue,
  followupClockAction,
  followupDueAt,
  marketingAllowed,
} from "./rules.ts";

const HOURS = {
  "1": ["09:00", "17:00"],
  "2": ["09:00", "17:00"],
  "3": ["09:00", "17:00"],
  "4": ["09:00", "17:00"],
  "5": ["09:00", "17:00"],
  "6": ["09:00", "16:00"],
  "0": null,
} as const;
const SHANGHAI: BranchCalendar = { timeZone: "Asia/Shanghai", hours: HOURS, special: {} };
/** Monday 2026-11-23, 16:30 in Shanghai. */
const MON = Date.parse("2026-11-23T08:30:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

describe("follow-up due dates on the branch's calendar (the complaint clock's)", () => {
  it("is the close of business of the branch-local day N days on, when the branch opens that day", () => {
    expect(iso(followupDueAt(MON, 3, SHANGHAI))).toBe("2026-11-26T09:00:00.000Z"); // Thursday 17:00
    expect(iso(followupDueAt(MON, 5, SHANGHAI))).toBe("2026-11-28T08:00:00.000Z"); // Saturday: open until 16:00
  });
  it("moves on past Sundays and closed days, to that day's closing time", () => {
    expect(iso(followupDueAt(MON, 6, SHANGHAI))).toBe("2026-11-30T09:00:00.000Z"); // Sunday → Monday 17:00
    const closed = { ...SHANGHAI, special: { "2026-11-30": null, "2026-12-01": null } };
    expect(iso(followupDueAt(MON, 6, closed))).toBe("2026-12-02T09:00:00.000Z");
  });
  it("is due at a short day's own closing time", () => {
    const short = { ...SHANGHAI, special: { "2026-11-26": ["09:00", "12:00"] as const } };
    expect(iso(followupDueAt(MON, 3, short))).toBe("2026-11-26T04:00:00.000Z"); // Thursday 12:00
  });
  it("falls on a Sunday the branch opens by exception (调休), at that day's hours", () => {
    const makeUp = { ...SHANGHAI, special: { "2026-11-29": ["10:00", "15:00"] as const } };
    expect(iso(followupDueAt(MON, 6, makeUp))).toBe("2026-11-29T07:00:00.000Z"); // Sunday 15:00
  });
  it("counts days in the branch's zone, not UTC (23:30 local is already the next UTC day)", () => {
    const lateMonday = Date.parse("2026-11-23T15:30:00Z"); // 23:30 Monday in Shanghai
    expect(iso(followupDueAt(lateMonday, 1, SHANGHAI))).toBe("2026-11-24T09:00:00.000Z");
    expect(daysToDue(followupDueAt(lateMonday, 1, SHANGHAI), lateMonday, "Asia/Shanghai")).toBe(1);
  });
});

describe("the follow-up clock", () => {
  const due = Date.parse("2026-11-30T09:00:00.000Z"); // Monday 30th, 17:00
  const task = { dueAt: due, assigneeId: "u1", remindedAt: null, escalatedAt: null };
  const at = (local: string) => Date.parse(`${local}+08:00`);
  it("reminds the assignee within the reminder days, inside working hours only", () => {
    expect(followupClockAction(task, at("2026-11-28T10:00:00"), SHANGHAI, 1)).toBeNull(); // two days before
    expect(followupClockAction(task, at("2026-11-29T10:00:00"), SHANGHAI, 1)).toBeNull(); // Sunday: closed
    expect(followupClockAction(task, at("2026-11-30T08:59:00"), SHANGHAI, 1)).toBeNull(); // before opening
    expect(followupClockAction(task, at("2026-11-30T09:00:00"), SHANGHAI, 1)).toBe("remind");
    expect(followupClockAction(task, at("2026-11-28T10:00:00"), SHANGHAI, 2)).toBe("remind");
  });
  it("reminds nobody when unassigned and once only", () => {
    expect(followupClockAction({ ...task, assigneeId: null }, at("2026-11-30T10:00:00"), SHANGHAI, 1)).toBeNull();
    expect(followupClockAction({ ...task, remindedAt: 1 }, at("2026-11-30T10:00:00"), SHANGHAI, 1)).toBeNull();
  });
  it("escalates once after the due date, inside working hours, assigned or not", () => {
    expect(followupClockAction(task, at("2026-11-30T17:30:00"), SHANGHAI, 1)).toBeNull(); // past, but closed
    expect(followupClockAction(task, at("2026-12-01T08:00:00"), SHANGHAI, 1)).toBeNull();
    expect(followupClockAction(task, at("2026-12-01T09:30:00"), SHANGHAI, 1)).toBe("escalate");
    expect(followupClockAction({ ...task, assigneeId: null }, at("2026-12-01T09:30:00"), SHANGHAI, 1)).toBe("escalate");
    expect(followupClockAction({ ...task, escalatedAt: 1 }, at("2026-12-01T09:30:00"), SHANGHAI, 1)).toBeNull();
  });
  it("is silent on a closed day and on a short day's afternoon", () => {
    const cal = { ...SHANGHAI, special: { "2026-12-01": null, "2026-12-02": ["09:00", "12:00"] as const } };
    expect(followupClockAction(task, at("2026-12-01T10:00:00"), cal, 1)).toBeNull();
    expect(followupClockAction(task, at("2026-12-02T13:00:00"), cal, 1)).toBeNull();
    expect(followupClockAction(task, at("2026-12-02T11:00:00"), cal, 1)).toBe("escalate");
  });
});

describe("marketing contact", () => {
  it("needs a current consent and stays under the cap", () => {
    expect(marketingAllowed(undefined, 0, DEFAULT_POLICY)).toEqual({ ok: false, reason: "no_consent" });
    expect(marketingAllowed(false, 0, DEFAULT_POLICY)).toEqual({ ok: false, reason: "no_consent" });
    expect(marketingAllowed(true, 1, DEFAULT_POLICY)).toEqual({ ok: true });
    expect(marketingAllowed(true, 2, DEFAULT_POLICY)).toEqual({ ok: false, reason: "cap" });
    expect(marketingAllowed(true, 0, { ...DEFAULT_POLICY, marketingCap: 0 })).toEqual({ ok: false, reason: "cap" });
  });
});

describe("no answer: another attempt on the next working day, up to the policy's attempts", () => {
  it("retries at the close of the next open day, skipping Sundays and closed days", () => {
    expect(afterNoAnswer(1, 3, MON, SHANGHAI)).toEqual({ retry: true, dueAt: Date.parse("2026-11-24T09:00:00.000Z") });
    const saturday = Date.parse("2026-11-28T03:00:00Z");
    const closed = { ...SHANGHAI, special: { "2026-11-30": null } };
    expect(afterNoAnswer(2, 3, saturday, closed)).toEqual({
      retry: true,
      dueAt: Date.parse("2026-12-01T09:00:00.000Z"),
    });
  });
  it("stops at the last attempt", () => {
    expect(afterNoAnswer(3, 3, MON, SHANGHAI)).toEqual({ retry: false });
    expect(afterNoAnswer(1, 1, MON, SHANGHAI)).toEqual({ retry: false });
  });
});
