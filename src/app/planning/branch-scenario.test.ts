import { describe, expect, it } from "vitest";
import type { BranchId, CounterId, ServiceId } from "../../domain/ids.ts";
import { MINUTE_MS } from "../../domain/ids.ts";
import { hourlyDemand } from "../../sim/planner.ts";
import type { Branch, Service } from "../../store/branches.ts";
import type { Counter } from "../../store/counters.ts";
import { type PlanningRow, sameWeekdaysBefore, scenarioFromHistory, weekdayOf } from "./branch-scenario.ts";

const B = "b1" as BranchId;
const CASH = "cash" as ServiceId;
const branch: Branch = {
  id: B,
  code: "T1",
  nameZh: "测试",
  nameEn: "Test",
  timezone: "Asia/Shanghai",
  openingHours: { "1": ["09:00", "17:00"], "0": null },
  targetWaitMinutes: 15,
  alarmWaitMinutes: 30,
  maxRecalls: 3,
  dispatchPolicy: "smart",
  noShowAfterSeconds: 300,
  minRecallGapSeconds: 10,
};
const services: Service[] = [
  {
    id: CASH,
    branchId: B,
    code: "CASH",
    nameZh: "现金",
    nameEn: "Cash",
    descriptionZh: "",
    descriptionEn: "",
    category: "cash",
    expectedMinutes: 4,
    prefix: "A",
    needsReview: false,
    requiredDocuments: [],
    sortOrder: 0,
    active: true,
    opensAt: null,
    closesAt: null,
    ticketCutoff: null,
    dailyCap: null,
  },
];
const counters: Counter[] = [
  {
    id: "c1" as CounterId,
    branchId: B,
    kind: "teller",
    skills: [{ serviceId: CASH, weight: 1 }],
    number: 1,
    name: "1",
    state: "closed",
    dispatchPolicy: null,
    signedInUserId: null,
    currentTicketId: null,
    lastTicketId: null,
    pauseReason: null,
  },
];

/** `n` cash customers at 10:xx Shanghai time on `day`, each served for `minutes`. */
function day(date: string, n: number, minutes: number): PlanningRow[] {
  const ten = Date.parse(`${date}T02:00:00Z`);
  return Array.from({ length: n }, (_, i) => {
    const issued = ten + i * MINUTE_MS;
    return {
      service_id: CASH,
      counter_id: "c1",
      day: date,
      priority: "normal",
      status: "done",
      issued_at: issued,
      called_at: issued + MINUTE_MS,
      started_at: issued + MINUTE_MS,
      completed_at: issued + (1 + minutes) * MINUTE_MS,
    };
  });
}

describe("the branch-day of a plan", () => {
  it("looks back at the same weekdays", () => {
    expect(weekdayOf("2026-11-23")).toBe(1);
    expect(sameWeekdaysBefore("2026-11-23", 3)).toEqual(["2026-11-16", "2026-11-09", "2026-11-02"]);
  });

  it("is the average of the branch's own same weekdays when there is enough history", () => {
    const rows = [...day("2026-11-16", 20, 5), ...day("2026-11-09", 30, 5)];
    const s = scenarioFromHistory({ branch, services, counters, rows, date: "2026-11-23" });
    expect(s).toBeDefined();
    if (!s) return;
    expect([s.openMinute, s.closeMinute]).toEqual([9 * 60, 17 * 60]);
    expect(hourlyDemand(s).arrivals[10]).toBeCloseTo(25, 10);
    expect(s.services[0]?.serviceTime).toMatchObject({ dist: "empirical" });
    expect(s.counters.map((c) => c.id)).toEqual(["c1"]);
  });

  it("is undefined when history is too thin or the branch is closed that weekday", () => {
    const thin = day("2026-11-16", 10, 5);
    expect(scenarioFromHistory({ branch, services, counters, rows: thin, date: "2026-11-23" })).toBeUndefined();
    const rows = [...day("2026-11-15", 20, 5), ...day("2026-11-08", 30, 5)];
    expect(scenarioFromHistory({ branch, services, counters, rows, date: "2026-11-22" })).toBeUndefined();
  });
});
