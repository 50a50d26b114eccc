/**
 * The bot's decision rules, pure: from the search hits for a customer's message and the misses so far,
 * answer, offer the closest articles, or hand over to a person.
 */

/** What the rules need of a search hit (domain/knowledge/search.ts). */
export interface Hit {
  readonly id: string;
  readonly score: number;
  /** The share (0–1) of the message's terms the article matched. */
  readonly coverage: number;
  readonly category: string;
}

export type Decision =
  | { readonly kind: "answer"; readonly articleId: string; readonly skill: string }
  | { readonly kind: "suggest"; readonly articleIds: readonly string[]; readonly skill: string; readonly miss: true }
  | { readonly kind: "miss"; readonly skill: string | null }
  | {
      readonly kind: "handover";
      readonly reason: "asked" | "misses";
      readonly articleIds: readonly string[];
      readonly skill: string | null;
    };

/** The best hit must match at least this share of the message, and lead the next one by this factor, to be answered. */
export const CONFIDENT_COVERAGE = 0.45;
export const CONFIDENT_LEAD = 1.5;
/** Below this share a hit is not worth offering. */
export const SUGGEST_COVERAGE = 0.15;
/** After this many misses in a row the conversation goes to a person. */
export const MISSES_BEFORE_HANDOVER = 2;

const PERSON_WORDS_ZH = ["人工", "真人", "客服人员", "工作人员", "柜员", "接线员", "找客服", "转客服"];
const PERSON_WORDS_EN = ["agent", "human", "person", "operator", "representative", "someone real", "staff member"];

/** The customer asks for a person (人工, 转人工, "agent", "talk to a human"…). */
export function wantsPerson(text: string): boolean {
  const lower = text.toLowerCase();
  if (PERSON_WORDS_ZH.some((w) => lower.includes(w))) return true;
  return PERSON_WORDS_EN.some((w) => new RegExp(`\\b${w}s?\\b`).test(lower));
}

export function decide(text: string, hits: readonly Hit[], missesSoFar: number): Decision {
  const offered = hits.filter((h) => h.coverage >= SUGGEST_COVERAGE).slice(0, 3);
  const skill = offered[0]?.category ?? null;
  // A request for a person says nothing of the subject: the conversation keeps the skill it had.
  if (wantsPerson(text)) return { kind: "handover", reason: "asked", articleIds: [], skill: null };
  const [best, next] = hits;
  if (best && best.coverage >= CONFIDENT_COVERAGE && (!next || best.score >= next.score * CONFIDENT_LEAD))
    return { kind: "answer", articleId: best.id, skill: best.category };
  if (missesSoFar + 1 >= MISSES_BEFORE_HANDOVER)
    return { kind: "handover", reason: "misses", articleIds: offered.map((h) => h.id), skill };
  if (offered.length > 0 && skill) return { kind: "suggest", articleIds: offered.map((h) => h.id), skill, miss: true };
  return { kind: "miss", skill: null };
}
