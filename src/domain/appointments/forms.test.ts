import { describe, expect, it } from "vitest";
import { answerProblems, type FormField, formProblems } from "./forms.ts";

const FORM: FormField[] = [
  {
    key: "purpose",
    type: "choice",
    labelZh: "用途",
    labelEn: "Purpose",
    required: true,
    options: ["salary", "savings"],
  },
  { key: "amount", type: "amount", labelZh: "金额", labelEn: "Amount", required: false },
  { key: "born", type: "date", labelZh: "出生日期", labelEn: "Date of birth", required: true },
  { key: "agree", type: "checkbox", labelZh: "同意", labelEn: "I agree", required: true },
  { key: "count", type: "number", labelZh: "数量", labelEn: "Count", required: false },
  { key: "note", type: "text", labelZh: "备注", labelEn: "Note", required: false },
];

describe("forms", () => {
  it("accepts complete answers of the right types", () => {
    expect(answerProblems(FORM, { purpose: "salary", amount: 1200.5, born: "1980-02-03", agree: true })).toEqual([]);
  });

  it("names missing, mistyped, unknown and unoffered answers", () => {
    expect(
      answerProblems(FORM, { purpose: "gold", amount: 1.234, born: "03/02/1980", count: "3", extra: "x" }),
    ).toEqual([
      { key: "extra", problem: "unknown" },
      { key: "purpose", problem: "option" },
      { key: "amount", problem: "type" },
      { key: "born", problem: "type" },
      { key: "agree", problem: "required" },
      { key: "count", problem: "type" },
    ]);
    expect(answerProblems(FORM, { purpose: "salary", born: "1980-02-03", agree: false })).toEqual([
      { key: "agree", problem: "required" },
    ]);
    expect(answerProblems(FORM, { purpose: "salary", born: "1980-02-03", agree: true, amount: -1 })).toEqual([
      { key: "amount", problem: "type" },
    ]);
  });

  it("checks a definition: keys, labels in both languages, options of a choice", () => {
    expect(formProblems(FORM)).toEqual([]);
    expect(
      formProblems([
        { key: "1x", type: "text", labelZh: "a", labelEn: "a", required: false },
        { key: "c", type: "choice", labelZh: "b", labelEn: "", required: false },
        { key: "c", type: "text", labelZh: "b", labelEn: "b", required: false },
      ]),
    ).toEqual([
      "fields[0].key must be letters, digits or _",
      "fields[1] needs a label in both languages",
      "fields[1] is a choice and needs options",
      'fields[2].key "c" is used twice',
    ]);
  });
});
