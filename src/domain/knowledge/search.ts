import SearchableMap from "minisearch/SearchableMap";
import {
  analyze,
  analyzeQuery,
  fuzzyPinyinOf,
  isDictionaryWord,
  normalize,
  pinyinPairOf,
  pinyinRuns,
  stem,
} from "./text.ts";

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
const KIND_WEIGHT: Readonly<Record<string, number>> = { z: 1, u: 0.3, b: 0.7, p: 0.5, i: 0.3, w: 0.8, e: 1, s: 1 };
/**
 * A pair of characters no article contains (b:) is most likely a typo of a pair that sounds the same (银航,
 * 密马, 到其): its pinyin pair then counts about as much as the word, pair and sound it stands for (1 + 0.7 + 0.5).
 */
const TYPO_PINYIN_WEIGHT = 2;
/**
 * A synonym group's term counts as this many matched terms in the "how many terms matched" factor: a word
 * a customer types gives its word, pair and sound terms (three or more), a synonym of it only the one group
 * term, so 落在 (left behind) would otherwise weigh less than a stray character's match.
 */
const SYNONYM_QUALITY = 3;
/** Terms found in more than this share of the articles say little and cost much: a question skips them. */
const COMMON_SHARE = 0.5;

/** The fields of an article's index entry, with their boosts: title and sample questions; body; keywords. */
const FIELDS = ["head", "body", "kw"] as const;
const FIELD_BOOST = [3, 1, 2] as const;
/** BM25 parameters (minisearch's defaults, so the ranking is the one that library gives). */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
/** English terms matched loosely: one letter off for words of 6+ letters, prefixes for words of 5+. */
const FUZZY_WEIGHT = 0.6;
const PREFIX_WEIGHT = 0.5;

/** The articles holding a term in one field, with the term's frequency in each (parallel arrays). */
interface Posting {
  readonly slots: number[];
  readonly tfs: number[];
}
/** A term's postings per field (FIELDS order). */
type TermData = [Posting | undefined, Posting | undefined, Posting | undefined];

interface Indexed {
  readonly article: SearchableArticle;
  /** The article's terms per field, with their frequencies. */
  readonly fields: ReadonlyArray<ReadonlyMap<string, number>>;
}

interface SynonymEntry {
  /** The term as normalized text (English words stemmed), matched against normalized text. */
  readonly match: string;
  readonly latin: boolean;
  /** A Chinese term's fuzzy pinyin (two syllables or more), matched against the pinyin a question is typed in. */
  readonly pinyin: string | undefined;
  /** The group's term: every member of a group stands for it, in articles and questions alike. */
  readonly token: string;
}

/**
 * The knowledge base's search: BM25 over the terms of text.ts in three boosted fields (title and sample
 * questions ×3; keywords ×2; body ×1), the terms kept in minisearch's radix tree (`SearchableMap`, which also
 * finds an English word's near spellings and prefixes). Scores are summed per article in a flat array, so a
 * question costs one pass over its terms' postings, with no per-match objects: 5,000 articles answer in
 * about a millisecond (see `npm run bench:bot`). A synonym group is one term of its own (`s:`), added
 * wherever any of its members appears, so 丢了, 挂失 and "lost card" meet without any of them counting twice.
 */
export class KnowledgeSearch {
  private readonly dictionary = new Map<string, TermData>();
  /** The English terms again, in minisearch's radix tree, for near spellings and prefixes. */
  private readonly english = new SearchableMap<TermData>();
  /** Articles by slot; a removed article leaves its slot free for the next one. */
  private readonly slots: Array<Indexed | undefined> = [];
  private readonly free: number[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Each slot's field lengths (terms), per field. */
  private readonly lengths: number[][] = FIELDS.map(() => []);
  private readonly totalLength = FIELDS.map(() => 0);
  /** In how many articles each term appears (in any field). */
  private readonly df = new Map<string, number>();
  private synonyms: SynonymEntry[] = [];
  // Per-search scratch, reused: score, matched weight, and the last query term counted per slot.
  private score = new Float64Array(0);
  private matched = new Float64Array(0);
  private quality = new Uint16Array(0);
  private stamp = new Int32Array(0);
  private searches = 0;

  constructor(articles: Iterable<SearchableArticle>, synonymGroups: ReadonlyArray<readonly string[]> = []) {
    this.synonyms = synonymEntries(synonymGroups);
    for (const a of articles) this.upsert(a);
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Adds an article, or replaces the one with its id. */
  upsert(article: SearchableArticle): void {
    this.remove(article.id);
    const fields = this.fieldTerms(article);
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = { article, fields };
    this.slotOf.set(article.id, slot);
    const unique = new Set<string>();
    fields.forEach((terms, f) => {
      let length = 0;
      for (const [term, tf] of terms) {
        length += tf;
        unique.add(term);
        let data = this.dictionary.get(term);
        if (!data) {
          data = [undefined, undefined, undefined];
          this.dictionary.set(term, data);
          if (term.startsWith("e:")) this.english.set(term, data);
        }
        let posting = data[f];
        if (!posting) {
          posting = { slots: [], tfs: [] };
          data[f] = posting;
        }
        posting.slots.push(slot);
        posting.tfs.push(tf);
      }
      (this.lengths[f] as number[])[slot] = length;
      this.totalLength[f] = (this.totalLength[f] as number) + length;
    });
    for (const t of unique) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    const indexed = this.slots[slot] as Indexed;
    const unique = new Set<string>();
    indexed.fields.forEach((terms, f) => {
      for (const term of terms.keys()) {
        unique.add(term);
        const data = this.dictionary.get(term);
        const posting = data?.[f];
        if (!data || !posting) continue;
        const at = posting.slots.indexOf(slot);
        if (at >= 0) {
          // Order within a posting does not matter: the last entry takes the removed one's place.
          posting.slots[at] = posting.slots[posting.slots.length - 1] as number;
          posting.tfs[at] = posting.tfs[posting.tfs.length - 1] as number;
          posting.slots.pop();
          posting.tfs.pop();
        }
        if (posting.slots.length === 0) data[f] = undefined;
        if (!data[0] && !data[1] && !data[2]) {
          this.dictionary.delete(term);
          this.english.delete(term);
        }
      }
      this.totalLength[f] = (this.totalLength[f] as number) - ((this.lengths[f] as number[])[slot] ?? 0);
      (this.lengths[f] as number[])[slot] = 0;
    });
    for (const t of unique) {
      const n = (this.df.get(t) ?? 1) - 1;
      if (n > 0) this.df.set(t, n);
      else this.df.delete(t);
    }
    this.slots[slot] = undefined;
    this.free.push(slot);
    this.slotOf.delete(id);
  }

  /** Replaces the synonym list (groups of terms, either language, that mean the same): every article is re-indexed. */
  setSynonyms(synonymGroups: ReadonlyArray<readonly string[]>): void {
    const next = synonymEntries(synonymGroups);
    if (JSON.stringify(next) === JSON.stringify(this.synonyms)) return;
    this.synonyms = next;
    for (const entry of [...this.slots]) if (entry) this.upsert(entry.article);
  }

  /** The synonym groups a text mentions, as terms; in a question also those its pinyin spells. */
  private synonymTerms(text: string, question = false): string[] {
    if (this.synonyms.length === 0) return [];
    const out = new Set<string>();
    for (const sentence of text.split(/(?<=[。！？；!?;\n])/)) {
      const norm = ` ${normalize(sentence).replace(/[^\p{L}\p{N}]+/gu, " ")} `;
      const latin = ` ${stemmedWords(sentence).join(" ")} `;
      for (const s of this.synonyms) {
        if (s.latin ? latin.includes(` ${s.match} `) : norm.includes(s.match)) out.add(s.token);
      }
    }
    if (question)
      for (const run of pinyinRuns(text)) {
        const spoken = ` ${run.join(" ")} `;
        for (const s of this.synonyms) if (s.pinyin && spoken.includes(` ${s.pinyin} `)) out.add(s.token);
      }
    return [...out];
  }

  /** The best articles for a question, best first. */
  search(question: string, limit = 5): SearchHit[] {
    const weights = new Map<string, number>();
    const common = Math.max(2, this.size * COMMON_SHARE);
    const asked = analyzeQuery(question);
    const all = [...asked, ...this.synonymTerms(question, true)];
    // Terms in most articles are skipped, unless the question has no other (sjyh: 手机银行 is everywhere).
    const rare = all.filter((t) => (this.df.get(t) ?? 0) <= common);
    for (const t of rare.some((t) => this.df.has(t)) ? rare : all)
      weights.set(t, Math.max(weights.get(t) ?? 0, KIND_WEIGHT[t.charAt(0)] ?? 1));
    for (const t of asked) {
      if (!t.startsWith("b:") || this.df.has(t)) continue;
      const sound = pinyinPairOf(t.slice(2));
      // A pair the dictionary knows as a word (租车 of 出租车) was most likely typed as meant: that it sounds
      // like an article's word (注册) is chance, so its sound keeps its ordinary weight. Pairs that are no
      // word (银航, 到其) are likely typos of the word they sound like.
      if (sound && weights.has(sound) && !isDictionaryWord(t.slice(2))) weights.set(sound, TYPO_PINYIN_WEIGHT);
    }
    const own = [...weights.values()].reduce((a, b) => a + b, 0);
    if (own === 0 || this.size === 0) return [];
    this.ensureScratch();
    const touched: number[] = [];
    let termNo = 0;
    for (const [term, weight] of weights) {
      if (++termNo >= 4096) break;
      for (const [data, termWeight] of this.expansions(term))
        this.accumulate(
          data,
          weight * termWeight,
          weight,
          termNo,
          touched,
          term.startsWith("s:") ? SYNONYM_QUALITY : 1,
        );
    }
    // minisearch's rule: an article's score is multiplied by how many of the question's terms it matched.
    const ranked = touched
      .map((slot) => ({ slot, value: (this.score[slot] as number) * (this.quality[slot] as number) }))
      .sort((a, b) => b.value - a.value)
      .slice(0, limit);
    const hits = ranked.map(({ slot, value }) => {
      const a = (this.slots[slot] as Indexed).article;
      return {
        id: a.id,
        score: Math.round(value * 1000) / 1000,
        coverage: Math.min(1, Math.round(((this.matched[slot] as number) / own) * 1000) / 1000),
        titleZh: a.titleZh,
        titleEn: a.titleEn,
        category: a.category,
      };
    });
    for (const slot of touched) {
      this.score[slot] = 0;
      this.matched[slot] = 0;
      this.quality[slot] = 0;
    }
    return hits;
  }

  /** A query term's own postings, and for English words those of near spellings and longer forms (weighted less). */
  private expansions(term: string): Array<readonly [TermData, number]> {
    const out: Array<readonly [TermData, number]> = [];
    const exact = this.dictionary.get(term);
    if (exact) out.push([exact, 1]);
    if (!term.startsWith("e:")) return out;
    const seen = new Set<string>([term]);
    if (term.length >= 6)
      for (const [other, data] of this.english.atPrefix(term)) {
        if (seen.has(other)) continue;
        seen.add(other);
        const distance = other.length - term.length;
        out.push([data, (PREFIX_WEIGHT * other.length) / (other.length + 0.3 * distance)]);
      }
    if (term.length >= 7)
      for (const [other, [data, distance]] of this.english.fuzzyGet(term, 1)) {
        if (seen.has(other) || distance === 0) continue;
        seen.add(other);
        out.push([data, (FUZZY_WEIGHT * other.length) / (other.length + distance)]);
      }
    return out;
  }

  /** Adds one term's BM25 score to every article holding it. */
  private accumulate(
    data: TermData,
    factor: number,
    weight: number,
    termNo: number,
    touched: number[],
    counts: number,
  ): void {
    const n = this.size;
    const mark = this.searches * 4096 + termNo;
    for (let f = 0; f < FIELDS.length; f++) {
      const posting = data[f];
      if (!posting) continue;
      const df = posting.slots.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      const avg = (this.totalLength[f] as number) / n || 1;
      const lengths = this.lengths[f] as number[];
      const boost = factor * (FIELD_BOOST[f] as number);
      const { slots, tfs } = posting;
      for (let i = 0; i < df; i++) {
        const slot = slots[i] as number;
        const tf = tfs[i] as number;
        const norm = 1 - BM25.b + (BM25.b * (lengths[slot] as number)) / avg;
        const value = boost * idf * (BM25.d + (tf * (BM25.k + 1)) / (tf + BM25.k * norm));
        if (this.stamp[slot] !== mark) {
          if (this.quality[slot] === 0) touched.push(slot);
          this.stamp[slot] = mark;
          this.quality[slot] = (this.quality[slot] as number) + counts;
          this.matched[slot] = (this.matched[slot] as number) + weight;
        }
        this.score[slot] = (this.score[slot] as number) + value;
      }
    }
  }

  private ensureScratch(): void {
    // A stamp is search × 4096 + term number; before it would overflow, the stamps start again.
    this.searches++;
    if (this.searches >= 500_000) {
      this.searches = 1;
      this.stamp.fill(-1);
    }
    const need = this.slots.length;
    if (this.score.length >= need) return;
    const size = Math.max(need, this.score.length * 2, 64);
    this.score = new Float64Array(size);
    this.matched = new Float64Array(size);
    this.quality = new Uint16Array(size);
    this.stamp = new Int32Array(size).fill(-1);
  }

  /** An article's terms per field (FIELDS order) with their frequencies. */
  private fieldTerms(a: SearchableArticle): Array<Map<string, number>> {
    const head = [a.titleZh, a.titleEn, ...a.questions];
    const body = [a.bodyZh, a.bodyEn];
    const texts = [head, body, a.keywords];
    return texts.map((parts) => {
      const counts = new Map<string, number>();
      for (const t of [...parts.flatMap(analyze), ...this.synonymTerms(parts.join(" "))])
        counts.set(t, (counts.get(t) ?? 0) + 1);
      return counts;
    });
  }
}

function synonymEntries(groups: ReadonlyArray<readonly string[]>): SynonymEntry[] {
  const out: SynonymEntry[] = [];
  for (const terms of groups) {
    const members = terms.map((t) => normalize(t).trim()).filter(Boolean);
    const first = members[0];
    if (!first) continue;
    const token = `s:${first.replace(/ /g, "_")}`;
    for (const member of members) {
      const latin = /^[a-z0-9 '-]+$/.test(member);
      const han = /^\p{Script=Han}+$/u.test(member);
      out.push({
        match: latin ? stemmedWords(member).join(" ") : member,
        latin,
        pinyin: han && member.length >= 2 ? fuzzyPinyinOf(member) : undefined,
        token,
      });
    }
  }
  return out;
}

/** The English words of a text, stemmed: "runs out" meets the synonym "run out". */
function stemmedWords(text: string): string[] {
  return [...normalize(text).matchAll(/[a-z0-9]+/g)].map((m) => stem(m[0]));
}
