import { describe, expect, it } from "vitest";
import { csvField, fromCsvText, notAFormula } from "./csv.ts";

describe("csvField", () => {
  it("makes text that starts like a formula text: =, +, -, @, tab, CR", () => {
    expect(csvField('=HYPERLINK("http://x.example","a")')).toBe('"\'=HYPERLINK(""http://x.example"",""a"")"');
    expect(csvField("+1+2")).toBe("'+1+2");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\t=1+1")).toBe("'\t=1+1");
    expect(csvField("\r=1+1")).toBe('"\'\r=1+1"');
    expect(notAFormula("a=b")).toBe("a=b");
  });

  it("quotes a quote, a comma or a line break (RFC 4180), or always when asked; leaves numbers and plain text", () => {
    expect(csvField('说"明"')).toBe('"说""明"""');
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField("a\nb")).toBe('"a\nb"');
    expect(csvField("高峰期")).toBe("高峰期");
    expect(csvField("x", { quote: "always" })).toBe('"x"');
    expect(csvField(-3)).toBe("-3");
    expect(csvField(0.5)).toBe("0.5");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined, { quote: "always" })).toBe('""');
  });
});

describe("fromCsvText", () => {
  it("takes back exactly the apostrophe notAFormula added, so every text survives the round trip", () => {
    for (const text of ["=1+1", "'=1+1", "''@x", "-3", "it's", "'quoted'", "plain", "", "+86 138"]) {
      expect(fromCsvText(notAFormula(text))).toBe(text);
    }
    expect(notAFormula("'=1+1")).toBe("''=1+1");
    expect(fromCsvText("'plain")).toBe("'plain");
  });
});
