/**
 * Possible duplicate customer records (issue 14): pairs a person should look at, never merged by themselves.
 * The rules, for the customers of a Chinese bank branch:
 *
 * - `id_number`: the same ID number (spaces dropped, a final x read as X).
 * - `email`: the same e-mail address (trimmed, lower-cased).
 * - `phone`: the same number once libphonenumber reads it again (formatting, a 0086 or 86 prefix), or the same
 *   11-digit mainland mobile (1[3-9]…) under another country code (a number stored as +852 13812345678 next to
 *   +86 138 1234 5678). Records made by Datang are unique by normalised phone, so this finds records from imports
 *   and older data.
 * - `name_birth`: the same name (NFKC, spaces and middle dots removed, lower-cased; at least two characters) and the
 *   same birth date (the record's, else the one in an 18-digit ID number).
 * - `name_id_tail`: the same name and the same last four characters of the ID number.
 *
 * A name is never enough alone (张伟 is hundreds of thousands of people): two records whose full 18-character ID
 * numbers differ, or whose birth dates differ, are not matched by name. A key shared by more than `MAX_GROUP`
 * records (a placeholder e-mail, a branch's own phone) is a placeholder, not a person, and makes no pairs.
 */

import { nationalNumberOf, normalisePhone } from "./phone.ts";
import { birthDateFromId, isResidentId } from "./records.ts";

export type DuplicateRule = "id_number" | "email" | "phone" | "name_birth" | "name_id_tail";
/** Strongest first: the order pairs are listed in. */
export const DUPLICATE_RULES: readonly DuplicateRule[] = ["id_number", "email", "phone", "name_birth", "name_id_tail"];
export const MAX_GROUP = 10;

export interface DuplicateCandidate {
  readonly id: string;
  readonly name: string;
  /** As stored: E.164 for records made by Datang. */
  readonly phone: string;
  readonly email: string | null;
  readonly idNumber: string | null;
  /** YYYY-MM-DD. */
  readonly birthDate: string | null;
}

export interface DuplicatePair {
  /** The two ids in byte order (a < b): the pair's identity, as a dismissal stores it. */
  readonly a: string;
  readonly b: string;
  readonly rules: readonly DuplicateRule[];
}

export function normaliseName(name: string): string {
  return name
    .normalize("NFKC")
    .replace(/[\s·・•‧.]/gu, "")
    .toLowerCase();
}

export function normaliseIdNumber(value: string | null): string | null {
  const v = (value ?? "").replace(/\s/g, "").toUpperCase();
  return v.length >= 6 ? v : null;
}

/** The record's birth date, else the one in its resident ID number. */
export function birthDateOf(c: Pick<DuplicateCandidate, "birthDate" | "idNumber">): string | null {
  if (c.birthDate) return c.birthDate;
  const id = normaliseIdNumber(c.idNumber);
  return id ? birthDateFromId(id) : null;
}

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** The keys a stored phone number is matched by: its E.164 form, and a mainland mobile's 11 digits. */
export function phoneKeys(stored: string): string[] {
  if (!stored || stored.startsWith("merged:")) return [];
  const keys: string[] = [];
  const normal = normalisePhone(stored);
  if (normal.ok) keys.push(`e164:${normal.e164}`);
  const read = nationalNumberOf(stored);
  if (read && MAINLAND_MOBILE.test(read.national)) keys.push(`cn:${read.national}`);
  return keys;
}

/** Whether the name rules may pair two records: not when their full ID numbers, or their birth dates, differ. */
function nameMayPair(x: DuplicateCandidate, y: DuplicateCandidate): boolean {
  const ix = normaliseIdNumber(x.idNumber);
  const iy = normaliseIdNumber(y.idNumber);
  if (ix && iy && isResidentId(ix) && isResidentId(iy) && ix !== iy) return false;
  const bx = birthDateOf(x);
  const by = birthDateOf(y);
  return !(bx && by && bx !== by);
}

/** A stored phone as Datang stores a mainland mobile: +86 and 11 digits, nothing else. */
const CANONICAL_MAINLAND = /^\+861[3-9]\d{9}$/;

/**
 * Every pair of `candidates` that one of the rules matches, with the rules, strongest pairs first.
 *
 * Reading a phone with libphonenumber is most of the cost over a large branch (about 20 µs a number), so a number
 * stored canonically (+86 and a mobile's 11 digits, as Datang stores every number it takes) is not read: its
 * `cn:` key is its 11 digits, and its `e164:` key is the stored text itself, which matters only when another record's
 * number reads as exactly that text (canonical numbers are unique, so that other record is a non-canonical one,
 * read first, and its reading being valid makes this one valid too). The keys, and so the pairs, are the same as
 * `phoneKeys` gives.
 */
export function findDuplicatePairs(candidates: readonly DuplicateCandidate[]): DuplicatePair[] {
  // One map per rule, a key's first record kept as a string: over a large branch most keys are one record's, and
  // an object and an array for each of them was most of the time (garbage collection).
  const groups = new Map<DuplicateRule, Map<string, string | string[]>>(DUPLICATE_RULES.map((r) => [r, new Map()]));
  const add = (rule: DuplicateRule, key: string | null, id: string) => {
    if (!key) return;
    const ofRule = groups.get(rule) as Map<string, string | string[]>;
    const g = ofRule.get(key);
    if (g === undefined) ofRule.set(key, id);
    else if (typeof g === "string") ofRule.set(key, [g, id]);
    else g.push(id);
  };
  const byId = new Map(candidates.map((c) => [c.id, c]));
  // The numbers that are not canonical first: the E.164 forms they read as are the only ones a canonical number
  // can share.
  const readKeys = new Map<string, string[]>();
  const readE164 = new Set<string>();
  for (const c of byId.values())
    if (!CANONICAL_MAINLAND.test(c.phone)) {
      const keys = [...new Set(phoneKeys(c.phone))];
      readKeys.set(c.id, keys);
      for (const k of keys) if (k.startsWith("e164:")) readE164.add(k);
    }
  const keysOf = (c: DuplicateCandidate): readonly string[] => {
    const read = readKeys.get(c.id);
    if (read) return read;
    const e164 = `e164:${c.phone}`;
    return readE164.has(e164) ? [e164, `cn:${c.phone.slice(3)}`] : [`cn:${c.phone.slice(3)}`];
  };
  for (const c of byId.values()) {
    const id = normaliseIdNumber(c.idNumber);
    add("id_number", id, c.id);
    add("email", c.email?.trim().toLowerCase() || null, c.id);
    for (const k of keysOf(c)) add("phone", k, c.id);
    const name = normaliseName(c.name);
    if ([...name].length >= 2) {
      const birth = birthDateOf(c);
      add("name_birth", birth ? `${name}\u0000${birth}` : null, c.id);
      add("name_id_tail", id && id.length >= 4 ? `${name}\u0000${id.slice(-4)}` : null, c.id);
    }
  }
  const pairs = new Map<string, { a: string; b: string; rules: Set<DuplicateRule> }>();
  for (const [rule, ofRule] of groups)
    for (const ids of ofRule.values()) {
      // Most keys are one record's alone: no set, no sort for them.
      if (typeof ids === "string") continue;
      const unique = [...new Set(ids)].sort();
      if (unique.length < 2 || unique.length > MAX_GROUP) continue;
      for (let i = 0; i < unique.length; i++)
        for (let j = i + 1; j < unique.length; j++) {
          const a = unique[i] as string;
          const b = unique[j] as string;
          if (
            (rule === "name_birth" || rule === "name_id_tail") &&
            !nameMayPair(byId.get(a) as DuplicateCandidate, byId.get(b) as DuplicateCandidate)
          )
            continue;
          const key = `${a}\u0000${b}`;
          const p = pairs.get(key) ?? { a, b, rules: new Set<DuplicateRule>() };
          p.rules.add(rule);
          pairs.set(key, p);
        }
    }
  const rank = (rules: readonly DuplicateRule[]) => Math.min(...rules.map((r) => DUPLICATE_RULES.indexOf(r)));
  return [...pairs.values()]
    .map((p) => ({ a: p.a, b: p.b, rules: DUPLICATE_RULES.filter((r) => p.rules.has(r)) }))
    .sort((x, y) => rank(x.rules) - rank(y.rules) || y.rules.length - x.rules.length || (x.a < y.a ? -1 : 1));
}
