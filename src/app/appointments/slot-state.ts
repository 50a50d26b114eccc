/**
 * What this instance remembers about bookable places, and how it forgets it (issue 13):
 * - the free-slot answers (free-slots.ts), per business type, day and audience;
 * - the booking setup of a business type (hours, rules, form, counters, closures), so a refused booking costs
 *   no setup reads;
 * - slots known to be full, so that a rush on a full slot is refused before any count or write (book.ts).
 *
 * Everything lapses after the TTL (`DATANG_SLOT_CACHE_MS`, 2 s by default, 0 turns all of it off), and is dropped
 * sooner when it changes: on this instance after the commit of the change (`slotsChanged`, `setupChanged`,
 * `branchSetupChanged`: bookings, rules and forms, and the config edits of hours, counters and business types), on
 * the others at that commit, by NOTIFY on PostgreSQL (see fanout.ts). When the listening connection is lost and
 * comes back everything is dropped (what changed meanwhile was not heard); while it is lost the TTL bounds how
 * stale an answer can be.
 *
 * None of it ever books: a booking counts the places under the slot's lock, with a setup read afresh. A stale
 * "free" answer costs the customer a 409; a "full" marker is only kept from a count that no drop overtook (see
 * `FullTicket`), and lapses when the first hold it counted lapses.
 *
 * The booking that takes a slot's last place marks it full at its commit, when every reader can see it and a
 * moment before it is durable (`whenVisible`, see store.ts), so the attempts queued behind it are refused without
 * waiting for the disk. Should that flush fail, the store takes no write any more and the server stops
 * (sqlite-store.ts): the marker then misleads nobody for longer than a read of the committed data would.
 */
import { notifySlotChange } from "../../store/appointments.ts";
import type { AfterCommit, Tx } from "../../store/store.ts";
import type { AppContext } from "../context.ts";
import { type BookingSetup, loadSetup } from "./booking-setup.ts";
import type { FreeSlots } from "./free-slots.ts";

const DEFAULT_TTL_MS = 2_000;
const MAX_ENTRIES = 5_000;

let ttl: { raw: string | undefined; ms: number } | undefined;
/** How long anything here is kept at most (ms); 0: nothing is kept. DATANG_SLOT_CACHE_MS, read as it is now. */
export function slotCacheTtlMs(): number {
  const raw = process.env.DATANG_SLOT_CACHE_MS;
  if (ttl === undefined || ttl.raw !== raw) {
    const n = raw === undefined || raw === "" ? DEFAULT_TTL_MS : Number(raw);
    ttl = { raw, ms: Number.isInteger(n) && n >= 0 && n <= 60_000 ? n : DEFAULT_TTL_MS };
  }
  return ttl.ms;
}

/** A free-slot answer, or the one being computed (requests that miss together share one computation). */
export interface AnswerEntry {
  readonly at: number;
  /** Until when the answer holds: the TTL, or sooner when a counted hold lapses or a slot stops being bookable. */
  until: number;
  value?: FreeSlots;
  pending?: Promise<FreeSlots>;
}

interface State {
  /** By `branch|service|day|audience`. */
  readonly answers: Map<string, AnswerEntry>;
  /** By `branch|service`. */
  readonly setups: Map<string, { readonly until: number; readonly setup: Promise<BookingSetup> }>;
  /** By `branch|service|day`: slot start → until when it is known full. */
  readonly full: Map<string, Map<number, FullMark>>;
  /** By `branch|service|day`: how many times its entries were dropped (see FullTicket). */
  readonly drops: Map<string, number>;
  /** Bumped when more than one day's entries are dropped at once. */
  epoch: number;
  /** By `branch|service|start`: the last booking attempt's turn on that slot (see `inSlotTurn`). */
  readonly turns: Map<string, Promise<void>>;
}

/**
 * A slot known full: for the TTL of real time (`Date.now()`, so a test's frozen clock keeps nothing forever),
 * and while the holds it counted run (the context's clock, as the holds' expiry is written).
 */
interface FullMark {
  readonly until: number;
  readonly holdsUntil: number;
}

const states = new WeakMap<AppContext, State>();

function stateOf(ctx: AppContext): State {
  let s = states.get(ctx);
  if (!s) {
    const state: State = {
      answers: new Map(),
      setups: new Map(),
      full: new Map(),
      drops: new Map(),
      epoch: 0,
      turns: new Map(),
    };
    s = state;
    states.set(ctx, state);
    // Other instances' changes (PostgreSQL); null: some may have been missed.
    ctx.fanout.onSlotChange((change) => {
      if (change === null) dropAll(state);
      else if (change.serviceId === null) dropBranch(state, change.branchId);
      else if (change.day === null) dropService(state, change.branchId, change.serviceId);
      else dropDay(state, change.branchId, change.serviceId, change.day, change.freed);
    });
  }
  return s;
}

/** A place taken keeps every full slot full: only a freed place drops the day's full markers. */
function dropDay(s: State, branchId: string, serviceId: string, day: string, freed: boolean): void {
  const key = `${branchId}|${serviceId}|${day}`;
  s.answers.delete(`${key}|public`);
  s.answers.delete(`${key}|staff`);
  if (!freed) return;
  s.full.delete(key);
  s.drops.set(key, (s.drops.get(key) ?? 0) + 1);
}

function dropService(s: State, branchId: string, serviceId: string): void {
  const prefix = `${branchId}|${serviceId}|`;
  s.setups.delete(`${branchId}|${serviceId}`);
  for (const key of s.answers.keys()) if (key.startsWith(prefix)) s.answers.delete(key);
  for (const key of s.full.keys()) if (key.startsWith(prefix)) s.full.delete(key);
  s.epoch++;
}

/** Everything of a branch: every business type's setup, answers and full markers. */
function dropBranch(s: State, branchId: string): void {
  const prefix = `${branchId}|`;
  for (const map of [s.setups, s.answers, s.full])
    for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
  s.epoch++;
}

function dropAll(s: State): void {
  s.answers.clear();
  s.setups.clear();
  s.full.clear();
  s.drops.clear();
  s.epoch++;
}

/**
 * Inside the transaction that takes (`freed` false) or frees places of a business type on a day: the other
 * instances are told at its commit, and this one drops what it cached of that day once it committed.
 */
export async function slotsChanged(
  tx: Tx,
  afterCommit: AfterCommit,
  ctx: AppContext,
  branchId: string,
  serviceId: string,
  day: string,
  freed: boolean,
): Promise<void> {
  await notifySlotChange(tx, ctx.fanout.slotNotice, { branchId, serviceId, day, freed });
  afterCommit(() => dropDay(stateOf(ctx), branchId, serviceId, day, freed));
}

/**
 * Inside the transaction that changes a business type's booking setup (rules, form, its minutes, whether it is
 * offered): as `slotsChanged`, every day.
 */
export async function setupChanged(
  tx: Tx,
  afterCommit: AfterCommit,
  ctx: AppContext,
  branchId: string,
  serviceId: string,
): Promise<void> {
  await notifySlotChange(tx, ctx.fanout.slotNotice, { branchId, serviceId, day: null, freed: true });
  afterCommit(() => dropService(stateOf(ctx), branchId, serviceId));
}

/**
 * Inside the transaction that changes what every business type of a branch is booked on (opening hours, time zone,
 * a counter's skills): as `setupChanged`, for all of the branch's business types.
 */
export async function branchSetupChanged(
  tx: Tx,
  afterCommit: AfterCommit,
  ctx: AppContext,
  branchId: string,
): Promise<void> {
  await notifySlotChange(tx, ctx.fanout.slotNotice, { branchId, serviceId: null, day: null, freed: true });
  afterCommit(() => dropBranch(stateOf(ctx), branchId));
}

/** The free-slot answers (free-slots.ts keeps and drops entries in it; the drops above clear it too). */
export function answerCache(ctx: AppContext): Map<string, AnswerEntry> {
  const s = stateOf(ctx);
  if (s.answers.size >= MAX_ENTRIES) s.answers.clear();
  return s.answers;
}

/**
 * The business type's booking setup, from memory when read less than the TTL ago; `fresh` tells whether it was
 * read just now. Only for deciding refusals: a booking reads its setup afresh before it writes.
 */
export async function rememberedSetup(
  ctx: AppContext,
  branchId: string,
  serviceId: string,
): Promise<{ setup: BookingSetup; fresh: boolean }> {
  const maxAge = slotCacheTtlMs();
  if (maxAge === 0) return { setup: await loadSetup(ctx.store.db, branchId, serviceId), fresh: true };
  const s = stateOf(ctx);
  const key = `${branchId}|${serviceId}`;
  const now = Date.now();
  const hit = s.setups.get(key);
  if (hit && now < hit.until) return { setup: await hit.setup, fresh: false };
  const setup = loadSetup(ctx.store.db, branchId, serviceId);
  if (s.setups.size >= MAX_ENTRIES) s.setups.clear();
  s.setups.set(key, { until: now + maxAge, setup });
  try {
    return { setup: await setup, fresh: true };
  } catch (error) {
    // A 404 (no such branch or business type) or a database fault: nothing to remember.
    if (s.setups.get(key)?.setup === setup) s.setups.delete(key);
    throw error;
  }
}

/** Whether the slot starting at `start` is known full now (`now`: the context's clock). */
export function knownFull(
  ctx: AppContext,
  branchId: string,
  serviceId: string,
  day: string,
  start: number,
  now: number,
): boolean {
  const mark = stateOf(ctx).full.get(`${branchId}|${serviceId}|${day}`)?.get(start);
  return mark !== undefined && Date.now() < mark.until && now < mark.holdsUntil;
}

/**
 * Taken before counting a slot's places: the count may be remembered as "full" only if no drop of that day
 * came between (a cancellation committed after the count began would otherwise be forgotten until the TTL).
 */
export interface FullTicket {
  readonly key: string;
  readonly drops: number;
  readonly epoch: number;
}

export function fullTicket(ctx: AppContext, branchId: string, serviceId: string, day: string): FullTicket {
  const s = stateOf(ctx);
  const key = `${branchId}|${serviceId}|${day}`;
  return { key, drops: s.drops.get(key) ?? 0, epoch: s.epoch };
}

/**
 * Remembers that a count (begun after `ticket` was taken) found the slot full; it holds for the TTL, or until
 * `firstHoldExpiry` when a hold it counted lapses sooner (`now`, `firstHoldExpiry`: the context's clock).
 */
export function rememberFull(
  ctx: AppContext,
  ticket: FullTicket,
  start: number,
  now: number,
  firstHoldExpiry: number,
): void {
  const maxAge = slotCacheTtlMs();
  if (maxAge === 0) return;
  const s = stateOf(ctx);
  if (s.epoch !== ticket.epoch || (s.drops.get(ticket.key) ?? 0) !== ticket.drops) return;
  let day = s.full.get(ticket.key);
  if (!day) {
    if (s.full.size >= MAX_ENTRIES) {
      s.full.clear();
      s.drops.clear();
      s.epoch++;
      return;
    }
    day = new Map();
    s.full.set(ticket.key, day);
  }
  if (firstHoldExpiry > now) day.set(start, { until: Date.now() + maxAge, holdsUntil: firstHoldExpiry });
}

/**
 * Runs `fn` when the booking attempts on this slot that came before it on this instance are done: a rush on one
 * slot reads and writes one attempt at a time, and the attempts behind a filled slot are refused from memory
 * (`knownFull`) instead of each counting and asking the writer. Other slots do not wait. Across instances the
 * slot's lock in the database (`lockSlot`) still decides.
 *
 * `fn` may end its turn early with `release` once what it wrote is visible to readers (a booking at its commit,
 * before that is durable): the next attempt then reads it, or is refused from memory, without waiting for the
 * flush, whose completion waits behind every request the event loop has ready (in a rush: the whole first wave).
 */
export async function inSlotTurn<T>(
  ctx: AppContext,
  branchId: string,
  serviceId: string,
  start: number,
  fn: (release: () => void) => Promise<T>,
): Promise<T> {
  const turns = stateOf(ctx).turns;
  const key = `${branchId}|${serviceId}|${start}`;
  const before = turns.get(key);
  let done = (): void => {};
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  turns.set(key, mine);
  try {
    if (before) await before;
    return await fn(done);
  } finally {
    done();
    if (turns.get(key) === mine) turns.delete(key);
  }
}
