/**
 * Keeping the analytics tallies current. A branch-day's cells are always rebuilt whole from its tickets (a
 * branch-day is at most a few thousand rows, read by index), so a rebuild can run any number of times and
 * never counts a ticket twice. The tally job re-tallies the branch-days marked by the changes to them
 * (tally-marks.ts, migration 045); the importer rebuilds the days it touched; `datang analytics rebuild`
 * rebuilds everything from the raw records.
 */

import { type BusySpan, counterHours, localMidnight } from "../../domain/analytics/counter-time.ts";
import { dayAfter, monthOf } from "../../domain/analytics/keys.ts";
import {
  addAppointment,
  addComplaint,
  addReview,
  addTicket,
  emptyTally,
  type Tally,
  type TicketEnd,
  type TicketFacts,
} from "../../domain/analytics/tally.ts";
import { localHour } from "../../domain/local-day.ts";
import {
  type AppointmentFactRow,
  type Cell,
  type ComplaintFactRow,
  listAppointmentFacts,
  listComplaintFacts,
  listCounterChanges,
  listReviewFacts,
  listTicketDays,
  listTicketFacts,
  type ReviewFactRow,
  replaceBranchDayCells,
  replaceCounterHours,
  type TicketFactRow,
} from "../../store/analytics.ts";
import { type Branch, findBranch } from "../../store/branches.ts";
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
  const end = endOf(row, firstCall);
  const completedAt = num(row.completed_at);
  return {
    issuedAt: Number(row.issued_at),
    firstCalledAt: firstCall,
    startedAt: num(row.started_at),
    completedAt,
    end,
    rating: row.rating === null ? null : (RATING_SCORE[row.rating] ?? null),
    // Cancelled uncalled: the customer's patience ran out then, unless it was the day's close that cancelled it.
    leftAt: end === "walked_away" && row.outcome !== "day_closed" ? completedAt : null,
    nps: row.nps === null || row.nps === undefined ? null : Number(row.nps),
  };
}

/** What else a branch-day's cells count beside its tickets. */
export interface DayExtras {
  readonly reviews: readonly ReviewFactRow[];
  readonly complaints: readonly ComplaintFactRow[];
  readonly appointments: readonly AppointmentFactRow[];
}

const NO_EXTRAS: DayExtras = { reviews: [], complaints: [], appointments: [] };

/**
 * The cells of one branch-day, from its tickets, and from what else belongs to the day: its tickets' review
 * rounds and complaints (in their ticket's cell), complaints naming no ticket (hour of receipt, no business
 * type, counter or teller), and the appointments booked for the day (hour of their start, their business type).
 */
export function cellsOf(branch: Branch, rows: readonly TicketFactRow[], extras: DayExtras = NO_EXTRAS): Cell[] {
  const cells = new Map<
    string,
    { hour: number; serviceId: string; counterKey: string; staffKey: string; tally: Tally }
  >();
  const cellAt = (hour: number, serviceId: string, counterKey: string, staffKey: string): Tally => {
    const key = `${hour}\u0000${serviceId}\u0000${counterKey}\u0000${staffKey}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { hour, serviceId, counterKey, staffKey, tally: emptyTally() };
      cells.set(key, cell);
    }
    return cell.tally;
  };
  const limits = { targetMinutes: branch.targetWaitMinutes, alarmMinutes: branch.alarmWaitMinutes };
  const ticketCell = new Map<string, Tally>();
  for (const row of rows) {
    const facts = factsOf(row);
    const hour = localHour(facts.issuedAt, branch.timezone);
    const counterKey = row.counter_id ?? (row.counter_label ? `label:${row.counter_label}` : "");
    const staffKey = row.served_by ?? (row.staff_label ? `label:${row.staff_label}` : "");
    const tally = cellAt(hour, row.service_id, counterKey, staffKey);
    addTicket(tally, facts, limits);
    if (row.id !== undefined) ticketCell.set(row.id, tally);
  }
  for (const r of extras.reviews) {
    const tally = ticketCell.get(r.ticket_id);
    if (tally)
      addReview(tally, { submittedAt: Number(r.submitted_at), takenAt: num(r.taken_at), decidedAt: num(r.decided_at) });
  }
  for (const c of extras.complaints) {
    const linked = c.ticket_id === null ? undefined : ticketCell.get(c.ticket_id);
    addComplaint(linked ?? cellAt(localHour(Number(c.received_at), branch.timezone), "", "", ""));
  }
  for (const a of extras.appointments) {
    const startAt = Number(a.start_at);
    addAppointment(cellAt(localHour(startAt, branch.timezone), a.service_id, "", ""), {
      status: a.status,
      createdAt: Number(a.created_at),
      startAt,
      checkedInAt: num(a.checked_in_at),
    });
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
    const dayStart = localMidnight(day, branch.timezone);
    const dayEnd = localMidnight(dayAfter(day), branch.timezone);
    const rows = await listTicketFacts(tx, branch.id, day);
    const extras: DayExtras = {
      reviews: await listReviewFacts(tx, branch.id, day),
      complaints: await listComplaintFacts(tx, branch.id, day, dayStart, dayEnd),
      appointments: await listAppointmentFacts(tx, branch.id, day),
    };
    await replaceBranchDayCells(tx, branch.id, day, cellsOf(branch, rows, extras));
    if (deferred) deferred.add(`${branch.id}\u0000${monthOf(day)}`);
    else await refreshMonthRollups(tx, branch.id, monthOf(day));
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
