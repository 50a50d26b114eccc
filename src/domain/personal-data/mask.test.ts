import { describe, expect, it } from "vitest";
import { maskFreeText, maskIdNumber, maskPhone, maskStringsIn, restoreMasked } from "./mask.ts";

describe("masking personal data", () => {
  it("masks a mobile number to its first three and last four digits", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(maskPhone("138 1234 5678")).toBe("138****5678");
    expect(maskPhone("138-1234-5678")).toBe("138****5678");
  });

  it("masks an ID number to its first six and last four characters, X included", () => {
    expect(maskIdNumber("11010119900307123X")).toBe("110101********123X");
    expect(maskIdNumber("440301199001011234")).toBe("440301********1234");
    expect(maskIdNumber("110101 19900307 123x")).toBe("110101********123x");
  });

  it("masks every mobile and ID number inside free text and leaves the rest", () => {
    expect(maskFreeText("客户电话13812345678，身份证11010119900307123X，已办结")).toBe(
      "客户电话138****5678，身份证110101********123X，已办结",
    );
    expect(maskFreeText("call 138 1234 5678 or 139-8765-4321")).toBe("call 138****5678 or 139****4321");
    expect(maskFreeText("+86 13812345678 / 8613912345678")).toBe("+86 138****5678 / 86139****5678");
    expect(maskFreeText("ID 440301 19900101 1234 verified")).toBe("ID 440301********1234 verified");
    expect(maskFreeText("身份证号４４０３０１１９９００１０１１２３Ｘ")).toBe("身份证号４４０３０１********１２３Ｘ");
    expect(maskFreeText("手机１３８１２３４５６７８")).toBe("手机１３８****５６７８");
    expect(maskFreeText(null)).toBeNull();
  });

  it("leaves numbers that are neither alone: amounts, dates, counter numbers, longer runs, other prefixes", () => {
    const untouched = [
      "存款 50000 元，2026-12-06 办理，3 号窗口",
      "卡号 6222021234567890123",
      "12812345678",
      "23812345678",
      "138123456789",
      "1381234567",
      "账户 1234567890123456",
    ];
    for (const text of untouched) expect(maskFreeText(text)).toBe(text);
  });
});

describe("masking the strings inside a value", () => {
  it("masks strings at any depth and keeps numbers, booleans and null", () => {
    expect(
      maskStringsIn({ reason: "客户13812345678", n: 13812345678, ok: true, none: null, list: ["11010119900307123X"] }),
    ).toEqual({ reason: "客户138****5678", n: 13812345678, ok: true, none: null, list: ["110101********123X"] });
  });
});

describe("restoreMasked", () => {
  const original = "客户手机 139-8765-4321，身份证 11010119900307123X";
  it("puts back the numbers an edit of the masked text still shows masked, keeps what was added", () => {
    expect(restoreMasked(`${maskFreeText(original)}；已改约`, original)).toBe(`${original}；已改约`);
    expect(restoreMasked(maskFreeText(original), original)).toBe(original);
  });
  it("leaves a deleted number deleted and a new number as typed", () => {
    expect(restoreMasked("身份证 110101********123X，新手机 13700001111", original)).toBe(
      "身份证 11010119900307123X，新手机 13700001111",
    );
    expect(restoreMasked("无", original)).toBe("无");
  });
  it("does not make up a number the original did not have", () => {
    expect(restoreMasked("138****5678", original)).toBe("138****5678");
  });
});
