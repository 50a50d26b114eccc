import { describe, expect, it } from "vitest";
import { maskFreeText, maskStringsIn, nameForms, restoreMasked } from "./mask.ts";

describe("a known customer's name in free text", () => {
  it("masks the full name to its surname and the given name whole", () => {
    expect(maskFreeText("客户张三丰来电，三丰说手机 13812345678", ["张三丰"])).toBe(
      "客户张**来电，**说手机 138****5678",
    );
    expect(maskFreeText("欧阳小明和小明", ["欧阳小明"])).toBe("欧阳**和**");
    // A one-character given name is not hidden alone (明天 is a word); the full name is.
    expect(maskFreeText("王明来了，明天再来", ["王明"])).toBe("王*来了，明天再来");
    expect(maskFreeText("Mr John Smith called; john said hi. Johnny no.", ["John Smith"])).toBe(
      "Mr J*** S**** called; J*** said hi. Johnny no.",
    );
    expect(maskStringsIn({ reason: "张三丰不满意" }, ["张三丰"])).toEqual({ reason: "张**不满意" });
  });

  it("leaves text without names as the number masking alone leaves it", () => {
    expect(maskFreeText("张三丰来电", [])).toBe("张三丰来电");
    expect(maskFreeText("张三丰来电")).toBe("张三丰来电");
    expect(nameForms("")).toEqual([]);
  });

  it("puts the name back into an edit of the masked text", () => {
    expect(
      restoreMasked("客户张**来电，**说手机 138****5678，已回电", "客户张三丰来电，三丰说手机 13812345678", ["张三丰"]),
    ).toBe("客户张三丰来电，三丰说手机 13812345678，已回电");
  });
});
