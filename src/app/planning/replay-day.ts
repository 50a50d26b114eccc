import type { Kysely } from "kysely";
import { MINUTE_MS } from "../../domain/ids.ts";
import { drawCustomers } from "../../sim/customers.ts";
import type { SimulationReport } from "../../sim/report.ts";
import { parseScenario, type Scenario } from "../../sim/scenario.ts";
import { runDay, type SimulateOptions } from "../../sim/simulate.ts";
import { type Branch, listServices, type Service } from "../../store/branches.ts";
import { type Counter, listCounters } from "../../store/counters.ts";
import { type DayTicketRow, findBranchByIdOrCode, listDayTickets } from "../../store/history.ts";
import type { Database } from "../../store/schema.ts";
import { invalid, notFound } from "../errors.ts";
import { weekdayOf } from "./branch-scenario.ts";

/** Counter minutes lost on a no-show when the day has none to measure (the scenario format's default). */
const DEFAULT_RECALL_MINUTES = 1;

/**
 * How the scenario names business types and counters: `code` gives readable JSON and tables ("CASH", "C3"), `id`
 * the stored ids, so that the web page can put its own names on them.
 */
export type ReplayKeys = "code" | "id";

export interface ReplayInput {
  readonly branch: Branch;
  readonly services: readonly Service[];
  readonly counters: readonly Counter[];
  readonly rows: readonly DayTicketRow[];
  readonly date: string;
  readonly keys?: ReplayKeys;
}

/**
 * What a trace cannot say but the day knows, per customer in trace order: who was called and did not come, and
 * who left the line (cancelled, or sent to a machine by the lobby manager) and when.
 */
export interface ReplayPin {
  readonly noShow: boolean;
  /** Minutes after issue when the customer left the line uncalled; null: stayed until called. */
  readonly leftAfterMinutes: number | null;
}

/** The day as it really went, from the tickets: what the replay's simulated figures are compared with. */
export interface ActualDay {
  readonly tickets: number;
  readonly served: number;
  readonly noShows: number;
  readonly cancelled: number;
  readonly redirected: number;
  /** Still waiting, called, serving or parked when the day was read. */
  readonly unfinished: number;
  /** Tickets that were called (their wait is issue → the first call; recalls do not lengthen it). */
  readonly called: number;
  readonly meanWaitMinutes: number;
  readonly p90WaitMinutes: number;
  readonly maxWaitMinutes: number;
  /** Called within the branch's target, over the called and those who left uncalled. */
  readonly withinTargetShare: number;
}

export interface ReplayDay {
  readonly branchId: string;
  readonly branchCode: string;
  readonly date: string;
  /** Validated by `parseScenario` from `json`: exactly what the same JSON in a file would give. */
  readonly scenario: Scenario;
  /** The scenario as JSON (`datang simulate` reads it back unchanged, bar the pins). */
  readonly json: Readonly<Record<string, unknown>>;
  readonly pins: readonly ReplayPin[];
  readonly actual: ActualDay;
}

const ms = (v: number | string | null): number | null => (v === null ? null : Number(v));

const timeFormatters = new Map<string, Intl.DateTimeFormat>();

/** Seconds after local midnight of an instant, in the branch's time zone. */
function localSecond(at: number, timeZone: string): number {
  let f = timeFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    timeFormatters.set(timeZone, f);
  }
  const part = (type: string): number => Number(f.formatToParts(at).find((p) => p.type === type)?.value ?? 0);
  return (part("hour") % 24) * 3600 + part("minute") * 60 + part("second");
}

/** "HH:MM:SS", the scenario format's time of day. */
function clock(seconds: number): string {
  const s = Math.max(0, Math.min(24 * 3600, Math.round(seconds)));
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

const minutesBetween = (from: number, to: number): number => Math.max(0, (to - from) / MINUTE_MS);

/** "YYYY-MM-DD" naming a real calendar day (not 2026-02-30). */
export function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === date;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

function requireCalendarDate(date: string): void {
  if (!isCalendarDate(date))
    throw invalid(
      `"${date}" is not a calendar date (YYYY-MM-DD).`,
      undefined,
      `"${date}" 不是有效日期（格式 YYYY-MM-DD）。`,
    );
}

/**
 * Pure: a branch-day's tickets as a scenario with a trace. Each customer arrives at its issue time with its
 * business type and class (and appointment slot); its service minutes are the real ones (started → completed)
 * where it was served, else the type's configured minutes. Counters are those that called someone that day, open
 * from their first call to their last completion, with their configured skills plus any type they really served
 * (a transfer to a counter); a day on which nobody was called gets all the branch's counters for the opening hours.
 * No-shows, cancellations and redirections are pinned per customer (`pins`): the trace format itself only carries
 * a no-show share.
 */
export function buildReplayDay(input: ReplayInput): ReplayDay {
  const { branch, rows, date } = input;
  requireCalendarDate(date);
  if (rows.length === 0)
    throw invalid(
      `Branch ${branch.code} has no tickets on ${date}: there is no day to replay.`,
      undefined,
      `网点 ${branch.code} 在 ${date} 没有号票，无法回放当天。`,
    );
  const byCode = (input.keys ?? "code") === "code";
  const tz = branch.timezone;
  const serviceById = new Map(input.services.map((s) => [s.id as string, s]));
  const serviceKey = (id: string): string => (byCode ? (serviceById.get(id)?.code ?? id) : id);
  const counterKey = (c: Counter): string => (byCode ? `C${c.number}` : c.id);

  interface Entry {
    readonly second: number;
    readonly customer: Record<string, unknown>;
    readonly pin: ReplayPin;
  }
  const entries: Entry[] = [];
  const waits: number[] = [];
  const typeCount = new Map<string, number>();
  let served = 0;
  let noShows = 0;
  let cancelled = 0;
  let redirected = 0;
  let unfinished = 0;
  let leftUncalled = 0;
  const recallMinutes: number[] = [];
  for (const r of rows) {
    const issued = Number(r.issued_at);
    const called = ms(r.called_at);
    const started = ms(r.started_at);
    const completed = ms(r.completed_at);
    const appointment = ms(r.appointment_at);
    const expected = serviceById.get(r.service_id)?.expectedMinutes ?? DEFAULT_RECALL_MINUTES;
    typeCount.set(r.service_id, (typeCount.get(r.service_id) ?? 0) + 1);
    // The wait ends at the first call; recalls and a later counter's call are not waiting for the branch.
    const firstCall = ms(r.first_called_at) ?? called;
    if (firstCall !== null) waits.push(minutesBetween(issued, firstCall));
    let serviceMinutes = expected;
    let pin: ReplayPin = { noShow: false, leftAfterMinutes: null };
    switch (r.status) {
      // A ticket in the back office's review was served at the counter: its counter time is over.
      case "in_review":
      case "done":
        served++;
        if (completed !== null && (started ?? called) !== null)
          serviceMinutes = minutesBetween(started ?? (called as number), completed);
        break;
      case "no_show":
        noShows++;
        pin = { noShow: true, leftAfterMinutes: null };
        if (called !== null && completed !== null) recallMinutes.push(minutesBetween(called, completed));
        break;
      case "cancelled":
      case "redirected":
        if (r.status === "cancelled") cancelled++;
        else redirected++;
        // Uncalled: left the line when cancelled. Called (even if sent on to another line since): the counter
        // called someone who then did not stay.
        if (firstCall === null) {
          leftUncalled++;
          pin = { noShow: false, leftAfterMinutes: completed === null ? 0 : minutesBetween(issued, completed) };
        } else pin = { noShow: true, leftAfterMinutes: null };
        break;
      default:
        unfinished++;
    }
    const customer: Record<string, unknown> = {
      at: clock(localSecond(issued, tz)),
      service: serviceKey(r.service_id),
      class: r.priority,
      serviceMinutes,
    };
    if (appointment !== null) customer.appointment = clock(localSecond(appointment, tz));
    entries.push({ second: localSecond(issued, tz), customer, pin });
  }
  // Issue order is arrival order, save on a day the clocks go back: sort by local time, ties in issue order.
  entries.sort((a, b) => a.second - b.second);

  const firstSecond = entries[0]?.second ?? 0;
  const lastSecond = entries[entries.length - 1]?.second ?? 0;
  const hours = branch.openingHours[String(weekdayOf(date))];
  const open = hours ? hours[0] : clock(Math.floor(firstSecond / 60) * 60);
  const close = hours ? hours[1] : clock(Math.min(24 * 3600, Math.ceil(lastSecond / 60) * 60 + 60));

  const counters: Record<string, unknown>[] = [];
  for (const c of input.counters) {
    const own = rows.filter((r) => r.counter_id === c.id && r.called_at !== null);
    const skills: Record<string, number> = {};
    for (const k of c.skills) if (k.weight > 0) skills[serviceKey(k.serviceId)] = k.weight;
    for (const r of own) skills[serviceKey(r.service_id)] ??= 1;
    if (own.length === 0) continue;
    const first = Math.min(...own.map((r) => Number(r.called_at)));
    const last = Math.max(...own.map((r) => Number(r.completed_at ?? r.started_at ?? r.called_at)));
    const from = Math.floor(localSecond(first, tz));
    const to = Math.max(from + 1, Math.ceil(localSecond(last, tz) + (last % 1000 > 0 ? 1 : 0)));
    counters.push({ id: counterKey(c), kind: c.kind, skills, hours: [[clock(from), clock(to)]] });
  }
  const staffed = counters.length > 0;
  if (!staffed)
    for (const c of input.counters) {
      const skills: Record<string, number> = {};
      for (const k of c.skills) if (k.weight > 0) skills[serviceKey(k.serviceId)] = k.weight;
      if (Object.keys(skills).length > 0) counters.push({ id: counterKey(c), kind: c.kind, skills });
    }

  const calledCount = waits.length;
  const json: Record<string, unknown> = {
    name: `${branch.code} ${date}`,
    source: `Replay of branch ${branch.code} on ${date}: ${rows.length} tickets at their issue times, real service minutes where served; counters ${staffed ? "that called someone, from their first call to their last completion" : "all configured, open all day (nobody was called)"}.`,
    hours: { open, close },
    targetWaitMinutes: branch.targetWaitMinutes,
    alarmWaitMinutes: Math.max(branch.alarmWaitMinutes, branch.targetWaitMinutes),
    services: input.services.map((s) => ({
      id: serviceKey(s.id),
      name: s.nameEn,
      share: typeCount.get(s.id) ?? 0,
      expectedMinutes: s.expectedMinutes,
      serviceTime: { dist: "fixed", minutes: s.expectedMinutes },
    })),
    arrivals: { kind: "list", customers: entries.map((e) => e.customer) },
    counters,
    patience: null,
    noShowShare: calledCount > 0 ? Math.min(1, noShows / calledCount) : 0,
    noShowRecallMinutes:
      recallMinutes.length > 0
        ? recallMinutes.reduce((s, m) => s + m, 0) / recallMinutes.length
        : DEFAULT_RECALL_MINUTES,
  };
  const scenario = parseScenario(json);
  waits.sort((a, b) => a - b);
  const target = branch.targetWaitMinutes;
  return {
    branchId: branch.id,
    branchCode: branch.code,
    date,
    scenario,
    json,
    pins: entries.map((e) => e.pin),
    actual: {
      tickets: rows.length,
      served,
      noShows,
      cancelled,
      redirected,
      unfinished,
      called: calledCount,
      meanWaitMinutes: calledCount > 0 ? waits.reduce((s, w) => s + w, 0) / calledCount : 0,
      p90WaitMinutes: percentile(waits, 0.9),
      maxWaitMinutes: waits[waits.length - 1] ?? 0,
      withinTargetShare:
        calledCount + leftUncalled > 0 ? waits.filter((w) => w <= target).length / (calledCount + leftUncalled) : 1,
    },
  };
}

/** Reads a branch-day from the store and builds its replay. The branch may be named by id or code. */
export async function loadReplayDay(
  db: Kysely<Database>,
  branchIdOrCode: string,
  date: string,
  keys: ReplayKeys = "code",
): Promise<ReplayDay> {
  requireCalendarDate(date);
  const branch = await findBranchByIdOrCode(db, branchIdOrCode);
  if (!branch) throw notFound("Branch", branchIdOrCode);
  return replayDayOf(db, branch, date, keys);
}

export async function replayDayOf(
  db: Kysely<Database>,
  branch: Branch,
  date: string,
  keys: ReplayKeys = "code",
): Promise<ReplayDay> {
  const [services, counters, rows] = await Promise.all([
    listServices(db, branch.id),
    listCounters(db, branch.id),
    listDayTickets(db, branch.id, date),
  ]);
  return buildReplayDay({ branch, services, counters, rows, date, keys });
}

/**
 * Pure: runs the replay (or a what-if of it: the same trace with other counters) with its pins applied, so that
 * the customers who did not come or left do so under every policy. Everything else is the plain simulator.
 */
export function simulateReplay(
  replay: ReplayDay,
  options: SimulateOptions,
  scenario: Scenario = replay.scenario,
): SimulationReport {
  const trace = scenario.arrivals.kind === "trace" ? scenario.arrivals.customers : [];
  const drawn = drawCustomers(scenario, options.seed);
  if (trace.length !== replay.pins.length || drawn.customers.length !== trace.length)
    throw new Error("replay: the scenario's trace does not match the day's customers");
  const customers = drawn.customers.map((c, i) => {
    const t = trace[i];
    const pin = replay.pins[i] as ReplayPin;
    if (t === undefined || c.arrivalMs !== t.minute * MINUTE_MS || c.ticket.serviceId !== t.serviceId)
      throw new Error(`replay: customer ${i} is out of the trace's order`);
    return {
      ...c,
      noShow: pin.noShow,
      patienceMs: pin.leftAfterMinutes === null ? Number.POSITIVE_INFINITY : pin.leftAfterMinutes * MINUTE_MS,
    };
  });
  return runDay(scenario, customers, drawn.missedAppointments, options);
}
