/**
 * The background rebuild of queued branch-days (migration 038 queues those tallied before migration 033, so an
 * upgrade needs no `datang analytics rebuild` by hand). A job of the job runner, on every instance: each run
 * claims a few days with a lease, rebuilds each from its raw records in a write of its own (live writes go on in
 * between), refreshes their months once, and removes them from the queue. Bounded: BATCH days a run, a run every
 * few seconds. A day that fails stays queued; its lease expires and a later run tries it again.
 */
import { randomUUID } from "node:crypto";
import { monthOf } from "../../domain/analytics/keys.ts";
import { type Branch, findBranch } from "../../store/branches.ts";
import { refreshMonthRollups } from "../../store/month-rollups.ts";
import { claimQueuedDays, finishQueuedDays, type QueuedDay } from "../../store/rebuild-queue.ts";
import type { AppContext } from "../context.ts";
import { type DeferredMonths, rebuildBranchDay } from "./build-cells.ts";

/** Days rebuilt per run: a busy branch-day takes a few tens of milliseconds. */
export const REBUILD_BATCH = 20;
/** Long enough for a batch on a slow machine; a dead instance's days are free again after it. */
const LEASE_MS = 5 * 60_000;
/** This process's name on the leases it takes. */
const OWNER = `rebuild-${randomUUID()}`;

/** One run: rebuilds up to `limit` queued days; answers how many were rebuilt. */
export async function rebuildQueuedDays(
  ctx: AppContext,
  options: { readonly limit?: number; readonly owner?: string } = {},
): Promise<number> {
  const owner = options.owner ?? OWNER;
  const claimed = await ctx.store.write((tx) =>
    claimQueuedDays(tx, { owner, now: ctx.clock(), leaseMs: LEASE_MS, limit: options.limit ?? REBUILD_BATCH }),
  );
  if (claimed.length === 0) return 0;
  const branches = new Map<string, Branch | undefined>();
  const done: QueuedDay[] = [];
  const months: DeferredMonths = new Set();
  for (const d of claimed) {
    if (!branches.has(d.branchId)) branches.set(d.branchId, await findBranch(ctx.store.db, d.branchId));
    const branch = branches.get(d.branchId);
    try {
      // A day of a branch that no longer exists has nothing to rebuild.
      if (branch) await rebuildBranchDay(ctx, branch, d.day, months);
      done.push(d);
    } catch (error) {
      console.error(`rebuilding the analytics of ${d.branchId} ${d.day} failed; it stays queued`, error);
    }
  }
  // Each month once. Another instance may be refreshing the same month (its days came in the same claim order):
  // on PostgreSQL one of two such writes fails on the month's key; a retry reads every day committed by then.
  const stale = new Set<string>();
  for (const entry of months) {
    const [branchId, month] = entry.split("\u0000") as [string, string];
    for (let attempt = 1; ; attempt++) {
      try {
        await ctx.store.write((tx) => refreshMonthRollups(tx, branchId, month));
        break;
      } catch (error) {
        if (attempt < 3) continue;
        console.error(`refreshing the analytics month ${branchId} ${month} failed; its days stay queued`, error);
        stale.add(entry);
        break;
      }
    }
  }
  const finished = done.filter((d) => !stale.has(`${d.branchId}\u0000${monthOf(d.day)}`));
  await ctx.store.write((tx) => finishQueuedDays(tx, owner, finished));
  return finished.length;
}
