/**
 * The analytics summary: the stored tallies of the branches and days asked for, merged per key of one
 * dimension, and every figure computed once from the merged tally (src/domain/analytics/figures.ts).
 */
import { type Figures, figuresOf } from "../../domain/analytics/figures.ts";
import { isoWeek, isoWeekday, monthOf, splitByMonths } from "../../domain/analytics/keys.ts";
import type { RollupGrain } from "../../domain/analytics/rollup.ts";
import { emptyTally, mergeTally, type Tally } from "../../domain/analytics/tally.ts";
import type { BranchId } from "../../domain/ids.ts";
import {
  readCells,
  readCounterTime,
  type StoredCell,
  type StoredCounterTime,
  sumCounterTotals,
} from "../../store/analytics.ts";
import { listBranches } from "../../store/branches.ts";
import { type RollupSumKey, sumRollups } from "../../store/rollup-sums.ts";
import { readsEveryBranch } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { forbidden, invalid } from "../errors.ts";

export const GROUP_BYS = [
  "service",
  "counter",
  "staff",
  "hour",
  "weekday",
  "weekdayHour",
  "day",
  "week",
  "month",
  "branch",
] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Roles that read a branch's figures; a teller reads only his own, the auditor none. */
const BRANCH_ANALYSTS = ["admin", "head_office", "branch_manager", "lobby_manager"] as const;

/** The longest range one summary covers: three years of days. */
const MAX_DAYS = 3 * 366;

export interface SummaryQuery {
  readonly branchId?: string;
  readonly from: string;
  readonly to: string;
  readonly groupBy: GroupBy;
}

export interface SummaryRow extends Figures {
  /** The business type's code, the counter's number, the teller's username, the hour 0–23, the weekday 1–7 (Monday 1), weekday and hour ("1T09": Monday 09:00–10:00, the heat map), the day, "2026-W48", "2026-11", or the branch's code. */
  readonly key: string | number;
  /** A readable name for the key where it has one (business type, branch, staff member). */
  readonly nameZh: string | null;
  readonly nameEn: string | null;
}

export interface Summary {
  readonly from: string;
  readonly to: string;
  readonly groupBy: GroupBy;
  readonly branchIds: readonly string[];
  /** Only the caller's own figures (a teller). */
  readonly ownFiguresOnly: boolean;
  readonly rows: readonly SummaryRow[];
  readonly total: Figures;
}

interface Scope {
  readonly branchIds: readonly string[];
  readonly staffKey?: string;
}

/** Which branches (and whose figures) the actor may read for this query. */
async function scopeOf(ctx: AppContext, actor: Actor, branchId: string | undefined): Promise<Scope> {
  if (actor.type !== "user") throw forbidden();
  const isAdmin = readsEveryBranch(actor);
  const analyst = actor.roles.some((r) => (BRANCH_ANALYSTS as readonly string[]).includes(r));
  const teller = actor.roles.includes("teller");
  if (!analyst && !teller) throw forbidden();
  let branchIds: string[];
  if (isAdmin) branchIds = (await listBranches(ctx.store.db)).map((b) => b.id);
  else branchIds = [...actor.branchIds];
  if (branchId !== undefined) {
    if (!branchIds.includes(branchId as BranchId)) throw forbidden();
    branchIds = [branchId];
  }
  // A teller who manages nothing sees his own work only, in his branches.
  return analyst ? { branchIds } : { branchIds, staffKey: actor.id };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day: "2026-11-31" parses (as 1 December) but is not one. */
const isCalendarDay = (day: string) =>
  DAY.test(day) && !Number.isNaN(Date.parse(day)) && new Date(Date.parse(day)).toISOString().slice(0, 10) === day;

export function checkRange(from: string, to: string): void {
  if (!isCalendarDay(from) || !isCalendarDay(to))
    throw invalid("from and to are calendar days: YYYY-MM-DD.", { from, to }, "from 和 to 应为真实日期：YYYY-MM-DD。");
  if (from > to) throw invalid("from is after to.", undefined, "开始日期晚于结束日期。");
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_DAYS)
    throw invalid(`A summary covers at most ${MAX_DAYS} days.`, undefined, `一次统计最多覆盖 ${MAX_DAYS} 天。`);
}

interface Names {
  readonly services: Map<string, { code: string; nameZh: string; nameEn: string }>;
  readonly counters: Map<string, number>;
  readonly users: Map<string, { username: string; displayName: string }>;
  readonly branches: Map<string, { code: string; nameZh: string; nameEn: string }>;
}

async function namesOf(ctx: AppContext, branchIds: readonly string[]): Promise<Names> {
  const db = ctx.store.db;
  const ids = [...branchIds];
  const [services, counters, branches] = ids.length
    ? await Promise.all([
        db.selectFrom("services").select(["id", "code", "name_zh", "name_en"]).where("branch_id", "in", ids).execute(),
        db.selectFrom("counters").select(["id", "number"]).where("branch_id", "in", ids).execute(),
        db.selectFrom("branches").select(["id", "code", "name_zh", "name_en"]).where("id", "in", ids).execute(),
      ])
    : [[], [], []];
  const users = await db.selectFrom("users").select(["id", "username", "display_name"]).execute();
  return {
    services: new Map(services.map((s) => [s.id, { code: s.code, nameZh: s.name_zh, nameEn: s.name_en }])),
    counters: new Map(counters.map((c) => [c.id, Number(c.number)])),
    users: new Map(users.map((u) => [u.id, { username: u.username, displayName: u.display_name }])),
    branches: new Map(branches.map((b) => [b.id, { code: b.code, nameZh: b.name_zh, nameEn: b.name_en }])),
  };
}

interface KeyOf {
  readonly key: string | number;
  readonly nameZh: string | null;
  readonly nameEn: string | null;
}

const UNKNOWN = "—";

function label(text: string): string | number {
  return /^\d{1,9}$/.test(text) ? Number(text) : text;
}

function keyOf(cell: StoredCell, groupBy: GroupBy, names: Names): KeyOf {
  const plain = (key: string | number): KeyOf => ({ key, nameZh: null, nameEn: null });
  switch (groupBy) {
    case "service": {
      const s = names.services.get(cell.serviceId);
      return s ? { key: s.code, nameZh: s.nameZh, nameEn: s.nameEn } : plain(UNKNOWN);
    }
    case "counter":
      if (cell.counterKey.startsWith("label:")) return plain(label(cell.counterKey.slice(6)));
      return plain(names.counters.get(cell.counterKey) ?? UNKNOWN);
    case "staff": {
      if (cell.staffKey.startsWith("label:")) return plain(cell.staffKey.slice(6));
      const u = names.users.get(cell.staffKey);
      return u ? { key: u.username, nameZh: u.displayName, nameEn: u.displayName } : plain(UNKNOWN);
    }
    case "hour":
      return plain(cell.hour);
    case "weekday":
      return plain(isoWeekday(cell.day));
    case "weekdayHour":
      return plain(`${isoWeekday(cell.day)}T${String(cell.hour).padStart(2, "0")}`);
    case "day":
      return plain(cell.day);
    case "week":
      return plain(isoWeek(cell.day));
    case "month":
      return plain(monthOf(cell.day));
    case "branch": {
      const b = names.branches.get(cell.branchId);
      return b ? { key: b.code, nameZh: b.nameZh, nameEn: b.nameEn } : plain(UNKNOWN);
    }
  }
}

function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The rollup that answers each grouping (src/domain/analytics/rollup.ts). */
const GRAIN_OF: Readonly<Record<GroupBy, RollupGrain>> = {
  service: "service",
  counter: "counter",
  staff: "staff",
  hour: "hour",
  weekdayHour: "hour",
  weekday: "day",
  day: "day",
  week: "day",
  month: "day",
  branch: "day",
};

/**
 * What `keyOf` reads of a rollup row for each grouping: the rows are summed in the database per these keys only
 * (a business type's, counter's or teller's key names one branch's, so the branch is not needed for them).
 */
const SUMMED_BY: Readonly<Record<GroupBy, readonly RollupSumKey[]>> = {
  service: ["key"],
  counter: ["key"],
  staff: ["key"],
  hour: ["key"],
  weekdayHour: ["day", "key"],
  weekday: ["day"],
  day: ["day"],
  week: ["day"],
  month: ["day"],
  branch: ["branch"],
};

/** Groupings that need no day of their tallies: whole months of them are read from the month rollups. */
const MONTHLY: ReadonlySet<GroupBy> = new Set(["service", "counter", "staff", "hour", "branch", "month"]);

/**
 * The tallies a summary merges: the rollup of its grouping's grain (month rollups for the whole calendar months of
 * the range where the grouping needs no day, day rollups for the rest), summed in the database per what the grouping
 * reads (`SUMMED_BY`), or the fine cells where the caller may see only his own figures (or `source` asks for them:
 * the test that proves all answer the same). A rollup row stands in for a cell whose other keys it does not keep;
 * `keyOf` reads only the key of the grouping.
 */
async function tallies(
  ctx: AppContext,
  scope: Scope,
  q: SummaryQuery,
  source: "rollups" | "cells" | "days",
): Promise<StoredCell[]> {
  const range = { branchIds: scope.branchIds, from: q.from, to: q.to };
  if (source === "cells" || scope.staffKey !== undefined)
    return readCells(ctx.store.db, { ...range, staffKey: scope.staffKey });
  const grain = GRAIN_OF[q.groupBy];
  const asCell = (r: { branchId: string; day: string; key: string; tally: Tally }): StoredCell => ({
    branchId: r.branchId,
    day: r.day,
    hour: grain === "hour" ? Number(r.key) : -1,
    serviceId: grain === "service" ? r.key : "",
    counterKey: grain === "counter" ? r.key : "",
    staffKey: grain === "staff" ? r.key : "",
    tally: r.tally,
  });
  const split =
    source === "rollups" && MONTHLY.has(q.groupBy)
      ? splitByMonths(q.from, q.to)
      : { months: null, days: [[q.from, q.to] as const] };
  const by = SUMMED_BY[q.groupBy];
  const lists = await Promise.all([
    split.months
      ? sumRollups(
          ctx.store.db,
          "month",
          grain,
          { branchIds: scope.branchIds, from: split.months[0], to: split.months[1] },
          by,
        )
      : [],
    ...split.days.map(([from, to]) =>
      sumRollups(ctx.store.db, "day", grain, { branchIds: scope.branchIds, from, to }, by),
    ),
  ]);
  const out: StoredCell[] = [];
  for (const list of lists) for (const r of list) out.push(asCell(r));
  return out;
}

/**
 * What `keyOf` reads of counter time for each grouping but the counter: counter time summed over counters
 * (`analytics_counter_totals`, migration 046) is summed in the database per these keys. Grouped by business type
 * or teller, counter time is in the total only: one sum will do.
 */
const COUNTER_TIME_BY: Readonly<Record<Exclude<GroupBy, "counter">, ReadonlyArray<"branch" | "day" | "hour">>> = {
  service: [],
  staff: [],
  hour: ["hour"],
  weekdayHour: ["day", "hour"],
  weekday: ["day"],
  day: ["day"],
  week: ["day"],
  month: ["day"],
  branch: ["branch"],
};

/**
 * Counter time as cells for `keyOf` (none for a teller's own figures: a counter's time is not his alone); per
 * counter from the counter hours, else from their sums over counters (or, where `source` asks for the fine
 * cells, from the counter hours for every grouping: the test that proves both answer the same).
 */
async function counterTimeOf(
  ctx: AppContext,
  scope: Scope,
  q: SummaryQuery,
  source: "rollups" | "cells" | "days",
): Promise<StoredCell[]> {
  if (scope.staffKey !== undefined) return [];
  const range = { branchIds: scope.branchIds, from: q.from, to: q.to };
  let rows: StoredCounterTime[];
  if (q.groupBy !== "counter" && source !== "cells")
    rows = await sumCounterTotals(ctx.store.db, range, COUNTER_TIME_BY[q.groupBy]);
  else {
    // Grouped by business type or teller, counter time is in the total only: one sum per branch will do.
    const by =
      q.groupBy === "counter"
        ? "counter"
        : q.groupBy === "hour" || q.groupBy === "weekdayHour"
          ? "hour"
          : q.groupBy === "service" || q.groupBy === "staff"
            ? "branch"
            : "day";
    rows = await readCounterTime(ctx.store.db, range, by);
  }
  return rows.map((r) => ({
    branchId: r.branchId,
    day: r.day,
    hour: r.hour,
    serviceId: "",
    counterKey: r.counterId,
    staffKey: "",
    tally: { ...emptyTally(), counterOpenMs: r.openMs, counterPausedMs: r.pausedMs, counterBusyMs: r.busyMs },
  }));
}

export async function analyticsSummary(
  ctx: AppContext,
  actor: Actor,
  q: SummaryQuery,
  source: "rollups" | "cells" | "days" = "rollups",
): Promise<Summary> {
  checkRange(q.from, q.to);
  const scope = await scopeOf(ctx, actor, q.branchId);
  const [cells, counterTime, names] = await Promise.all([
    tallies(ctx, scope, q, source),
    counterTimeOf(ctx, scope, q, source),
    namesOf(ctx, scope.branchIds),
  ]);
  const groups = new Map<string | number, { key: KeyOf; tally: Tally }>();
  const total = emptyTally();
  for (const cell of cells) {
    const key = keyOf(cell, q.groupBy, names);
    let group = groups.get(key.key);
    if (!group) {
      group = { key, tally: emptyTally() };
      groups.set(key.key, group);
    }
    mergeTally(group.tally, cell.tally);
  }
  // The total is the groups' (fewer merges than every cell's), before counter time joins some of them.
  for (const group of groups.values()) mergeTally(total, group.tally);
  // Counter time belongs to a counter, an hour and a day, not to a business type or a teller's tickets: those
  // groupings carry it in the total only.
  const perGroup = q.groupBy !== "service" && q.groupBy !== "staff";
  for (const cell of counterTime) {
    mergeTally(total, cell.tally);
    if (!perGroup) continue;
    const key = keyOf(cell, q.groupBy, names);
    let group = groups.get(key.key);
    if (!group) {
      group = { key, tally: emptyTally() };
      groups.set(key.key, group);
    }
    mergeTally(group.tally, cell.tally);
  }
  const rows = [...groups.values()]
    .sort((a, b) => compareKeys(a.key.key, b.key.key))
    .map((g) => ({ key: g.key.key, nameZh: g.key.nameZh, nameEn: g.key.nameEn, ...figuresOf(g.tally) }));
  return {
    from: q.from,
    to: q.to,
    groupBy: q.groupBy,
    branchIds: scope.branchIds,
    ownFiguresOnly: scope.staffKey !== undefined,
    rows,
    total: figuresOf(total),
  };
}
