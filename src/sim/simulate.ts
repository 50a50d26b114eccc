import type { DispatchCounter } from "../domain/counter.ts";
import { POLICIES, type PolicyName } from "../domain/dispatch/index.ts";
import type { DispatchContext, DispatchPolicy } from "../domain/dispatch/policy.ts";
import { MINUTE_MS, type ServiceId } from "../domain/ids.ts";
import { createServiceTimeLearner, type PredictorCounter, predictWaits } from "../domain/predictor.ts";
import type { WaitingTicket } from "../domain/ticket.ts";
import { drawCustomers, SIM_BRANCH, type SimCustomer } from "./customers.ts";
import { EventHeap } from "./heap.ts";
import { buildReport, type CustomerOutcome, type SimulationReport } from "./report.ts";
import type { Scenario } from "./scenario.ts";

export interface SimulateOptions {
  readonly policy: PolicyName;
  readonly seed: number;
  /** Predict each customer's wait at issue time and measure the error (costs time; on by default). */
  readonly predictor?: boolean;
  /** Receives every customer and what happened to them once the day ran (the demo history is made from it). */
  readonly onOutcomes?: (customers: readonly SimCustomer[], outcomes: readonly CustomerOutcome[]) => void;
  /** A policy under study in place of `POLICIES[policy]` (research scripts; `policy` still names the report). */
  readonly dispatch?: DispatchPolicy;
}

const OPEN = 0;
const CLOSE = 1;
const COMPLETE = 2;
const ABANDON = 3;

interface CounterState {
  readonly dc: DispatchCounter;
  readonly speed: number;
  /** Scheduled end of its last interval: past it, and past the branch's closing, it serves who is left inside. */
  readonly lastEndMs: number;
  on: boolean;
  busy: boolean;
  /** Leaves when its current service ends (its interval ended meanwhile). */
  closing: boolean;
  overtime: boolean;
  customer: number;
  startMs: number;
  openSinceMs: number;
  openMs: number;
  busyMs: number;
  served: number;
}

/**
 * Runs one branch-day. The decisions are the production ones: `POLICIES[policy]` picks every call, and
 * `predictWaits` makes every estimate, with service times learned as the day goes (`createServiceTimeLearner`).
 * What the simulator adds is only the world: arrivals, service durations, patience, no-shows, counter hours.
 */
export function simulate(scenario: Scenario, options: SimulateOptions): SimulationReport {
  const { customers, missedAppointments } = drawCustomers(scenario, options.seed);
  return runDay(scenario, customers, missedAppointments, options);
}

export function runDay(
  scenario: Scenario,
  customers: readonly SimCustomer[],
  missedAppointments: number,
  options: SimulateOptions,
): SimulationReport {
  const policy = options.dispatch ?? POLICIES[options.policy];
  const predict = options.predictor ?? true;
  const closeMs = scenario.closeMinute * MINUTE_MS;
  const expectedMinutes = new Map<ServiceId, number>(scenario.services.map((s) => [s.id, s.expectedMinutes]));
  const learner = createServiceTimeLearner(expectedMinutes);
  const context: { -readonly [K in keyof DispatchContext]: DispatchContext[K] } = {
    now: 0,
    targetWaitMinutes: scenario.targetWaitMinutes,
    alarmWaitMinutes: scenario.alarmWaitMinutes,
    expectedMinutes,
  };
  // The arrival forecast the predictor may use: the scenario's own hourly profile, as a branch's history would give.
  const forecast = hourlyForecast(scenario);

  const outcomes: CustomerOutcome[] = customers.map(() => ({
    callMs: -1,
    counter: -1,
    walkedAway: false,
    predictedMinutes: Number.NaN,
  }));
  const index = new Map<WaitingTicket, number>();
  for (const c of customers) index.set(c.ticket, c.index);

  const heap = new EventHeap();
  const counters: CounterState[] = scenario.counters.map((c, ci) => {
    for (const [from, to] of c.intervals) {
      heap.push(from * MINUTE_MS, OPEN, ci);
      heap.push(to * MINUTE_MS, CLOSE, ci);
    }
    const last = c.intervals[c.intervals.length - 1];
    return {
      dc: { id: c.id, branchId: SIM_BRANCH, kind: c.kind, skills: c.skills },
      speed: c.speed,
      lastEndMs: (last?.[1] ?? 0) * MINUTE_MS,
      on: false,
      busy: false,
      closing: false,
      overtime: false,
      customer: -1,
      startMs: 0,
      openSinceMs: 0,
      openMs: 0,
      busyMs: 0,
      served: 0,
    };
  });
  for (const c of customers) if (Number.isFinite(c.patienceMs)) heap.push(c.arrivalMs + c.patienceMs, ABANDON, c.index);

  const waiting: WaitingTicket[] = [];
  /** Open, free counters in the order they became free: the longest idle calls first, as at a real branch. */
  const idle: number[] = [];

  const removeWaiting = (t: WaitingTicket): void => {
    const i = waiting.indexOf(t);
    const last = waiting.pop() as WaitingTicket;
    if (i >= 0 && i < waiting.length) waiting[i] = last;
  };
  const goOff = (c: CounterState, now: number): void => {
    c.on = false;
    c.closing = false;
    c.overtime = false;
    c.openMs += now - c.openSinceMs;
  };
  /** The counter calls whom the policy picks; false when it may serve nobody now. */
  const callNext = (ci: number, now: number): boolean => {
    if (waiting.length === 0) return false;
    const c = counters[ci] as CounterState;
    context.now = now;
    context.openCounters = openDispatchCounters();
    const pick = policy(waiting, c.dc, context);
    if (pick === undefined) return false;
    removeWaiting(pick);
    const k = index.get(pick) as number;
    const customer = customers[k] as SimCustomer;
    const o = outcomes[k] as CustomerOutcome;
    o.callMs = now;
    o.counter = ci;
    const minutes = customer.noShow ? scenario.noShowRecallMinutes : customer.serviceMinutes * c.speed;
    c.busy = true;
    c.customer = k;
    c.startMs = now;
    heap.push(now + minutes * MINUTE_MS, COMPLETE, ci);
    return true;
  };
  const openDispatchCounters = (): DispatchCounter[] => {
    const out: DispatchCounter[] = [];
    for (const c of counters) if (c.on && !c.closing) out.push(c.dc);
    return out;
  };
  const removeIdle = (ci: number): void => {
    const i = idle.indexOf(ci);
    if (i >= 0) idle.splice(i, 1);
  };
  const predictFor = (customer: SimCustomer, now: number): number => {
    const learned = learner.estimates();
    const open: PredictorCounter[] = [];
    for (const c of counters) {
      if (!c.on || c.closing) continue;
      if (!c.busy) {
        open.push(c.dc);
        continue;
      }
      const serving = customers[c.customer] as SimCustomer;
      const sid = serving.ticket.serviceId;
      const expected = learned.byCounter.get(c.dc.id)?.get(sid) ?? learned.byService.get(sid) ?? 5;
      const elapsed = (now - c.startMs) / MINUTE_MS;
      // Past its expected end a service is still running: assume a little more rather than none.
      open.push({ ...c.dc, remainingMinutes: Math.max(expected - elapsed, expected * 0.2) });
    }
    const hour = Math.floor(now / (60 * MINUTE_MS));
    const result = predictWaits({
      waiting,
      openCounters: open,
      expectedMinutes: learned.byService,
      counterMinutes: learned.byCounter,
      policy: options.policy,
      now,
      targetWaitMinutes: scenario.targetWaitMinutes,
      alarmWaitMinutes: scenario.alarmWaitMinutes,
      arrivalsPerHour: forecast[hour],
      onlyTicket: customer.ticket.id,
    });
    return result.get(customer.ticket.id) ?? Number.NaN;
  };

  let next = 0;
  let endMs = 0;
  for (;;) {
    const arrival = customers[next];
    const heapTime = heap.peekTime();
    if (arrival === undefined && heap.size === 0) break;
    // An arrival goes before events of the same instant: customers at the door at opening are all in line when
    // the counters open, so the policy chooses among them (the documents' worked example); a counter freed at
    // that instant then calls through the policy too.
    if (arrival !== undefined && arrival.arrivalMs <= heapTime) {
      next++;
      const now = arrival.arrivalMs;
      waiting.push(arrival.ticket);
      let called = false;
      for (let i = 0; i < idle.length; i++) {
        const ci = idle[i] as number;
        if (callNext(ci, now)) {
          idle.splice(i, 1);
          called = true;
          break;
        }
      }
      if (predict)
        (outcomes[arrival.index] as CustomerOutcome).predictedMinutes = called ? 0 : predictFor(arrival, now);
      continue;
    }
    const e = heap.pop();
    if (e === undefined) break;
    const now = e.time;
    const c = counters[e.ref] as CounterState;
    switch (e.type) {
      case OPEN:
        if (c.on) {
          c.closing = false; // reopened before its service ended (a break shorter than the service)
          break;
        }
        c.on = true;
        c.openSinceMs = now;
        if (!callNext(e.ref, now)) idle.push(e.ref);
        break;
      case CLOSE:
        if (!c.on) break;
        if (now >= c.lastEndMs && now >= closeMs) c.overtime = true;
        if (!c.busy) {
          removeIdle(e.ref);
          if (!(c.overtime && callNext(e.ref, now))) goOff(c, now);
        } else if (!c.overtime) c.closing = true;
        break;
      case COMPLETE: {
        const k = c.customer;
        const customer = customers[k] as SimCustomer;
        c.busy = false;
        c.customer = -1;
        c.busyMs += now - c.startMs;
        endMs = Math.max(endMs, now);
        if (!customer.noShow) {
          c.served++;
          // Only the predictor uses learned times; dispatch uses the configured ones, as production does.
          if (predict)
            learner.add({
              serviceId: customer.ticket.serviceId,
              counterId: c.dc.id,
              minutes: (now - c.startMs) / MINUTE_MS,
            });
        }
        if (c.closing) goOff(c, now);
        else if (!callNext(e.ref, now)) {
          if (c.overtime) goOff(c, now);
          else idle.push(e.ref);
        }
        break;
      }
      case ABANDON: {
        const customer = customers[e.ref] as SimCustomer;
        const o = outcomes[e.ref] as CustomerOutcome;
        if (o.callMs < 0 && !o.walkedAway) {
          o.walkedAway = true;
          removeWaiting(customer.ticket);
        }
        break;
      }
    }
  }
  for (const c of counters) if (c.on) goOff(c, Math.max(endMs, c.lastEndMs));
  options.onOutcomes?.(customers, outcomes);

  return buildReport({
    scenario,
    policy: options.policy,
    seed: options.seed,
    customers,
    outcomes,
    missedAppointments,
    counters: counters.map((c) => ({ id: c.dc.id, openMs: c.openMs, busyMs: c.busyMs, served: c.served })),
    lastCompletionMs: endMs,
  });
}

/** Expected walk-ins per hour by type, from the scenario's profile (none for a trace: it has no forecast). */
function hourlyForecast(scenario: Scenario): ReadonlyMap<ServiceId, number>[] {
  const out: Map<ServiceId, number>[] = [];
  const total = scenario.services.reduce((s, x) => s + x.share, 0);
  for (let h = 0; h < 24; h++) {
    const m = new Map<ServiceId, number>();
    if (scenario.arrivals.kind === "poisson" && total > 0) {
      const rate = scenario.arrivals.perHour[h] ?? 0;
      for (const s of scenario.services) if (s.share > 0 && rate > 0) m.set(s.id, (rate * s.share) / total);
    }
    out.push(m);
  }
  return out;
}
