/**
 * A slot held while the customer fills in the booking form (default 10 minutes, `holdMinutes` per business
 * type). A live hold takes a place like a booking (the slot list and every booking count it); the booking that
 * names it takes its place over; it lapses by itself. Holds are public, so they are limited per client address.
 */
import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import { holdExpiresAt } from "../../domain/appointments/rules.ts";
import { dayInZone, isoInZone } from "../../domain/appointments/slots.ts";
import { lockSlot, placesTaken } from "../../store/appointments.ts";
import { isPostgres } from "../../store/sql.ts";
import type { AppContext } from "../context.ts";
import { AppError, invalid } from "../errors.ts";
import { parseStart, ruleRefusal, slotAt, slotFull } from "./book.ts";
import { loadSetup } from "./booking-setup.ts";
import { slotsChanged } from "./slot-state.ts";

/** Per client address: holds alive at once, and holds taken in an hour. */
export const HOLD_LIMITS = Object.freeze({ livePerAddress: 3, perAddressPerHour: 30 });

export interface HoldView {
  readonly holdId: string;
  readonly start: string;
  readonly end: string;
  readonly expiresAt: string;
}

const addressHash = (ip: string) => createHash("sha256").update(`hold:${ip}`).digest("hex");

function tooManyHolds(retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(
    429,
    "rate_limited",
    `Too many slots held from this address; try again in ${seconds} s.`,
    { retryAfterSeconds: seconds },
    `此网络地址保留的时段过多，请 ${seconds} 秒后再试。`,
  );
}

/** Holds a place in a slot for the customer filling in the form; 409 when the slot has no place left. */
export async function holdSlot(
  ctx: AppContext,
  input: { readonly branchId: string; readonly serviceId: string; readonly start: string; readonly ip: string },
): Promise<HoldView> {
  const start = parseStart(input.start);
  const now = ctx.clock();
  const setup = await loadSetup(ctx.store.db, input.branchId, input.serviceId);
  const tz = setup.branch.timezone;
  if (!setup.service.active)
    throw invalid("This business type is not offered at the moment.", { reason: "not_bookable" }, "此业务暂停办理。");
  const { slot, day } = slotAt(setup, start);
  ruleRefusal(setup.rules, now, start, day, dayInZone(now, tz), false);
  const ipHash = addressHash(input.ip);
  const id = randomBytes(16).toString("base64url");
  const expiresAt = holdExpiresAt(setup.rules, now);
  await ctx.store.write(async (tx, afterCommit) => {
    // Counting then inserting races across connections on PostgreSQL: the address's lock until commit.
    if (isPostgres(tx)) await sql`SELECT pg_advisory_xact_lock(hashtext(${`hold:${ipHash}`}))`.execute(tx);
    const recent = await tx
      .selectFrom("slot_holds")
      .select(["created_at", "expires_at"])
      .where("ip_hash", "=", ipHash)
      .where("created_at", ">", now - 3_600_000)
      .orderBy("created_at", "desc")
      .execute();
    const live = recent.filter((h) => Number(h.expires_at) > now);
    if (live.length >= HOLD_LIMITS.livePerAddress)
      throw tooManyHolds(Math.min(...live.map((h) => Number(h.expires_at))) - now);
    if (recent.length >= HOLD_LIMITS.perAddressPerHour)
      throw tooManyHolds(Number(recent[HOLD_LIMITS.perAddressPerHour - 1]?.created_at ?? now) + 3_600_000 - now);
    await lockSlot(tx, input.branchId, input.serviceId, start);
    if ((await placesTaken(tx, input.branchId, input.serviceId, start, now)) >= slot.capacity) throw slotFull();
    // Holds lapsed over an hour ago count for nothing any more (not even the hourly limit).
    await tx
      .deleteFrom("slot_holds")
      .where("expires_at", "<", now - 3_600_000)
      .execute();
    await tx
      .insertInto("slot_holds")
      .values({
        id,
        branch_id: input.branchId,
        service_id: input.serviceId,
        start_at: start,
        expires_at: expiresAt,
        created_at: now,
        ip_hash: ipHash,
      })
      .execute();
    await slotsChanged(tx, afterCommit, ctx, input.branchId, input.serviceId, day, false);
  });
  return { holdId: id, start: isoInZone(start, tz), end: isoInZone(slot.end, tz), expiresAt: isoInZone(expiresAt, tz) };
}

/** The customer gives the place back (left the form): the slot is free again at once. Unknown ids change nothing. */
export async function releaseHold(ctx: AppContext, holdId: string): Promise<{ released: boolean }> {
  const hold = await ctx.store.db.selectFrom("slot_holds").selectAll().where("id", "=", holdId).executeTakeFirst();
  if (!hold) return { released: false };
  const setup = await loadSetup(ctx.store.db, hold.branch_id, hold.service_id);
  const released = await ctx.store.write(async (tx, afterCommit) => {
    const result = await tx.deleteFrom("slot_holds").where("id", "=", holdId).executeTakeFirst();
    const day = dayInZone(Number(hold.start_at), setup.branch.timezone);
    if (Number(result.numDeletedRows) === 1)
      await slotsChanged(tx, afterCommit, ctx, hold.branch_id, hold.service_id, day, true);
    return Number(result.numDeletedRows) === 1;
  });
  return { released };
}
