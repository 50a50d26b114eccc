import type { Kysely } from "kysely";
import type { CounterId, ServiceId } from "../../domain/ids.ts";
import { MINUTE_MS } from "../../domain/ids.ts";
import { localDay, localHour } from "../../domain/local-day.ts";
import { learnServiceTimes, type ServiceSample } from "../../domain/predictor.ts";
import type { PriorityClass } from "../../domain/ticket.ts";
import type { Distribution } from "../../sim/distributions.ts";
import type { ClassMix, Scenario, ScenarioCounter, ScenarioService } from "../../sim/scenario.ts";
import { type Branch, listServices, type Service } from "../../store/branches.ts";
import { type Counter, listCounters } from "../../store/counters.ts";
import type { Database } from "../../store/schema.ts";
import { invalid } from "../errors.ts";
import { DEFAULT_SCENARIO, type ShippedScenarioName, shippedScenario } from "./shipped-scenarios.ts";

/** Two months of one weekday: enough days to average an hour, recent enough to be today's branch. */
export const HISTORY_WEEKS = 8;
/** Below this a branch's own history is too thin to plan on; the shipped scenario is the better guess. */
export const MIN_HISTORY_DAYS = 2;
export const MIN_HISTORY_TICKETS = 30;
/** A type with this many timed services is simulated with its own durations; fewer, with its mean. */
const MIN_EMPIRICAL_SAMPLES = 20;
/** Keeps an empirical distribution small: the latest services are the most like tomorrow's. */
const MAX_EMPIRICAL_SAMPLES = 500;
/** Counter minutes lost on a no-show: the recalls before giving up (the scenario format's default). */
const NO_SHOW_RECALL_MINUTES = 1;

/** One ticket of the history window, as the planning query returns it. */
export interface PlanningRow {
  readonly service_id: string;
  readonly counter_id: string | null;
  readonly day: string;
  readonly priority: string;
  readonly status: string;
  readonly issued_at: number | string;
  readonly called_at: number | string | null;
  readonly started_at: number | string | null;
  readonly completed_at: number | string | null;
}

/** Tickets of the given local days of a branch: the `tickets_branch_day` index answers it. */
export function listTicketsOfDays(
  db: Kysely<Database>,
  branchId: string,
  days: readonly string[],
): Promise<PlanningRow[]> {
  return db
    .selectFrom("tickets")
    .select([
      "service_id",
      "counter_id",
      "day",
      "priority",
      "status",
      "issued_at",
      "called_at",
      "started_at",
      "completed_at",
    ])
    .where("branch_id", "=", branchId)
    .where("day", "in", days)
    .execute();
}

/** "YYYY-MM-DD" → weekday 0 (Sunday) … 6; a calendar date has no time zone. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The `weeks` same weekdays before `date`, newest first. */
export function sameWeekdaysBefore(date: string, weeks: number): string[] {
  const base = Date.parse(`${date}T00:00:00Z`);
  return Array.from({ length: weeks }, (_, k) =>
    new Date(base - (k + 1) * 7 * 24 * 60 * MINUTE_MS).toISOString().slice(0, 10),
  );
}

const minuteOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
};

export interface HistoryInput {
  readonly branch: Branch;
  readonly services: readonly Service[];
  readonly counters: readonly Counter[];
  readonly rows: readonly PlanningRow[];
  readonly date: string;
}

/**
 * Pure: the branch-day its own history describes, or undefined when the history is too thin or the branch is
 * closed that weekday. Arrivals per hour are the average of the same weekdays (Poisson around it), service
 * times are the branch's own (empirical where a type has enough), and the counters are the branch's, with
 * their skills, open all day: the baseline a what-if changes.
 */
export function scenarioFromHistory(input: HistoryInput): Scenario | undefined {
  const { branch, rows } = input;
  const hours = branch.openingHours[String(weekdayOf(input.date))];
  const days = new Set(rows.map((r) => r.day));
  if (!hours || days.size < MIN_HISTORY_DAYS || rows.length < MIN_HISTORY_TICKETS) return undefined;
  const openMinute = minuteOf(hours[0]);
  const closeMinute = minuteOf(hours[1]);

  const perHour = new Array<number>(24).fill(0);
  const typeCount = new Map<string, number>();
  const classCount = new Map<PriorityClass, number>();
  const samples: ServiceSample[] = [];
  let called = 0;
  let noShows = 0;
  for (const r of rows) {
    const h = localHour(Number(r.issued_at), branch.timezone);
    perHour[h] = (perHour[h] ?? 0) + 1 / days.size;
    typeCount.set(r.service_id, (typeCount.get(r.service_id) ?? 0) + 1);
    // A booked customer is simulated as a walk-in of the normal class: the slot itself is not in this history.
    const cls = (r.priority === "appointment" ? "normal" : r.priority) as PriorityClass;
    classCount.set(cls, (classCount.get(cls) ?? 0) + 1);
    if (r.called_at !== null) called++;
    if (r.status === "no_show") noShows++;
    if (r.started_at !== null && r.completed_at !== null) {
      const minutes = (Number(r.completed_at) - Number(r.started_at)) / MINUTE_MS;
      if (minutes >= 0)
        samples.push({ serviceId: r.service_id as ServiceId, counterId: r.counter_id as CounterId | null, minutes });
    }
  }

  const prior = new Map(input.services.map((s) => [s.id, s.expectedMinutes]));
  const learned = learnServiceTimes(samples, prior);
  const services: ScenarioService[] = input.services.map((s) => {
    const own = samples.filter((x) => x.serviceId === s.id).map((x) => Math.min(x.minutes, s.expectedMinutes * 5));
    const serviceTime: Distribution =
      own.length >= MIN_EMPIRICAL_SAMPLES
        ? { dist: "empirical", minutes: own.slice(-MAX_EMPIRICAL_SAMPLES) }
        : { dist: "exponential", meanMinutes: Math.max(0.1, learned.byService.get(s.id) ?? s.expectedMinutes) };
    return {
      id: s.id,
      name: s.nameEn,
      share: typeCount.get(s.id) ?? 0,
      expectedMinutes: s.expectedMinutes,
      serviceTime,
      classMix: null,
    };
  });
  if (!services.some((s) => s.share > 0)) return undefined;
  const classMix: ClassMix = [...classCount];
  const counters: ScenarioCounter[] = input.counters
    .filter((c) => c.skills.some((k) => k.weight > 0))
    .map((c) => ({ id: c.id, kind: c.kind, skills: c.skills, intervals: [[openMinute, closeMinute]], speed: 1 }));
  if (counters.length === 0) return undefined;
  return {
    name: `${branch.code} history`,
    source: `Tickets of the ${days.size} previous same weekdays before ${input.date} (${rows.length} tickets).`,
    openMinute,
    closeMinute,
    targetWaitMinutes: branch.targetWaitMinutes,
    alarmWaitMinutes: branch.alarmWaitMinutes,
    services,
    classMix,
    arrivals: { kind: "poisson", perHour },
    appointments: null,
    counters,
    patience: null,
    noShowShare: called > 0 ? noShows / called : 0,
    noShowRecallMinutes: NO_SHOW_RECALL_MINUTES,
  };
}

export interface PlanningScenario {
  readonly scenario: Scenario;
  /** Where the day comes from: the branch's own tickets, or a shipped scenario when those are too few. */
  readonly source: "history" | "scenario";
  readonly date: string;
  /** Same weekdays with tickets that the history covered (0 when a scenario was used). */
  readonly historyDays: number;
  /** The counters the branch has (a plan never staffs an hour with more). */
  readonly branchCounters: number;
}

/**
 * A shipped scenario's day (its hourly arrivals, appointment check-ins included, its no-shows and patience) on
 * the branch's own structure: the branch's active business types and its counters with their skills, so a plan
 * and a what-if speak of the branch's types and windows, never the example's. A type whose code names one of the
 * scenario's (CASH → cash) takes that one's share of the mix and service times; any other type takes the
 * smallest matched share and its own expected minutes (all equal when nothing matches: a branch without history
 * has no mix of its own). Undefined when the branch has no active type or no counter with a skill.
 */
export function shippedOnBranch(
  shipped: Scenario,
  services: readonly Service[],
  counters: readonly Counter[],
): Scenario | undefined {
  // Types no counter serves are left out: their customers would only wait out the day in the simulation.
  const served = new Set(
    counters.flatMap((c) => c.skills.filter((k) => k.weight > 0).map((k) => k.serviceId as string)),
  );
  const active = services.filter((s) => s.active && served.has(s.id));
  const staffed = counters.filter((c) =>
    c.skills.some((k) => k.weight > 0 && active.some((s) => s.id === k.serviceId)),
  );
  if (active.length === 0 || staffed.length === 0) return undefined;
  const byCode = new Map(shipped.services.map((x) => [String(x.id).toLowerCase(), x]));
  const matched = new Map<string, ScenarioService>();
  for (const s of active) {
    const same = byCode.get(s.code.toLowerCase());
    if (same) matched.set(s.id, same);
  }
  const otherShare = matched.size > 0 ? Math.min(...[...matched.values()].map((x) => x.share)) : 1;
  const perHour = shipped.arrivals.kind === "poisson" ? [...shipped.arrivals.perHour] : new Array<number>(24).fill(0);
  if (shipped.arrivals.kind === "trace")
    for (const c of shipped.arrivals.customers) {
      const h = Math.min(23, Math.floor(c.minute / 60));
      perHour[h] = (perHour[h] ?? 0) + 1;
    }
  const appts = shipped.appointments;
  if (appts)
    appts.perHour.forEach((n, h) => {
      perHour[h] = (perHour[h] ?? 0) + n * (1 - appts.noShowShare);
    });
  return {
    ...shipped,
    source: `${shipped.source} Arrivals of the shipped scenario on this branch's business types and counters.`,
    services: active.map((s) => {
      const same = matched.get(s.id);
      return {
        id: s.id,
        name: s.nameEn,
        share: same?.share ?? otherShare,
        expectedMinutes: s.expectedMinutes,
        serviceTime: same?.serviceTime ?? { dist: "exponential", meanMinutes: Math.max(0.1, s.expectedMinutes) },
        classMix: same?.classMix ?? null,
      };
    }),
    arrivals: { kind: "poisson", perHour },
    appointments: null,
    counters: staffed.map((c) => ({
      id: c.id,
      kind: c.kind,
      skills: c.skills,
      intervals: [[shipped.openMinute, shipped.closeMinute]],
      speed: 1,
    })),
  };
}

/** The day to plan or simulate: from the branch's history of recent same weekdays, else the named scenario. */
export async function planningScenario(
  db: Kysely<Database>,
  branch: Branch,
  now: number,
  options: { readonly date?: string; readonly scenario?: ShippedScenarioName },
): Promise<PlanningScenario> {
  const date = options.date ?? localDay(now, branch.timezone);
  if (Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    throw invalid(
      `"${date}" is not a calendar date (YYYY-MM-DD).`,
      undefined,
      `"${date}" 不是有效日期（格式 YYYY-MM-DD）。`,
    );
  const [services, counters, rows] = await Promise.all([
    listServices(db, branch.id),
    listCounters(db, branch.id),
    listTicketsOfDays(db, branch.id, sameWeekdaysBefore(date, HISTORY_WEEKS)),
  ]);
  const fromHistory = scenarioFromHistory({ branch, services, counters, rows, date });
  const branchCounters = counters.length;
  if (fromHistory) {
    return {
      scenario: fromHistory,
      source: "history",
      date,
      historyDays: new Set(rows.map((r) => r.day)).size,
      branchCounters,
    };
  }
  const shipped = shippedScenario(options.scenario ?? DEFAULT_SCENARIO);
  const onBranch = shippedOnBranch(shipped, services, counters);
  return { scenario: onBranch ?? shipped, source: "scenario", date, historyDays: 0, branchCounters };
}
