import type { Kysely } from "kysely";
import { skillWeight } from "../../domain/counter.ts";
import { byLinePosition } from "../../domain/dispatch/eligibility.ts";
import { DEFAULT_POLICY, knownPolicy, type PolicyName } from "../../domain/dispatch/index.ts";
import type { EpochMs, ServiceId, TicketId } from "../../domain/ids.ts";
import { MINUTE_MS } from "../../domain/ids.ts";
import { localHour } from "../../domain/local-day.ts";
import { type PredictorCounter, predictWaits } from "../../domain/predictor.ts";
import { PRIORITY_RANK, type WaitingTicket } from "../../domain/ticket.ts";
import { type Branch, findBranch, listServices, type Service } from "../../store/branches.ts";
import { type Counter, listCounters } from "../../store/counters.ts";
import { type InServiceTicket, readLiveLine } from "../../store/live-tickets.ts";
import type { Database } from "../../store/schema.ts";
import type { LineCache } from "../line-cache.ts";
import { type LearnedBranch, learnedForBranch } from "../service-times.ts";

/** Where a waiting ticket stands: people of its business type ahead of it, and the predicted minutes to its call. */
export interface Standing {
  readonly position: number;
  /**
   * Predicted minutes; with no open counter serving the type, the least it would take one counter (kept with
   * the ticket as the issue-time guess, never shown as a promise: see `noOpenCounter`).
   */
  readonly minutes: number;
  /** No open counter serves the ticket's business type now: nobody can honestly say how long it will be. */
  readonly noOpenCounter: boolean;
}

/** Why a ticket, the kiosk or the live page shows no estimate. */
export type WaitUnknownReason = "no_open_counter";

/** The estimate as the API answers it: minutes, or null with the reason nobody can promise a wait. */
export interface WaitEstimate {
  readonly estimatedWaitMinutes: number | null;
  readonly waitUnknownReason: WaitUnknownReason | null;
}

export function waitEstimate(s: Standing): WaitEstimate {
  return s.noOpenCounter
    ? { estimatedWaitMinutes: null, waitUnknownReason: "no_open_counter" }
    : { estimatedWaitMinutes: s.minutes, waitUnknownReason: null };
}

/** Whether an open counter serves this business type now. */
export function servedNow(counters: readonly Counter[], serviceId: ServiceId): boolean {
  return counters.some((c) => c.state === "open" && skillWeight(c, serviceId) > 0);
}

/** Everything a wait prediction needs about a branch at one moment. */
export interface BranchNow {
  readonly branch: Branch;
  readonly services: readonly Service[];
  readonly counters: readonly Counter[];
  /** Waiting tickets in line order. */
  readonly waiting: readonly WaitingTicket[];
  /** Tickets called or being served: how long the busy counters are still taken. */
  readonly inService: readonly InServiceTicket[];
  readonly learned: LearnedBranch;
}

/** Branch configuration and learned times: everything of BranchNow but the line. */
export type BranchSetup = Omit<BranchNow, "waiting" | "inService">;

/** Loads a branch's configuration and learned service times; undefined when the branch does not exist. */
export async function loadBranchSetup(
  db: Kysely<Database>,
  branchId: string,
  now: EpochMs,
): Promise<BranchSetup | undefined> {
  const [branch, services, counters] = await Promise.all([
    findBranch(db, branchId),
    listServices(db, branchId),
    listCounters(db, branchId),
  ]);
  if (!branch) return undefined;
  const learned = await learnedForBranch(db, {
    branchId: branch.id,
    timeZone: branch.timezone,
    expectedMinutes: new Map(services.map((s) => [s.id, s.expectedMinutes])),
    now,
  });
  return { branch, services, counters, learned };
}

function cachedSetup(db: Kysely<Database>, lines: LineCache, branchId: string, now: EpochMs) {
  return lines.setup(branchId, () => loadBranchSetup(db, branchId, now));
}

/** The branch as the predictor needs it, from the caches: the setup (a second at most) and the live line. */
export async function cachedBranchNow(
  db: Kysely<Database>,
  lines: LineCache,
  branchId: string,
  now: EpochMs,
): Promise<BranchNow | undefined> {
  const [setup, line] = await Promise.all([cachedSetup(db, lines, branchId, now), lines.line(branchId)]);
  return setup && line ? { ...setup, waiting: line.waiting, inService: line.inService } : undefined;
}

/** Loads the branch as the predictor needs it, the line read from the database; undefined for an unknown branch. */
export async function loadBranchNow(
  db: Kysely<Database>,
  branchId: string,
  now: EpochMs,
): Promise<BranchNow | undefined> {
  const [setup, line] = await Promise.all([loadBranchSetup(db, branchId, now), readLiveLine(db, branchId)]);
  if (!setup || !line) return undefined;
  return { ...setup, waiting: line.waiting, inService: line.inService };
}

/**
 * The policy the open counters call with. The predictor replays one policy; when counters override the
 * branch's with different ones, the branch's is the better single guess.
 */
function predictionPolicy(branch: Branch, open: readonly Counter[]): PolicyName {
  const branchPolicy = knownPolicy(branch.dispatchPolicy) ?? DEFAULT_POLICY;
  const used = new Set(open.map((c) => knownPolicy(c.dispatchPolicy) ?? branchPolicy));
  return used.size === 1 ? ([...used][0] as PolicyName) : branchPolicy;
}

/**
 * Predicted minutes until each waiting ticket is called (`onlyTicket`: stop once that one is), with the branch's
 * policy, its open counters and their skills, what the busy ones have left, learned service times and the
 * usual arrivals of this hour. `waiting` may include a ticket not yet stored (at issue time).
 */
export function predictBranch(
  state: BranchNow,
  waiting: readonly WaitingTicket[],
  now: EpochMs,
  onlyTicket?: TicketId,
): Map<TicketId, number | null> {
  const { times, arrivalsByHour } = state.learned;
  const minutesFor = (counter: Counter, serviceId: ServiceId): number =>
    times.byCounter.get(counter.id)?.get(serviceId) ?? times.byService.get(serviceId) ?? 5;
  const busyAt = new Map(state.inService.map((t) => [t.counterId as string | null, t]));
  const open = state.counters.filter((c) => c.state === "open");
  if (waiting.length > MAX_REPLAYED_LINE) return fluidWaits(state, waiting, open, onlyTicket);
  const openCounters: PredictorCounter[] = open.map((c) => {
    const busy = busyAt.get(c.id);
    if (!busy) return c;
    const expected = minutesFor(c, busy.serviceId);
    const elapsed = (now - (busy.startedAt ?? busy.calledAt ?? now)) / MINUTE_MS;
    // Past its expected end a service is still running: assume a little more rather than none (as the simulator).
    return { ...c, remainingMinutes: Math.max(expected - elapsed, expected * 0.2) };
  });
  const arrivals = arrivalsByHour[localHour(now, state.branch.timezone)];
  return predictWaits({
    waiting,
    openCounters,
    expectedMinutes: times.byService,
    counterMinutes: times.byCounter,
    policy: predictionPolicy(state.branch, open),
    now,
    targetWaitMinutes: state.branch.targetWaitMinutes,
    alarmWaitMinutes: state.branch.alarmWaitMinutes,
    ...(arrivals && arrivals.size > 0 && { arrivalsPerHour: arrivals }),
    ...(onlyTicket !== undefined && { onlyTicket }),
  });
}

/** Whether `other` is ahead of `ticket` in its line: a higher class, or the same class and earlier. */
function isAhead(other: WaitingTicket, ticket: WaitingTicket): boolean {
  const rank = PRIORITY_RANK[other.priority] - PRIORITY_RANK[ticket.priority];
  return rank < 0 || (rank === 0 && byLinePosition(other, ticket) < 0);
}

/** People of the ticket's business type ahead of it: what the ticket and the live page show. */
export function linePosition(waiting: readonly WaitingTicket[], ticket: WaitingTicket): number {
  let n = 0;
  for (const other of waiting) if (other.serviceId === ticket.serviceId && isAhead(other, ticket)) n++;
  return n;
}

/**
 * Minutes for a ticket no open counter serves (the predictor's null): the work of its type ahead of it at one
 * counter, the least the branch will open for it. It says "some wait" rather than nothing or "unknown".
 */
function unservedMinutes(state: BranchNow, waiting: readonly WaitingTicket[], ticket: WaitingTicket): number {
  const each = state.learned.times.byService.get(ticket.serviceId) ?? 5;
  return linePosition(waiting, ticket) * each;
}

/** Position and whole predicted minutes of one ticket, from a prediction already made. */
export function standingOf(
  state: BranchNow,
  waiting: readonly WaitingTicket[],
  ticket: WaitingTicket,
  predicted: ReadonlyMap<TicketId, number | null>,
): Standing {
  const minutes = predicted.get(ticket.id) ?? unservedMinutes(state, waiting, ticket);
  return {
    position: linePosition(waiting, ticket),
    minutes: Math.round(minutes),
    noOpenCounter: !servedNow(state.counters, ticket.serviceId),
  };
}

/**
 * Where a waiting ticket stands now: its position and predicted minutes, the line taken from the in-memory
 * line cache and the setup from the database.
 */
export async function ticketStanding(
  db: Kysely<Database>,
  lines: LineCache,
  ticket: WaitingTicket,
  now: EpochMs,
): Promise<Standing> {
  const [setup, line] = await Promise.all([cachedSetup(db, lines, ticket.branchId, now), lines.line(ticket.branchId)]);
  if (!setup || !line) return { position: 0, minutes: 0, noOpenCounter: false };
  const state: BranchNow = { ...setup, waiting: line.waiting, inService: line.inService };
  const waiting = line.waiting.filter((t) => t.id !== ticket.id);
  waiting.push(ticket);
  const predicted = predictBranch(state, waiting, now, ticket.id);
  return standingOf(state, waiting, ticket, predicted);
}

/**
 * The standing of a ticket about to be issued: the newest of its class, so everyone of its class or a higher
 * one is ahead. On a short line the prediction replays the line; on a long one the per-type counts of the
 * line cache give the fluid estimate without walking the line, so issuing costs the same at any length.
 */
export async function newcomerStanding(
  db: Kysely<Database>,
  lines: LineCache,
  ticket: WaitingTicket,
  now: EpochMs,
): Promise<Standing> {
  const summary = await lines.summary(ticket.branchId);
  if (!summary || summary.waitingCount < MAX_REPLAYED_LINE) return ticketStanding(db, lines, ticket, now);
  const setup = await cachedSetup(db, lines, ticket.branchId, now);
  if (!setup) return { position: 0, minutes: 0, noOpenCounter: false };
  const myRank = PRIORITY_RANK[ticket.priority];
  const aheadOf = (serviceId: ServiceId): number => {
    let n = 0;
    for (const [priority, count] of summary.counts.get(serviceId) ?? [])
      if (PRIORITY_RANK[priority] <= myRank) n += count;
    return n;
  };
  const position = aheadOf(ticket.serviceId);
  const open = setup.counters.filter((c) => c.state === "open");
  const serves = (c: Counter, serviceId: ServiceId) => skillWeight(c, serviceId) > 0;
  const mine = open.filter((c) => serves(c, ticket.serviceId));
  const minutes = (serviceId: ServiceId) => setup.learned.times.byService.get(serviceId) ?? 5;
  if (mine.length === 0)
    return { position, minutes: Math.round(position * minutes(ticket.serviceId)), noOpenCounter: true };
  let work = 0;
  for (const serviceId of summary.counts.keys()) {
    const shared = mine.filter((c) => serves(c, serviceId)).length / mine.length;
    work += shared * aheadOf(serviceId) * minutes(serviceId);
  }
  return { position, minutes: Math.round(work / mine.length), noOpenCounter: false };
}

/**
 * Past this many waiting tickets the forward replay (quadratic in the line) gives way to a fluid estimate:
 * a line that long is an incident, and its estimate needs to be cheap more than exact.
 */
export const MAX_REPLAYED_LINE = 300;

/**
 * The fluid estimate: the expected work ahead of each ticket (higher classes, then earlier arrivals) in the
 * business types its counters also serve, shared by the open counters that serve its type. One pass in line
 * order with a running total per type.
 */
function fluidWaits(
  state: BranchNow,
  waiting: readonly WaitingTicket[],
  open: readonly Counter[],
  onlyTicket?: TicketId,
): Map<TicketId, number | null> {
  const minutes = (serviceId: ServiceId) => state.learned.times.byService.get(serviceId) ?? 5;
  const servers = new Map<ServiceId, Counter[]>();
  for (const s of state.services)
    servers.set(
      s.id,
      open.filter((c) => skillWeight(c, s.id) > 0),
    );
  const ordered = [...waiting].sort(
    (a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || byLinePosition(a, b),
  );
  const workAhead = new Map<ServiceId, number>();
  const result = new Map<TicketId, number | null>();
  for (const t of ordered) {
    const mine = servers.get(t.serviceId) ?? [];
    if (mine.length === 0) result.set(t.id, null);
    else {
      let work = 0;
      for (const [serviceId, total] of workAhead) {
        const shared = mine.filter((c) => skillWeight(c, serviceId) > 0).length;
        work += (total * shared) / mine.length;
      }
      result.set(t.id, work / mine.length);
    }
    if (t.id === onlyTicket) break;
    workAhead.set(t.serviceId, (workAhead.get(t.serviceId) ?? 0) + minutes(t.serviceId));
  }
  return result;
}
