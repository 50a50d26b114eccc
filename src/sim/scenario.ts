import type { CounterKind, Skill } from "../domain/counter.ts";
import { COUNTER_KINDS } from "../domain/counter.ts";
import type { CounterId, ServiceId } from "../domain/ids.ts";
import { PRIORITY_CLASSES, type PriorityClass } from "../domain/ticket.ts";
import type { Distribution } from "./distributions.ts";

/**
 * A branch-day to simulate, validated. Times are minutes after midnight. The JSON form is documented in
 * docs/dispatch.md; `parseScenario` turns it into this and reports every problem with its path.
 */
export interface Scenario {
  readonly name: string;
  /** Where the figures come from: JSON has no comments, so a scenario carries its own provenance. */
  readonly source: string;
  readonly openMinute: number;
  readonly closeMinute: number;
  readonly targetWaitMinutes: number;
  readonly alarmWaitMinutes: number;
  readonly services: readonly ScenarioService[];
  /** Share of each class among walk-ins (types may override). */
  readonly classMix: ClassMix;
  readonly arrivals: Arrivals;
  readonly appointments: Appointments | null;
  readonly counters: readonly ScenarioCounter[];
  /** How long a walk-in waits before leaving; null: nobody leaves. */
  readonly patience: Distribution | null;
  /** Share of called customers who do not come to the counter. */
  readonly noShowShare: number;
  /** Counter minutes lost on a no-show (the recalls before giving up). */
  readonly noShowRecallMinutes: number;
}

export type ClassMix = ReadonlyArray<readonly [PriorityClass, number]>;

export interface ScenarioService {
  readonly id: ServiceId;
  readonly name: string;
  /** Weight in the walk-in mix. */
  readonly share: number;
  /** What the branch has configured: the policy and the predictor's prior. */
  readonly expectedMinutes: number;
  readonly serviceTime: Distribution;
  readonly classMix: ClassMix | null;
}

export type Arrivals =
  | { readonly kind: "poisson"; readonly perHour: readonly number[] }
  | { readonly kind: "trace"; readonly customers: readonly TraceCustomer[] };

/** One customer of a trace; several at the same minute keep their listed order in line. */
export interface TraceCustomer {
  readonly minute: number;
  readonly serviceId: ServiceId;
  readonly priority: PriorityClass;
  readonly appointmentMinute: number | null;
  /** Fixed service minutes (a replayed day); null draws from the type's distribution. */
  readonly serviceMinutes: number | null;
}

export interface Appointments {
  /** Booked slots per hour of day (index 0–23). */
  readonly perHour: readonly number[];
  readonly serviceMix: ReadonlyArray<readonly [ServiceId, number]>;
  /** Check-in happens uniformly between these minutes before the slot (negative: late). */
  readonly arriveEarlyMinutes: readonly [number, number];
  /** Share of bookings that never come. */
  readonly noShowShare: number;
}

export interface ScenarioCounter {
  readonly id: CounterId;
  readonly kind: CounterKind;
  readonly skills: readonly Skill[];
  /** Open intervals [from, to) in minutes, breaks already cut out, sorted. */
  readonly intervals: ReadonlyArray<readonly [number, number]>;
  /** Service time multiplier: 1.2 is a counter 20% slower than the branch's average. */
  readonly speed: number;
}

export class ScenarioError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid scenario:\n  ${problems.join("\n  ")}`);
    this.name = "ScenarioError";
  }
}

type Json = unknown;
type Obj = Readonly<Record<string, Json>>;

/** Collects every problem instead of stopping at the first, so a scenario author fixes them in one go. */
class Reader {
  readonly problems: string[] = [];
  fail(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }
  obj(v: Json, path: string): Obj | undefined {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Obj;
    this.fail(path, "must be an object");
    return undefined;
  }
  arr(v: Json, path: string): readonly Json[] | undefined {
    if (Array.isArray(v)) return v;
    this.fail(path, "must be an array");
    return undefined;
  }
  str(v: Json, path: string): string | undefined {
    if (typeof v === "string" && v.length > 0) return v;
    this.fail(path, "must be a non-empty string");
    return undefined;
  }
  num(v: Json, path: string, opts: { min?: number; max?: number; positive?: boolean } = {}): number | undefined {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      this.fail(path, "must be a number");
      return undefined;
    }
    if (opts.positive && v <= 0) this.fail(path, "must be greater than 0");
    else if (opts.min !== undefined && v < opts.min) this.fail(path, `must be at least ${opts.min}`);
    else if (opts.max !== undefined && v > opts.max) this.fail(path, `must be at most ${opts.max}`);
    return v;
  }
  time(v: Json, path: string): number | undefined {
    const m = typeof v === "string" ? /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v) : null;
    if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) {
      this.fail(path, 'must be a time "HH:MM" (or "HH:MM:SS")');
      return undefined;
    }
    return Number(m[1]) * 60 + Number(m[2]) + Number(m[3] ?? 0) / 60;
  }
  priority(v: Json, path: string): PriorityClass | undefined {
    if (typeof v === "string" && (PRIORITY_CLASSES as readonly string[]).includes(v)) return v as PriorityClass;
    this.fail(path, `must be one of ${PRIORITY_CLASSES.join(", ")}`);
    return undefined;
  }
  /** An hourly profile: {"09": 40, "10": 55} (keys "9", "09" or "09:00"). */
  hourly(v: Json, path: string): number[] {
    const out = new Array<number>(24).fill(0);
    const o = this.obj(v, path);
    if (!o) return out;
    for (const [k, value] of Object.entries(o)) {
      const h = /^(\d{1,2})(?::00)?$/.exec(k);
      const hour = h ? Number(h[1]) : Number.NaN;
      if (!(hour >= 0 && hour <= 23)) {
        this.fail(`${path}.${k}`, 'hour key must be "0"–"23" (or "09:00")');
        continue;
      }
      out[hour] = this.num(value, `${path}.${k}`, { min: 0 }) ?? 0;
    }
    return out;
  }
  distribution(v: Json, path: string): Distribution | undefined {
    const o = this.obj(v, path);
    if (!o) return undefined;
    switch (o.dist) {
      case "fixed":
        return { dist: "fixed", minutes: this.num(o.minutes, `${path}.minutes`, { min: 0 }) ?? 0 };
      case "exponential":
        return {
          dist: "exponential",
          meanMinutes: this.num(o.meanMinutes, `${path}.meanMinutes`, { positive: true }) ?? 1,
        };
      case "lognormal":
        return {
          dist: "lognormal",
          meanMinutes: this.num(o.meanMinutes, `${path}.meanMinutes`, { positive: true }) ?? 1,
          cv: this.num(o.cv, `${path}.cv`, { positive: true }) ?? 1,
        };
      case "empirical": {
        const list = this.arr(o.minutes, `${path}.minutes`) ?? [];
        if (list.length === 0) this.fail(`${path}.minutes`, "must list at least one value");
        const minutes = list.map((m, i) => this.num(m, `${path}.minutes[${i}]`, { min: 0 }) ?? 0);
        return { dist: "empirical", minutes };
      }
      default:
        this.fail(`${path}.dist`, 'must be "fixed", "exponential", "lognormal" or "empirical"');
        return undefined;
    }
  }
  classMix(v: Json, path: string): ClassMix {
    const o = this.obj(v, path);
    if (!o) return [["normal", 1]];
    const mix: [PriorityClass, number][] = [];
    for (const [k, value] of Object.entries(o)) {
      const c = this.priority(k, `${path}.${k}`);
      const share = this.num(value, `${path}.${k}`, { min: 0 });
      if (c && share !== undefined && share > 0) mix.push([c, share]);
    }
    if (mix.length === 0) this.fail(path, "needs at least one class with a share above 0");
    return mix;
  }
}

/**
 * Validates a scenario's JSON. `loadText` reads a file the scenario names (a CSV trace), relative to the
 * scenario; the caller owns the I/O, so parsing stays testable.
 */
export function parseScenario(raw: Json, loadText: (relativePath: string) => string = noFiles): Scenario {
  const r = new Reader();
  const o = r.obj(raw, "scenario") ?? {};
  const name = r.str(o.name, "name") ?? "";
  const source = typeof o.source === "string" ? o.source : "";
  if (!source) r.fail("source", "must say where the figures come from");
  const hours = r.obj(o.hours, "hours") ?? {};
  const openMinute = r.time(hours.open, "hours.open") ?? 0;
  const closeMinute = r.time(hours.close, "hours.close") ?? 0;
  if (closeMinute <= openMinute) r.fail("hours.close", "must be after hours.open");
  const targetWaitMinutes = r.num(o.targetWaitMinutes ?? 15, "targetWaitMinutes", { positive: true }) ?? 15;
  const alarmWaitMinutes = r.num(o.alarmWaitMinutes ?? 30, "alarmWaitMinutes", { positive: true }) ?? 30;
  if (alarmWaitMinutes < targetWaitMinutes) r.fail("alarmWaitMinutes", "must not be below targetWaitMinutes");

  const services: ScenarioService[] = [];
  const serviceIds = new Set<string>();
  (r.arr(o.services, "services") ?? []).forEach((sv, i) => {
    const p = `services[${i}]`;
    const s = r.obj(sv, p);
    if (!s) return;
    const id = r.str(s.id, `${p}.id`) ?? `?${i}`;
    if (serviceIds.has(id)) r.fail(`${p}.id`, `duplicate service id "${id}"`);
    serviceIds.add(id);
    const serviceTime = r.distribution(s.serviceTime, `${p}.serviceTime`) ?? { dist: "fixed", minutes: 1 };
    const mean =
      serviceTime.dist === "empirical" && serviceTime.minutes.length === 0 ? 1 : distributionMeanOf(serviceTime);
    services.push({
      id: id as ServiceId,
      name: typeof s.name === "string" ? s.name : id,
      share: r.num(s.share ?? 0, `${p}.share`, { min: 0 }) ?? 0,
      expectedMinutes: r.num(s.expectedMinutes ?? mean, `${p}.expectedMinutes`, { positive: true }) ?? mean,
      serviceTime,
      classMix: s.classMix === undefined ? null : r.classMix(s.classMix, `${p}.classMix`),
    });
  });
  if (services.length === 0) r.fail("services", "must list at least one business type");
  const knownService = (v: Json, path: string): ServiceId | undefined => {
    const id = r.str(v, path);
    if (id !== undefined && !serviceIds.has(id))
      r.fail(path, `unknown service "${id}" (known: ${[...serviceIds].join(", ")})`);
    return id as ServiceId | undefined;
  };

  const classMix = o.classMix === undefined ? ([["normal", 1]] as ClassMix) : r.classMix(o.classMix, "classMix");
  const arrivals = parseArrivals(r, o.arrivals, knownService, loadText);
  if (arrivals.kind === "poisson" && !services.some((s) => s.share > 0))
    r.fail("services", "Poisson arrivals need at least one service with a share above 0");

  let appointments: Appointments | null = null;
  if (o.appointments !== undefined && o.appointments !== null) {
    const a = r.obj(o.appointments, "appointments") ?? {};
    const mixObj = r.obj(a.services, "appointments.services") ?? {};
    const serviceMix: [ServiceId, number][] = [];
    for (const [k, v] of Object.entries(mixObj)) {
      const id = knownService(k, `appointments.services.${k}`);
      const share = r.num(v, `appointments.services.${k}`, { min: 0 });
      if (id && share) serviceMix.push([id, share]);
    }
    if (serviceMix.length === 0) r.fail("appointments.services", "needs at least one service with a share above 0");
    const early = r.arr(a.arriveEarlyMinutes ?? [0, 10], "appointments.arriveEarlyMinutes") ?? [];
    const lo = r.num(early[0], "appointments.arriveEarlyMinutes[0]") ?? 0;
    const hi = r.num(early[1], "appointments.arriveEarlyMinutes[1]") ?? 0;
    if (hi < lo) r.fail("appointments.arriveEarlyMinutes", "must be [fewest, most] minutes early");
    appointments = {
      perHour: r.hourly(a.perHour, "appointments.perHour"),
      serviceMix,
      arriveEarlyMinutes: [lo, hi],
      noShowShare: r.num(a.noShowShare ?? 0, "appointments.noShowShare", { min: 0, max: 1 }) ?? 0,
    };
  }

  const counters: ScenarioCounter[] = [];
  const counterIds = new Set<string>();
  (r.arr(o.counters, "counters") ?? []).forEach((cv, i) => {
    const p = `counters[${i}]`;
    const c = r.obj(cv, p);
    if (!c) return;
    const id = r.str(c.id, `${p}.id`) ?? `?${i}`;
    const count = r.num(c.count ?? 1, `${p}.count`, { min: 1, max: 200 }) ?? 1;
    const kind = (c.kind ?? "teller") as CounterKind;
    if (!COUNTER_KINDS.includes(kind)) r.fail(`${p}.kind`, `must be one of ${COUNTER_KINDS.join(", ")}`);
    const skillsObj = r.obj(c.skills, `${p}.skills`) ?? {};
    const skills: Skill[] = [];
    for (const [k, v] of Object.entries(skillsObj)) {
      const sid = knownService(k, `${p}.skills.${k}`);
      const weight = r.num(v, `${p}.skills.${k}`, { min: 0 });
      if (sid && weight) skills.push({ serviceId: sid, weight });
    }
    if (skills.length === 0) r.fail(`${p}.skills`, "must give at least one service a weight above 0");
    const span = (v: Json, path: string): [number, number] | undefined => {
      const pair = r.arr(v, path);
      if (!pair) return undefined;
      const from = r.time(pair[0], `${path}[0]`);
      const to = r.time(pair[1], `${path}[1]`);
      if (from === undefined || to === undefined) return undefined;
      if (to <= from) r.fail(path, "must end after it starts");
      return [from, to];
    };
    const spans = (v: Json, path: string): [number, number][] =>
      (r.arr(v, path) ?? []).map((h, j) => span(h, `${path}[${j}]`)).filter((x) => x !== undefined);
    const hoursList: [number, number][] =
      c.hours === undefined ? [[openMinute, closeMinute]] : spans(c.hours, `${p}.hours`);
    const breaks = c.breaks === undefined ? [] : spans(c.breaks, `${p}.breaks`);
    const intervals = cutBreaks(hoursList, breaks);
    const speed = r.num(c.speed ?? 1, `${p}.speed`, { positive: true }) ?? 1;
    for (let k = 1; k <= count; k++) {
      const cid = count === 1 ? id : `${id}-${k}`;
      if (counterIds.has(cid)) r.fail(`${p}.id`, `duplicate counter id "${cid}"`);
      counterIds.add(cid);
      counters.push({ id: cid as CounterId, kind, skills, intervals, speed });
    }
  });
  if (counters.length === 0) r.fail("counters", "must list at least one counter");

  const patience = o.patience === undefined || o.patience === null ? null : r.distribution(o.patience, "patience");
  const noShowShare = r.num(o.noShowShare ?? 0, "noShowShare", { min: 0, max: 1 }) ?? 0;
  const noShowRecallMinutes = r.num(o.noShowRecallMinutes ?? 1, "noShowRecallMinutes", { min: 0 }) ?? 1;

  if (r.problems.length > 0) throw new ScenarioError(r.problems);
  return {
    name,
    source,
    openMinute,
    closeMinute,
    targetWaitMinutes,
    alarmWaitMinutes,
    services,
    classMix,
    arrivals,
    appointments,
    counters,
    patience: patience ?? null,
    noShowShare,
    noShowRecallMinutes,
  };
}

function noFiles(path: string): string {
  throw new Error(`this scenario refers to a file (${path}) but no file reader was given`);
}

function distributionMeanOf(d: Distribution): number {
  switch (d.dist) {
    case "fixed":
      return d.minutes;
    case "empirical":
      return d.minutes.reduce((s, m) => s + m, 0) / d.minutes.length;
    default:
      return d.meanMinutes;
  }
}

function parseArrivals(
  r: Reader,
  v: Json,
  knownService: (v: Json, path: string) => ServiceId | undefined,
  loadText: (path: string) => string,
): Arrivals {
  const a = r.obj(v, "arrivals") ?? {};
  switch (a.kind) {
    case "poisson":
      return { kind: "poisson", perHour: r.hourly(a.perHour, "arrivals.perHour") };
    case "list": {
      const customers: TraceCustomer[] = [];
      (r.arr(a.customers, "arrivals.customers") ?? []).forEach((cv, i) => {
        const p = `arrivals.customers[${i}]`;
        const c = r.obj(cv, p);
        if (!c) return;
        const minute = r.time(c.at, `${p}.at`) ?? 0;
        const serviceId = knownService(c.service, `${p}.service`) ?? ("" as ServiceId);
        const priority = c.class === undefined ? "normal" : (r.priority(c.class, `${p}.class`) ?? "normal");
        const count = r.num(c.count ?? 1, `${p}.count`, { min: 1 }) ?? 1;
        const appointmentMinute =
          c.appointment === undefined ? null : (r.time(c.appointment, `${p}.appointment`) ?? null);
        const serviceMinutes =
          c.serviceMinutes === undefined ? null : (r.num(c.serviceMinutes, `${p}.serviceMinutes`, { min: 0 }) ?? null);
        for (let k = 0; k < count; k++)
          customers.push({ minute, serviceId, priority, appointmentMinute, serviceMinutes });
      });
      return { kind: "trace", customers };
    }
    case "csv": {
      const file = r.str(a.file, "arrivals.file");
      if (file === undefined) return { kind: "trace", customers: [] };
      let text = "";
      try {
        text = loadText(file);
      } catch (e) {
        r.fail("arrivals.file", `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
      return { kind: "trace", customers: parseTraceCsv(r, text, file, knownService) };
    }
    default:
      r.fail("arrivals.kind", 'must be "poisson", "list" or "csv"');
      return { kind: "poisson", perHour: new Array<number>(24).fill(0) };
  }
}

/** CSV trace: a header naming `time` and `service`, and optionally `class`, `appointment`, `serviceMinutes`. */
function parseTraceCsv(
  r: Reader,
  text: string,
  file: string,
  knownService: (v: Json, path: string) => ServiceId | undefined,
): TraceCustomer[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = (lines.shift() ?? "").split(",").map((h) => h.trim());
  const col = (name: string): number => header.indexOf(name);
  if (col("time") < 0 || col("service") < 0) {
    r.fail(file, `header must name "time" and "service" columns (found: ${header.join(", ")})`);
    return [];
  }
  const out: TraceCustomer[] = [];
  lines.forEach((line, i) => {
    const cells = line.split(",").map((c) => c.trim());
    const p = `${file}:${i + 2}`;
    const cell = (name: string): string | undefined => {
      const k = col(name);
      const v = k >= 0 ? cells[k] : undefined;
      return v === "" ? undefined : v;
    };
    const minute = r.time(cell("time"), `${p} time`) ?? 0;
    const serviceId = knownService(cell("service"), `${p} service`) ?? ("" as ServiceId);
    const cls = cell("class");
    const priority = cls === undefined ? "normal" : (r.priority(cls, `${p} class`) ?? "normal");
    const appt = cell("appointment");
    const sm = cell("serviceMinutes");
    out.push({
      minute,
      serviceId,
      priority,
      appointmentMinute: appt === undefined ? null : (r.time(appt, `${p} appointment`) ?? null),
      serviceMinutes: sm === undefined ? null : (r.num(Number(sm), `${p} serviceMinutes`, { min: 0 }) ?? null),
    });
  });
  return out;
}

/** Open intervals minus breaks, merged and sorted. */
export function cutBreaks(
  hours: readonly (readonly [number, number])[],
  breaks: readonly (readonly [number, number])[],
): [number, number][] {
  let spans: [number, number][] = hours.map(([a, b]) => [a, b] as [number, number]).sort((x, y) => x[0] - y[0]);
  for (const [bs, be] of breaks) {
    const next: [number, number][] = [];
    for (const [s, e] of spans) {
      if (be <= s || bs >= e) next.push([s, e]);
      else {
        if (bs > s) next.push([s, bs]);
        if (be < e) next.push([be, e]);
      }
    }
    spans = next;
  }
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}
