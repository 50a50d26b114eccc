import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import * as OpenCC from "opencc-js/t2cn";
import { pinyin } from "pinyin-pro";
import { splitPinyin } from "./pinyin-syllables.ts";

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
 * - `e:` an English word, stemmed.
 */

export type TermKind = "z" | "b" | "p" | "i" | "e";

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

/** The terms of Chinese text (one run of Han characters); initials only for articles (see analyzeQuery). */
function chineseTerms(run: string, out: string[], initials: boolean): void {
  // Words without the stop words; the pairs below are taken over what is left, so that "我的" or "怎么"
  // never make two questions look alike.
  const words: string[] = [];
  for (const w of jieba().cut(run, true)) {
    if (ZH_STOP.has(w)) continue;
    words.push(w);
    for (const part of jieba().cutForSearch(w, true)) out.push(`z:${part}`);
  }
  if (words.length === 0) return;
  const chars = [...words.join("")];
  for (const c of chars) out.push(`u:${c}`);
  pairs(chars, "b:", out);
  const syllables = words.flatMap(pinyinOf);
  pairs(syllables.map(fuzzySyllable), "p:", out, "_");
  if (initials)
    pairs(
      syllables.map((s) => s.charAt(0)),
      "i:",
      out,
    );
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
 * "gua shi" or "guashi") or as pinyin initials ("gs", "yhk") when they are not English.
 */
export function analyzeQuery(text: string): string[] {
  // Chinese characters give no initials here: "yh" pairs of a typed question would match any article.
  const out = terms(text, false);
  const norm = normalize(text).replace(CJK, " ");
  const words = [...norm.matchAll(/[a-z]+/g)].map((m) => m[0]);
  // Consecutive pinyin words form one run: "yin hang ka" is yinhangka.
  let run: string[] = [];
  const flush = () => {
    pairs(run.map(fuzzySyllable), "p:", out, "_");
    run = [];
  };
  for (const w of words) {
    const syllables = splitPinyin(w);
    if (syllables) {
      run.push(...syllables);
      continue;
    }
    flush();
    if (w.length >= 2 && w.length <= 8 && !/[aeiou]/.test(w)) pairs([...w], "i:", out);
  }
  flush();
  return out;
}
