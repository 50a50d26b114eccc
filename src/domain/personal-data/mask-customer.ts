/**
 * Masking of a customer's identity for roles that do not need the full values (JR/T 0171-2020 style).
 *
 * - `maskName("王小明")` → "王*明", `maskName("王明")` → "王*", `maskName("欧阳小明")` → "欧**明";
 *   Latin names keep each word's first letter: "John Smith" → "J*** S****".
 * - `maskCustomerPhone("+8613812345678")` → "138****5678" (same rule as domain/customers/phone.ts).
 * - `maskId("110101199003071234")` → "110101********1234": first 6 and last 4 kept.
 * - `maskCustomerEmail("zhang.san@example.com")` → "z***@example.com".
 *
 * Pure functions: no I/O. (H1's src/domain/personal-data/mask.ts masks free text for other uses.)
 */
import { maskEmail, maskPhone } from "../customers/phone.ts";

const HAN = /\p{Script=Han}/u;

export function maskName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return "";
  const chars = [...trimmed];
  if (HAN.test(chars[0] ?? "") || !/\s/.test(trimmed)) {
    if (chars.length === 1) return "*";
    if (chars.length === 2) return `${chars[0]}*`;
    if (!HAN.test(chars[0] ?? "")) return `${chars[0]}${"*".repeat(chars.length - 1)}`; // one Latin word: "John" → "J***"
    return `${chars[0]}${"*".repeat(chars.length - 2)}${chars.at(-1)}`;
  }
  return trimmed
    .split(/\s+/)
    .map((w) => {
      const c = [...w];
      return `${c[0]}${"*".repeat(Math.max(c.length - 1, 1))}`;
    })
    .join(" ");
}

export function maskCustomerPhone(e164: string): string {
  return maskPhone(e164);
}

/** First 6 and last 4 characters kept; anything shorter than 11 characters is hidden whole. */
export function maskId(idNumber: string): string {
  const v = idNumber.trim();
  if (v.length < 11) return "*".repeat(Math.max(v.length, 4));
  return `${v.slice(0, 6)}${"*".repeat(v.length - 10)}${v.slice(-4)}`;
}

export function maskCustomerEmail(email: string): string {
  return maskEmail(email);
}

export interface IdentityFields {
  readonly name: string;
  readonly phone: string;
  readonly idNumber: string | null;
  readonly email: string | null;
}

/** Every identifying field of a customer, masked. */
export function maskIdentity(identity: IdentityFields): IdentityFields {
  return {
    name: maskName(identity.name),
    phone: identity.phone ? maskCustomerPhone(identity.phone) : "",
    idNumber: identity.idNumber === null ? null : maskId(identity.idNumber),
    email: identity.email === null ? null : maskCustomerEmail(identity.email),
  };
}
