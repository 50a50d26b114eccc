/**
 * Schema errors in Chinese. Fastify reports a request that fails its route schema with ajv's English
 * ("body/serviceId must be string"); staff and integrators reading Chinese get the same facts in a Chinese
 * sentence: where (body, path, query, header), which field, and what was expected. Keywords this does not
 * know fall back to a Chinese lead with ajv's own text, so nothing is ever hidden.
 */
import { labelOf, NOT_BLANK_PATTERNS } from "./field-labels.ts";
import { PATTERNS_ZH } from "./schemas.ts";

/** One ajv error as Fastify passes it on (`error.validation`). */
export interface SchemaIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params?: Record<string, unknown>;
  readonly message?: string;
}

const PLACES: Readonly<Record<string, string>> = {
  body: "请求体",
  params: "路径参数",
  querystring: "查询参数",
  headers: "请求头",
};

const TYPES: Readonly<Record<string, string>> = {
  string: "字符串",
  number: "数字",
  integer: "整数",
  boolean: "布尔值（true 或 false）",
  object: "对象",
  array: "数组",
  null: "空值（null）",
};

const FORMATS: Readonly<Record<string, string>> = {
  "date-time": "日期时间（如 2026-11-23T09:30:00+08:00）",
  date: "日期（如 2026-11-23）",
  time: "时间（如 09:30:00）",
  email: "电子邮箱地址",
  uri: "网址",
  uuid: "UUID",
};

function quote(value: unknown): string {
  return typeof value === "string" ? `“${value}”` : JSON.stringify(value);
}

/** "/priority" → "priority", "/items/0/name" → "items[0].name"; the root is "". */
function fieldName(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join("");
}

/** Where the problem is: the part of the request, and the field within it (a labelled field by its label). */
function placeOf(issue: SchemaIssue, place: string): string {
  const label = labelOf(String(issue.instancePath ?? ""));
  if (label && issue.keyword !== "required" && issue.keyword !== "additionalProperties") return label.zh;
  const field = fieldName(String(issue.instancePath ?? ""));
  return field ? `${place}中的 ${field} ` : place;
}

/** Whether the sentence for `issue` names a labelled field (and so needs no "request is wrong" lead). */
function labelled(issue: SchemaIssue): boolean {
  if (issue.keyword === "required") return labelOf("", String(issue.params?.missingProperty)) !== undefined;
  if (issue.keyword === "additionalProperties") return false;
  return labelOf(String(issue.instancePath ?? "")) !== undefined;
}

/** What is wrong with it, as the rest of the sentence. */
function problem(issue: SchemaIssue): string {
  const p = issue.params ?? {};
  const limit = String(p.limit);
  switch (issue.keyword) {
    case "required": {
      const label = labelOf("", String(p.missingProperty));
      return label ? `请填写${label.zh}` : `缺少必填字段 ${String(p.missingProperty)}`;
    }
    case "additionalProperties":
      return `含有不支持的字段 ${String(p.additionalProperty)}`;
    case "type":
      return `应为${String(p.type)
        .split(",")
        .map((t) => TYPES[t] ?? t)
        .join("或")}`;
    case "minLength":
      return p.limit === 1 ? "不能为空" : `至少 ${limit} 个字符`;
    case "maxLength":
      return `不能超过 ${limit} 个字符`;
    case "minimum":
      return `不能小于 ${limit}`;
    case "maximum":
      return `不能大于 ${limit}`;
    case "exclusiveMinimum":
      return `应大于 ${limit}`;
    case "exclusiveMaximum":
      return `应小于 ${limit}`;
    case "multipleOf":
      return `应为 ${String(p.multipleOf)} 的倍数`;
    case "minItems":
      return p.limit === 1 ? "不能为空" : `至少需要 ${limit} 项`;
    case "maxItems":
      return `不能超过 ${limit} 项`;
    case "uniqueItems":
      return "不能有重复项";
    case "minProperties":
      return `至少需要 ${limit} 个字段`;
    case "maxProperties":
      return `不能超过 ${limit} 个字段`;
    case "enum": {
      const allowed = Array.isArray(p.allowedValues) ? p.allowedValues.map(quote).join("、") : "";
      return allowed ? `应为以下之一：${allowed}` : "不是允许的值";
    }
    case "const":
      return `应为 ${quote(p.allowedValue)}`;
    case "format": {
      const format = String(p.format);
      return `应为${FORMATS[format] ?? `${format} 格式`}`;
    }
    case "pattern": {
      if (NOT_BLANK_PATTERNS.has(String(p.pattern))) return "不能为空";
      const rule = PATTERNS_ZH.get(String(p.pattern));
      return rule ? `格式不正确，应为${rule}` : `格式不正确（应符合 ${String(p.pattern)}）`;
    }
    case "anyOf":
    case "oneOf":
      return "不符合允许的格式";
    default:
      return `不正确（${issue.message ?? issue.keyword}）`;
  }
}

/**
 * A union's branches each report on the same field: wrong types become one "should be A or B", and one
 * "should be X" per allowed literal becomes one "should be one of X, Y, Z".
 */
function mergeUnionBranches(issues: readonly SchemaIssue[]): SchemaIssue[] {
  const merged: SchemaIssue[] = [];
  const types = new Map<string, string[]>();
  const values = new Map<string, unknown[]>();
  for (const issue of issues) {
    if (issue.keyword === "type") {
      const list = types.get(issue.instancePath);
      const mine = String(issue.params?.type).split(",");
      if (list) for (const t of mine) list.includes(t) || list.push(t);
      else {
        types.set(issue.instancePath, mine);
        merged.push(issue);
      }
    } else if (issue.keyword === "const") {
      const list = values.get(issue.instancePath);
      if (list) list.push(issue.params?.allowedValue);
      else {
        values.set(issue.instancePath, [issue.params?.allowedValue]);
        merged.push(issue);
      }
    } else merged.push(issue);
  }
  return merged.map((i) => {
    if (i.keyword === "type") return { ...i, params: { ...i.params, type: types.get(i.instancePath)?.join(",") } };
    const allowed = i.keyword === "const" ? values.get(i.instancePath) : undefined;
    if (allowed && allowed.length > 1) return { ...i, keyword: "enum", params: { allowedValues: allowed } };
    return i;
  });
}

/**
 * The Chinese message for a failed schema check, or undefined when Fastify gave no ajv errors. TypeBox unions
 * make ajv report every branch that failed and then "anyOf"; the branches' errors say more, so an anyOf is
 * only described when it is all there is.
 */
export function schemaMessageZh(issues: readonly SchemaIssue[], context: string | undefined): string | undefined {
  if (issues.length === 0) return undefined;
  try {
    const place = PLACES[context ?? ""] ?? "请求";
    const unions = new Set(
      issues.filter((i) => i.keyword === "anyOf" || i.keyword === "oneOf").map((i) => String(i.instancePath)),
    );
    const specific = issues.filter((i) => i.keyword !== "anyOf" && i.keyword !== "oneOf");
    const chosen = mergeUnionBranches(specific.length > 0 ? specific : issues);
    // A field that failed every branch of a union gets one sentence of alternatives ("A, or B"), not one
    // sentence per branch, which would read as rules that must all hold.
    const sentences = new Map<string, { where: string; problems: string[] }>();
    for (const issue of chosen) {
      const path = String(issue.instancePath);
      const key = unions.has(path) ? `union:${path}` : `${sentences.size}`;
      const what = problem(issue);
      const sentence = sentences.get(key);
      if (!sentence) sentences.set(key, { where: placeOf(issue, place), problems: [what] });
      else if (!sentence.problems.includes(what)) sentence.problems.push(what);
    }
    const text = [...sentences.values()].map((s) => `${s.where}${s.problems.join("，或")}`);
    // A required labelled field reads "请填写理由" on its own, without the part of the request before it.
    const clean = text.map((x) => x.replace(/^(请求体|路径参数|查询参数|请求头|请求)(?=请填写)/, ""));
    // Only labelled fields: a sentence for people ("理由不能为空。"); otherwise the lead says it is the request.
    if (chosen.every(labelled)) return `${[...new Set(clean)].join("；")}。`;
    return `请求内容不正确：${[...new Set(clean)].join("；")}。`;
  } catch {
    // A shape of error this does not expect must not turn a 400 into a 500: the caller falls back to ajv's text.
    return undefined;
  }
}

/**
 * The English message for a failed schema check when every problem is on a labelled field (field-labels.ts):
 * "The reason must not be empty." Undefined otherwise: the caller keeps ajv's own English, which names the field
 * by its JSON key, as integrators expect.
 */
export function schemaMessageEn(issues: readonly SchemaIssue[]): string | undefined {
  if (issues.length === 0) return undefined;
  try {
    const specific = issues.filter((i) => i.keyword !== "anyOf" && i.keyword !== "oneOf");
    if (specific.length === 0 || !specific.every(labelled)) return undefined;
    const sentences: string[] = [];
    for (const issue of specific) {
      const p = issue.params ?? {};
      const label = (
        issue.keyword === "required" ? labelOf("", String(p.missingProperty)) : labelOf(String(issue.instancePath))
      ) as { en: string };
      const The = `The ${label.en}`;
      let sentence: string | undefined;
      if (issue.keyword === "required") sentence = `Please give a ${label.en}.`;
      else if (issue.keyword === "minLength")
        sentence = p.limit === 1 ? `${The} must not be empty.` : `${The} needs at least ${String(p.limit)} characters.`;
      else if (issue.keyword === "maxLength") sentence = `${The} may have at most ${String(p.limit)} characters.`;
      else if (issue.keyword === "pattern" && NOT_BLANK_PATTERNS.has(String(p.pattern)))
        sentence = `${The} must not be empty.`;
      else if (issue.keyword === "type") sentence = `${The} must be text.`;
      if (!sentence) return undefined;
      if (!sentences.includes(sentence)) sentences.push(sentence);
    }
    return sentences.join(" ");
  } catch {
    return undefined;
  }
}
