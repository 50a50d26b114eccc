/**
 * Guided self-service, pure: which questions the bot answers from live data instead of an article.
 * - `queue`: how many wait now, how long ("现在排队多吗", "how long is the queue");
 * - `hours`: opening hours today ("几点关门", "are you open today");
 * - `book`: the customer wants an appointment ("我想预约", "book an appointment");
 * - `ticket`: the customer wants the bot to take a queue ticket for them now ("帮我取个号", "get me a ticket").
 * The words are deliberately narrow: a question about a product that happens to say "time" stays with the
 * knowledge base.
 */
export type SelfService = "queue" | "hours" | "book" | "ticket";

const RULES: ReadonlyArray<{
  readonly kind: SelfService;
  readonly zh: readonly string[];
  readonly en: readonly RegExp[];
}> = [
  {
    kind: "queue",
    zh: [
      "排队情况",
      "排队的人多",
      "排队多",
      "多少人排队",
      "几个人排队",
      "人多吗",
      "人多不多",
      "要等多久",
      "要等多长",
      "等候人数",
      "排多久",
    ],
    en: [
      /\bhow long is the (queue|line|wait)\b/,
      /\bhow (long|many people)\b.*\bwait/,
      /\bqueue (now|today)\b/,
      /\bis it busy\b/,
    ],
  },
  {
    kind: "hours",
    zh: ["营业时间", "几点开门", "几点关门", "几点下班", "开门吗", "营业吗", "上班时间", "周末营业"],
    en: [
      /\bopening (hours|times)\b/,
      /\bopen (today|now|tomorrow)\b/,
      /\bwhen do you (open|close)\b/,
      /\bclosing time\b/,
    ],
  },
  {
    kind: "book",
    zh: ["我想预约", "我要预约", "帮我预约", "怎么预约", "如何预约", "想约个时间", "约个时间"],
    en: [/\bbook (an? )?(appointment|slot|visit)\b/, /\bmake an appointment\b/],
  },
  {
    kind: "ticket",
    zh: [
      "我要取号",
      "我想取号",
      "帮我取号",
      "帮我取个号",
      "取个号",
      "取一个号",
      "远程取号",
      "在线取号",
      "线上取号",
      "网上取号",
      "手机取号",
      "拿个号",
      "我要排号",
      "帮我排号",
      "帮我排个号",
    ],
    en: [
      /\b(take|get|give|book)( me)? (a |an )?(queue |remote )?(ticket|number)\b/,
      /\bremote (ticket|queue number)\b/,
      /\bjoin the queue\b/,
    ],
  },
];

export function selfServiceIntent(text: string): SelfService | null {
  const lower = text.toLowerCase();
  for (const rule of RULES) {
    if (rule.zh.some((w) => lower.includes(w)) || rule.en.some((r) => r.test(lower))) return rule.kind;
  }
  return null;
}

const WEEKDAY_ZH = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
const WEEKDAY_EN = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** A branch's hours on a weekday (0 Sunday), in words: "09:00–17:00" or closed. */
export function hoursText(
  hours: Readonly<Record<string, readonly [string, string] | null | undefined>>,
  weekday: number,
  language: "zh" | "en",
): string {
  const span = hours[String(weekday)];
  const day = language === "en" ? WEEKDAY_EN[weekday] : WEEKDAY_ZH[weekday];
  if (!span) return language === "en" ? `${day}: closed` : `${day}：休息`;
  return language === "en" ? `${day}: ${span[0]}–${span[1]}` : `${day}：${span[0]}–${span[1]}`;
}
