/**
 * Keeping the tallies current as tickets finish (issue 15). Every change to what a branch-day counts leaves a
 * mark in its own transaction (migration 045's triggers: tickets issued, called, started, finished, no-show,
 * cancelled, rated; surveys, reviews, complaints, appointments; counter events). This job, run by the job runner
 * every TALLY_EVERY_MS on every instance but by one at a time (the job lease of store/leases.ts, taken with
 * `SKIP LOCKED` on PostgreSQL), re-tallies only the marked branch-days, each whole from its raw records (so a day
 * marked many times, or re-tallied twice, counts each ticket once), refreshes their months once, and deletes exactly the marks it read:
 * a mark written meanwhile is a row it did not read, and the next run takes it. A branch nothing happened at is
 * not touched. A day whose re-tally fails keeps its marks and is tried again next run.
 */
import { randomUUID } from "node:crypto";
import { monthOf } from "../../domain/analytics/keys.ts";
import { localDay } from "../../domain/local-day.ts";
import { deleteMarks, type Mark, readMarks } from "../../store/analytics-marks.ts";
import { type Branch, findBranch } from "../../store/branches.ts";
import { releaseJobLease, takeJobLease } from "../../store/leases.ts";
import { refreshMonthRollups } from "../../store/month-rollups.ts";
import type { AppContext } from "../context.ts";
import { type DeferredMonths, rebuildBranchDay } from "./build-cells.ts";

/** How often the job runs: today's figures on the dashboard are at most about this old (plus the run). */
export const TALLY_EVERY_MS = 20_000;
/** Marks read per run; more wait for the next run. */
const MARKS_PER_RUN = 20_000;
const LEASE = "analytics.tally";
/** Long enough for a run on a slow machine; a dead instance's lease is free again after it. */
const LEASE_MS = 5 * 60_000;
/** This process's name on the lease. */
const OWNER = `tally-${randomUUID()}`;

export interface TallyRun {
  /** False when another instance held the lease: this run did nothing. */
  readonly ran: boolean;
  /** The marks read and deleted. */
  readonly marks: number;
  /** The branch-days re-tallied ("branchId day"). */
  readonly days: readonly string[];
}

export interface TallyOptions {
  readonly owner?: string;
  /** Called after the marks were read and before the days are re-tallied (tests write changes meanwhile). */
  readonly afterRead?: () => Promise<void>;
}

/** One run of the job. */
export async function tallyMarkedDays(ctx: AppContext, options: TallyOptions = {}): Promise<TallyRun> {
  const owner = options.owner ?? OWNER;
  const now = ctx.clock();
  const held = await ctx.store.write((tx) => takeJobLease(tx, { name: LEASE, owner, now, leaseMs: LEASE_MS }));
  if (!held) return { ran: false, marks: 0, days: [] };
  try {
    return await tallyUnderLease(ctx, options);
  } finally {
    await ctx.store.write((tx) => releaseJobLease(tx, LEASE, owner, now));
  }
}

async function tallyUnderLease(ctx: AppContext, options: TallyOptions): Promise<TallyRun> {
  const marks = await readMarks(ctx.store.db, MARKS_PER_RUN);
  if (marks.length === 0) return { ran: true, marks: 0, days: [] };
  await options.afterRead?.();
  const branches = new Map<string, Branch | undefined>();
  const days = new Map<string, { branch: Branch | undefined; day: string; marks: Mark[] }>();
  for (const m of marks) {
    if (!branches.has(m.branchId)) branches.set(m.branchId, await findBranch(ctx.store.db, m.branchId));
    const branch = branches.get(m.branchId);
    // A mark by time whose branch is gone has no day; it is deleted with the others.
    const day = m.day ?? (branch && m.at !== null ? localDay(m.at, branch.timezone) : "");
    const key = `${m.branchId}\u0000${day}`;
    let entry = days.get(key);
    if (!entry) {
      entry = { branch, day, marks: [] };
      days.set(key, entry);
    }
    entry.marks.push(m);
  }
  const months: DeferredMonths = new Set();
  const done: Array<{ branchId: string; day: string; marks: Mark[] }> = [];
  for (const { branch, day, marks: dayMarks } of days.values()) {
    const branchId = dayMarks[0]?.branchId ?? "";
    try {
      // A day of a branch that no longer exists has nothing to tally.
      if (branch && day) await rebuildBranchDay(ctx, branch, day, months);
      done.push({ branchId, day, marks: dayMarks });
    } catch (error) {
      console.error(`tallying the analytics of ${branchId} ${day} failed; its marks stay`, error);
    }
  }
  const stale = new Set<string>();
  for (const entry of months) {
    const [branchId, month] = entry.split("\u0000") as [string, string];
    try {
      await ctx.store.write((tx) => refreshMonthRollups(tx, branchId, month));
    } catch (error) {
      console.error(`refreshing the analytics month ${branchId} ${month} failed; its days' marks stay`, error);
      stale.add(entry);
    }
  }
  const finished = done.filter((d) => !d.day || !stale.has(`${d.branchId}\u0000${monthOf(d.day)}`));
  await ctx.store.write((tx) =>
    deleteMarks(
      tx,
      finished.flatMap((d) => d.marks.map((m) => m.id)),
    ),
  );
  return {
    ran: true,
    marks: finished.reduce((n, d) => n + d.marks.length, 0),
    days: finished.filter((d) => d.day && branches.get(d.branchId)).map((d) => `${d.branchId} ${d.day}`),
  };
}
