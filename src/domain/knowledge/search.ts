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

/** How much each kind of term counts in a question (see text.ts for the kinds; `s:` a synonym group). */
const KIND_WEIGHT: Readonly<Record<string, number>> = { z: 1, u: 0.3, b: 0.7, p: 0.5, i: 0.3, e: 1, s: 1 };
/** Terms found in more than this share of the articles say little and cost much: a question skips them. */
const COMMON_SHARE = 0.5;

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
  /** The term as normalized text, matched against normalized text. */
  readonly match: string;
  readonly latin: boolean;
  /** The group's term: every member of a group stands for it, in articles and questions alike. */
  readonly token: string;
}

/**
 * The knowledge base's search: an inverted index (minisearch, BM25) over the terms of text.ts, in three
 * fields (title and sample questions; body; keywords). A synonym group is one term of its own (`s:`), added
 * wherever any of its members appears, so 丢了, 挂失 and "lost card" meet without any of them counting twice.
 */
export class KnowledgeSearch {
  private readonly index: MiniSearch<Doc>;
  private readonly articles = new Map<string, SearchableArticle>();
  /** In how many articles each term appears. */
  private readonly df = new Map<string, number>();
  private readonly docTerms = new Map<string, readonly string[]>();
  private synonyms: SynonymEntry[] = [];

  constructor(articles: Iterable<SearchableArticle>, synonymGroups: ReadonlyArray<readonly string[]> = []) {
    this.index = new MiniSearch<Doc>({
      fields: ["head", "body", "kw"],
      storeFields: ["titleZh", "titleEn", "category"],
      tokenize: (text) => (text ? text.split(" ") : []),
      processTerm: (term) => term,
      // No vacuuming on a timer behind the caller's back: it raced a rebuilt index and threw unhandled.
      autoVacuum: false,
      searchOptions: { tokenize: (text) => (text ? text.split(" ") : []), processTerm: (term) => term },
    });
    this.synonyms = synonymEntries(synonymGroups);
    for (const a of articles) this.upsert(a);
  }

  get size(): number {
    return this.index.documentCount;
  }

  /** Adds an article, or replaces the one with its id. */
  upsert(article: SearchableArticle): void {
    this.remove(article.id);
    const doc = this.toDoc(article);
    this.index.add(doc);
    this.articles.set(article.id, article);
    const unique = [...new Set(`${doc.head} ${doc.body} ${doc.kw}`.split(" ").filter(Boolean))];
    this.docTerms.set(article.id, unique);
    for (const t of unique) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }

  remove(id: string): void {
    if (!this.articles.has(id)) return;
    this.index.discard(id);
    this.articles.delete(id);
    for (const t of this.docTerms.get(id) ?? []) {
      const n = (this.df.get(t) ?? 1) - 1;
      if (n > 0) this.df.set(t, n);
      else this.df.delete(t);
    }
    this.docTerms.delete(id);
  }

  /** Replaces the synonym list (groups of terms, either language, that mean the same): every article is re-indexed. */
  setSynonyms(synonymGroups: ReadonlyArray<readonly string[]>): void {
    const next = synonymEntries(synonymGroups);
    if (JSON.stringify(next) === JSON.stringify(this.synonyms)) return;
    this.synonyms = next;
    for (const a of [...this.articles.values()]) this.upsert(a);
  }

  /** The synonym groups a text mentions, as terms. */
  private synonymTerms(text: string): string[] {
    if (this.synonyms.length === 0) return [];
    const out = new Set<string>();
    for (const sentence of text.split(/(?<=[。！？；!?;\n])/)) {
      const norm = ` ${normalize(sentence).replace(/[^\p{L}\p{N}]+/gu, " ")} `;
      for (const s of this.synonyms) {
        if (s.latin ? norm.includes(` ${s.match} `) : norm.includes(s.match)) out.add(s.token);
      }
    }
    return [...out];
  }

  /** The best articles for a question, best first. */
  search(question: string, limit = 5): SearchHit[] {
    const weights = new Map<string, number>();
    const common = Math.max(2, this.size * COMMON_SHARE);
    for (const t of [...analyzeQuery(question), ...this.synonymTerms(question)]) {
      if ((this.df.get(t) ?? 0) > common) continue;
      weights.set(t, KIND_WEIGHT[t.charAt(0)] ?? 1);
    }
    const own = [...weights.values()].reduce((a, b) => a + b, 0);
    if (own === 0) return [];
    const results = this.index.search([...weights.keys()].join(" "), {
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

  private toDoc(a: SearchableArticle): Doc {
    const head = [a.titleZh, a.titleEn, ...a.questions];
    const body = [a.bodyZh, a.bodyEn];
    return {
      id: a.id,
      head: [...head.flatMap(analyze), ...this.synonymTerms(head.join(" "))].join(" "),
      body: [...body.flatMap(analyze), ...this.synonymTerms(body.join(" "))].join(" "),
      kw: [...a.keywords.flatMap(analyze), ...this.synonymTerms(a.keywords.join(" "))].join(" "),
      titleZh: a.titleZh,
      titleEn: a.titleEn,
      category: a.category,
    };
  }
}

function synonymEntries(groups: ReadonlyArray<readonly string[]>): SynonymEntry[] {
  const out: SynonymEntry[] = [];
  for (const terms of groups) {
    const members = terms.map((t) => normalize(t).trim()).filter(Boolean);
    const first = members[0];
    if (!first) continue;
    for (const match of members)
      out.push({ match, latin: /^[a-z0-9 '-]+$/.test(match), token: `s:${first.replace(/ /g, "_")}` });
  }
  return out;
}
