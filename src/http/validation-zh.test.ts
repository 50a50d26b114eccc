import { type TSchema, Type } from "@sinclair/typebox";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { type SchemaIssue, schemaMessageZh } from "./validation-zh.ts";

// The errors come from a real ajv with the options Fastify uses (one error unless a union needs more).
const ajv = addFormats(new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false }));

function issues(schema: TSchema, value: unknown): SchemaIssue[] {
  const validate = ajv.compile(schema);
  expect(validate(value)).toBe(false);
  return (validate.errors ?? []) as SchemaIssue[];
}

const Priority = Type.Union([Type.Literal("normal"), Type.Literal("vip1"), Type.Literal("care")]);
const Body = Type.Object(
  {
    serviceId: Type.String({ minLength: 1, maxLength: 64 }),
    priority: Type.Optional(Priority),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 9 })),
    at: Type.Optional(Type.String({ format: "date-time" })),
    note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    tags: Type.Optional(Type.Array(Type.Object({ name: Type.String() }), { maxItems: 2 })),
  },
  { additionalProperties: false },
);

describe("schema errors in Chinese", () => {
  it.each([
    [{}, "请求内容不正确：请求体缺少必填字段 serviceId。"],
    [{ serviceId: 42 }, "请求内容不正确：请求体的 serviceId 应为文本。"],
    [{ serviceId: "" }, "请求内容不正确：请求体的 serviceId 不能为空。"],
    [{ serviceId: "x".repeat(65) }, "请求内容不正确：请求体的 serviceId 最多 64 个字符。"],
    [
      { serviceId: "s", priority: "gold" },
      "请求内容不正确：请求体的 priority 应为以下之一：“normal”、“vip1”、“care”。",
    ],
    [{ serviceId: "s", count: 0 }, "请求内容不正确：请求体的 count 不能小于 1。"],
    [{ serviceId: "s", count: 1.5 }, "请求内容不正确：请求体的 count 应为整数。"],
    [{ serviceId: "s", at: "tomorrow" }, "请求内容不正确：请求体的 at 应为日期时间（如 2026-11-23T09:30:00+08:00）。"],
    [{ serviceId: "s", note: 7 }, "请求内容不正确：请求体的 note 应为文本或空值（null）。"],
    [{ serviceId: "s", tags: [{ name: 1 }] }, "请求内容不正确：请求体的 tags[0].name 应为文本。"],
    [
      { serviceId: "s", tags: [{ name: "a" }, { name: "b" }, { name: "c" }] },
      "请求内容不正确：请求体的 tags 最多 2 项。",
    ],
    [{ serviceId: "s", phone: "13800000000" }, "请求内容不正确：请求体含有不支持的字段 phone。"],
  ])("%j → %s", (value, expected) => {
    expect(schemaMessageZh(issues(Body, value), "body")).toBe(expected);
  });

  it("names the part of the request", () => {
    const found = issues(Type.Object({ branchId: Type.String({ minLength: 1 }) }), { branchId: "" });
    expect(schemaMessageZh(found, "params")).toBe("请求内容不正确：路径参数的 branchId 不能为空。");
    expect(schemaMessageZh(found, "querystring")).toBe("请求内容不正确：查询参数的 branchId 不能为空。");
  });

  it("keeps ajv's words for a keyword it does not know, and says nothing without errors", () => {
    const odd: SchemaIssue = { keyword: "dependentRequired", instancePath: "/a", message: "must have property b" };
    expect(schemaMessageZh([odd], "body")).toBe("请求内容不正确：请求体的 a 不正确（must have property b）。");
    expect(schemaMessageZh([], "body")).toBeUndefined();
  });
});
