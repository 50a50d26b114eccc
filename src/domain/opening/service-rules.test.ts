import { describe, expect, it } from "vitest";
import { availability, localMinuteOfDay, NO_RULES, rulesProblem, type ServiceRules } from "./service-rules.ts";

const rules = (r: Partial<ServiceRules>): ServiceRules => ({ ...NO_RULES, ...r });
const at = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

describe("business-type opening rules", () => {
  it("takes tickets at any time and in any number without rules", () => {
    expect(availability(NO_RULES, at("03:00"), 10_000)).toEqual({ open: true });
  });

  it("refuses before opening, says when it opens, and opens on the minute", () => {
    const r = rules({ opensAt: "09:00", closesAt: "17:00" });
    expect(availability(r, at("08:59"), 0)).toEqual({ open: false, reason: "not_open_yet", at: "09:00" });
    expect(availability(r, at("09:00"), 0)).toEqual({ open: true });
  });

  it("stops at the ticket cut-off, before closing; without a cut-off at closing", () => {
    const r = rules({ opensAt: "09:00", closesAt: "17:00", ticketCutoff: "16:30" });
    expect(availability(r, at("16:29"), 0)).toEqual({ open: true });
    expect(availability(r, at("16:30"), 0)).toEqual({ open: false, reason: "cut_off", at: "16:30" });
    expect(availability(rules({ closesAt: "17:00" }), at("17:00"), 0)).toMatchObject({
      reason: "cut_off",
      at: "17:00",
    });
    expect(availability(rules({ closesAt: "17:00" }), at("16:59"), 0)).toEqual({ open: true });
  });

  it("is full once the day's cap of numbers is handed out", () => {
    const r = rules({ dailyCap: 3 });
    expect(availability(r, at("10:00"), 2)).toEqual({ open: true });
    expect(availability(r, at("10:00"), 3)).toEqual({ open: false, reason: "full", cap: 3 });
  });

  it("finds rules that contradict each other", () => {
    expect(rulesProblem(rules({ opensAt: "17:00", closesAt: "09:00" }))).toBe("opens_after_closing");
    expect(rulesProblem(rules({ opensAt: "09:00", closesAt: "17:00", ticketCutoff: "17:30" }))).toBe(
      "cutoff_outside_hours",
    );
    expect(rulesProblem(rules({ opensAt: "09:00", ticketCutoff: "08:00" }))).toBe("cutoff_outside_hours");
    expect(rulesProblem(rules({ opensAt: "09:00", closesAt: "17:00", ticketCutoff: "16:30" }))).toBeNull();
  });

  it("reads the branch-local minute of an instant", () => {
    // 01:30 UTC is 09:30 in Shanghai and 20:30 the day before in New York (EST).
    expect(localMinuteOfDay(Date.parse("2026-11-23T01:30:00Z"), "Asia/Shanghai")).toBe(at("09:30"));
    expect(localMinuteOfDay(Date.parse("2026-11-23T01:30:00Z"), "America/New_York")).toBe(at("20:30"));
    expect(localMinuteOfDay(Date.parse("2026-11-23T16:00:00Z"), "Asia/Shanghai")).toBe(0);
  });
});
