/**
 * Names of request fields for people. A schema error on a field named here is told with the name in the
 * reader's language ("理由不能为空。", "The reason must not be empty.") instead of the JSON key ("请求体中的 reason
 * 不能为空"): staff meet these errors on the pages that send the field, and a JSON key means nothing to them.
 * A field is known by its key (the last part of its path), wherever it is sent: every route's `reason` is a
 * reason. Add a key only when it means the same thing on every route that has it.
 */
export interface FieldLabel {
  readonly zh: string;
  readonly en: string;
}

export const FIELD_LABELS: ReadonlyMap<string, FieldLabel> = new Map([["reason", { zh: "理由", en: "reason" }]]);

/** The label of the field at `instancePath` ("/reason", "/items/0/reason"), or of `key` when given. */
export function labelOf(instancePath: string, key?: string): FieldLabel | undefined {
  const last = key ?? instancePath.split("/").at(-1) ?? "";
  return FIELD_LABELS.get(last.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** A pattern that only asks for something other than white space: said as "must not be empty". */
export const NOT_BLANK_PATTERNS: ReadonlySet<string> = new Set(["\\S", "\\S+", ".*\\S.*", "[^\\s]"]);
