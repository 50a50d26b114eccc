import MiniSearch from "minisearch";
import { analyze, analyzeQuery, normalize } from "./text.ts";

/** What search needs of an article. */
export interface SearchableArticle {
  readonly id: string;
  readonly titleZh: string;
  readonly titleEn: string;
  readonly bodyZh: string;
  readonly bodyEn: string;
  readonly questions: readonly string[];
  readonly keywords: readonly string[];
  readonly category: string;
}

export interface SearchHit {
  readonly id: string;
  readonly score: number;
  /** The share (0–1) of the question's terms this article matched. */
  readonly coverage: number;
  readonly titleZh: string;
  readonly titleEn: string;
  readonly category: string;
}

/** How much each kind of term counts in a question (see text.ts for the kinds). */
const KIND_WEIGHT: Readonly<Record<string, number>> = { z: 1, b: 0.7, p: 0.5, i: 0.3, e: 1 };
/** A term reached through the synonym list counts this much of the term it stands for. */
const SYNONYM_WEIGHT = 0.7;

interface Doc {
  readonly id: string;
  readonly head: string;
  readonly body: string;
  readonly kw: string;
  readonly titleZh: string;
  readonly titleEn: string;
  readonly category: string;
}

interface SynonymEntry {
  /** The term as normalized text, matched against the normalized question. */
  readonly match: string;
  readonly latin: boolean;
  readonly group: number;
}

/**
 * The knowledge base's search: an inverted index (minisearch, BM25) over the terms of text.ts, in three
 * fields (title and sample questions; body; keywords), and the synonym list applied to the question.
 */
export class KnowledgeSearch {
  private readonly index: MiniSearch<Doc>;
  private synonyms: SynonymEntry[] = [];
  private groupTerms: string[][] = [];

  constructor(articles: Iterable<SearchableArticle>, synonymGroups: ReadonlyArray<readonly string[]> = []) {
    this.index = new MiniSearch<Doc>({
      fields: ["head", "body", "kw"],
      storeFields: ["titleZh", "titleEn", "category"],
      tokenize: (text) => (text ? text.split(" ") : []),
      processTerm: (term) => term,
      searchOptions: { tokenize: (text) => (text ? text.split(" ") : []), processTerm: (term) => term },
    });
    this.index.addAll([...articles].map(toDoc));
    this.setSynonyms(synonymGroups);
  }

  /** Adds an article, or replaces the one with its id. */
  upsert(article: SearchableArticle): void {
    if (this.index.has(article.id)) this.index.discard(article.id);
    this.index.add(toDoc(article));
  }

  remove(id: string): void {
    if (this.index.has(id)) this.index.discard(id);
  }

  /** Replaces the synonym list: groups of terms, in either language, that mean the same. */
  setSynonyms(synonymGroups: ReadonlyArray<readonly string[]>): void {
    this.synonyms = [];
    this.groupTerms = [];
    synonymGroups.forEach((terms, group) => {
      const all = new Set<string>();
      for (const term of terms) {
        const match = normalize(term).trim();
        if (!match) continue;
        this.synonyms.push({ match, latin: /^[a-z0-9 '-]+$/.test(match), group });
        for (const t of analyze(term)) all.add(t);
      }
      this.groupTerms[group] = [...all];
    });
  }

  get size(): number {
    return this.index.documentCount;
  }

  /** The best articles for a question, best first. */
  search(question: string, limit = 5): SearchHit[] {
    const weights = new Map<string, number>();
    for (const t of analyzeQuery(question)) weights.set(t, KIND_WEIGHT[t.charAt(0)] ?? 1);
    const own = [...weights.values()].reduce((a, b) => a + b, 0);
    if (own === 0) return [];
    const norm = ` ${normalize(question).replace(/[^\p{L}\p{N}]+/gu, " ")} `;
    const groups = new Set<number>();
    for (const s of this.synonyms) {
      if (s.latin ? norm.includes(` ${s.match} `) : norm.includes(s.match)) groups.add(s.group);
    }
    for (const g of groups) {
      for (const t of this.groupTerms[g] ?? []) {
        if (!weights.has(t)) weights.set(t, (KIND_WEIGHT[t.charAt(0)] ?? 1) * SYNONYM_WEIGHT);
      }
    }
    const terms = [...weights.keys()];
    const results = this.index.search(terms.join(" "), {
      boost: { head: 3, kw: 2, body: 1 },
      boostTerm: (term) => weights.get(term) ?? 1,
      // Only English words are matched loosely (one letter off): Chinese typos are caught by pinyin.
      fuzzy: (term) => (term.startsWith("e:") && term.length >= 7 ? 1 : false),
      prefix: (term) => term.startsWith("e:") && term.length >= 6,
      weights: { fuzzy: 0.6, prefix: 0.5 },
      combineWith: "OR",
    });
    return results.slice(0, limit).map((r) => {
      let matched = 0;
      for (const t of r.queryTerms) matched += weights.get(t) ?? 0;
      return {
        id: String(r.id),
        score: Math.round(r.score * 1000) / 1000,
        coverage: Math.min(1, Math.round((matched / own) * 1000) / 1000),
        titleZh: String(r.titleZh ?? ""),
        titleEn: String(r.titleEn ?? ""),
        category: String(r.category ?? ""),
      };
    });
  }
}

function toDoc(a: SearchableArticle): Doc {
  const head = [a.titleZh, a.titleEn, ...a.questions].flatMap(analyze);
  const body = [a.bodyZh, a.bodyEn].flatMap(analyze);
  const kw = a.keywords.flatMap(analyze);
  return {
    id: a.id,
    head: head.join(" "),
    body: body.join(" "),
    kw: kw.join(" "),
    titleZh: a.titleZh,
    titleEn: a.titleEn,
    category: a.category,
  };
}
