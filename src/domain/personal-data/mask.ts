/**
 * Personal data that staff type into free text (a ticket's notes, a cancellation reason, a customer's
 * comment): mainland mobile numbers and resident ID numbers are masked before the text reaches anyone who does
 * not need them.
 *
 * - `maskPhone("13812345678")` → "138****5678": the first three and the last four digits.
 * - `maskIdNumber("11010119900307123X")` → "110101********123X": the first six (the region) and the last four.
 * - `maskFreeText(text)` masks every mobile number (11 digits starting 13–19, also written with spaces or
 *   dashes, with or without +86) and every 18-character ID number (17 digits and a digit or X, also with spaces
 *   or dashes) found in the text, and leaves everything else as it was. Full-width digits count as digits.
 *
 * Pure: no I/O, no dependencies, so every layer (answers, exports, customer records) can use it.
 */

/** An ASCII or full-width digit. */
const D = "[0-9\\uFF10-\\uFF19]";
/** A separator people type inside numbers. */
const SEP = "[ \\-\\u2010-\\u2015\\uFF0D]?";

/** 17 digits and a check character (a digit or X), not inside a longer run of digits. */
const ID_NUMBER = new RegExp(`(?<!${D})${D}(?:${SEP}${D}){16}${SEP}[0-9\\uFF10-\\uFF19Xx\\uFF38\\uFF58](?!${D})`, "g");
/** A mainland mobile number (1, then 3–9, then nine digits), optionally after +86 / 86. */
const MOBILE = new RegExp(
  `(?<!${D})((?:\\+|\\uFF0B)?(?:86|\\uFF18\\uFF16)${SEP})?([1\\uFF11][3-9\\uFF13-\\uFF19]${D}(?:${SEP}${D}){8})(?!${D})`,
  "g",
);

const keepOnlyNumber = (s: string): string => s.replace(/[^0-9\uFF10-\uFF19Xx\uFF38\uFF58]/g, "");

/** "13812345678" (separators allowed) → "138****5678". */
export function maskPhone(phone: string): string {
  const digits = keepOnlyNumber(phone);
  if (digits.length < 8) return "****";
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** "11010119900307123X" (separators allowed) → "110101********123X". */
export function maskIdNumber(id: string): string {
  const chars = keepOnlyNumber(id);
  if (chars.length < 11) return "*".repeat(chars.length);
  return `${chars.slice(0, 6)}${"*".repeat(chars.length - 10)}${chars.slice(-4)}`;
}

const HAN = /\p{Script=Han}/u;
/** Two-character surnames (复姓) whose given name is what follows them. */
const COMPOUND_SURNAMES = new Set(
  "欧阳 司马 上官 诸葛 东方 皇甫 令狐 慕容 司徒 公孙 夏侯 尉迟 长孙 宇文 轩辕 端木 西门 南宫 独孤 百里 呼延 万俟 澹台 公冶 宗政 濮阳 太史 申屠 钟离 闻人".split(
    " ",
  ),
);

/**
 * The forms of a known customer's name to hide in free text, each with its masked form, longest first. A Chinese
 * name: the full name keeps its surname ("张三丰" → "张**", "欧阳小明" → "欧阳**"), and its given name alone is hidden
 * whole ("三丰" → "**") when it has two characters or more (one character is too common a word to hide). In free
 * text the given name's last character is not kept (as `maskName` keeps it in a name field), since the given
 * name alone is masked too and would otherwise be partly readable. A Latin name: each word of two letters or more
 * keeps its first letter ("John Smith" → "J*** S****").
 */
export function nameForms(name: string): Array<{ readonly typed: string; readonly masked: string }> {
  const n = name.trim().replace(/\s+/g, " ");
  if (!n) return [];
  const chars = [...n];
  if (HAN.test(chars[0] ?? "")) {
    if (chars.length < 2) return [];
    const surname = chars.length >= 3 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join("")) ? 2 : 1;
    const given = chars.slice(surname);
    const out = [{ typed: n, masked: `${chars.slice(0, surname).join("")}${"*".repeat(given.length)}` }];
    if (given.length >= 2) out.push({ typed: given.join(""), masked: "*".repeat(given.length) });
    return out;
  }
  const words = n.split(" ").filter((w) => [...w].length >= 2);
  const mask = (w: string) => `${[...w][0]}${"*".repeat([...w].length - 1)}`;
  const out = words.length > 1 ? [{ typed: n, masked: n.split(" ").map(mask).join(" ") }] : [];
  for (const w of words) out.push({ typed: w, masked: mask(w) });
  return out.sort((a, b) => b.typed.length - a.typed.length);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A Latin form matches as whole words and in any case; a Chinese one wherever it is written. */
const formPattern = (typed: string) =>
  HAN.test(typed)
    ? new RegExp(escapeRe(typed), "gu")
    : new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(typed)}(?![\\p{L}\\p{N}])`, "giu");

/** The patterns of `names`' forms with their masked forms, longest first (compiled once per masker). */
function namePatterns(names: readonly string[]): Array<readonly [RegExp, string]> {
  const seen = new Set<string>();
  return names
    .flatMap(nameForms)
    .sort((a, b) => b.typed.length - a.typed.length)
    .filter((f) => !seen.has(f.typed) && seen.add(f.typed))
    .map((f) => [formPattern(f.typed), f.masked] as const);
}

/** The text with the known customer's names (`names`: their name as recorded) masked as `nameForms` says. */
export function maskNamesIn(text: string, names: readonly string[]): string {
  let out = text;
  for (const [pattern, masked] of namePatterns(names)) out = out.replace(pattern, masked);
  return out;
}

const maskNumbers = (text: string): string =>
  // IDs first: a phone's pattern could otherwise match inside an ID written with separators.
  text
    .replace(ID_NUMBER, (id) => maskIdNumber(id))
    .replace(MOBILE, (_all, prefix: string | undefined, phone: string) => `${prefix ?? ""}${maskPhone(phone)}`);

/** `maskFreeText` for many texts about the same customer(s): `names`' patterns are compiled once. */
export interface FreeTextMasker {
  (text: string): string;
  (text: string | null): string | null;
}
export function freeTextMasker(names: readonly string[] = []): FreeTextMasker {
  const patterns = names.length ? namePatterns(names) : [];
  return ((text: string | null) => {
    if (text === null) return null;
    let out = maskNumbers(text);
    for (const [pattern, masked] of patterns) out = out.replace(pattern, masked);
    return out;
  }) as FreeTextMasker;
}

/**
 * The text with every mobile and ID number in it masked (null stays null), and, where the text belongs to a known
 * customer (a complaint's texts, notes about them), that customer's name (`names`, see `maskNamesIn`).
 */
export function maskFreeText(text: string, names?: readonly string[]): string;
export function maskFreeText(text: string | null, names?: readonly string[]): string | null;
export function maskFreeText(text: string | null, names: readonly string[] = []): string | null {
  if (text === null) return null;
  const numbers = maskNumbers(text);
  return names.length ? maskNamesIn(numbers, names) : numbers;
}

/** Every string inside a JSON-like value masked with `maskFreeText` (objects and arrays copied, the rest kept). */
export function maskStringsIn(value: unknown, names: readonly string[] | FreeTextMasker = []): unknown {
  const mask = typeof names === "function" ? names : freeTextMasker(names);
  if (typeof value === "string") return mask(value);
  if (Array.isArray(value)) return value.map((v) => maskStringsIn(v, mask));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskStringsIn(v, mask)]));
  return value;
}

/**
 * An edit of a masked text put back together with the numbers it hid: every masked form of a mobile or ID number
 * found in `original` ("139****4321") that is still in `edited` is replaced by the number as typed in `original`,
 * so that staff who edit a note they were shown masked do not overwrite its numbers with stars. A number they
 * deleted stays deleted; text they add is kept as they typed it. Two numbers of `original` with the same masked
 * form: the first one's is put back for both.
 */
export function restoreMasked(edited: string, original: string, names: readonly string[] = []): string {
  const hidden = new Map<string, string>();
  for (const id of original.match(ID_NUMBER) ?? []) if (!hidden.has(maskIdNumber(id))) hidden.set(maskIdNumber(id), id);
  const withoutIds = original.replace(ID_NUMBER, "");
  for (const m of withoutIds.matchAll(MOBILE)) {
    const phone = m[2] as string;
    if (!hidden.has(maskPhone(phone))) hidden.set(maskPhone(phone), phone);
  }
  let out = edited;
  for (const [masked, typed] of hidden) out = out.split(masked).join(typed);
  // The customer's name as it was shown masked (numbers first: "138****5678" holds stars too), full name first.
  for (const f of names.flatMap(nameForms).sort((a, b) => b.typed.length - a.typed.length))
    if (original.includes(f.typed)) out = out.split(f.masked).join(f.typed);
  return out;
}
