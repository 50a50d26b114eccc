/**
 * A step of guided self-service, pure: the bot offered numbered choices (branches, business types); which one
 * did the customer mean? "2", "第二个", "2号", the name or a part of it ("对公"), its code ("CASH"). A
 * customer who gives up ("取消", "算了", "cancel") leaves the step.
 */

export interface Choice {
  readonly id: string;
  /** Names the customer may write: Chinese, English, a code. */
  readonly names: readonly string[];
}

const CANCEL_ZH = ["取消", "算了", "不用了", "不要了", "不取了", "退出"];
const CANCEL_EN = [/\bcancel\b/, /\bnever ?mind\b/, /\bstop\b/, /\bno thanks?\b/, /\bquit\b/];

export function wantsCancel(text: string): boolean {
  const lower = text.toLowerCase();
  return CANCEL_ZH.some((w) => lower.includes(w)) || CANCEL_EN.some((r) => r.test(lower));
}

const CHINESE_DIGITS: Readonly<Record<string, number>> = {
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
};

/** The number a customer wrote for a choice: "2", "２", "第2个", "第二项", "2号", "no. 2", "option 2". */
export function choiceNumber(text: string): number | null {
  const t = text
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .toLowerCase()
    .replace(/[。.!！,，\s]+$/u, "");
  const plain = /^(?:第|no\.?\s*|number\s*|option\s*|#)?\s*(\d{1,2})\s*(?:个|项|号|种)?$/u.exec(t);
  if (plain) return Number(plain[1]);
  const zh = /^第?([一二两三四五六七八九十])(?:个|项|号|种)?$/u.exec(t);
  if (zh?.[1]) return CHINESE_DIGITS[zh[1]] ?? null;
  return null;
}

const normal = (s: string) => s.toLowerCase().replace(/[\s·・/／()（）-]+/gu, "");

/**
 * The choice the customer meant, or null when it is not clear (no match, or a part that fits two).
 * A number picks by position (1 is the first); otherwise a name the text contains, or that contains the text
 * (at least two characters), matches.
 */
export function pickChoice(text: string, choices: readonly Choice[]): string | null {
  const n = choiceNumber(text);
  if (n !== null) return choices[n - 1]?.id ?? null;
  const said = normal(text);
  if (said.length === 0) return null;
  const exact = choices.filter((c) => c.names.some((name) => normal(name) === said));
  if (exact.length === 1) return exact[0]?.id ?? null;
  const within = choices.filter((c) =>
    c.names.some((name) => {
      const n2 = normal(name);
      return n2.length >= 2 && (said.includes(n2) || (said.length >= 2 && n2.includes(said)));
    }),
  );
  return within.length === 1 ? (within[0]?.id ?? null) : null;
}
