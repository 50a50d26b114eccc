/**
 * One-time codes that prove a phone number before a public booking.
 *
 *   requestOtp(ctx: AppContext, input: { phone: string; ip: string; lang?: "zh-CN" | "en" }): Promise<OtpRequested>
 *   checkOtp(ctx: AppContext, input: { phone: string; code: string }): Promise<void>
 *   verifyOtp(tx: Tx, ctx: AppContext, input: { phone: string; code: string }): Promise<void>
 *
 * - A code is 6 random digits, valid 5 minutes, 5 wrong tries; a new request replaces the phone's earlier
 *   code. Requests are limited per phone (1 a minute, 5 an hour) and per client address (20 an hour): 429
 *   `rate_limited` with `details.retryAfterSeconds`. SMS pumping costs banks real money. A paired kiosk (a
 *   device credential, `kioskId`) is one address for a whole lobby of customers: it is counted by its own id
 *   instead, with a kiosk's allowance (300 an hour); the per-phone limits hold there too.
 * - The code goes out as an SMS through the outbox (kind "otp", never delayed by quiet hours). Only its salted
 *   hash is kept here; the outbox keeps the code until the SMS is sent, then blanks it. It is never logged.
 *
 * Why two steps, `checkOtp` then `verifyOtp`: a wrong code must count a try even though the booking it came
 * with is refused, and a refused booking rolls its transaction back. So the caller first calls `checkOtp`
 * (its own transaction: a wrong code counts a try and answers 400 `otp_invalid`; the right one marks the code
 * checked), then, inside the booking's transaction, `verifyOtp`, which consumes the checked code. A booking
 * that fails afterwards (slot full) rolls the consumption back, so the customer may try another slot with the
 * same code while it is valid; a booking that succeeds consumes it for good. `verifyOtp` accepts only a
 * checked code, so skipping `checkOtp` cannot be used to guess codes without counting tries.
 */
import { createHash, randomBytes, randomInt } from "node:crypto";
import { sql } from "kysely";
import { isMobilePhone } from "../../domain/customers/phone.ts";
import { enqueueMessage } from "../../store/outbox.ts";
import { isPostgres } from "../../store/sql.ts";
import type { Tx } from "../../store/store.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { requirePhone } from "./identify.ts";

export const OTP_TTL_MS = 5 * 60_000;
export const OTP_MAX_TRIES = 5;
export const OTP_LIMITS = Object.freeze({
  perPhonePerMinute: 1,
  perPhonePerHour: 5,
  perAddressPerHour: 20,
  perKioskPerHour: 300,
});

export interface OtpRequested {
  readonly expiresAt: number;
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex");
const codeHash = (salt: string, code: string) => hash(`${salt}:${code}`);
const addressHash = (ip: string) => hash(`ip:${ip}`);

function rateLimited(retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(
    429,
    "rate_limited",
    `Too many codes requested; try again in ${seconds} s.`,
    { retryAfterSeconds: seconds },
    `验证码请求过于频繁，请 ${seconds} 秒后再试。`,
  );
}

export const otpInvalid = () =>
  new AppError(400, "otp_invalid", "The code is wrong or has expired.", { field: "otp" }, "验证码错误或已过期。");

export async function requestOtp(
  ctx: AppContext,
  input: { readonly phone: string; readonly ip: string; readonly lang?: "zh-CN" | "en"; readonly kioskId?: string },
): Promise<OtpRequested> {
  const phone = requirePhone(input.phone);
  // A landline cannot read an SMS: refuse before anything is counted or sent (each SMS costs the bank money).
  if (!isMobilePhone(phone))
    throw new AppError(
      400,
      "invalid_phone",
      "This number cannot receive text messages; give a mobile number.",
      { field: "phone", reason: "not_mobile" },
      "该号码无法接收短信，请填写手机号码。",
    );
  const ipHash = input.kioskId === undefined ? addressHash(input.ip) : hash(`kiosk:${input.kioskId}`);
  const perAddress = input.kioskId === undefined ? OTP_LIMITS.perAddressPerHour : OTP_LIMITS.perKioskPerHour;
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const salt = randomBytes(16).toString("hex");
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    if (isPostgres(tx)) {
      // Counting then inserting is a race across connections: hold the phone's and the address's locks
      // (always in this order, so two requests cannot wait on each other) until commit.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`otp:${phone}`}))`.execute(tx);
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`otp:${ipHash}`}))`.execute(tx);
    }
    const hourAgo = now - 3_600_000;
    const byPhone = await tx
      .selectFrom("otp_codes")
      .select("created_at")
      .where("phone_e164", "=", phone)
      .where("created_at", ">", hourAgo)
      .orderBy("created_at", "desc")
      .execute();
    const lastMinute = byPhone.filter((r) => r.created_at > now - 60_000);
    if (lastMinute.length >= OTP_LIMITS.perPhonePerMinute)
      throw rateLimited((lastMinute.at(-1)?.created_at ?? now) + 60_000 - now);
    if (byPhone.length >= OTP_LIMITS.perPhonePerHour)
      throw rateLimited((byPhone.at(OTP_LIMITS.perPhonePerHour - 1)?.created_at ?? now) + 3_600_000 - now);
    const byAddress = await tx
      .selectFrom("otp_codes")
      .select("created_at")
      .where("ip_hash", "=", ipHash)
      .where("created_at", ">", hourAgo)
      .orderBy("created_at", "desc")
      .execute();
    if (byAddress.length >= perAddress)
      throw rateLimited((byAddress.at(perAddress - 1)?.created_at ?? now) + 3_600_000 - now);

    // Only the newest code works.
    await tx
      .updateTable("otp_codes")
      .set({ expires_at: now })
      .where("phone_e164", "=", phone)
      .where("consumed_at", "is", null)
      .where("expires_at", ">", now)
      .execute();
    const id = ctx.newId();
    const expiresAt = now + OTP_TTL_MS;
    await tx
      .insertInto("otp_codes")
      .values({
        id,
        phone_e164: phone,
        salt,
        code_hash: codeHash(salt, code),
        ip_hash: ipHash,
        created_at: now,
        expires_at: expiresAt,
        tries: 0,
        checked_at: null,
        consumed_at: null,
      })
      .execute();
    const known = await tx.selectFrom("customers").select("lang").where("phone_e164", "=", phone).executeTakeFirst();
    const lang = input.lang ?? (known?.lang === "en" ? "en" : "zh-CN");
    await enqueueMessage(tx, {
      kind: "otp",
      channel: "sms",
      recipient: phone,
      lang,
      data: { code, minutes: OTP_TTL_MS / 60_000 },
      now,
      relatedType: "otp",
      relatedId: id,
    });
    return { expiresAt };
  });
}

/** The phone's newest code that is still usable, if any. */
async function currentCode(tx: Tx, phone: string, now: number) {
  return tx
    .selectFrom("otp_codes")
    .selectAll()
    .where("phone_e164", "=", phone)
    .where("consumed_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .executeTakeFirst();
}

export async function checkOtp(
  ctx: AppContext,
  input: { readonly phone: string; readonly code: string },
): Promise<void> {
  const phone = requirePhone(input.phone);
  const ok = await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const row = await currentCode(tx, phone, now);
    if (!row || row.tries >= OTP_MAX_TRIES) return false;
    // The row read above may already be stale: parallel guesses on PostgreSQL (READ COMMITTED) all read the
    // same `tries`. So the count is raised, and the right code accepted, only by an UPDATE whose condition the
    // database re-checks on the row as it is once earlier writers committed (`tries = tries + 1 … tries < 5`):
    // N parallel wrong guesses count N tries, and a right code after the fifth wrong one is refused.
    if (codeHash(row.salt, input.code.trim()) !== row.code_hash) {
      // Counted and committed: the refusal is returned, not thrown, so this write is not rolled back.
      await tx
        .updateTable("otp_codes")
        .set({ tries: sql<number>`tries + 1` })
        .where("id", "=", row.id)
        .where("tries", "<", OTP_MAX_TRIES)
        .execute();
      return false;
    }
    const checked = await tx
      .updateTable("otp_codes")
      .set({ checked_at: sql<number>`coalesce(checked_at, ${now})` })
      .where("id", "=", row.id)
      .where("tries", "<", OTP_MAX_TRIES)
      .executeTakeFirst();
    return Number(checked.numUpdatedRows) === 1;
  });
  if (!ok) throw otpInvalid();
}

export async function verifyOtp(
  tx: Tx,
  ctx: AppContext,
  input: { readonly phone: string; readonly code: string },
): Promise<void> {
  const phone = requirePhone(input.phone);
  const now = ctx.clock();
  const row = await currentCode(tx, phone, now);
  if (!row || row.checked_at === null || row.tries >= OTP_MAX_TRIES) throw otpInvalid();
  if (codeHash(row.salt, input.code.trim()) !== row.code_hash) throw otpInvalid();
  // Two bookings with one code: on PostgreSQL the second UPDATE waits for the first transaction and, once it
  // committed, finds the code consumed.
  const consumed = await tx
    .updateTable("otp_codes")
    .set({ consumed_at: now })
    .where("id", "=", row.id)
    .where("consumed_at", "is", null)
    .executeTakeFirst();
  if (Number(consumed.numUpdatedRows) !== 1) throw otpInvalid();
}
