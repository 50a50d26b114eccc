/**
 * Pure rules of customer records (issue 14): search keys, customer codes, segments, retention classes.
 *
 * - `reverseDigits("+8613812345678")` → "87654321831": the national digits reversed, so a search by the
 *   last digits is a prefix search on this column.
 * - `newCustomerCode(random)` → "K" + 10 Crockford base-32 characters (客户号).
 * - `ageOn(birthDate, day)` and `ruleSegments(...)`: "elderly" from age 60 (by birth date, or the birth date
 *   inside a Chinese resident ID number).
 * - `RETENTION_DEFAULTS`: days kept per data class before personal data is anonymised.
 */

export function reverseDigits(e164: string): string {
  const digits = e164.startsWith("+86") ? e164.slice(3) : e164.replace(/^\+/, "");
  return [...digits].reverse().join("");
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function newCustomerCode(randomBytes: Uint8Array): string {
  let out = "K";
  for (let i = 0; i < 10; i++) out += CROCKFORD[(randomBytes[i] ?? 0) % 32];
  return out;
}

export const SEGMENTS = ["elderly", "small_business", "vip"] as const;
export type Segment = (typeof SEGMENTS)[number];
export const VIP_TIERS = ["gold", "platinum", "diamond"] as const;
export type VipTier = (typeof VIP_TIERS)[number];
export const ELDERLY_AGE = 60;

/** 18-character resident ID: 6 region digits, YYYYMMDD, 3 digits, a check character. */
const RESIDENT_ID = /^\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dX]$/;

export function isResidentId(value: string): boolean {
  return RESIDENT_ID.test(value);
}

/** The ISO 7064 MOD 11-2 check character of an 18-character resident ID is right. */
export function residentIdChecks(value: string): boolean {
  if (!RESIDENT_ID.test(value)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(value[i]) * (weights[i] ?? 0);
  return "10X98765432"[sum % 11] === value[17];
}

export function birthDateFromId(value: string): string | null {
  const m = RESIDENT_ID.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** Whole years between a birth date and a day (both YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number) as [number, number, number];
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Segments that follow from the record itself (age), on `day`. */
export function ruleSegments(input: { birthDate: string | null; idNumber: string | null }, day: string): Segment[] {
  const birth = input.birthDate ?? (input.idNumber ? birthDateFromId(input.idNumber) : null);
  if (birth && ageOn(birth, day) >= ELDERLY_AGE) return ["elderly"];
  return [];
}

/** Data classes with their own retention period. */
export const DATA_CLASSES = [
  "visit_personal",
  "appointments",
  "complaints",
  "survey_texts",
  "audit",
  "followup_notes",
  "chat_transcripts",
] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** Defaults in days. Complaints and audit are kept long (regulators ask for years); survey texts briefly. */
export const RETENTION_DEFAULTS: Readonly<Record<DataClass, number>> = {
  visit_personal: 365,
  appointments: 180,
  complaints: 3 * 365,
  survey_texts: 180,
  audit: 5 * 365,
  /** The notes a customer manager writes on a closed follow-up; its outcome code and dates stay. */
  followup_notes: 365,
  /** The texts of closed chat conversations; the conversation's times, skill, agent and rating stay. */
  chat_transcripts: 365,
};
export const RETENTION_MIN_DAYS = 30;
export const RETENTION_MAX_DAYS = 10 * 365;
