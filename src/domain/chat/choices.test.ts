import { describe, expect, it } from "vitest";
import { choiceNumber, pickChoice, wantsCancel } from "./choices.ts";

const SERVICES = [
  { id: "cash", names: ["个人现金业务", "Cash", "CASH"] },
  { id: "account", names: ["开户及账户业务", "Accounts", "ACCOUNT"] },
  { id: "corp", names: ["对公业务", "Business banking", "CORP"] },
  { id: "card", names: ["银行卡业务", "Card services", "CARD"] },
];

describe("guided self-service choices", () => {
  it("reads a choice's number written in many ways", () => {
    for (const [text, n] of [
      ["2", 2],
      ["２", 2],
      ["第2个", 2],
      ["第二个", 2],
      ["三", 3],
      ["2号", 2],
      ["no. 4", 4],
      ["option 1", 1],
      ["#3", 3],
      ["1。", 1],
    ] as const)
      expect(choiceNumber(text), text).toBe(n);
    for (const text of ["12345678", "二手房", "我要2个号", "abc"]) expect(choiceNumber(text), text).toBeNull();
  });

  it("picks by number, by name, by a part of the name or by code; nothing when unclear", () => {
    expect(pickChoice("2", SERVICES)).toBe("account");
    expect(pickChoice("第四个", SERVICES)).toBe("card");
    expect(pickChoice("9", SERVICES)).toBeNull();
    expect(pickChoice("个人现金业务", SERVICES)).toBe("cash");
    expect(pickChoice("对公", SERVICES)).toBe("corp");
    expect(pickChoice("我要办对公业务", SERVICES)).toBe("corp");
    expect(pickChoice("cash", SERVICES)).toBe("cash");
    expect(pickChoice("Card services", SERVICES)).toBe("card");
    // "业务" is in three names: not clear.
    expect(pickChoice("业务", SERVICES)).toBeNull();
    expect(pickChoice("外汇", SERVICES)).toBeNull();
    expect(pickChoice("", SERVICES)).toBeNull();
  });

  it("knows when the customer gives up", () => {
    for (const text of ["取消", "算了不取了", "cancel", "never mind", "No thanks"])
      expect(wantsCancel(text)).toBe(true);
    for (const text of ["2", "对公业务", "cash"]) expect(wantsCancel(text)).toBe(false);
  });
});
