import type { BranchId } from "../../domain/ids.ts";
import { MINUTE_MS } from "../../domain/ids.ts";
import { localDay } from "../../domain/local-day.ts";
import { findBranch } from "../../store/branches.ts";
import { listTicketsOfDay } from "../../store/tickets.ts";
import { BRANCH_READERS, requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { notFound } from "../errors.ts";

export interface TodayStats {
  readonly day: string;
  readonly issued: number;
  readonly served: number;
  readonly waiting: number;
  readonly noShow: number;
  readonly cancelled: number;
  readonly redirected: number;
  /** Mean of (first call − issue) over tickets called today; null when nobody was called yet (not a wait of 0). */
  readonly averageWaitMinutes: number | null;
  /** Share of called tickets whose wait was within the branch target; null when nobody was called yet. */
  readonly withinTargetShare: number | null;
  readonly ratings: { readonly satisfied: number; readonly neutral: number; readonly dissatisfied: number };
  /** Share of ratings that are "satisfied"; null without ratings. */
  readonly satisfaction: number | null;
}

export async function todayStats(ctx: AppContext, actor: Actor, branchId: string): Promise<TodayStats> {
  requireBranchAccess(actor, branchId as BranchId, BRANCH_READERS);
  const branch = await findBranch(ctx.store.db, branchId);
  if (!branch) throw notFound("Branch", branchId);
  const day = localDay(ctx.clock(), branch.timezone);
  const tickets = await listTicketsOfDay(ctx.store.db, branch.id, day);
  // A wait ends at the first call: recalls (which move calledAt) are the customer's delay, not the branch's.
  const waits = tickets.flatMap((t) => {
    const firstCall = t.firstCalledAt ?? t.calledAt;
    return firstCall === null ? [] : [(firstCall - t.issuedAt) / MINUTE_MS];
  });
  const ratings = { satisfied: 0, neutral: 0, dissatisfied: 0 };
  for (const t of tickets) if (t.rating) ratings[t.rating]++;
  const rated = ratings.satisfied + ratings.neutral + ratings.dissatisfied;
  const count = (s: string) => tickets.filter((t) => t.status === s).length;
  return {
    day,
    issued: tickets.length,
    // A ticket in the back office's review was served at the counter.
    served: count("done") + count("in_review"),
    waiting: count("waiting"),
    noShow: count("no_show"),
    cancelled: count("cancelled"),
    redirected: count("redirected"),
    averageWaitMinutes: waits.length ? Math.round((waits.reduce((a, b) => a + b, 0) / waits.length) * 10) / 10 : null,
    withinTargetShare: waits.length ? waits.filter((w) => w <= branch.targetWaitMinutes).length / waits.length : null,
    ratings,
    satisfaction: rated ? ratings.satisfied / rated : null,
  };
}
