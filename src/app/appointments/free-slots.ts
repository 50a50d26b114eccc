import { canBook, lastBookableDay } from "../../domain/appointments/rules.ts";
import { addDays, dayInZone, isoInZone } from "../../domain/appointments/slots.ts";
import type { BranchId } from "../../domain/ids.ts";
import { placesTakenOnDay } from "../../store/appointments.ts";
import { requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid } from "../errors.ts";
import { loadSetup, slotsOn } from "./booking-setup.ts";

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
 * Answers are cached for a short while per business type and day, and dropped at once when this process books,
 * cancels or moves an appointment there (`invalidateSlots`). Another instance's booking shows here within
 * `TTL_MS` at worst; the booking itself always counts places under the slot's lock, so a stale answer can
 * offer a place that is gone (the booking then gets a 409), never take one twice.
 */
const TTL_MS = 2_000;
const MAX_ENTRIES = 5_000;
const caches = new WeakMap<AppContext, Map<string, { at: number; value: FreeSlots }>>();

function cacheOf(ctx: AppContext) {
  let c = caches.get(ctx);
  if (!c) {
    c = new Map();
    caches.set(ctx, c);
  }
  return c;
}

export function invalidateSlots(ctx: AppContext, branchId: string, serviceId: string, day: string): void {
  const c = cacheOf(ctx);
  c.delete(`${branchId}|${serviceId}|${day}|public`);
  c.delete(`${branchId}|${serviceId}|${day}|staff`);
}

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
  const now = ctx.clock();
  const key = `${branchId}|${serviceId}|${date}|${audience}`;
  const cache = cacheOf(ctx);
  const hit = cache.get(key);
  if (hit && now - hit.at < TTL_MS && now >= hit.at) return hit.value;

  const setup = await loadSetup(ctx.store.db, branchId, serviceId);
  const tz = setup.branch.timezone;
  const grid = slotsOn(setup, date);
  const taken =
    grid.length === 0
      ? new Map<number, number>()
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
  const slots: FreeSlot[] = [];
  for (const s of grid) {
    if (!canBook(setup.rules, now, s.start, date, byStaff ? addDays(date, 1) : last, byStaff).ok) continue;
    if (s.capacity === 0) continue;
    slots.push({
      start: isoInZone(s.start, tz),
      end: isoInZone(s.end, tz),
      free: Math.max(0, s.capacity - (taken.get(s.start) ?? 0)),
    });
  }
  const value = { timezone: tz, slots };
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, { at: now, value });
  return value;
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
