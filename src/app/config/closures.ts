import { addDays, dayInZone, isoInZone } from "../../domain/appointments/slots.ts";
import type { BranchId } from "../../domain/ids.ts";
import { type Branch, findBranch } from "../../store/branches.ts";
import type { Tx } from "../../store/store.ts";
import { CONFIG_ROLES, requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import { branchSetupChanged } from "../appointments/slot-state.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { audit, emitEvent } from "../record.ts";

/**
 * A branch's closed days and days with other hours (国庆节, 春节, a half day): the table `branch_closures` that the
 * slots, the complaints' statutory clocks and the follow-ups' due dates read. `hours` null: closed all day.
 */
export interface Closure {
  readonly day: string;
  readonly hours: readonly [string, string] | null;
  readonly reason: string;
}

/** A closure as written, with how many booked appointments now fall outside the day's hours (none are cancelled). */
export interface ClosureChange extends Closure {
  readonly appointmentsAffected: number;
}

/** The longest range set at once (a holiday week is 7 to 9 days; 春节 with its make-up days fits). */
export const MAX_RANGE_DAYS = 31;
const MAX_REASON = 200;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

function checkDay(day: string, field = "day"): void {
  const ok =
    DAY.test(day) &&
    (() => {
      const [y, m, d] = day.split("-").map(Number) as [number, number, number];
      const date = new Date(Date.UTC(y, m - 1, d));
      return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    })();
  if (!ok)
    throw invalid(
      `${field} must be a real calendar date YYYY-MM-DD, not "${day.slice(0, 40)}".`,
      { field },
      `${field} 须为真实日期（YYYY-MM-DD），而不是“${day.slice(0, 40)}”。`,
    );
}

function checkInput(hours: readonly string[] | null, reason: string): string {
  if (hours !== null) {
    const [open, close] = hours;
    if (hours.length !== 2 || !open || !close || !HHMM.test(open) || !HHMM.test(close))
      throw invalid("hours must be two times HH:MM.", { field: "hours" }, "营业时间须为两个 HH:MM 格式的时间。");
    if (open >= close)
      throw invalid(
        "The opening time must be before the closing time.",
        { field: "hours" },
        "开门时间须早于关门时间。",
      );
  }
  const trimmed = reason.trim();
  if (trimmed.length > MAX_REASON)
    throw invalid(
      `The reason may have at most ${MAX_REASON} characters.`,
      { field: "reason" },
      `原因最多 ${MAX_REASON} 个字符。`,
    );
  return trimmed;
}

async function branchFor(ctx: AppContext, actor: Actor, branchId: string): Promise<Branch> {
  const branch = await findBranch(ctx.store.db, branchId);
  // The role and branch are looked at first, so that a caller without access learns nothing about which ids exist.
  requireBranchAccess(actor, branchId as BranchId, CONFIG_ROLES);
  if (!branch) throw notFound("Branch", branchId);
  return branch;
}

function toClosure(r: { day: string; hours: string | null; reason: string }): Closure {
  let hours: [string, string] | null = null;
  if (r.hours) {
    try {
      const parsed = JSON.parse(r.hours) as unknown;
      if (Array.isArray(parsed) && parsed.length === 2) hours = [String(parsed[0]), String(parsed[1])];
    } catch {
      hours = null;
    }
  }
  return { day: r.day, hours, reason: r.reason };
}

/** The branch's closures from `from` (default: the branch's today) on, by day. */
export async function listClosures(ctx: AppContext, actor: Actor, branchId: string, from?: string): Promise<Closure[]> {
  const branch = await branchFor(ctx, actor, branchId);
  if (from !== undefined) checkDay(from, "from");
  const since = from ?? dayInZone(ctx.clock(), branch.timezone);
  const rows = await ctx.store.db
    .selectFrom("branch_closures")
    .select(["day", "hours", "reason"])
    .where("branch_id", "=", branch.id)
    .where("day", ">=", since)
    .orderBy("day")
    .limit(1000)
    .execute();
  return rows.map(toClosure);
}

/** Booked appointments of the day that the closure leaves outside the hours (all of them on a closed day). */
async function affected(tx: Tx, branch: Branch, day: string, hours: readonly [string, string] | null): Promise<number> {
  const rows = await tx
    .selectFrom("appointments")
    .select(["start_at", "end_at"])
    .where("branch_id", "=", branch.id)
    .where("day", "=", day)
    .where("status", "=", "booked")
    .execute();
  if (hours === null) return rows.length;
  const [open, close] = hours;
  return rows.filter((r) => {
    const start = isoInZone(Number(r.start_at), branch.timezone).slice(11, 16);
    const end = isoInZone(Number(r.end_at), branch.timezone).slice(11, 16);
    return start < open || end > close;
  }).length;
}

async function writeDays(
  ctx: AppContext,
  actor: Actor,
  branch: Branch,
  days: readonly string[],
  hours: readonly [string, string] | null,
  reason: string,
  action: string,
  details: unknown,
): Promise<ClosureChange[]> {
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const out: ClosureChange[] = [];
    for (const day of days) {
      await tx.deleteFrom("branch_closures").where("branch_id", "=", branch.id).where("day", "=", day).execute();
      await tx
        .insertInto("branch_closures")
        .values({ branch_id: branch.id, day, hours: hours === null ? null : JSON.stringify(hours), reason })
        .execute();
      out.push({ day, hours, reason, appointmentsAffected: await affected(tx, branch, day, hours) });
    }
    // Every business type's slots of those days change, here and (NOTIFY datang_slots) on the other instances.
    await branchSetupChanged(tx, afterCommit, ctx, branch.id);
    await audit(tx, actor, now, action, { type: "branch", id: branch.id, branchId: branch.id }, details);
    await emitEvent(ctx, tx, afterCommit, branch.id, "branch.updated", now, {});
    return out;
  });
}

/** Sets one day closed (`hours` null) or open with other hours; replaces what the day had. */
export async function setClosure(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  day: string,
  input: { hours: readonly string[] | null; reason?: string },
): Promise<ClosureChange> {
  const branch = await branchFor(ctx, actor, branchId);
  checkDay(day);
  const reason = checkInput(input.hours, input.reason ?? "");
  const hours = input.hours === null ? null : ([input.hours[0], input.hours[1]] as [string, string]);
  const [change] = await writeDays(ctx, actor, branch, [day], hours, reason, "branch.closure.set", {
    day,
    hours,
    reason,
  });
  return change as ClosureChange;
}

/** Sets every day from `from` to `to` (both included) the same way: a holiday week at once. */
export async function setClosureRange(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  input: { from: string; to: string; hours: readonly string[] | null; reason?: string },
): Promise<ClosureChange[]> {
  const branch = await branchFor(ctx, actor, branchId);
  checkDay(input.from, "from");
  checkDay(input.to, "to");
  if (input.to < input.from)
    throw invalid("to must not be before from.", { field: "to" }, "结束日期不能早于开始日期。");
  const reason = checkInput(input.hours, input.reason ?? "");
  const days: string[] = [];
  for (let d = input.from; d <= input.to; d = addDays(d, 1)) {
    days.push(d);
    if (days.length > MAX_RANGE_DAYS)
      throw invalid(
        `At most ${MAX_RANGE_DAYS} days at once.`,
        { field: "to", max: MAX_RANGE_DAYS },
        `一次最多设置 ${MAX_RANGE_DAYS} 天。`,
      );
  }
  const hours = input.hours === null ? null : ([input.hours[0], input.hours[1]] as [string, string]);
  return writeDays(ctx, actor, branch, days, hours, reason, "branch.closure.set_range", {
    from: input.from,
    to: input.to,
    hours,
    reason,
  });
}

/** The day keeps the branch's weekly hours again. */
export async function removeClosure(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  day: string,
): Promise<{ removed: boolean }> {
  const branch = await branchFor(ctx, actor, branchId);
  checkDay(day);
  return ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const result = await tx
      .deleteFrom("branch_closures")
      .where("branch_id", "=", branch.id)
      .where("day", "=", day)
      .executeTakeFirst();
    const removed = Number(result.numDeletedRows) > 0;
    if (removed) {
      await branchSetupChanged(tx, afterCommit, ctx, branch.id);
      await audit(
        tx,
        actor,
        now,
        "branch.closure.remove",
        { type: "branch", id: branch.id, branchId: branch.id },
        { day },
      );
      await emitEvent(ctx, tx, afterCommit, branch.id, "branch.updated", now, {});
    }
    return { removed };
  });
}
