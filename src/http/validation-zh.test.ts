import { type TSchema, Type } from "@sinclair/typebox";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerErrorHandling } from "./errors.ts";
import { Pattern } from "./schemas.ts";
import { AJV_OPTIONS } from "./server.ts";
import { type SchemaIssue, schemaMessageZh } from "./validation-zh.ts";

const Priority = Type.Union([Type.Literal("normal"), Type.Literal("vip1"), Type.Literal("care")]);
const Body = Type.Object(
  {
    serviceId: Type.String({ minLength: 1, maxLength: 64 }),
    priority: Type.Optional(Priority),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 9 })),
    at: Type.Optional(Type.String({ format: "date-time" })),
    note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    tags: Type.Optional(Type.Array(Type.Object({ name: Type.String() }), { maxItems: 2 })),
    policy: Type.Optional(Type.Union([Type.Union([Type.Literal("fifo"), Type.Literal("smart")]), Type.Null()])),
    hours: Type.Optional(Type.Union([Type.Tuple([Type.String(), Type.String()]), Type.Null()])),
    hex: Type.Optional(Type.String({ pattern: "^[0-9a-f]+$" })),
  },
  { additionalProperties: false },
);
const Code = Type.Object({ code: Pattern("^[A-Z]+$", "大写字母，如 ABC", { minLength: 1 }) });

// The errors come from Fastify's own validation with Datang's options, through Datang's error handler.
const app = Fastify({ ajv: AJV_OPTIONS });
registerErrorHandling(app);
const ok = async () => ({ ok: true });
app.post("/body", { schema: { body: Body as TSchema } }, ok);
app.get("/path/:code", { schema: { params: Code } }, ok);
app.get("/query", { schema: { querystring: Code } }, ok);
beforeAll(() => app.ready());
afterAll(() => app.close());

async function zh(request: { method: "GET" | "POST"; url: string; payload?: object }) {
  const res = await app.inject({ ...request, headers: { "accept-language": "zh-CN" } });
  expect(res.statusCode).toBe(400);
  expect(res.json().error).toBe("invalid_request");
  return res.json().message as string;
}

describe("schema errors in Chinese", () => {
  it.each([
    [{}, "请求内容不正确：请求体缺少必填字段 serviceId。"],
    [{ serviceId: 42 }, "请求内容不正确：请求体中的 serviceId 应为字符串。"],
    [{ serviceId: "" }, "请求内容不正确：请求体中的 serviceId 不能为空。"],
    [{ serviceId: "x".repeat(65) }, "请求内容不正确：请求体中的 serviceId 不能超过 64 个字符。"],
    [
      { serviceId: "s", priority: "gold" },
      "请求内容不正确：请求体中的 priority 应为以下之一：“normal”、“vip1”、“care”。",
    ],
    [{ serviceId: "s", count: 0 }, "请求内容不正确：请求体中的 count 不能小于 1。"],
    [{ serviceId: "s", count: 1.5 }, "请求内容不正确：请求体中的 count 应为整数。"],
    [
      { serviceId: "s", at: "tomorrow" },
      "请求内容不正确：请求体中的 at 应为日期时间（如 2026-11-23T09:30:00+08:00）。",
    ],
    [{ serviceId: "s", note: 7 }, "请求内容不正确：请求体中的 note 应为字符串或空值（null）。"],
    [{ serviceId: "s", tags: [{ name: 1 }] }, "请求内容不正确：请求体中的 tags[0].name 应为字符串。"],
    [
      { serviceId: "s", tags: [{ name: "a" }, { name: "b" }, { name: "c" }] },
      "请求内容不正确：请求体中的 tags 不能超过 2 项。",
    ],
    // Every branch of a union failed: one sentence of alternatives, not rules that would all have to hold.
    [
      { serviceId: "s", policy: "nope" },
      "请求内容不正确：请求体中的 policy 应为以下之一：“fifo”、“smart”，或应为空值（null）。",
    ],
    [{ serviceId: "s", hours: ["09:00"] }, "请求内容不正确：请求体中的 hours 至少需要 2 项，或应为空值（null）。"],
    // A pattern nobody described in words is still named.
    [{ serviceId: "s", hex: "xyz" }, "请求内容不正确：请求体中的 hex 格式不正确（应符合 ^[0-9a-f]+$）。"],
    [{ serviceId: "s", phone: "13800000000" }, "请求内容不正确：请求体含有不支持的字段 phone。"],
  ])("%j → %s", async (value, expected) => {
    expect(await zh({ method: "POST", url: "/body", payload: value })).toBe(expected);
  });

  it("names the part of the request", async () => {
    expect(await zh({ method: "GET", url: "/path/abc" })).toBe(
      "请求内容不正确：路径参数中的 code 格式不正确，应为大写字母，如 ABC。",
    );
    expect(await zh({ method: "GET", url: "/query" })).toBe("请求内容不正确：查询参数缺少必填字段 code。");
  });

  it("keeps English for English readers", async () => {
    const res = await app.inject({ method: "POST", url: "/body", payload: { serviceId: 42 } });
    expect(res.json()).toMatchObject({ error: "invalid_request", message: "body/serviceId must be string" });
  });

  it("keeps ajv's words for a keyword it does not know, and says nothing without errors", () => {
    const odd: SchemaIssue = { keyword: "dependentRequired", instancePath: "/a", message: "must have property b" };
    expect(schemaMessageZh([odd], "body")).toBe("请求内容不正确：请求体中的 a 不正确（must have property b）。");
    expect(schemaMessageZh([], "body")).toBeUndefined();
  });
});
