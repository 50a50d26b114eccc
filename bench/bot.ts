/**
 * `npm run bench:bot`: prints ONE JSON line.
 * - Accuracy of the knowledge search on the labelled questions (bench/bot-questions.ts) against the demo FAQ:
 *   top-1 and top-3, overall and per writing style; and the same for a BASELINE measured in the same run:
 *   plain minisearch over the same articles with its default tokenizer (whitespace and punctuation), fuzzy
 *   and prefix matching, no segmentation, pinyin, traditional conversion, stemming or synonyms.
 * - Latency of a search (p50, p99 in ms) over 5,000 articles: the demo FAQ plus plausible variants of it
 *   (the same questions written for other cities' branches and products), and the time to index them.
 */
import os from "node:os";
import MiniSearch from "minisearch";
import { DEMO_FAQ, DEMO_SYNONYMS, type FaqEntry } from "../src/app/knowledge/demo-faq.ts";
import { KnowledgeSearch, type SearchableArticle } from "../src/domain/knowledge/search.ts";
import { BOT_QUESTIONS, type QuestionStyle } from "./bot-questions.ts";
import { BOT_QUESTIONS_FRESH } from "./bot-questions-fresh.ts";
import { BOT_QUESTIONS_HELDOUT } from "./bot-questions-heldout.ts";
import { percentile, round } from "./lib/stats.ts";

const LARGE_SIZE = 5000;
const LATENCY_ROUNDS = 4;

const toArticle = (f: FaqEntry): SearchableArticle => ({ id: f.key, ...f });
const base = DEMO_FAQ.map(toArticle);

const CITIES: ReadonlyArray<readonly [string, string]> = [
  ["北京", "Beijing"],
  ["上海", "Shanghai"],
  ["广州", "Guangzhou"],
  ["深圳", "Shenzhen"],
  ["杭州", "Hangzhou"],
  ["成都", "Chengdu"],
  ["武汉", "Wuhan"],
  ["南京", "Nanjing"],
  ["西安", "Xi'an"],
  ["重庆", "Chongqing"],
  ["天津", "Tianjin"],
  ["苏州", "Suzhou"],
  ["长沙", "Changsha"],
  ["郑州", "Zhengzhou"],
  ["青岛", "Qingdao"],
  ["厦门", "Xiamen"],
];
const SEGMENTS: ReadonlyArray<readonly [string, string]> = [
  ["个人客户", "personal customers"],
  ["私人银行客户", "private banking clients"],
  ["小微企业主", "small business owners"],
  ["老年客户", "senior customers"],
  ["代发工资客户", "payroll customers"],
  ["学生客户", "students"],
  ["社保卡持卡人", "social security card holders"],
  ["贵宾客户", "premier customers"],
];

/** The demo FAQ and variants of it for other cities and customer groups, up to `size` articles. */
function largeBase(size: number): SearchableArticle[] {
  const out = [...base];
  for (let i = 0; out.length < size; i++) {
    const f = DEMO_FAQ[i % DEMO_FAQ.length] as FaqEntry;
    const round = Math.floor(i / DEMO_FAQ.length);
    const [cityZh, cityEn] = CITIES[round % CITIES.length] as readonly [string, string];
    const [segZh, segEn] = SEGMENTS[Math.floor(round / CITIES.length) % SEGMENTS.length] as readonly [string, string];
    out.push({
      ...toArticle(f),
      id: `${f.key}-${i}`,
      titleZh: `${cityZh}地区${segZh}：${f.titleZh}`,
      titleEn: `${f.titleEn} (${cityEn}, ${segEn})`,
      bodyZh: `本说明适用于${cityZh}地区的${segZh}。${f.bodyZh}`,
      bodyEn: `For ${segEn} in ${cityEn}. ${f.bodyEn}`,
    });
  }
  return out;
}

interface Accuracy {
  top1: number;
  top3: number;
}

type Labelled = ReadonlyArray<readonly [question: string, articleKey: string, style: QuestionStyle]>;

function accuracy(
  rank: (q: string) => string[],
  set: Labelled = BOT_QUESTIONS,
): {
  overall: Accuracy;
  byStyle: Record<string, Accuracy & { n: number }>;
  misses: string[];
} {
  const byStyle = new Map<QuestionStyle, { n: number; top1: number; top3: number }>();
  let top1 = 0;
  let top3 = 0;
  const misses: string[] = [];
  for (const [q, key, style] of set) {
    const ids = rank(q).slice(0, 3);
    const s = byStyle.get(style) ?? { n: 0, top1: 0, top3: 0 };
    s.n++;
    if (ids[0] === key) {
      top1++;
      s.top1++;
    } else misses.push(`${q} → ${ids[0] ?? "nothing"} (want ${key})`);
    if (ids.includes(key)) {
      top3++;
      s.top3++;
    }
    byStyle.set(style, s);
  }
  const n = set.length;
  return {
    overall: { top1: round(top1 / n, 3), top3: round(top3 / n, 3) },
    byStyle: Object.fromEntries(
      [...byStyle].map(([k, s]) => [k, { n: s.n, top1: round(s.top1 / s.n, 3), top3: round(s.top3 / s.n, 3) }]),
    ),
    misses,
  };
}

function baselineIndex(articles: readonly SearchableArticle[]): MiniSearch {
  const index = new MiniSearch({
    fields: ["titleZh", "titleEn", "bodyZh", "bodyEn", "questions", "keywords"],
    extractField: (doc, field) => {
      const v = (doc as Record<string, unknown>)[field];
      return Array.isArray(v) ? v.join(" ") : String(v ?? "");
    },
    searchOptions: { boost: { titleZh: 3, titleEn: 3, questions: 3, keywords: 2 }, fuzzy: 0.2, prefix: true },
  });
  index.addAll(articles);
  return index;
}

const ALL_QUESTIONS: Labelled = [...BOT_QUESTIONS, ...BOT_QUESTIONS_HELDOUT, ...BOT_QUESTIONS_FRESH];

/**
 * Wall-clock time of one search (p50, p99, max in ms), and the CPU time this process spent per search
 * (user + system over the whole timed loop / searches): under a loaded machine the wall clock measures the
 * machine's queue as much as the search, the CPU time does not.
 */
function latency(search: (q: string) => unknown): { p50: number; p99: number; max: number; cpuMsPerSearch: number } {
  for (const [q] of ALL_QUESTIONS) search(q); // warm up
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < LATENCY_ROUNDS; r++) {
    for (const [q] of ALL_QUESTIONS) {
      const t0 = performance.now();
      search(q);
      samples.push(performance.now() - t0);
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    p50: round(percentile(samples, 50), 3),
    p99: round(percentile(samples, 99), 3),
    max: round(Math.max(...samples), 3),
    cpuMsPerSearch: round((cpu.user + cpu.system) / 1000 / samples.length, 3),
  };
}

const verbose = process.argv.includes("--misses");
const verboseHeldout = process.argv.includes("--heldout-misses");
const verboseFresh = process.argv.includes("--fresh-misses");

const smart = new KnowledgeSearch(base, DEMO_SYNONYMS);
const smartAcc = accuracy((q) => smart.search(q, 3).map((h) => h.id));
const plain = baselineIndex(base);
const plainAcc = accuracy((q) => plain.search(q).map((r) => String(r.id)));
const heldout = accuracy((q) => smart.search(q, 3).map((h) => h.id), BOT_QUESTIONS_HELDOUT);
const plainHeldout = accuracy((q) => plain.search(q).map((r) => String(r.id)), BOT_QUESTIONS_HELDOUT);
const fresh = accuracy((q) => smart.search(q, 3).map((h) => h.id), BOT_QUESTIONS_FRESH);
const plainFresh = accuracy((q) => plain.search(q).map((r) => String(r.id)), BOT_QUESTIONS_FRESH);
const all = accuracy((q) => smart.search(q, 3).map((h) => h.id), ALL_QUESTIONS);

const quick = process.argv.includes("--quick");
const large = largeBase(quick ? base.length : LARGE_SIZE);
let t0 = performance.now();
const indexCpu0 = process.cpuUsage();
const smartLarge = new KnowledgeSearch(large, DEMO_SYNONYMS);
const smartIndexMs = performance.now() - t0;
const indexCpu = process.cpuUsage(indexCpu0);
t0 = performance.now();
const plainLarge = baselineIndex(large);
const plainIndexMs = performance.now() - t0;
const smartLatency = latency((q) => smartLarge.search(q, 5));
const plainLatency = latency((q) => plainLarge.search(q));

const line = {
  bench: "bot",
  articles: base.length,
  // The whole labelled set (tuning + held-out + fresh held-out); the targets are checked on it and on each
  // held-out part alone. The session-8 held-out part was looked at while tuning in session 9, so the fresh
  // part (bench/bot-questions-fresh.ts, committed before that tuning) is the one still held out.
  questions: ALL_QUESTIONS.length,
  top1: all.overall.top1,
  top3: all.overall.top3,
  tuning: {
    questions: BOT_QUESTIONS.length,
    top1: smartAcc.overall.top1,
    top3: smartAcc.overall.top3,
    byStyle: smartAcc.byStyle,
  },
  heldout: {
    questions: BOT_QUESTIONS_HELDOUT.length,
    top1: heldout.overall.top1,
    top3: heldout.overall.top3,
    byStyle: heldout.byStyle,
  },
  fresh: {
    questions: BOT_QUESTIONS_FRESH.length,
    top1: fresh.overall.top1,
    top3: fresh.overall.top3,
    byStyle: fresh.byStyle,
  },
  baseline: {
    tuning: { top1: plainAcc.overall.top1, top3: plainAcc.overall.top3, byStyle: plainAcc.byStyle },
    heldout: { top1: plainHeldout.overall.top1, top3: plainHeldout.overall.top3 },
    fresh: { top1: plainFresh.overall.top1, top3: plainFresh.overall.top3 },
  },
  large: {
    articles: large.length,
    searchMs: smartLatency,
    indexMs: round(smartIndexMs, 0),
    indexCpuMs: round((indexCpu.user + indexCpu.system) / 1000, 0),
    baselineSearchMs: plainLatency,
    baselineIndexMs: round(plainIndexMs, 0),
  },
  loadAverage: os.loadavg().map((l) => round(l, 1)),
  targets: {
    top1AtLeast85: all.overall.top1 >= 0.85,
    top3AtLeast95: all.overall.top3 >= 0.95,
    heldoutTop1AtLeast85: heldout.overall.top1 >= 0.85,
    heldoutTop3AtLeast95: heldout.overall.top3 >= 0.95,
    freshTop1AtLeast85: fresh.overall.top1 >= 0.85,
    freshTop3AtLeast95: fresh.overall.top3 >= 0.95,
    p99Under20ms: smartLatency.p99 < 20,
  },
  ...(verbose ? { misses: smartAcc.misses } : {}),
  ...(verboseHeldout ? { heldoutMisses: heldout.misses } : {}),
  ...(verboseFresh ? { freshMisses: fresh.misses } : {}),
};
console.log(JSON.stringify(line));
