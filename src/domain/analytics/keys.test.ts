import { describe, expect, it } from "vitest";
import { lastDayOfMonth, splitByMonths } from "./keys.ts";

describe("calendar keys", () => {
  it("knows each month's last day", () => {
    expect(lastDayOfMonth("2026-02")).toBe("2026-02-28");
    expect(lastDayOfMonth("2028-02")).toBe("2028-02-29");
    expect(lastDayOfMonth("2026-12")).toBe("2026-12-31");
    expect(lastDayOfMonth("2026-11")).toBe("2026-11-30");
  });

  it("splits a range into whole months and the days around them", () => {
    expect(splitByMonths("2025-11-01", "2026-10-31")).toEqual({ months: ["2025-11", "2026-10"], days: [] });
    expect(splitByMonths("2025-11-15", "2026-02-03")).toEqual({
      months: ["2025-12", "2026-01"],
      days: [
        ["2025-11-15", "2025-11-30"],
        ["2026-02-01", "2026-02-03"],
      ],
    });
    expect(splitByMonths("2026-02-01", "2026-02-28")).toEqual({ months: ["2026-02", "2026-02"], days: [] });
    expect(splitByMonths("2026-02-02", "2026-02-28")).toEqual({ months: null, days: [["2026-02-02", "2026-02-28"]] });
    expect(splitByMonths("2026-01-31", "2026-03-01")).toEqual({
      months: ["2026-02", "2026-02"],
      days: [
        ["2026-01-31", "2026-01-31"],
        ["2026-03-01", "2026-03-01"],
      ],
    });
    expect(splitByMonths("2026-11-10", "2026-11-12")).toEqual({ months: null, days: [["2026-11-10", "2026-11-12"]] });
  });
});
