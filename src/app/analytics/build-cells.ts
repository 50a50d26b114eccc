/**
 * Keeping the analytics tallies current. A branch-day's cells are always rebuilt whole from its tickets (a
 * branch-day is at most a few thousand rows, read by index), so a rebuild can run any number of times and
 * never counts a ticket twice. Housekeeping refreshes each branch's today and yesterday every minute (tickets
 * finish, ratings arrive, yesterday's line is closed after midnight); the importer rebuilds the days it
 * touched; `datang analytics rebuild` rebuilds everything from the raw records.
 */

import { type BusySpan, counterHours, localMidnight } from "../../domain/analytics/counter-time.ts";
import { dayAfter, dayBefore, monthOf } from "../../domain/analytics/keys.ts";
import { addTicket, emptyTally, type Tally, type TicketEnd, type TicketFacts } from "../../domain/analytics/tally.ts";
import { localDay, localHour } from "../../domain/local-day.ts";
import {
  type Cell,
  listCounterChanges,
  listTicketDays,
  listTicketFacts,
  replaceBranchDayCells,
  replaceCounterHours,
  type TicketFactRow,
} from "../../store/analytics.ts";
import { type Branch, findBranch, listBranches } from "../../store/branches.ts";
import { refreshMonthRollups } from "../../store/month-rollups.ts";
import type { AppContext } from "../context.ts";

const RATING_SCORE: Readonly<Record<string, 1 | 2 | 3>> = { satisfied: 3, neutral: 2, dissatisfied: 1 };

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function endOf(row: TicketFactRow, firstCall: number | null): TicketEnd {
  switch (row.status) {
    // Served at the counter, waiting for (or past) the back office's second review.
    case "in_review":
    case "done":
      return "served";
    case "no_show":
      return "no_show";
    case "redirected":
      return "redirected";
    case "cancelled":
      // Left before a call; a ticket cancelled after its call was seen by a counter and is neither.
      return firstCall === null ? "walked_away" : "open";
    default:
      return "open";
  }
}

/** A stored ticket as the figures see it. */
export function factsOf(row: TicketFactRow): TicketFacts {
  // Tickets called before migration 002 have no first call recorded: their latest call stands in.
  const firstCall = num(row.first_called_at) ?? num(row.called_at);
  return {
    issuedAt: Number(row.issued_at),
    firstCalledAt: firstCall,
    startedAt: num(row.started_at),
    completedAt: num(row.completed_at),
    end: endOf(row, firstCall),
    rating: row.rating === null ? null : (RATING_SCORE[row.rating] ?? null),
  };
}

/** The cells of one branch-day, from its tickets. */
export function cellsOf(branch: Branch, rows: readonly TicketFactRow[]): Cell[] {
  const cells = new Map<
    string,
    { hour: number; serviceId: string; counterKey: string; staffKey: string; tally: Tally }
  >();
  const limits = { targetMinutes: branch.targetWaitMinutes, alarmMinutes: branch.alarmWaitMinutes };
  for (const row of rows) {
    const facts = factsOf(row);
    const hour = localHour(facts.issuedAt, branch.timezone);
    const counterKey = row.counter_id ?? (row.counter_label ? `label:${row.counter_label}` : "");
    const staffKey = row.served_by ?? (row.staff_label ? `label:${row.staff_label}` : "");
    const key = `${hour}\u0000${row.service_id}\u0000${counterKey}\u0000${staffKey}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { hour, serviceId: row.service_id, counterKey, staffKey, tally: emptyTally() };
      cells.set(key, cell);
    }
    addTicket(cell.tally, facts, limits);
  }
  return [...cells.values()];
}

/** How far back a counter's state at the start of a day is looked for; a counter unchanged so long counts as closed. */
const STATE_LOOK_BACK_MS = 7 * 86_400_000;

/** Branch-months whose month rollups wait to be rebuilt once, after many of their days ("branch\0month"). */
export type DeferredMonths = Set<string>;

/**
 * Rebuilds one branch-day's cells from its tickets, its counter time from its counters' state changes, and its
 * month's rollups (migration 027) in the same write; or, given `deferred`, notes the month for
 * `refreshDeferredMonths` (a bulk rebuild or import refreshes each month once instead of once per day).
 */
export async function rebuildBranchDay(
  ctx: AppContext,
  branch: Branch,
  day: string,
  deferred?: DeferredMonths,
): Promise<void> {
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    const rows = await listTicketFacts(tx, branch.id, day);
    await replaceBranchDayCells(tx, branch.id, day, cellsOf(branch, rows));
    if (deferred) deferred.add(`${branch.id}\u0000${monthOf(day)}`);
    else await refreshMonthRollups(tx, branch.id, monthOf(day));
    const dayStart = localMidnight(day, branch.timezone);
    const dayEnd = localMidnight(dayAfter(day), branch.timezone);
    const changes = await listCounterChanges(tx, branch.id, dayStart - STATE_LOOK_BACK_MS, dayEnd);
    const spans: BusySpan[] = [];
    for (const r of rows) {
      if (r.counter_id === null || r.started_at === null) continue;
      // A service still running counts until now; one that never finished otherwise is not counted.
      const to = r.completed_at !== null ? Number(r.completed_at) : r.status === "serving" ? now : null;
      if (to !== null) spans.push({ counterId: r.counter_id, from: Number(r.started_at), to });
    }
    const hours = counterHours(changes, spans, dayStart, dayEnd, now, (at) => localHour(at, branch.timezone));
    await replaceCounterHours(tx, branch.id, day, hours);
  });
}

/** Rebuilds the month rollups of the branch-months noted by `rebuildBranchDay`. */
export async function refreshDeferredMonths(ctx: AppContext, deferred: DeferredMonths): Promise<void> {
  for (const entry of deferred) {
    const [branchId, month] = entry.split("\u0000") as [string, string];
    await ctx.store.write((tx) => refreshMonthRollups(tx, branchId, month));
  }
  deferred.clear();
}

/** Every minute: each branch's today and yesterday (branch-local), where tickets still change. */
export async function refreshRecentDays(ctx: AppContext): Promise<void> {
  const now = ctx.clock();
  for (const branch of await listBranches(ctx.store.db)) {
    const today = localDay(now, branch.timezone);
    await rebuildBranchDay(ctx, branch, dayBefore(today));
    await rebuildBranchDay(ctx, branch, today);
  }
}

/** Rebuilds the cells of every branch-day with tickets (optionally of one branch or a range of days). */
export async function rebuildAll(
  ctx: AppContext,
  filter: { readonly branchId?: string; readonly from?: string; readonly to?: string } = {},
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const days = await listTicketDays(ctx.store.db, filter);
  const branches = new Map<string, Branch>();
  const deferred: DeferredMonths = new Set();
  let done = 0;
  for (const { branchId, day } of days) {
    let branch = branches.get(branchId);
    if (!branch) {
      branch = await findBranch(ctx.store.db, branchId);
      if (!branch) continue;
      branches.set(branchId, branch);
    }
    await rebuildBranchDay(ctx, branch, day, deferred);
    done++;
    onProgress?.(done, days.length);
  }
  await refreshDeferredMonths(ctx, deferred);
  return done;
}
