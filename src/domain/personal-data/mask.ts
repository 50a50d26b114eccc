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

/** The text with every mobile and ID number in it masked (null stays null). */
export function maskFreeText(text: string): string;
export function maskFreeText(text: string | null): string | null;
export function maskFreeText(text: string | null): string | null {
  if (text === null) return null;
  // IDs first: a phone's pattern could otherwise match inside an ID written with separators.
  return text
    .replace(ID_NUMBER, (id) => maskIdNumber(id))
    .replace(MOBILE, (_all, prefix: string | undefined, phone: string) => `${prefix ?? ""}${maskPhone(phone)}`);
}

/** Every string inside a JSON-like value masked with `maskFreeText` (objects and arrays copied, the rest kept). */
export function maskStringsIn(value: unknown): unknown {
  if (typeof value === "string") return maskFreeText(value);
  if (Array.isArray(value)) return value.map(maskStringsIn);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskStringsIn(v)]));
  return value;
}

/**
 * An edit of a masked text put back together with the numbers it hid: every masked form of a mobile or ID number
 * found in `original` ("139****4321") that is still in `edited` is replaced by the number as typed in `original`,
 * so that staff who edit a note they were shown masked do not overwrite its numbers with stars. A number they
 * deleted stays deleted; text they add is kept as they typed it. Two numbers of `original` with the same masked
 * form: the first one's is put back for both.
 */
export function restoreMasked(edited: string, original: string): string {
  const hidden = new Map<string, string>();
  for (const id of original.match(ID_NUMBER) ?? []) if (!hidden.has(maskIdNumber(id))) hidden.set(maskIdNumber(id), id);
  const withoutIds = original.replace(ID_NUMBER, "");
  for (const m of withoutIds.matchAll(MOBILE)) {
    const phone = m[2] as string;
    if (!hidden.has(maskPhone(phone))) hidden.set(maskPhone(phone), phone);
  }
  let out = edited;
  for (const [masked, typed] of hidden) out = out.split(masked).join(typed);
  return out;
}
