/** Categories of the knowledge base; each is also the skill an agent needs for a conversation about it. */
export const KNOWLEDGE_CATEGORIES = [
  "cards",
  "accounts",
  "payments",
  "digital",
  "branch",
  "wealth",
  "loans",
  "general",
] as const;
export type KnowledgeCategory = (typeof KNOWLEDGE_CATEGORIES)[number];

export const ARTICLE_STATUSES = ["published", "draft"] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

export interface Article {
  readonly id: string;
  readonly titleZh: string;
  readonly titleEn: string;
  readonly bodyZh: string;
  readonly bodyEn: string;
  readonly questions: readonly string[];
  readonly keywords: readonly string[];
  readonly category: KnowledgeCategory;
  readonly status: ArticleStatus;
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string | null;
}

/** The fields staff write; `questions` and `keywords` are lists of phrases in either language. */
export interface ArticleInput {
  readonly titleZh: string;
  readonly titleEn?: string;
  readonly bodyZh: string;
  readonly bodyEn?: string;
  readonly questions?: readonly string[];
  readonly keywords?: readonly string[];
  readonly category?: KnowledgeCategory;
  readonly status?: ArticleStatus;
}

const EDITABLE = ["titleZh", "titleEn", "bodyZh", "bodyEn", "questions", "keywords", "category", "status"] as const;

/** The names of the fields a patch really changes (a version records them). */
export function changedFields(before: Article, patch: Partial<ArticleInput>): string[] {
  return EDITABLE.filter((k) => {
    const next = patch[k];
    if (next === undefined) return false;
    return JSON.stringify(next) !== JSON.stringify(before[k]);
  });
}

/** Trims phrases and drops empty and repeated ones. */
export function cleanPhrases(list: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const raw of list ?? []) {
    const p = raw.trim();
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}
