/**
 * Analytics tallies in `analytics_cells` (migration 010): one row per branch × day × hour × business type ×
 * counter × staff member, replaced a whole branch-day at a time so a rebuild never counts a ticket twice.
 */
import type { ExpressionBuilder, Kysely } from "kysely";
import type { CounterHour, CounterStateChange, CounterStateName } from "../domain/analytics/counter-time.ts";
import { type Rollup, type RollupGrain, rollupsOf } from "../domain/analytics/rollup.ts";
import type { Tally } from "../domain/analytics/tally.ts";
import { insertRows } from "./bulk-insert.ts";
import { parseJson } from "./json.ts";
import type {
  AnalyticsCellTable,
  AnalyticsCounterHourTable,
  AnalyticsCounterTotalTable,
  AnalyticsRollupTable,
  Database,
} from "./schema.ts";
import type { Tx } from "./store.ts";
import { TALLY_COLUMNS, tallyColumns, tallyOfRow } from "./tally-row.ts";

/** What a tally needs of one ticket, with the imported labels where the old system named an unknown counter or teller. */
export interface TicketFactRow {
  /** The ticket's id: its review rounds and complaints join its cell. */
  readonly id?: string;
  readonly service_id: string;
  readonly counter_id: string | null;
  readonly served_by: string | null;
  readonly status: string;
  readonly issued_at: number | string;
  readonly called_at: number | string | null;
  readonly first_called_at: number | string | null;
  readonly started_at: number | string | null;
  readonly completed_at: number | string | null;
  readonly rating: string | null;
  readonly counter_label: string | null;
  readonly staff_label: string | null;
  /** "day_closed" for a ticket the day's close cancelled (not a walk-away by choice). */
  readonly outcome?: string | null;
  /** The visit's survey answer 0–10, where one was given. */
  readonly nps?: number | string | null;
}

/** Every ticket of one branch-local day (the unique (branch, day, number) index answers it). */
export function listTicketFacts(db: Kysely<Database> | Tx, branchId: string, day: string): Promise<TicketFactRow[]> {
  return db
    .selectFrom("tickets")
    .leftJoin("imported_tickets", "imported_tickets.ticket_id", "tickets.id")
    .leftJoin("surveys", "surveys.ticket_id", "tickets.id")
    .select([
      "tickets.id",
      "tickets.service_id",
      "tickets.counter_id",
      "tickets.served_by",
      "tickets.status",
      "tickets.issued_at",
      "tickets.called_at",
      "tickets.first_called_at",
      "tickets.started_at",
      "tickets.completed_at",
      "tickets.rating",
      "imported_tickets.counter_label",
      "imported_tickets.staff_label",
      "tickets.outcome",
      "surveys.nps",
    ])
    .where("tickets.branch_id", "=", branchId)
    .where("tickets.day", "=", day)
    .execute();
}

/** A review round of one of the branch-day's tickets, with the ticket's keys. */
export interface ReviewFactRow {
  readonly ticket_id: string;
  readonly submitted_at: number | string;
  readonly taken_at: number | string | null;
  readonly decided_at: number | string | null;
}

/** The review rounds of one branch-day's tickets (a review belongs to the day of the visit it reviews). */
export function listReviewFacts(db: Kysely<Database> | Tx, branchId: string, day: string): Promise<ReviewFactRow[]> {
  return db
    .selectFrom("reviews")
    .innerJoin("tickets", "tickets.id", "reviews.ticket_id")
    .select(["reviews.ticket_id", "reviews.submitted_at", "reviews.taken_at", "reviews.decided_at"])
    .where("tickets.branch_id", "=", branchId)
    .where("tickets.day", "=", day)
    .execute();
}

export interface ComplaintFactRow {
  /** The visit it is about, where it is one of the day's tickets. */
  readonly ticket_id: string | null;
  readonly received_at: number | string;
}

/**
 * The complaints of one branch-day: those about its tickets, and those of the branch naming no ticket of the
 * branch, received within [dayStart, dayEnd).
 */
export async function listComplaintFacts(
  db: Kysely<Database> | Tx,
  branchId: string,
  day: string,
  dayStart: number,
  dayEnd: number,
): Promise<ComplaintFactRow[]> {
  const [linked, unlinked] = await Promise.all([
    db
      .selectFrom("complaints")
      .innerJoin("tickets", "tickets.id", "complaints.ticket_id")
      .select(["complaints.ticket_id", "complaints.received_at"])
      .where("tickets.branch_id", "=", branchId)
      .where("tickets.day", "=", day)
      .execute(),
    db
      .selectFrom("complaints")
      .leftJoin("tickets", "tickets.id", "complaints.ticket_id")
      .select(["complaints.received_at"])
      .where("complaints.branch_id", "=", branchId)
      .where("complaints.received_at", ">=", dayStart)
      .where("complaints.received_at", "<", dayEnd)
      .where("tickets.id", "is", null)
      .execute(),
  ]);
  return [...linked, ...unlinked.map((r) => ({ ticket_id: null, received_at: r.received_at }))];
}

export interface AppointmentFactRow {
  readonly service_id: string;
  readonly status: "booked" | "cancelled" | "checked_in" | "no_show" | "completed";
  readonly created_at: number | string;
  readonly start_at: number | string;
  readonly checked_in_at: number | string | null;
}

/** The appointments booked for one branch-day, whatever became of them. */
export function listAppointmentFacts(
  db: Kysely<Database> | Tx,
  branchId: string,
  day: string,
): Promise<AppointmentFactRow[]> {
  return db
    .selectFrom("appointments")
    .select(["service_id", "status", "created_at", "start_at", "checked_in_at"])
    .where("branch_id", "=", branchId)
    .where("day", "=", day)
    .execute();
}

/** The branch-days that hold tickets, optionally of one branch and within days [from, to]. */
export async function listTicketDays(
  db: Kysely<Database>,
  filter: { readonly branchId?: string; readonly from?: string; readonly to?: string } = {},
): Promise<Array<{ branchId: string; day: string }>> {
  let q = db.selectFrom("tickets").select(["branch_id", "day"]).distinct();
  if (filter.branchId) q = q.where("branch_id", "=", filter.branchId);
  if (filter.from) q = q.where("day", ">=", filter.from);
  if (filter.to) q = q.where("day", "<=", filter.to);
  const rows = await q.orderBy("branch_id").orderBy("day").execute();
  return rows.map((r) => ({ branchId: r.branch_id, day: r.day }));
}

export interface CellKey {
  readonly hour: number;
  readonly serviceId: string;
  readonly counterKey: string;
  readonly staffKey: string;
}

export interface Cell extends CellKey {
  readonly tally: Tally;
}

export interface StoredCell extends Cell {
  readonly branchId: string;
  readonly day: string;
}

/** Rows per INSERT of past counter events. */
const INSERT_CHUNK = 40;

const CELL_COLUMNS = [
  "branch_id",
  "day",
  "hour",
  "service_id",
  "counter_key",
  "staff_key",
  ...TALLY_COLUMNS,
] as const satisfies ReadonlyArray<keyof AnalyticsCellTable>;
const ROLLUP_COLUMNS = ["branch_id", "grain", "day", "key", ...TALLY_COLUMNS] as const satisfies ReadonlyArray<
  keyof AnalyticsRollupTable
>;
const COUNTER_HOUR_COLUMNS = [
  "branch_id",
  "day",
  "hour",
  "counter_id",
  "open_ms",
  "paused_ms",
  "busy_ms",
] as const satisfies ReadonlyArray<keyof AnalyticsCounterHourTable>;
const COUNTER_TOTAL_COLUMNS = [
  "branch_id",
  "day",
  "hour",
  "open_ms",
  "paused_ms",
  "busy_ms",
] as const satisfies ReadonlyArray<keyof AnalyticsCounterTotalTable>;

/**
 * Replaces the cells of one branch-day with `cells`, and its rollups with theirs (migration 020), inside the
 * caller's write: the two never disagree.
 */
export async function replaceBranchDayCells(
  tx: Tx,
  branchId: string,
  day: string,
  cells: readonly Cell[],
): Promise<void> {
  await tx.deleteFrom("analytics_cells").where("branch_id", "=", branchId).where("day", "=", day).execute();
  await insertRows(
    tx,
    "analytics_cells",
    CELL_COLUMNS,
    cells.map((c) => toRow(branchId, day, c)),
  );
  const rollups = rollupsOf(cells);
  // Rows of one grain are deleted by the primary key's prefix (branch, grain, day).
  for (const grain of ["day", "hour", "service", "counter", "staff"] as const)
    await tx
      .deleteFrom("analytics_rollups")
      .where("branch_id", "=", branchId)
      .where("grain", "=", grain)
      .where("day", "=", day)
      .execute();
  await insertRows(
    tx,
    "analytics_rollups",
    ROLLUP_COLUMNS,
    rollups.map((r) => toRollupRow(branchId, day, r)),
  );
}

function toRollupRow(branchId: string, day: string, r: Rollup): AnalyticsRollupTable {
  return { branch_id: branchId, grain: r.grain, day, key: r.key, ...tallyColumns(r.tally) };
}

export interface StoredRollup {
  readonly branchId: string;
  readonly day: string;
  readonly key: string;
  readonly tally: Tally;
}

/** The rollups of one grain of some branches over days [from, to]; the primary key's prefix answers it. */
export async function readRollups(
  db: Kysely<Database>,
  grain: RollupGrain,
  f: { readonly branchIds: readonly string[]; readonly from: string; readonly to: string },
): Promise<StoredRollup[]> {
  if (f.branchIds.length === 0) return [];
  const rows = await db
    .selectFrom("analytics_rollups")
    .selectAll()
    .where("branch_id", "in", [...f.branchIds])
    .where("grain", "=", grain)
    .where("day", ">=", f.from)
    .where("day", "<=", f.to)
    .execute();
  return rows.map((r) => ({ branchId: r.branch_id, day: r.day, key: r.key, tally: tallyOfRow(r) }));
}

function toRow(branchId: string, day: string, c: Cell): AnalyticsCellTable {
  return {
    branch_id: branchId,
    day,
    hour: c.hour,
    service_id: c.serviceId,
    counter_key: c.counterKey,
    staff_key: c.staffKey,
    ...tallyColumns(c.tally),
  };
}

export interface CellFilter {
  readonly branchIds: readonly string[];
  readonly from: string;
  readonly to: string;
  /** Only this staff member's cells (a teller's own figures). */
  readonly staffKey?: string;
}

/** The stored cells of some branches over days [from, to]; the primary key's prefix (branch, day) answers it. */
export async function readCells(db: Kysely<Database>, f: CellFilter): Promise<StoredCell[]> {
  if (f.branchIds.length === 0) return [];
  let q = db
    .selectFrom("analytics_cells")
    .selectAll()
    .where("branch_id", "in", [...f.branchIds])
    .where("day", ">=", f.from)
    .where("day", "<=", f.to);
  if (f.staffKey !== undefined) q = q.where("staff_key", "=", f.staffKey);
  const rows = await q.execute();
  return rows.map((r) => ({
    branchId: r.branch_id,
    day: r.day,
    hour: Number(r.hour),
    serviceId: r.service_id,
    counterKey: r.counter_key,
    staffKey: r.staff_key,
    tally: tallyOfRow(r),
  }));
}

const COUNTER_EVENTS = ["counter.opened", "counter.paused", "counter.closed", "counter.updated"];
const STATES: readonly string[] = ["open", "paused", "closed"];

/** The counters' state changes of a branch within [from, to), from its counter events. */
export async function listCounterChanges(
  db: Kysely<Database> | Tx,
  branchId: string,
  from: number,
  to: number,
): Promise<CounterStateChange[]> {
  const rows = await db
    .selectFrom("events")
    .select(["at", "payload"])
    .where("branch_id", "=", branchId)
    .where("type", "in", COUNTER_EVENTS)
    .where("at", ">=", from)
    .where("at", "<", to)
    .execute();
  const out: CounterStateChange[] = [];
  for (const r of rows) {
    const counter = parseJson<{ counter?: { id?: unknown; state?: unknown } } | null>(r.payload, null)?.counter;
    if (typeof counter?.id === "string" && typeof counter.state === "string" && STATES.includes(counter.state))
      out.push({ counterId: counter.id, at: Number(r.at), state: counter.state as CounterStateName });
  }
  return out;
}

/**
 * Replaces the counter hours of one branch-day, and their sums over counters per hour and for the day
 * (`analytics_counter_totals`, migration 046), inside the caller's write: the two never disagree.
 */
export async function replaceCounterHours(
  tx: Tx,
  branchId: string,
  day: string,
  hours: readonly CounterHour[],
): Promise<void> {
  await tx.deleteFrom("analytics_counter_hours").where("branch_id", "=", branchId).where("day", "=", day).execute();
  await insertRows(
    tx,
    "analytics_counter_hours",
    COUNTER_HOUR_COLUMNS,
    hours.map((h) => ({
      branch_id: branchId,
      day,
      hour: h.hour,
      counter_id: h.counterId,
      open_ms: h.openMs,
      paused_ms: h.pausedMs,
      busy_ms: h.busyMs,
    })),
  );
  const totals = new Map<number, AnalyticsCounterTotalTable>();
  for (const h of hours)
    for (const hour of [h.hour, -1]) {
      let t = totals.get(hour);
      if (!t) {
        t = { branch_id: branchId, day, hour, open_ms: 0, paused_ms: 0, busy_ms: 0 };
        totals.set(hour, t);
      }
      t.open_ms += h.openMs;
      t.paused_ms += h.pausedMs;
      t.busy_ms += h.busyMs;
    }
  await tx.deleteFrom("analytics_counter_totals").where("branch_id", "=", branchId).where("day", "=", day).execute();
  await insertRows(tx, "analytics_counter_totals", COUNTER_TOTAL_COLUMNS, [...totals.values()]);
}

/**
 * Counter time of some branches over days [from, to] from `analytics_counter_totals` (summed over counters),
 * summed per the keys in `by`: the branch, the day, the hour (without the hour, the day's own row is read). A key
 * not in `by` reads as "" (the hour as −1).
 */
export async function sumCounterTotals(
  db: Kysely<Database>,
  f: { readonly branchIds: readonly string[]; readonly from: string; readonly to: string },
  by: ReadonlyArray<"branch" | "day" | "hour">,
): Promise<StoredCounterTime[]> {
  if (f.branchIds.length === 0) return [];
  const keys = [
    ...(by.includes("branch") ? (["branch_id"] as const) : []),
    ...(by.includes("day") ? (["day"] as const) : []),
    ...(by.includes("hour") ? (["hour"] as const) : []),
  ];
  let q = db
    .selectFrom("analytics_counter_totals")
    .select((eb) => [
      ...keys,
      eb.fn.sum<number | string>("open_ms").as("open_ms"),
      eb.fn.sum<number | string>("paused_ms").as("paused_ms"),
      eb.fn.sum<number | string>("busy_ms").as("busy_ms"),
    ])
    .where("branch_id", "in", [...f.branchIds])
    .where("day", ">=", f.from)
    .where("day", "<=", f.to)
    .where("hour", by.includes("hour") ? ">=" : "=", by.includes("hour") ? 0 : -1);
  // Without keys the sums make one row, even of no rows at all: none is wanted then.
  q = keys.length ? q.groupBy(keys) : q.having((eb) => eb.fn.countAll(), ">", 0);
  const rows = (await q.execute()) as Array<{
    branch_id?: string;
    day?: string;
    hour?: number | string;
    open_ms: number | string | null;
    paused_ms: number | string | null;
    busy_ms: number | string | null;
  }>;
  return rows.map((r) => ({
    branchId: r.branch_id ?? "",
    day: r.day ?? "",
    hour: r.hour === undefined ? -1 : Number(r.hour),
    counterId: "",
    openMs: Number(r.open_ms ?? 0),
    pausedMs: Number(r.paused_ms ?? 0),
    busyMs: Number(r.busy_ms ?? 0),
  }));
}

export interface StoredCounterTime {
  readonly branchId: string;
  /** "" where summed over days. */
  readonly day: string;
  /** -1 where summed over hours. */
  readonly hour: number;
  /** "" where summed over counters. */
  readonly counterId: string;
  readonly openMs: number;
  readonly pausedMs: number;
  readonly busyMs: number;
}

/**
 * Counter time of some branches over days [from, to], summed in the database per branch and the keys asked for:
 * per branch, per counter, per day, or per day and hour.
 */
export async function readCounterTime(
  db: Kysely<Database>,
  f: { readonly branchIds: readonly string[]; readonly from: string; readonly to: string },
  by: "branch" | "counter" | "day" | "hour",
): Promise<StoredCounterTime[]> {
  if (f.branchIds.length === 0) return [];
  const base = db
    .selectFrom("analytics_counter_hours")
    .where("branch_id", "in", [...f.branchIds])
    .where("day", ">=", f.from)
    .where("day", "<=", f.to);
  const sums = (eb: ExpressionBuilder<Database, "analytics_counter_hours">) =>
    [
      eb.fn.sum<number | string>("open_ms").as("open_ms"),
      eb.fn.sum<number | string>("paused_ms").as("paused_ms"),
      eb.fn.sum<number | string>("busy_ms").as("busy_ms"),
    ] as const;
  const num = (v: number | string | null | undefined) => Number(v ?? 0);
  if (by === "branch") {
    const rows = await base
      .select((eb) => ["branch_id", ...sums(eb)])
      .groupBy("branch_id")
      .execute();
    return rows.map((r) => ({
      branchId: r.branch_id,
      day: "",
      hour: -1,
      counterId: "",
      openMs: num(r.open_ms),
      pausedMs: num(r.paused_ms),
      busyMs: num(r.busy_ms),
    }));
  }
  if (by === "counter") {
    const rows = await base
      .select((eb) => ["branch_id", "counter_id", ...sums(eb)])
      .groupBy(["branch_id", "counter_id"])
      .execute();
    return rows.map((r) => ({
      branchId: r.branch_id,
      day: "",
      hour: -1,
      counterId: r.counter_id,
      openMs: num(r.open_ms),
      pausedMs: num(r.paused_ms),
      busyMs: num(r.busy_ms),
    }));
  }
  if (by === "day") {
    const rows = await base
      .select((eb) => ["branch_id", "day", ...sums(eb)])
      .groupBy(["branch_id", "day"])
      .execute();
    return rows.map((r) => ({
      branchId: r.branch_id,
      day: r.day,
      hour: -1,
      counterId: "",
      openMs: num(r.open_ms),
      pausedMs: num(r.paused_ms),
      busyMs: num(r.busy_ms),
    }));
  }
  const rows = await base
    .select((eb) => ["branch_id", "day", "hour", ...sums(eb)])
    .groupBy(["branch_id", "day", "hour"])
    .execute();
  return rows.map((r) => ({
    branchId: r.branch_id,
    day: r.day,
    hour: Number(r.hour),
    counterId: "",
    openMs: num(r.open_ms),
    pausedMs: num(r.paused_ms),
    busyMs: num(r.busy_ms),
  }));
}

/** A counter's state change of a past day, as history (the demo's simulated days) records it. */
export interface PastCounterEvent {
  readonly counterId: string;
  readonly number: number;
  readonly state: CounterStateName;
  readonly at: number;
}

const PAST_EVENT_TYPE: Readonly<Record<CounterStateName, string>> = {
  open: "counter.opened",
  paused: "counter.paused",
  closed: "counter.closed",
};

/**
 * Records counter state changes of past days as the branch's counter events, numbered after its latest event
 * (inside the caller's write, which holds the branch's event counter). They are not announced: nothing live
 * changed. Counter time (`listCounterChanges`) reads them as it reads the live ones.
 */
export async function appendPastCounterEvents(
  tx: Tx,
  branchId: string,
  events: readonly PastCounterEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const row = await tx
    .updateTable("branches")
    .set((eb) => ({ event_seq: eb("event_seq", "+", events.length) }))
    .where("id", "=", branchId)
    .returning("event_seq")
    .executeTakeFirst();
  if (!row) throw new Error(`no branch ${branchId} to number an event in`);
  let seq = Number(row.event_seq) - events.length;
  const sorted = [...events].sort((a, b) => a.at - b.at);
  for (let i = 0; i < sorted.length; i += INSERT_CHUNK * 4)
    await tx
      .insertInto("events")
      .values(
        sorted.slice(i, i + INSERT_CHUNK * 4).map((e) => {
          seq++;
          const type = PAST_EVENT_TYPE[e.state];
          const at = new Date(e.at).toISOString();
          const payload = { seq, type, at, branchId, counter: { id: e.counterId, number: e.number, state: e.state } };
          return { branch_id: branchId, seq, type, at: e.at, payload: JSON.stringify(payload) };
        }),
      )
      .execute();
}

/** Open (not paused) counter time of some branches over days [from, to], summed per branch, counter and hour. */
export async function readOpenTimeByCounterHour(
  db: Kysely<Database>,
  f: { readonly branchIds: readonly string[]; readonly from: string; readonly to: string },
): Promise<Array<{ branchId: string; counterId: string; hour: number; openMs: number }>> {
  if (f.branchIds.length === 0) return [];
  const rows = await db
    .selectFrom("analytics_counter_hours")
    .select((eb) => [
      "branch_id",
      "counter_id",
      "hour",
      eb.fn.sum<number | string>("open_ms").as("open_ms"),
      eb.fn.sum<number | string>("paused_ms").as("paused_ms"),
    ])
    .where("branch_id", "in", [...f.branchIds])
    .where("day", ">=", f.from)
    .where("day", "<=", f.to)
    .groupBy(["branch_id", "counter_id", "hour"])
    .execute();
  return rows.map((r) => ({
    branchId: r.branch_id,
    counterId: r.counter_id,
    hour: Number(r.hour),
    openMs: Math.max(0, Number(r.open_ms ?? 0) - Number(r.paused_ms ?? 0)),
  }));
}
