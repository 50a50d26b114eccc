import { describe, expect, it } from "vitest";
import { maskCustomerEmail, maskCustomerPhone, maskId, maskIdentity, maskName } from "./mask-customer.ts";

describe("customer masking", () => {
  it("masks Chinese names keeping the first and last character", () => {
    expect(maskName("王小明")).toBe("王*明");
    expect(maskName("王明")).toBe("王*");
    expect(maskName("欧阳小明")).toBe("欧**明");
    expect(maskName("王")).toBe("*");
    expect(maskName("  ")).toBe("");
  });
  it("masks Latin names word by word", () => {
    expect(maskName("John Smith")).toBe("J*** S****");
    expect(maskName("Li")).toBe("L*");
    expect(maskName("John")).toBe("J***");
  });
  it("masks phones to 138****5678 and keeps other countries' codes", () => {
    expect(maskCustomerPhone("+8613812345678")).toBe("138****5678");
    expect(maskCustomerPhone("+447911123456")).toBe("+447****3456");
  });
  it("keeps the first 6 and last 4 of an ID number", () => {
    expect(maskId("110101199003071234")).toBe("110101********1234");
    expect(maskId("11010119900307123X")).toBe("110101********123X");
    expect(maskId("12345")).toBe("*****");
  });
  it("masks e-mail and a whole identity; the masked values hide the middle digits", () => {
    expect(maskCustomerEmail("zhang.san@example.com")).toBe("z***@example.com");
    const masked = maskIdentity({
      name: "王小明",
      phone: "+8613812345678",
      idNumber: "110101199003071234",
      email: null,
    });
    expect(masked).toEqual({ name: "王*明", phone: "138****5678", idNumber: "110101********1234", email: null });
    expect(JSON.stringify(masked)).not.toMatch(/13812345678|19900307/);
  });
});
