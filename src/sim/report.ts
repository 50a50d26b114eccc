import type { PolicyName } from "../domain/dispatch/index.ts";
import type { CounterId } from "../domain/ids.ts";
import { MINUTE_MS } from "../domain/ids.ts";
import { PRIORITY_CLASSES } from "../domain/ticket.ts";
import type { SimCustomer } from "./customers.ts";
import type { Scenario } from "./scenario.ts";

/** What happened to one customer; mutable only while the day runs. */
export interface CustomerOutcome {
  /** When called; −1 if never (walked away, or nobody could serve them before the end). */
  callMs: number;
  counter: number;
  walkedAway: boolean;
  /** Wait predicted at issue time, minutes; NaN when not predicted. */
  predictedMinutes: number;
}

export interface WaitFigures {
  readonly customers: number;
  readonly served: number;
  readonly walkAways: number;
  readonly meanWaitMinutes: number;
  readonly p50WaitMinutes: number;
  readonly p90WaitMinutes: number;
  readonly p95WaitMinutes: number;
  readonly maxWaitMinutes: number;
  /** Called within the target wait, over everyone who was called or walked away (a walk-away is a miss). */
  readonly withinTargetShare: number;
  /** Called after waiting longer than the alarm. */
  readonly overAlarm: number;
}

export interface HourFigures extends WaitFigures {
  readonly hour: number;
  /** Counters open at the middle of the hour. */
  readonly openCounters: number;
}

export interface SimulationReport extends WaitFigures {
  readonly scenario: string;
  readonly policy: PolicyName;
  readonly seed: number;
  readonly noShows: number;
  /** Customers still waiting when the last counter left (nobody with their skill stayed). */
  readonly unserved: number;
  /** Minutes after midnight when the last service ended. */
  readonly lastCompletionMinute: number;
  /** Busy share of open time, per counter. */
  readonly utilization: Readonly<Record<string, number>>;
  readonly byService: Readonly<Record<string, WaitFigures>>;
  readonly byClass: Readonly<Record<string, WaitFigures>>;
  readonly byHour: readonly HourFigures[];
  readonly appointments: {
    readonly booked: number;
    readonly missed: number;
    /** Appointment holders called within the grace (5 min) after their slot, or their check-in when late. */
    readonly onTimeShare: number;
    readonly meanLateMinutes: number;
  };
  readonly predictor: {
    readonly samples: number;
    readonly meanAbsErrorMinutes: number;
    readonly medianAbsErrorMinutes: number;
    /** Predicted minus actual, on average: negative means the predictor promises too short a wait. */
    readonly meanErrorMinutes: number;
  };
}

export interface ReportInput {
  readonly scenario: Scenario;
  readonly policy: PolicyName;
  readonly seed: number;
  readonly customers: readonly SimCustomer[];
  readonly outcomes: readonly CustomerOutcome[];
  readonly missedAppointments: number;
  readonly counters: readonly { id: CounterId; openMs: number; busyMs: number; served: number }[];
  readonly lastCompletionMs: number;
}

/** Appointment grace the report checks against: the same default as the smart policy's. */
const APPOINTMENT_GRACE_MINUTES = 5;

const round = (x: number, digits = 3): number => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? 0;
}

class Group {
  customers = 0;
  walkAways = 0;
  waits: number[] = [];
  add(waitMinutes: number | null): void {
    this.customers++;
    if (waitMinutes === null) this.walkAways++;
    else this.waits.push(waitMinutes);
  }
  figures(target: number, alarm: number): WaitFigures {
    // A typed array sorts numerically without a comparator call per pair: the report is a hot path in benches.
    const w = Float64Array.from(this.waits).sort();
    let sum = 0;
    for (let i = 0; i < w.length; i++) sum += w[i] as number;
    let within = 0;
    let over = 0;
    for (const x of w) {
      if (x <= target) within++;
      if (x > alarm) over++;
    }
    const judged = w.length + this.walkAways;
    return {
      customers: this.customers,
      served: w.length,
      walkAways: this.walkAways,
      meanWaitMinutes: round(w.length ? sum / w.length : 0),
      p50WaitMinutes: round(percentile(w, 50)),
      p90WaitMinutes: round(percentile(w, 90)),
      p95WaitMinutes: round(percentile(w, 95)),
      maxWaitMinutes: round(w.length ? (w[w.length - 1] as number) : 0),
      withinTargetShare: round(judged ? within / judged : 1, 4),
      overAlarm: over,
    };
  }
}

export function buildReport(input: ReportInput): SimulationReport {
  const { scenario, customers, outcomes } = input;
  const target = scenario.targetWaitMinutes;
  const alarm = scenario.alarmWaitMinutes;
  const all = new Group();
  const byService = new Map<string, Group>(scenario.services.map((s) => [s.id, new Group()]));
  const byClass = new Map<string, Group>();
  const byHour = new Map<number, Group>();
  let noShows = 0;
  let unserved = 0;
  const errors: number[] = [];
  let signedError = 0;
  let booked = 0;
  let onTime = 0;
  let lateSum = 0;
  for (const c of customers) {
    const o = outcomes[c.index] as CustomerOutcome;
    if (o.callMs < 0 && !o.walkedAway) {
      unserved++;
      continue;
    }
    if (o.callMs >= 0 && c.noShow) {
      noShows++;
      continue;
    }
    const wait = o.walkedAway ? null : (o.callMs - c.arrivalMs) / MINUTE_MS;
    all.add(wait);
    byService.get(c.ticket.serviceId)?.add(wait);
    const cls = byClass.get(c.priority) ?? new Group();
    byClass.set(c.priority, cls);
    cls.add(wait);
    const hour = Math.floor(c.arrivalMs / (60 * MINUTE_MS));
    const h = byHour.get(hour) ?? new Group();
    byHour.set(hour, h);
    h.add(wait);
    if (wait !== null && !Number.isNaN(o.predictedMinutes)) {
      errors.push(Math.abs(o.predictedMinutes - wait));
      signedError += o.predictedMinutes - wait;
    }
    if (c.appointmentMs !== null && wait !== null) {
      booked++;
      const due = Math.max(c.appointmentMs, c.arrivalMs);
      const late = Math.max(0, (o.callMs - due) / MINUTE_MS);
      lateSum += late;
      if (late <= APPOINTMENT_GRACE_MINUTES) onTime++;
    }
  }
  const sortedErrors = Float64Array.from(errors).sort();
  const utilization: Record<string, number> = {};
  for (const c of input.counters) utilization[c.id] = round(c.openMs > 0 ? c.busyMs / c.openMs : 0, 4);
  const services: Record<string, WaitFigures> = {};
  for (const [id, g] of byService) services[id] = g.figures(target, alarm);
  const classes: Record<string, WaitFigures> = {};
  for (const cls of PRIORITY_CLASSES) {
    const g = byClass.get(cls);
    if (g) classes[cls] = g.figures(target, alarm);
  }
  const hours: HourFigures[] = [...byHour.keys()]
    .sort((a, b) => a - b)
    .map((hour) => ({
      hour,
      openCounters: scenario.counters.filter((c) =>
        c.intervals.some(([from, to]) => from <= hour * 60 + 30 && hour * 60 + 30 < to),
      ).length,
      ...(byHour.get(hour) as Group).figures(target, alarm),
    }));
  return {
    scenario: scenario.name,
    policy: input.policy,
    seed: input.seed,
    ...all.figures(target, alarm),
    noShows,
    unserved,
    lastCompletionMinute: round(input.lastCompletionMs / MINUTE_MS),
    utilization,
    byService: services,
    byClass: classes,
    byHour: hours,
    appointments: {
      booked: booked + input.missedAppointments,
      missed: input.missedAppointments,
      onTimeShare: round(booked ? onTime / booked : 1, 4),
      meanLateMinutes: round(booked ? lateSum / booked : 0),
    },
    predictor: {
      samples: errors.length,
      meanAbsErrorMinutes: round(errors.length ? errors.reduce((s, x) => s + x, 0) / errors.length : 0),
      medianAbsErrorMinutes: round(percentile(sortedErrors, 50)),
      meanErrorMinutes: round(errors.length ? signedError / errors.length : 0),
    },
  };
}
