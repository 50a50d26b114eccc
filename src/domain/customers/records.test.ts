import { describe, expect, it } from "vitest";
import { ageOn, birthDateFromId, newCustomerCode, residentIdChecks, reverseDigits, ruleSegments } from "./records.ts";

describe("customer record rules", () => {
  it("reverses the national digits", () => {
    expect(reverseDigits("+8613812345678")).toBe("87654321831");
    expect(reverseDigits("+447911123456")).toBe("654321119744");
  });
  it("makes codes of K and 10 base-32 characters", () => {
    expect(newCustomerCode(new Uint8Array([0, 1, 2, 31, 32, 33, 10, 20, 30, 255]))).toBe("K012Z01AMYZ");
  });
  it("reads the birth date of an ID number and checks its check character", () => {
    expect(birthDateFromId("11010519491231002X")).toBe("1949-12-31");
    expect(residentIdChecks("11010519491231002X")).toBe(true);
    expect(residentIdChecks("110105194912310021")).toBe(false);
  });
  it("counts whole years and makes 60-year-olds elderly", () => {
    expect(ageOn("1966-11-24", "2026-11-23")).toBe(59);
    expect(ageOn("1966-11-23", "2026-11-23")).toBe(60);
    expect(ruleSegments({ birthDate: "1966-11-23", idNumber: null }, "2026-11-23")).toEqual(["elderly"]);
    expect(ruleSegments({ birthDate: null, idNumber: "11010519491231002X" }, "2026-11-23")).toEqual(["elderly"]);
    expect(ruleSegments({ birthDate: "1990-01-01", idNumber: null }, "2026-11-23")).toEqual([]);
  });
});
