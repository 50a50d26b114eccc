import { hash, randomBytes, timingSafeEqual } from "node:crypto";
import { HashPool } from "./hash-pool.ts";

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

/** The process's password hashing threads (see hash-pool.ts): never libuv's pool, which the WAL sync needs. */
export const hashPool = new HashPool();

function derive(password: string, salt: Buffer, n: number, r: number, p: number, signIn = false): Promise<Buffer> {
  return hashPool.run({ password, salt, n, r, p, keyLength: KEY_LENGTH }, signIn);
}

/** `scrypt$N$r$p$salt$key`, base64url parts: the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ["scrypt", N, R, P, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/**
 * Checks a sign-in's password. Throws `PoolBusy` at once when the hashing queue is full (a flood of sign-ins),
 * rather than waiting behind it (sign-ins admitted with `hashPool.admit()` always fit).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, "base64url");
  const actual = await derive(password, Buffer.from(salt, "base64url"), Number(n), Number(r), Number(p), true);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to compare against when the username is unknown, so timing does not reveal which usernames exist. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(12).toString("hex"));
  return decoy;
}

/** Random bearer secrets (session cookies, device tokens) are stored only as their SHA-256. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** Every authenticated request hashes its secret: the one-shot hash is half the cost of a Hash object. */
export function secretHash(secret: string): string {
  return hash("sha256", secret, "base64url");
}
