import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import * as OpenCC from "opencc-js/t2cn";
import { customPinyin, pinyin } from "pinyin-pro";
import { splitPinyinAll } from "./pinyin-syllables.ts";

/**
 * How text becomes search terms, the same for an article and a customer's question. Pure: the segmenter,
 * the pinyin table and the traditional→simplified table are libraries' data, loaded once.
 *
 * Each term carries its kind as a prefix, so that kinds never match each other:
 * - `z:` a Chinese word (jieba, search mode) of the simplified text;
 * - `u:` one Chinese character, `b:` two neighbouring ones (catch words the segmenter cut differently);
 * - `p:` two neighbouring syllables in "fuzzy" pinyin (zh=z, ch=c, sh=s, n=l, -ng=-n): same-sounding
 *   typos (银航卡), near-homophones of southern speakers, and customers who type pinyin (yinhangka);
 * - `i:` two neighbouring pinyin initials (yhk, gs) for those who type only the first letters;
 * - `w:` the pinyin initials of a whole word (手机银行 → sjyh, 银行卡 → yhk): typed initials meet the word they
 *   abbreviate, where two-letter pairs alone are common to too many articles to count;
 * - `e:` an English word, stemmed.
 */

export type TermKind = "z" | "b" | "p" | "i" | "w" | "e";

// pinyin-pro's phrase table reads 还 in these banking words as hái; customers (and their pinyin) say huán.
customPinyin({ 还款: "huán kuǎn", 还贷: "huán dài", 应还: "yīng huán", 重置: "chóng zhì", 提前还: "tí qián huán" });

let segmenter: Jieba | undefined;
function jieba(): Jieba {
  segmenter ??= Jieba.withDict(dict);
  return segmenter;
}

const toSimplified = OpenCC.Converter({ from: "hk", to: "cn" });
const normalized = new Map<string, string>();

/** Full-width to half-width, lower case, traditional to simplified characters (cached for short texts). */
export function normalize(text: string): string {
  if (text.length > 200) return toSimplified(text.normalize("NFKC").toLowerCase());
  const hit = normalized.get(text);
  if (hit !== undefined) return hit;
  const fresh = toSimplified(text.normalize("NFKC").toLowerCase());
  if (normalized.size > 100_000) normalized.clear();
  normalized.set(text, fresh);
  return fresh;
}

/** Words that say nothing about what is asked. */
const ZH_STOP = new Set(
  (
    "的 了 吗 呢 啊 吧 呀 哦 么 嘛 我 你 您 他 她 它 我们 你们 是 在 有 要 想 能 会 可以 可不可以 能不能 怎么 怎么办 怎样 " +
    "如何 什么 为什么 请问 请 一下 就 都 也 还 和 与 及 或 这 那 这个 那个 个 把 被 给 让 到 去 来 对 从 " +
    "里 不 没 没有 得 地 着 啦 咋 咋办 哪 哪里 多少 几 该 应该 需要 知道 问 问下 问问 一个 现在 今天 " +
    "帮 帮忙 麻烦 谢谢 你好 您好 喂 呃 嗯"
  ).split(" "),
);

const EN_STOP = new Set(
  (
    "a an the i me my mine you your we our us he she it its they them their is am are was were be been being " +
    "do does did done doing have has had to of in on at for from by with about as into or and but if so not no " +
    "can could would should will shall may might must please hi hello hey thanks thank what how why when where " +
    "which who whom there here this that these those just get got any some up out want need like im i'm"
  ).split(" "),
);

/** Irregular forms a suffix rule would miss. */
const EN_IRREGULAR: Readonly<Record<string, string>> = {
  lost: "lose",
  stolen: "steal",
  stole: "steal",
  forgot: "forget",
  forgotten: "forget",
  paid: "pay",
  sent: "send",
  took: "take",
  withdrew: "withdraw",
  withdrawn: "withdraw",
  left: "leave",
  hours: "hour",
  children: "child",
  men: "man",
  people: "person",
};

/** A light English stemmer (plural, -ing, -ed, -ly, final e): "changing", "changed", "change" → "chang". */
export function stem(word: string): string {
  let w = EN_IRREGULAR[word] ?? word;
  if (w.length <= 3) return w;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith("ed") && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith("ly") && w.length > 4) w = w.slice(0, -2);
  if (w.length > 3 && /([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|ff|zz)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith("e") && w.length > 3) w = w.slice(0, -1);
  return w;
}

/** Southern and common confusions folded together: zh/z, ch/c, sh/s, n/l, -ng/-n. */
export function fuzzySyllable(s: string): string {
  let out = s
    .replace(/^zh/, "z")
    .replace(/^ch/, "c")
    .replace(/^sh/, "s")
    .replace(/^n(?=[aeiouv])/, "l");
  if (out.endsWith("ng") && out.length > 2 && !out.endsWith("ong")) out = out.slice(0, -1);
  return out;
}

const CJK = /\p{Script=Han}+/gu;
const LATIN = /[a-z0-9]+(?:'[a-z]+)?/g;

function pairs(items: readonly string[], prefix: string, out: string[], join = ""): void {
  for (let i = 0; i + 1 < items.length; i++) out.push(`${prefix}${items[i]}${join}${items[i + 1]}`);
}

/** Pinyin of a word, cached: a word's own context decides a polyphonic character (银行 → yin hang). */
const wordPinyin = new Map<string, string[]>();
function pinyinOf(word: string): string[] {
  let hit = wordPinyin.get(word);
  if (!hit) {
    hit = pinyin(word, { toneType: "none", type: "array", v: true });
    if (wordPinyin.size > 200_000) wordPinyin.clear();
    wordPinyin.set(word, hit);
  }
  return hit;
}

/**
 * The terms of Chinese text (one run of Han characters). For an article (`initials`), word initials and
 * initial pairs; for a question (not `initials`), also the pairs that straddle a stop word's character, since
 * a mistyped word may hold one (到其 for 到期: 到 alone is a stop word).
 */
function chineseTerms(run: string, out: string[], initials: boolean): void {
  // Words without the stop words; the pairs below are taken over what is left, so that "我的" or "怎么"
  // never make two questions look alike. The pinyin is read over the whole run (a polyphonic character is
  // decided by its neighbours), one syllable a character, and kept for the kept words.
  const runSyllables = pinyinOf(run);
  const words: string[] = [];
  const syllables: string[] = [];
  let previousInitials = "";
  let at = 0;
  const stop: boolean[] = [];
  for (const w of jieba().cut(run, true)) {
    const from = at;
    at += w.length;
    for (let i = 0; i < w.length; i++) stop.push(ZH_STOP.has(w));
    if (ZH_STOP.has(w)) continue;
    words.push(w);
    const own = runSyllables.length === run.length ? runSyllables.slice(from, at) : pinyinOf(w);
    syllables.push(...own);
    for (const part of jieba().cutForSearch(w, true)) out.push(`z:${part}`);
    if (initials) {
      // A word's initials, and those of it with the word before (手机 银行 → sjyh).
      const mine = own.map((x) => x.charAt(0)).join("");
      if (mine.length >= 2) out.push(`w:${mine}`);
      if (previousInitials && previousInitials.length + mine.length >= 3) out.push(`w:${previousInitials}${mine}`);
      previousInitials = mine;
    }
  }
  if (words.length === 0) return;
  const chars = [...words.join("")];
  for (const c of chars) out.push(`u:${c}`);
  pairs(chars, "b:", out);
  pairs(syllables.map(fuzzySyllable), "p:", out, "_");
  if (!initials && runSyllables.length === run.length && stop.length === run.length) {
    for (let i = 0; i + 1 < run.length; i++) {
      if (!(stop[i] || stop[i + 1]) || (stop[i] && stop[i + 1])) continue;
      out.push(`b:${run.slice(i, i + 2)}`);
      out.push(`p:${fuzzySyllable(runSyllables[i] as string)}_${fuzzySyllable(runSyllables[i + 1] as string)}`);
    }
  }
  if (initials)
    pairs(
      syllables.map((s) => s.charAt(0)),
      "i:",
      out,
    );
}

/** Whether a Chinese text is one word of the segmenter's dictionary (租车 is; 银航 and 冻洁 are not). */
export function isDictionaryWord(text: string): boolean {
  let hit = dictionaryWords.get(text);
  if (hit === undefined) {
    hit = jieba().cut(text, false).length === 1;
    if (dictionaryWords.size > 100_000) dictionaryWords.clear();
    dictionaryWords.set(text, hit);
  }
  return hit;
}
const dictionaryWords = new Map<string, boolean>();

/** The fuzzy pinyin pair term (`p:`) of two characters: what a mistyped pair of characters sounds like. */
export function pinyinPairOf(twoChars: string): string | undefined {
  const s = pinyinOf(twoChars);
  return s.length === 2 ? `p:${fuzzySyllable(s[0] as string)}_${fuzzySyllable(s[1] as string)}` : undefined;
}

function terms(text: string, initials: boolean): string[] {
  const norm = normalize(text);
  const out: string[] = [];
  for (const m of norm.matchAll(CJK)) chineseTerms(m[0], out, initials);
  for (const m of norm.replace(CJK, " ").matchAll(LATIN)) {
    const w = m[0];
    if (!EN_STOP.has(w)) out.push(`e:${stem(w)}`);
  }
  return out;
}

/** Sentences already analysed: articles repeat their sentences (variants per city, product, segment). */
const sentenceTerms = new Map<string, readonly string[]>();

/** The terms of a text, for the index: Chinese runs and English words, sentence by sentence. */
export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const sentence of text.split(/(?<=[。！？；!?;\n])/)) {
    let hit = sentenceTerms.get(sentence);
    if (!hit) {
      hit = terms(sentence, true);
      if (sentenceTerms.size > 100_000) sentenceTerms.clear();
      sentenceTerms.set(sentence, hit);
    }
    out.push(...hit);
  }
  return out;
}

/**
 * The terms of a customer's question: those of `analyze` (but initials), and letters read as pinyin (whole syllables,
 * "gua shi" or "guashi", every shortest reading of ambiguous letters: "xiane" is xian'e or xia'ne) or as pinyin
 * initials ("gs", "yhk") when they are not English.
 */
export function analyzeQuery(text: string): string[] {
  // Chinese characters give no initials here: "yh" pairs of a typed question would match any article.
  const out = terms(text, false);
  for (const run of pinyinRuns(text)) pairs(run, "p:", out, "_");
  for (const w of latinWords(text))
    if (w.length >= 2 && w.length <= 8 && !/[aeiou]/.test(w) && !EN_STOP.has(w)) {
      pairs([...w], "i:", out);
      out.push(`w:${w}`);
    }
  return out;
}

function latinWords(text: string): string[] {
  return [
    ...normalize(text)
      .replace(CJK, " ")
      .matchAll(/[a-z]+/g),
  ].map((m) => m[0]);
}

/**
 * The runs of pinyin a question's letters spell, as fuzzy syllables: consecutive pinyin words form one run
 * ("yin hang ka" is yinhangka); letters with two shortest readings give a run for each.
 */
export function pinyinRuns(text: string): string[][] {
  const runs: string[][] = [];
  let current: string[][] = [[]];
  const flush = () => {
    for (const r of current) if (r.length) runs.push(r.map(fuzzySyllable));
    current = [[]];
  };
  for (const w of latinWords(text)) {
    const readings = splitPinyinAll(w);
    if (readings.length === 0) {
      flush();
      continue;
    }
    const next: string[][] = [];
    for (const r of current) for (const reading of readings) if (next.length < 8) next.push([...r, ...reading]);
    current = next;
  }
  flush();
  return runs;
}

/** A Chinese phrase's fuzzy syllables, space-separated (to find it in `pinyinRuns`). */
export function fuzzyPinyinOf(phrase: string): string {
  return pinyinOf(normalize(phrase)).map(fuzzySyllable).join(" ");
}
