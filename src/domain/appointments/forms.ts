/** A business type's pre-filled form: what the customer answers before the visit, so nobody asks twice. */
export const FIELD_TYPES = ["text", "number", "amount", "choice", "date", "checkbox"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FormField {
  /** Stable key of the answer (letters, digits, underscore). */
  readonly key: string;
  readonly type: FieldType;
  readonly labelZh: string;
  readonly labelEn: string;
  readonly required: boolean;
  readonly helpZh?: string;
  readonly helpEn?: string;
  /** For `choice`: the values offered. */
  readonly options?: readonly string[];
}

export type Answer = string | number | boolean;
export type Answers = Readonly<Record<string, Answer>>;

export interface AnswerProblem {
  readonly key: string;
  readonly problem: "required" | "type" | "option" | "unknown";
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What is wrong with a form definition, one line per problem (empty when it is usable). */
export function formProblems(fields: readonly FormField[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, f] of fields.entries()) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(f.key)) problems.push(`fields[${i}].key must be letters, digits or _`);
    if (seen.has(f.key)) problems.push(`fields[${i}].key "${f.key}" is used twice`);
    seen.add(f.key);
    if (!FIELD_TYPES.includes(f.type)) problems.push(`fields[${i}].type must be one of ${FIELD_TYPES.join(", ")}`);
    if (!f.labelZh.trim() || !f.labelEn.trim()) problems.push(`fields[${i}] needs a label in both languages`);
    if (f.type === "choice" && (!f.options || f.options.length === 0))
      problems.push(`fields[${i}] is a choice and needs options`);
  }
  return problems;
}

/**
 * The answers checked against the form: required ones present, each of its field's type, no unknown keys.
 * An amount is a number of yuan with at most two decimals, not negative.
 */
export function answerProblems(fields: readonly FormField[], answers: Answers): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const byKey = new Map(fields.map((f) => [f.key, f]));
  for (const key of Object.keys(answers)) if (!byKey.has(key)) problems.push({ key, problem: "unknown" });
  for (const f of fields) {
    const v = answers[f.key];
    const empty = v === undefined || v === "" || (f.type === "checkbox" && v === false);
    if (empty) {
      if (f.required) problems.push({ key: f.key, problem: "required" });
      continue;
    }
    if (!fitsType(f, v)) problems.push({ key: f.key, problem: "type" });
    else if (f.type === "choice" && !f.options?.includes(String(v))) problems.push({ key: f.key, problem: "option" });
  }
  return problems;
}

function fitsType(f: FormField, v: Answer): boolean {
  switch (f.type) {
    case "text":
    case "choice":
      return typeof v === "string" && v.length <= 500;
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "amount":
      return typeof v === "number" && Number.isFinite(v) && v >= 0 && Math.round(v * 100) === v * 100;
    case "date":
      return typeof v === "string" && DATE.test(v) && !Number.isNaN(Date.parse(v));
    case "checkbox":
      return typeof v === "boolean";
  }
}
