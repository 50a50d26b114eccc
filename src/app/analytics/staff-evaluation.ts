/**
 * Staff evaluation with satisfaction at the centre: per teller over the days asked for, what he served, how long
 * his services took, how his customers rated him (satisfied share, CSAT), the complaints linked to tickets he
 * served, and the share of his calls whose customer had waited no longer than the branch's target. Branch
 * managers see their tellers (head office and admins every branch's); a teller only himself; nobody else.
 */
import type { BranchId } from "../../domain/ids.ts";
import { listBranches } from "../../store/branches.ts";
import { readsEveryBranch } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { forbidden } from "../errors.ts";
import { analyticsSummary, checkRange } from "./summary.ts";

export interface StaffEvaluationRow {
  /** The teller's username (an imported teller unknown here: the name the old system gave). */
  readonly username: string;
  readonly displayName: string | null;
  readonly served: number;
  readonly meanServiceMinutes: number | null;
  readonly rated: number;
  readonly satisfiedShare: number | null;
  readonly csat: number | null;
  /** Complaints received about tickets he served. */
  readonly complaints: number;
  /** Complaints per 1,000 tickets he served; null without served tickets. */
  readonly complaintsPerThousand: number | null;
  /** Tickets he called. */
  readonly called: number;
  /** Of his calls, the share whose customer had waited no longer than the target. */
  readonly withinTargetShare: number | null;
}

export interface StaffEvaluation {
  readonly from: string;
  readonly to: string;
  readonly branchIds: readonly string[];
  readonly ownFiguresOnly: boolean;
  readonly rows: readonly StaffEvaluationRow[];
}

async function scopeOf(
  ctx: AppContext,
  actor: Actor,
  branchId: string | undefined,
): Promise<{ branchIds: string[]; own: boolean }> {
  if (actor.type !== "user") throw forbidden();
  let branchIds: string[];
  let own = false;
  if (readsEveryBranch(actor)) branchIds = (await listBranches(ctx.store.db)).map((b) => b.id);
  else if (actor.roles.includes("branch_manager")) branchIds = [...actor.branchIds];
  else if (actor.roles.includes("teller")) {
    branchIds = [...actor.branchIds];
    own = true;
  } else throw forbidden();
  if (branchId !== undefined) {
    if (!branchIds.includes(branchId as BranchId)) throw forbidden();
    branchIds = [branchId];
  }
  return { branchIds, own };
}

/** Complaints linked to served tickets of the branches and days, per teller (user id). */
async function complaintsByTeller(
  ctx: AppContext,
  branchIds: readonly string[],
  from: string,
  to: string,
): Promise<Map<string, number>> {
  if (branchIds.length === 0) return new Map();
  const rows = await ctx.store.db
    .selectFrom("complaints")
    .innerJoin("tickets", "tickets.id", "complaints.ticket_id")
    .select((eb) => ["tickets.served_by", eb.fn.countAll<number | string>().as("n")])
    .where("tickets.branch_id", "in", [...branchIds])
    .where("tickets.day", ">=", from)
    .where("tickets.day", "<=", to)
    .where("tickets.served_by", "is not", null)
    .groupBy("tickets.served_by")
    .execute();
  return new Map(rows.map((r) => [String(r.served_by), Number(r.n)]));
}

export async function staffEvaluation(
  ctx: AppContext,
  actor: Actor,
  q: { readonly branchId?: string; readonly from: string; readonly to: string },
): Promise<StaffEvaluation> {
  checkRange(q.from, q.to);
  const scope = await scopeOf(ctx, actor, q.branchId);
  // The figures are the summary's by teller (a teller's own summary holds only his cells).
  const [summary, complaints, users] = await Promise.all([
    analyticsSummary(ctx, actor, { branchId: q.branchId, from: q.from, to: q.to, groupBy: "staff" }),
    complaintsByTeller(ctx, scope.branchIds, q.from, q.to),
    ctx.store.db.selectFrom("users").select(["id", "username"]).execute(),
  ]);
  const idOf = new Map(users.map((u) => [u.username, u.id]));
  const ownName = actor.type === "user" ? actor.username : "";
  const rows: StaffEvaluationRow[] = summary.rows
    // Tickets nobody served (walk-aways) are not a teller's.
    .filter((r) => r.key !== "—" && r.key !== "" && (!scope.own || r.key === ownName))
    .map((r) => {
      const id = idOf.get(String(r.key));
      const n = id === undefined ? 0 : (complaints.get(id) ?? 0);
      return {
        username: String(r.key),
        displayName: r.nameZh,
        served: r.served,
        meanServiceMinutes: r.meanServiceMinutes,
        rated: r.rated,
        satisfiedShare: r.satisfiedShare,
        csat: r.csat,
        complaints: n,
        complaintsPerThousand: r.served === 0 ? null : Math.round((n / r.served) * 10_000) / 10,
        called: r.called,
        withinTargetShare: r.withinTargetShare,
      };
    })
    .sort((a, b) => (b.satisfiedShare ?? -1) - (a.satisfiedShare ?? -1) || b.served - a.served);
  return { from: q.from, to: q.to, branchIds: scope.branchIds, ownFiguresOnly: scope.own, rows };
}
