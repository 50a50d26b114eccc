import { MINUTE_MS } from "../../domain/ids.ts";
import { localDay } from "../../domain/local-day.ts";
import { findBranch } from "../../store/branches.ts";
import { requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import { loadCounter } from "./counter-access.ts";

/** A teller's own day so far, in the branch of the counter they work at. */
export interface TellerToday {
  readonly day: string;
  /** Today's tickets whose latest call was this teller's (each once, however often recalled). */
  readonly called: number;
  readonly served: number;
  readonly noShows: number;
  /** Mean minutes from start to completion of the tickets served; null before the first. */
  readonly averageServiceMinutes: number | null;
  readonly ratings: { readonly satisfied: number; readonly neutral: number; readonly dissatisfied: number };
}

/** The figures of the member of staff asking: their own, never a colleague's. */
export async function tellerToday(ctx: AppContext, actor: Actor, counterId: string): Promise<TellerToday> {
  const db = ctx.store.db;
  const counter = await loadCounter(db, counterId);
  requireBranchAccess(actor, counter.branchId, [...TRIAGE_ROLES, "teller"]);
  if (actor.type !== "user") throw forbidden();
  const branch = await findBranch(db, counter.branchId);
  if (!branch) throw notFound("Branch", counter.branchId);
  const day = localDay(ctx.clock(), branch.timezone);
  const rows = await db
    .selectFrom("tickets")
    .select(["status", "started_at", "completed_at", "rating"])
    .where("branch_id", "=", branch.id)
    .where("day", "=", day)
    .where("served_by", "=", actor.id)
    .execute();
  // A ticket in the back office's review was served at this counter all the same.
  const served = rows.filter((r) => r.status === "done" || r.status === "in_review");
  const times = served.flatMap((r) =>
    r.started_at !== null && r.completed_at !== null
      ? [(Number(r.completed_at) - Number(r.started_at)) / MINUTE_MS]
      : [],
  );
  const ratings = { satisfied: 0, neutral: 0, dissatisfied: 0 };
  for (const r of rows) if (r.rating) ratings[r.rating]++;
  return {
    day,
    called: rows.length,
    served: served.length,
    noShows: rows.filter((r) => r.status === "no_show").length,
    averageServiceMinutes: times.length
      ? Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 10) / 10
      : null,
    ratings,
  };
}
