import type { Kysely } from "kysely";
import { byLinePosition } from "../../domain/dispatch/eligibility.ts";
import { DEFAULT_POLICY, isPolicyName, type PolicyName } from "../../domain/dispatch/index.ts";
import type { EpochMs, ServiceId, TicketId } from "../../domain/ids.ts";
import { MINUTE_MS } from "../../domain/ids.ts";
import { type PredictorCounter, predictWaits } from "../../domain/predictor.ts";
import { PRIORITY_RANK, type WaitingTicket } from "../../domain/ticket.ts";
import { type Branch, findBranch, listServices, type Service } from "../../store/branches.ts";
import { type Counter, listCounters } from "../../store/counters.ts";
import type { Database } from "../../store/schema.ts";
import { type Ticket, toTicket, toWaitingTicket } from "../../store/tickets.ts";
import { type LearnedBranch, learnedForBranch, localHour } from "../service-times.ts";

/** Where a waiting ticket stands: people of its business type ahead of it, and the predicted minutes to its call. */
export interface Standing {
  readonly position: number;
  readonly minutes: number;
}

/** Everything a wait prediction needs about a branch at one moment. */
export interface BranchNow {
  readonly branch: Branch;
  readonly services: readonly Service[];
  readonly counters: readonly Counter[];
  /** Waiting tickets in line order. */
  readonly waiting: readonly Ticket[];
  /** Tickets called or being served: how long the busy counters are still taken. */
  readonly inService: readonly Ticket[];
  readonly learned: LearnedBranch;
}

/**
 * Live tickets of a branch (waiting, called, serving) in line order: one indexed read (branch_id, status) gives
 * both the line and what the busy counters are doing.
 */
function listLiveTickets(db: Kysely<Database>, branchId: string): Promise<Ticket[]> {
  return db
    .selectFrom("tickets")
    .selectAll()
    .where("branch_id", "=", branchId)
    .where("status", "in", ["waiting", "called", "serving"])
    .orderBy("queued_at")
    .execute()
    .then((rows) => rows.map(toTicket));
}

/** Loads the branch as the predictor needs it; undefined when the branch does not exist. */
export async function loadBranchNow(
  db: Kysely<Database>,
  branchId: string,
  now: EpochMs,
): Promise<{ state: BranchNow; now: EpochMs } | undefined> {
  const [branch, services, counters, live] = await Promise.all([
    findBranch(db, branchId),
    listServices(db, branchId),
    listCounters(db, branchId),
    listLiveTickets(db, branchId),
  ]);
  if (!branch) return undefined;
  const at = now;
  const learned = await learnedForBranch(db, {
    branchId: branch.id,
    timeZone: branch.timezone,
    expectedMinutes: new Map(services.map((s) => [s.id, s.expectedMinutes])),
    now: at,
  });
  return {
    now: at,
    state: {
      branch,
      services,
      counters,
      waiting: live.filter((t) => t.status === "waiting"),
      inService: live.filter((t) => t.status !== "waiting"),
      learned,
    },
  };
}

const policyOf = (name: string | null): PolicyName | null => (name !== null && isPolicyName(name) ? name : null);

/**
 * The policy the open counters call with. The predictor replays one policy; when counters override the
 * branch's with different ones, the branch's is the better single guess.
 */
function predictionPolicy(branch: Branch, open: readonly Counter[]): PolicyName {
  const branchPolicy = policyOf(branch.dispatchPolicy) ?? DEFAULT_POLICY;
  const used = new Set(open.map((c) => policyOf(c.dispatchPolicy) ?? branchPolicy));
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
  const current = new Map(state.inService.map((t) => [t.id as string, t]));
  const open = state.counters.filter((c) => c.state === "open");
  const openCounters: PredictorCounter[] = open.map((c) => {
    const busy = c.currentTicketId === null ? undefined : current.get(c.currentTicketId);
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
  return { position: linePosition(waiting, ticket), minutes: Math.round(minutes) };
}

/**
 * Where a waiting ticket stands now. `ticket` may be one not yet stored (at issue time); only its own call is
 * predicted, so issuing stays cheap.
 */
export async function ticketStanding(db: Kysely<Database>, ticket: WaitingTicket, now: EpochMs): Promise<Standing> {
  const loaded = await loadBranchNow(db, ticket.branchId, now);
  if (!loaded) return { position: 0, minutes: 0 };
  const { state } = loaded;
  const waiting: WaitingTicket[] = [];
  for (const t of state.waiting) if (t.id !== ticket.id) waiting.push(toWaitingTicket(t));
  waiting.push(ticket);
  const predicted = predictBranch(state, waiting, loaded.now, ticket.id);
  return standingOf(state, waiting, ticket, predicted);
}
