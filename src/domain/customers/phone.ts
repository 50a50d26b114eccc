/**
 * Phone numbers: validated and normalised to E.164 with Google's libphonenumber, and masked for display.
 *
 * - `normalisePhone(input, defaultRegion = "CN")` → `{ ok: true, e164 }` or `{ ok: false, reason }`.
 *   A number without a country code is read in `defaultRegion` ("138 1234 5678" → "+8613812345678").
 * - `maskPhone("+8613812345678")` → "138****5678" (national digits, middle four hidden).
 * - `maskEmail("zhang.san@example.com")` → "z***@example.com".
 * - `isMobilePhone(e164)`: a number an SMS can reach (mobile, or fixed line or mobile where the plan cannot tell).
 * - `nationalNumberOf(stored)`: the country code and national digits libphonenumber reads in a number, valid or
 *   not ("+852 13812345678" → 852 and "13812345678"), for the duplicate finder.
 */
import libphonenumber from "google-libphonenumber";

// A CommonJS module whose named exports Node cannot detect: take them from the default export.
const { PhoneNumberFormat, PhoneNumberUtil } = libphonenumber;
const util = PhoneNumberUtil.getInstance();

export type PhoneResult =
  | { readonly ok: true; readonly e164: string }
  | { readonly ok: false; readonly reason: "empty" | "unparseable" | "invalid" };

export function normalisePhone(input: string, defaultRegion = "CN"): PhoneResult {
  const raw = input.trim();
  if (!raw) return { ok: false, reason: "empty" };
  // Digits, spaces, dashes, dots, brackets and one leading + only: libphonenumber would otherwise read
  // letters as keypad digits ("1-800-FLOWERS"), which no bank customer types.
  if (!/^\+?[\d\s\-().]{3,32}$/.test(raw)) return { ok: false, reason: "unparseable" };
  let parsed: libphonenumber.PhoneNumber;
  try {
    parsed = util.parse(raw, defaultRegion);
  } catch {
    return { ok: false, reason: "unparseable" };
  }
  if (!util.isValidNumber(parsed)) return { ok: false, reason: "invalid" };
  return { ok: true, e164: util.format(parsed, PhoneNumberFormat.E164) };
}

/** "+8613812345678" → "138****5678"; other countries keep their code: "+447911123456" → "+447****3456". */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, "");
  if (digits.length < 7) return "****";
  const national = e164.startsWith("+86") ? digits.slice(2) : digits;
  const prefix = e164.startsWith("+86") ? "" : "+";
  const keepHead = 3;
  const keepTail = 4;
  const hidden = Math.max(national.length - keepHead - keepTail, 1);
  return `${prefix}${national.slice(0, keepHead)}${"*".repeat(Math.min(hidden, 4))}${national.slice(-keepTail)}`;
}

/** "zhang.san@example.com" → "z***@example.com". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}

/** A recipient of either channel, masked. */
export function maskRecipient(recipient: string): string {
  return recipient.includes("@") ? maskEmail(recipient) : maskPhone(recipient);
}

/** Whether an E.164 number can take an SMS: a mobile number (or one the numbering plan cannot tell from one). */
export function isMobilePhone(e164: string): boolean {
  let parsed: libphonenumber.PhoneNumber;
  try {
    parsed = util.parse(e164);
  } catch {
    return false;
  }
  const type = util.getNumberType(parsed);
  return type === libphonenumber.PhoneNumberType.MOBILE || type === libphonenumber.PhoneNumberType.FIXED_LINE_OR_MOBILE;
}

/**
 * The country code and national significant digits libphonenumber reads in `input` (in `defaultRegion` when it
 * has no country code), without asking whether the number is valid; null when it cannot be read at all.
 */
export function nationalNumberOf(
  input: string,
  defaultRegion = "CN",
): { readonly countryCode: number; readonly national: string } | null {
  if (!/^\+?[\d\s\-().]{3,32}$/.test(input.trim())) return null;
  try {
    const parsed = util.parse(input.trim(), defaultRegion);
    return { countryCode: parsed.getCountryCode() ?? 0, national: util.getNationalSignificantNumber(parsed) };
  } catch {
    return null;
  }
}
