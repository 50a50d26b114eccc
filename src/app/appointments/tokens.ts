import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** Letters and digits that cannot be misread for each other on a phone screen or said aloud (no 0/O, 1/I/L). */
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** The booking code a customer types at the kiosk: 8 characters, about 40 bits, unique per branch. */
export function newBookingCode(): string {
  let code = "";
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** A code as typed: case and separators do not matter. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}

/** The manage link's secret: 256 random bits; only its SHA-256 is stored. */
export function newManageToken(): string {
  return randomBytes(32).toString("base64url");
}

export function manageTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function tokenMatches(token: string, storedHash: string): boolean {
  const a = Buffer.from(manageTokenHash(token), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Links in messages and answers start with DATANG_PUBLIC_URL (the address customers reach the server at). */
export function publicUrl(path: string): string {
  const base = (process.env.DATANG_PUBLIC_URL ?? "").replace(/\/+$/, "");
  return `${base}${path}`;
}

export function manageUrl(id: string, token: string): string {
  return publicUrl(`/book/manage?id=${encodeURIComponent(id)}&token=${encodeURIComponent(token)}`);
}

/**
 * Whether a message's manage link no longer opens its appointment: staff moved it or sent the confirmation again
 * since, which made a new token (the link's token no longer matches the stored hash). Not a manage link: false.
 */
export function manageLinkSuperseded(link: unknown, storedHash: string | null | undefined): boolean {
  if (typeof link !== "string" || !storedHash) return false;
  let token: string | null;
  try {
    token = new URL(link, "http://datang.invalid").searchParams.get("token");
  } catch {
    return false;
  }
  return token !== null && !tokenMatches(token, storedHash);
}
