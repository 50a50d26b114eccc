import { canBook, lastBookableDay } from "../../domain/appointments/rules.ts";
import { addDays, dayInZone, isoInZone } from "../../domain/appointments/slots.ts";
import type { BranchId } from "../../domain/ids.ts";
import { placesTakenOnDay } from "../../store/appointments.ts";
import { requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid } from "../errors.ts";
import { loadSetup, slotsOn } from "./booking-setup.ts";
import { type AnswerEntry, answerCache, slotCacheTtlMs } from "./slot-state.ts";

export interface FreeSlot {
  readonly start: string;
  readonly end: string;
  readonly free: number;
}

export interface FreeSlots {
  readonly timezone: string;
  readonly slots: FreeSlot[];
}

/**
 * Answers are cached per business type, day and audience (slot-state.ts): dropped at once when a change of
 * places there commits, on this instance and (PostgreSQL, by NOTIFY) on the others; otherwise kept for the TTL
 * (2 s by default; `DATANG_SLOT_CACHE_MS`, 0 turns the cache off). The booking itself always counts places
 * under the slot's lock, so a stale answer can offer a place that is gone (the booking then gets a 409), never
 * take one twice. Answers also lapse when a hold they count expires or a slot's booking notice begins.
 */
const MIN = 60_000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The slots of a business type on a day with their free places; customers see only those they may book now. */
export async function freeSlots(
  ctx: AppContext,
  branchId: string,
  serviceId: string,
  date: string,
  audience: "public" | "staff" = "public",
): Promise<FreeSlots> {
  if (!DATE.test(date) || Number.isNaN(Date.parse(date)))
    throw invalid("date must be a day written YYYY-MM-DD.", { field: "date" }, "date 须为 YYYY-MM-DD 格式的日期。");
  const maxAge = slotCacheTtlMs();
  if (maxAge === 0) return (await computeFreeSlots(ctx, branchId, serviceId, date, audience, ctx.clock())).value;
  const now = ctx.clock();
  const key = `${branchId}|${serviceId}|${date}|${audience}`;
  const cache = answerCache(ctx);
  const hit = cache.get(key);
  if (hit && now >= hit.at) {
    if (hit.value && now < hit.until) return hit.value;
    if (hit.pending) return hit.pending;
  }
  const entry: AnswerEntry = { at: now, until: now };
  entry.pending = computeFreeSlots(ctx, branchId, serviceId, date, audience, now).then(
    ({ value, validUntil }) => {
      // Dropped meanwhile (a change committed while this was read): answer these callers, keep nothing.
      if (cache.get(key) === entry) {
        entry.value = value;
        entry.until = Math.min(now + maxAge, validUntil);
        entry.pending = undefined;
      }
      return value;
    },
    (error: unknown) => {
      if (cache.get(key) === entry) cache.delete(key);
      throw error;
    },
  );
  cache.set(key, entry);
  return entry.pending;
}

async function computeFreeSlots(
  ctx: AppContext,
  branchId: string,
  serviceId: string,
  date: string,
  audience: "public" | "staff",
  now: number,
): Promise<{ value: FreeSlots; validUntil: number }> {
  const setup = await loadSetup(ctx.store.db, branchId, serviceId);
  const tz = setup.branch.timezone;
  const grid = slotsOn(setup, date);
  const taken =
    grid.length === 0
      ? { taken: new Map<number, number>(), firstExpiry: Number.POSITIVE_INFINITY }
      : await placesTakenOnDay(
          ctx.store.db,
          branchId,
          serviceId,
          grid[0]?.start ?? 0,
          (grid.at(-1)?.start ?? 0) + 1,
          now,
        );
  const last = lastBookableDay(setup.rules, dayInZone(now, tz));
  const byStaff = audience === "staff";
  // The first moment a slot of this day stops being bookable (its notice begins): the answer changes then.
  const notice = byStaff ? 0 : setup.rules.minNoticeBookMinutes * MIN;
  let validUntil = taken.firstExpiry;
  const slots: FreeSlot[] = [];
  for (const s of grid) {
    if (s.start - notice > now) validUntil = Math.min(validUntil, s.start - notice);
    if (!canBook(setup.rules, now, s.start, date, byStaff ? addDays(date, 1) : last, byStaff).ok) continue;
    if (s.capacity === 0) continue;
    slots.push({
      start: isoInZone(s.start, tz),
      end: isoInZone(s.end, tz),
      free: Math.max(0, s.capacity - (taken.taken.get(s.start) ?? 0)),
    });
  }
  return { value: { timezone: tz, slots }, validUntil };
}

/** The slots staff may book for a caller: every future one with a place, without the customer's notice. */
export function staffSlots(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  serviceId: string,
  date: string,
): Promise<FreeSlots> {
  requireBranchAccess(actor, branchId as BranchId, [...TRIAGE_ROLES, "teller"]);
  return freeSlots(ctx, branchId, serviceId, date, "staff");
}
