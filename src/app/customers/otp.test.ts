import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { makeTestContext, type TestContext } from "../test-context.ts";
import { checkOtp, OTP_LIMITS, requestOtp, verifyOtp } from "./otp.ts";

describe.each(DB_KINDS)("one-time codes on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const PHONE = "13812345678";
  /** The code as the SMS carries it: read from the outbox, where the SMS waits to be sent. */
  const sentCode = async (phone = "+8613812345678") => {
    const row = await t.ctx.store.db
      .selectFrom("outbox")
      .select("data")
      .where("kind", "=", "otp")
      .where("recipient", "=", phone)
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
    return (JSON.parse(row.data) as { code: string }).code;
  };
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");
  const consume = (code: string, phone = PHONE) => t.ctx.store.write((tx) => verifyOtp(tx, t.ctx, { phone, code }));

  it("sends 6 digits by SMS through the outbox and keeps only a salted hash", async () => {
    await requestOtp(t.ctx, { phone: PHONE, ip: "10.1.1.1" });
    const code = await sentCode();
    expect(code).toMatch(/^\d{6}$/);
    const row = await t.ctx.store.db.selectFrom("otp_codes").selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(code);
    const sms = await t.ctx.store.db.selectFrom("outbox").selectAll().executeTakeFirstOrThrow();
    expect(sms).toMatchObject({ channel: "sms", status: "pending", next_attempt_at: t.clock.now });
  });

  it("refuses a landline (it cannot read an SMS) and sends nothing", async () => {
    await expect(requestOtp(t.ctx, { phone: "010-12345678", ip: "10.1.1.1" })).rejects.toMatchObject({
      status: 400,
      details: { field: "phone", reason: "not_mobile" },
    });
    const sent = await t.ctx.store.db.selectFrom("outbox").select("id").execute();
    const codes = await t.ctx.store.db.selectFrom("otp_codes").select("phone_e164").execute();
    expect({ sent, codes }).toEqual({ sent: [], codes: [] });
  });

  it("accepts the right code once, inside the booking's transaction", async () => {
    await requestOtp(t.ctx, { phone: PHONE, ip: "10.1.1.1" });
    const code = await sentCode();
    await checkOtp(t.ctx, { phone: PHONE, code });
    await consume(code);
    await expect(consume(code)).rejects.toMatchObject({ status: 400, code: "otp_invalid" });
  });

  it("keeps the code when the booking's transaction fails, so another slot can be tried", async () => {
    await requestOtp(t.ctx, { phone: PHONE, ip: "10.1.1.1" });
    const code = await sentCode();
    await checkOtp(t.ctx, { phone: PHONE, code });
    await expect(
      t.ctx.store.write(async (tx) => {
        await verifyOtp(tx, t.ctx, { phone: PHONE, code });
        throw new Error("slot full");
      }),
    ).rejects.toThrow("slot full");
    await consume(code);
  });

  it("refuses an unchecked code in the booking (no guessing without counting tries)", async () => {
    await requestOtp(t.ctx, { phone: PHONE, ip: "10.1.1.1" });
    await expect(consume(await sentCode())).rejects.toMatchObject({ code: "otp_invalid" });
  });

  it("expires after 5 minutes", async () => {
    await requestOtp(t.ctx, { phone: PHONE, ip: "10.1.1.1" });
    const code = await sentCode();
    t.clock.advance(5 * 60_000);
    await expect(checkOtp(t.ctx, { phone: PHONE, code })).rejects.toMatchObject({ code: "otp_invalid" });
  });

  it("counts wrong tries even though each is refused, and locks the code after 5", async () => {
    await requestOtp(t.ctx, { phone: PHONE, ip: "10.1.1.1" });
    const code = await sentCode();
    for (let i = 0; i < 5; i++)
      await expect(checkOtp(t.ctx, { phone: PHONE, code: wrong(code) })).rejects.toMatchObject({ status: 400 });
    await expect(checkOtp(t.ctx, { phone: PHONE, code })).rejects.toMatchObject({ code: "otp_invalid" });
    const row = await t.ctx.store.db.selectFrom("otp_codes").select("tries").executeTakeFirstOrThrow();
    expect(row.tries).toBe(5);
  });

  it("counts parallel wrong guesses each, so 20 at once lock the code and the right one is then refused", async () => {
    await requestOtp(t.ctx, { phone: PHONE, ip: "10.1.1.1" });
    const code = await sentCode();
    // The pool's connections open first (as in a running server), so the guesses really run side by side
    // instead of queueing behind connection set-up.
    if (kind === "postgres")
      await Promise.all(Array.from({ length: 10 }, () => sql`SELECT pg_sleep(0.05)`.execute(t.ctx.store.db)));
    const guesses = await Promise.allSettled(
      Array.from({ length: 20 }, () => checkOtp(t.ctx, { phone: PHONE, code: wrong(code) })),
    );
    expect(guesses.every((g) => g.status === "rejected")).toBe(true);
    const row = await t.ctx.store.db.selectFrom("otp_codes").select(["tries", "checked_at"]).executeTakeFirstOrThrow();
    expect(row.tries).toBe(5);
    await expect(checkOtp(t.ctx, { phone: PHONE, code })).rejects.toMatchObject({ code: "otp_invalid" });
    await expect(consume(code)).rejects.toMatchObject({ code: "otp_invalid" });
  });

  it("a new code replaces the earlier one", async () => {
    await requestOtp(t.ctx, { phone: PHONE, ip: "10.1.1.1" });
    const first = await sentCode();
    t.clock.advance(61_000);
    await requestOtp(t.ctx, { phone: PHONE, ip: "10.1.1.1" });
    const second = await sentCode();
    if (first !== second)
      await expect(checkOtp(t.ctx, { phone: PHONE, code: first })).rejects.toMatchObject({ code: "otp_invalid" });
    await checkOtp(t.ctx, { phone: PHONE, code: second });
  });

  it("limits requests per phone: one a minute, five an hour", async () => {
    await requestOtp(t.ctx, { phone: PHONE, ip: "10.1.1.1" });
    await expect(requestOtp(t.ctx, { phone: PHONE, ip: "10.9.9.9" })).rejects.toMatchObject({
      status: 429,
      code: "rate_limited",
    });
    for (let i = 1; i < OTP_LIMITS.perPhonePerHour; i++) {
      t.clock.advance(61_000);
      await requestOtp(t.ctx, { phone: PHONE, ip: `10.1.1.${i}` });
    }
    t.clock.advance(61_000);
    await expect(requestOtp(t.ctx, { phone: PHONE, ip: "10.2.2.2" })).rejects.toMatchObject({ status: 429 });
    t.clock.advance(3_600_000);
    await requestOtp(t.ctx, { phone: PHONE, ip: "10.2.2.2" });
    // Refusals sent nothing: one SMS per accepted request.
    const sms = await t.ctx.store.db.selectFrom("outbox").select("id").execute();
    expect(sms).toHaveLength(OTP_LIMITS.perPhonePerHour + 1);
  });

  it("limits requests per client address across phones", async () => {
    for (let i = 0; i < OTP_LIMITS.perAddressPerHour; i++)
      await requestOtp(t.ctx, { phone: `1390000${String(i).padStart(4, "0")}`, ip: "10.7.7.7" });
    await expect(requestOtp(t.ctx, { phone: "13700001111", ip: "10.7.7.7" })).rejects.toMatchObject({
      status: 429,
      details: { retryAfterSeconds: expect.any(Number) },
    });
    await requestOtp(t.ctx, { phone: "13700001111", ip: "10.7.7.8" });
  });

  it("counts a paired kiosk by its own id with a kiosk's allowance, not by the lobby's address", async () => {
    const phoneOf = (i: number) => `1390001${String(i).padStart(4, "0")}`;
    // Past the address limit from one kiosk, as a busy lobby would be: still served.
    for (let i = 0; i < OTP_LIMITS.perAddressPerHour + 5; i++)
      await requestOtp(t.ctx, { phone: phoneOf(i), ip: "10.8.8.8", kioskId: "kiosk-a" });
    // The address itself was not used up: the kiosk is counted apart.
    await requestOtp(t.ctx, { phone: "13700002222", ip: "10.8.8.8" });
    // The per-phone limit holds at the kiosk too.
    await expect(requestOtp(t.ctx, { phone: phoneOf(0), ip: "10.8.8.8", kioskId: "kiosk-a" })).rejects.toMatchObject({
      status: 429,
    });
    // And the kiosk has its own ceiling.
    for (let i = OTP_LIMITS.perAddressPerHour + 5; i < OTP_LIMITS.perKioskPerHour; i++)
      await requestOtp(t.ctx, { phone: phoneOf(i), ip: "10.8.8.8", kioskId: "kiosk-a" });
    await expect(requestOtp(t.ctx, { phone: "13700003333", ip: "10.8.8.8", kioskId: "kiosk-a" })).rejects.toMatchObject(
      { status: 429 },
    );
    await requestOtp(t.ctx, { phone: "13700003333", ip: "10.8.8.8", kioskId: "kiosk-b" });
  });

  it("holds the per-phone limit under parallel requests", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => requestOtp(t.ctx, { phone: PHONE, ip: `10.3.3.${i}` })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});
