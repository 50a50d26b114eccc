/**
 * Ninety days of made-up history for a demo branch, so that the dashboard, the planner and the wait predictor
 * show real figures on the first start. The days are simulated on the branch's own business types, counters and
 * tellers (the production dispatch policy decides every call), written out as the importer's CSV and imported
 * through the same path as a bank's real history. Each day has a staffing plan (some counters open only at the
 * busy hours, a half-hour lunch pause at every other counter) that the simulation obeys and that is recorded as
 * the counters' own open/pause/close events before the import, so past days show counter utilisation and
 * plan against actual as live days do.
 */

import { dayBefore } from "../../domain/analytics/keys.ts";
import { DEFAULT_RULES } from "../../domain/appointments/rules.ts";
import { computeSlots } from "../../domain/appointments/slots.ts";
import type { WeeklyHours } from "../../domain/complaints/clock.ts";
import type { PolicyName } from "../../domain/dispatch/index.ts";
import { MINUTE_MS } from "../../domain/ids.ts";
import { localDay } from "../../domain/local-day.ts";
import { createRandom } from "../../sim/random.ts";
import type { Scenario } from "../../sim/scenario.ts";
import { simulate } from "../../sim/simulate.ts";
import { appendPastCounterEvents, type PastCounterEvent } from "../../store/analytics.ts";
import { type Branch, listServices } from "../../store/branches.ts";
import { listCounters } from "../../store/counters.ts";
import type { AppContext } from "../context.ts";
import { weekdayOf } from "../planning/branch-scenario.ts";
import { shippedScenario } from "../planning/shipped-scenarios.ts";
import {
  addDemoFeedback,
  type DemoFeedback,
  type DemoTicket,
  emptyFeedback,
  insertDemoFeedback,
} from "./demo-feedback.ts";
import { IMPORT_COLUMNS, importedId, importTickets } from "./import-tickets.ts";

export const DEMO_HISTORY_DAYS = 90;

/** Busier on Mondays and Fridays, as branches report. */
const WEEKDAY_LOAD = [0.7, 1.15, 1, 0.95, 1, 1.1, 0.8];

const minuteOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The demo branches' mix of business (share of arrivals by business type code) and how busy they are against the
 * shipped weekday scenario; a branch not named here gets simple business three times as often as complex.
 */
export const DEMO_MIX: Readonly<Record<string, { readonly load: number; readonly shares: Record<string, number> }>> = {
  SH002: { load: 0.55, shares: { CASH: 2, TRANSFER: 2, FX: 1.5, WEALTH: 2, CORP: 2.5 } },
};

/** The lunch pause at every other counter, branch-local minutes. */
const LUNCH: readonly [number, number] = [12 * 60, 12 * 60 + 30];
/** Counters beyond this share of the branch open only from 10:00 to 16:00 on quieter days. */
const FULL_DAY_SHARE = 0.6;

export interface DayStaffing {
  /** Per counter (in the order given): open intervals in branch-local minutes, pauses cut out. */
  readonly intervals: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  /** The state changes that staffing makes, in branch-local minutes. */
  readonly changes: ReadonlyArray<{
    readonly index: number;
    readonly minute: number;
    readonly state: PastCounterEvent["state"];
  }>;
}

/**
 * Pure: one day's staffing of `count` counters open [open, close): the first 60% all day, the others from 10:00
 * to 16:00 unless the day is busy (load ≥ 1.05); every other counter pauses for lunch 12:00–12:30.
 */
export function demoStaffing(count: number, open: number, close: number, load: number): DayStaffing {
  const intervals: Array<Array<readonly [number, number]>> = [];
  const changes: Array<{ index: number; minute: number; state: PastCounterEvent["state"] }> = [];
  const fullDay = Math.max(1, Math.ceil(count * FULL_DAY_SHARE));
  for (let i = 0; i < count; i++) {
    const from = i < fullDay || load >= 1.05 ? open : Math.max(open, 10 * 60);
    const to = i < fullDay || load >= 1.05 ? close : Math.min(close, 16 * 60);
    if (to <= from) {
      intervals.push([]);
      continue;
    }
    changes.push({ index: i, minute: from, state: "open" });
    if (i % 2 === 1 && LUNCH[0] > from && LUNCH[1] < to) {
      intervals.push([
        [from, LUNCH[0]],
        [LUNCH[1], to],
      ]);
      changes.push({ index: i, minute: LUNCH[0], state: "paused" }, { index: i, minute: LUNCH[1], state: "open" });
    } else intervals.push([[from, to]]);
    changes.push({ index: i, minute: to, state: "closed" });
  }
  return { intervals, changes };
}

/** Midnight of a branch-local day as an instant (the offset is found from the zone at noon that day). */
function localMidnight(day: string, timeZone: string): number {
  const noonUtc = Date.parse(`${day}T12:00:00Z`);
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(noonUtc)
    .split(":");
  const offsetMinutes = Number(parts[0]) * 60 + Number(parts[1]) - 12 * 60;
  return Date.parse(`${day}T00:00:00Z`) - offsetMinutes * MINUTE_MS;
}

export interface DemoHistory {
  /** The tickets, as the importer's CSV. */
  readonly csv: string;
  /** The counters' open, pause and close events of those days. */
  readonly counterEvents: readonly PastCounterEvent[];
  /** The surveys, complaints, reviews and appointments of those days (demo-feedback.ts). */
  readonly feedback: DemoFeedback;
}

/**
 * The tellers of a branch in username order (teller1 before teller10), one per counter in number order: who
 * works at which counter in the simulated days.
 */
async function tellersByCounter(ctx: AppContext, branchId: string): Promise<string[]> {
  return (await branchStaff(ctx, branchId)).filter((r) => r.roles.includes('"teller"')).map((r) => r.username);
}

/** The staff of a branch in username order (teller1 before teller10). */
async function branchStaff(
  ctx: AppContext,
  branchId: string,
): Promise<Array<{ id: string; username: string; roles: string }>> {
  const rows = await ctx.store.db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select(["users.id", "users.username", "users.roles"])
    .where("memberships.branch_id", "=", branchId)
    .execute();
  return rows
    .map((r) => ({ id: r.id, username: r.username, roles: String(r.roles) }))
    .sort((a, b) => a.username.localeCompare(b.username, "en", { numeric: true }));
}

/** Who decides the demo's past complaints and reviews: the branch's manager, and the back office's reviewer. */
async function feedbackStaff(
  ctx: AppContext,
  branchId: string,
): Promise<{ managerId: string | null; reviewerId: string | null; ids: Map<string, string> }> {
  const staff = await branchStaff(ctx, branchId);
  const reviewer =
    staff.find((s) => s.roles.includes('"back_office"')) ??
    (await ctx.store.db
      .selectFrom("users")
      .select(["id", "roles"])
      .where("roles", "like", '%"back_office"%')
      .orderBy("username")
      .executeTakeFirst());
  const manager = staff.find((s) => s.roles.includes('"branch_manager"'));
  return {
    managerId: manager?.id ?? null,
    reviewerId: reviewer?.id ?? manager?.id ?? null,
    ids: new Map(staff.map((s) => [s.username, s.id])),
  };
}

/** The CSV of the branch's last `days` days before today, simulated, with the counters' events of those days. */
export async function demoHistory(ctx: AppContext, branch: Branch, days = DEMO_HISTORY_DAYS): Promise<DemoHistory> {
  const [services, allCounters, tellers, people] = await Promise.all([
    listServices(ctx.store.db, branch.id),
    listCounters(ctx.store.db, branch.id),
    tellersByCounter(ctx, branch.id),
    feedbackStaff(ctx, branch.id),
  ]);
  const feedback = emptyFeedback();
  const setting = {
    branchId: branch.id,
    timeZone: branch.timezone,
    openingHours: branch.openingHours as WeeklyHours,
    alarmWaitMinutes: branch.alarmWaitMinutes,
    services: services.map((s) => ({ id: s.id, needsReview: s.needsReview, expectedMinutes: s.expectedMinutes })),
    managerId: people.managerId,
    reviewerId: people.reviewerId,
  };
  const counters = allCounters.filter((c) => c.skills.some((s) => s.weight > 0)).sort((a, b) => a.number - b.number);
  const tellerOf = new Map(counters.map((c, i) => [c.number, tellers[i] ?? ""]));
  const mix = DEMO_MIX[branch.code];
  const counterEvents: PastCounterEvent[] = [];
  const base = shippedScenario("weekday");
  const perHourBase = base.arrivals.kind === "poisson" ? base.arrivals.perHour : new Array<number>(24).fill(0);
  const lines: string[] = [IMPORT_COLUMNS.join(",")];
  const iso = (ms: number) => new Date(ms).toISOString();
  let day = localDay(ctx.clock(), branch.timezone);
  for (let k = 0; k < days; k++) {
    day = dayBefore(day);
    const weekday = weekdayOf(day);
    const hours = branch.openingHours[String(weekday)];
    if (!hours) continue;
    const open = minuteOf(hours[0]);
    const close = minuteOf(hours[1]);
    const load = WEEKDAY_LOAD[weekday] ?? 1;
    const staffing = demoStaffing(counters.length, open, close, load);
    const midnight = localMidnight(day, branch.timezone);
    for (const ch of staffing.changes) {
      const counter = counters[ch.index];
      if (counter)
        counterEvents.push({
          counterId: counter.id,
          number: counter.number,
          state: ch.state,
          at: midnight + ch.minute * MINUTE_MS,
        });
    }
    const scenario: Scenario = {
      ...base,
      name: `${branch.code} ${day}`,
      openMinute: open,
      closeMinute: close,
      targetWaitMinutes: branch.targetWaitMinutes,
      alarmWaitMinutes: branch.alarmWaitMinutes,
      services: services.map((s) => ({
        id: s.id,
        name: s.nameEn,
        // Simple business is the most common (PRODUCT.md: 1–6 min against 10–20).
        share: mix ? (mix.shares[s.code] ?? 0) : s.expectedMinutes <= 6 ? 3 : 1,
        expectedMinutes: s.expectedMinutes,
        serviceTime: { dist: "lognormal", meanMinutes: s.expectedMinutes, cv: 0.6 },
        classMix: null,
      })),
      arrivals: {
        kind: "poisson",
        perHour: perHourBase.map((n, h) => (h * 60 >= open && h * 60 < close ? n * load * (mix?.load ?? 1) : 0)),
      },
      appointments: null,
      counters: counters.map((c, i) => ({
        id: c.id,
        kind: c.kind,
        skills: c.skills,
        intervals: staffing.intervals[i] ?? [],
        speed: 1,
      })),
    };
    const seed = Number(day.replaceAll("-", ""));
    const rating = createRandom(seed, 99);
    const prefixOf = new Map(services.map((s) => [s.id, s.prefix]));
    const codeOf = new Map(services.map((s) => [s.id, s.code]));
    const seqs = new Map<string, number>();
    const dayTickets: DemoTicket[] = [];
    simulate(scenario, {
      policy: branch.dispatchPolicy as PolicyName,
      seed,
      predictor: false,
      onOutcomes(customers, outcomes) {
        customers.forEach((c, i) => {
          const o = outcomes[i];
          if (!o) return;
          const serviceId = c.ticket.serviceId;
          const prefix = prefixOf.get(serviceId) ?? "X";
          const seq = (seqs.get(prefix) ?? 0) + 1;
          seqs.set(prefix, seq);
          const issued = midnight + c.arrivalMs;
          const called = o.callMs >= 0 ? midnight + o.callMs : null;
          const counter = called === null ? undefined : scenario.counters[o.counter];
          const counterNumber = counter ? counters.find((x) => x.id === counter.id)?.number : undefined;
          const teller = counterNumber === undefined ? "" : (tellerOf.get(counterNumber) ?? "");
          const outcome =
            called === null ? (o.walkedAway ? "walked_away" : "cancelled") : c.noShow ? "no_show" : "served";
          const finished = outcome === "served" && called !== null ? called + c.serviceMinutes * MINUTE_MS : null;
          // A walk-away's finish is when his patience ran out and he left: what the league learns patience from.
          const left = outcome === "walked_away" && Number.isFinite(c.patienceMs) ? issued + c.patienceMs : null;
          // Satisfaction falls with the wait; four in ten customers do not rate.
          const waitMin = called === null ? 0 : (called - issued) / MINUTE_MS;
          const r = rating.next();
          const p =
            waitMin <= branch.targetWaitMinutes
              ? [0.85, 0.97]
              : waitMin <= branch.alarmWaitMinutes
                ? [0.6, 0.9]
                : [0.3, 0.7];
          const rated = outcome === "served" && rating.next() < 0.6;
          const mood = r < (p[0] ?? 0) ? 3 : r < (p[1] ?? 0) ? 2 : 1;
          const score = !rated ? "" : String(mood);
          const number = `${prefix}${String(seq).padStart(3, "0")}`;
          dayTickets.push({
            id: importedId(branch.id, day, number),
            serviceId,
            counterId: counter?.id ?? null,
            tellerId: people.ids.get(teller) ?? null,
            // As the CSV has them: whole milliseconds (a Date drops the simulation's fractions).
            issuedAt: Math.trunc(issued),
            calledAt: called === null ? null : Math.trunc(called),
            finishedAt: finished === null ? null : Math.trunc(finished),
            outcome,
            rating: rated ? mood : null,
            mood,
          });
          lines.push(
            [
              branch.code,
              codeOf.get(serviceId) ?? "",
              number,
              iso(issued),
              called === null ? "" : iso(called),
              finished === null || called === null ? "" : iso(called),
              finished !== null ? iso(finished) : left !== null ? iso(left) : "",
              counterNumber === undefined ? "" : String(counterNumber),
              teller,
              outcome,
              score,
            ].join(","),
          );
        });
      },
    });
    // The day's appointment slots of each business type, as booking offers them (default rules).
    const slots = new Map<string, number[]>();
    for (const s of services) {
      const serving = counters.filter((c) => c.skills.some((k) => k.serviceId === s.id && k.weight > 0)).length;
      const list = computeSlots({
        date: day,
        timeZone: branch.timezone,
        openingHours: branch.openingHours,
        counters: serving,
        expectedMinutes: s.expectedMinutes,
        bufferMinutes: DEFAULT_RULES.bufferMinutes,
        share: DEFAULT_RULES.share,
      });
      slots.set(
        s.id,
        list.filter((x) => x.capacity > 0).map((x) => x.start),
      );
    }
    dayTickets.sort((a, b) => a.issuedAt - b.issuedAt);
    addDemoFeedback(feedback, setting, day, dayTickets, slots, createRandom(seed, 98));
  }
  return { csv: `${lines.join("\n")}\n`, counterEvents, feedback };
}

/** The CSV of the branch's last `days` days before today, simulated. */
export async function demoHistoryCsv(ctx: AppContext, branch: Branch, days = DEMO_HISTORY_DAYS): Promise<string> {
  return (await demoHistory(ctx, branch, days)).csv;
}

/**
 * Simulates and imports the demo history of a branch; returns the tickets imported. The counters' events go in
 * first, so the import's rebuild of each day finds them and counts counter time.
 */
export async function seedDemoHistory(ctx: AppContext, branch: Branch, days = DEMO_HISTORY_DAYS): Promise<number> {
  const history = await demoHistory(ctx, branch, days);
  await ctx.store.write((tx) => appendPastCounterEvents(tx, branch.id, history.counterEvents));
  const result = await importTickets(ctx, history.csv, "demo history", {
    alongside: (tx) => insertDemoFeedback(tx, history.feedback),
  });
  if (!result.ok)
    throw new Error(
      `demo history refused: ${result.problems
        .slice(0, 3)
        .map((p) => `line ${p.line}: ${p.reason}`)
        .join("; ")}`,
    );
  return result.imported;
}
