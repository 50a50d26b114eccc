import type { BranchId, ServiceId, TicketId } from "../domain/ids.ts";
import { MINUTE_MS } from "../domain/ids.ts";
import type { PriorityClass, WaitingTicket } from "../domain/ticket.ts";
import { pickWeighted, sampler } from "./distributions.ts";
import { createRandom, type Random } from "./random.ts";
import type { ClassMix, Scenario } from "./scenario.ts";

/** Everything random about one customer, drawn before the day runs so every policy meets the same people. */
export interface SimCustomer {
  readonly index: number;
  readonly ticket: WaitingTicket;
  readonly arrivalMs: number;
  readonly serviceIndex: number;
  readonly priority: PriorityClass;
  /** Minutes at a counter of speed 1. */
  readonly serviceMinutes: number;
  /** Walks away this long after arriving if not called; Infinity: stays. */
  readonly patienceMs: number;
  /** Called but does not come to the counter. */
  readonly noShow: boolean;
  readonly appointmentMs: number | null;
}

export interface DrawnDay {
  readonly customers: readonly SimCustomer[];
  /** Bookings whose holder never came. */
  readonly missedAppointments: number;
}

export const SIM_BRANCH = "sim-branch" as BranchId;

/** Independent random streams: changing how patience is drawn must not change who arrives. */
const STREAM = { arrivals: 1, kind: 2, serviceTime: 3, patience: 4, noShow: 5, appointments: 6 } as const;

function cumulative(weights: readonly number[]): number[] {
  let s = 0;
  return weights.map((w) => (s += w));
}

/** Draws the customers of a day: walk-ins (Poisson by hour, or the trace) and appointment check-ins. */
export function drawCustomers(scenario: Scenario, seed: number): DrawnDay {
  const rArr = createRandom(seed, STREAM.arrivals);
  const rKind = createRandom(seed, STREAM.kind);
  const rTime = createRandom(seed, STREAM.serviceTime);
  const rPat = createRandom(seed, STREAM.patience);
  const rNo = createRandom(seed, STREAM.noShow);
  const rAppt = createRandom(seed, STREAM.appointments);
  const serviceIndex = new Map<ServiceId, number>(scenario.services.map((s, i) => [s.id, i]));
  const serviceSamplers = scenario.services.map((s) => sampler(s.serviceTime));
  const patience = scenario.patience ? sampler(scenario.patience) : null;
  const shareCum = cumulative(scenario.services.map((s) => s.share));
  const mixOf = (mix: ClassMix) => ({ classes: mix.map(([c]) => c), cum: cumulative(mix.map(([, w]) => w)) });
  const globalMix = mixOf(scenario.classMix);
  const serviceMix = scenario.services.map((s) => (s.classMix ? mixOf(s.classMix) : globalMix));
  const drawClass = (si: number, r: Random): PriorityClass => {
    const m = serviceMix[si] ?? globalMix;
    return m.classes[pickWeighted(r, m.cum)] ?? "normal";
  };

  type Raw = Omit<SimCustomer, "index" | "ticket">;
  const raw: Raw[] = [];
  const walkIn = (
    minute: number,
    si: number,
    priority: PriorityClass,
    fixedMinutes: number | null,
    appt: number | null,
  ) => {
    raw.push({
      arrivalMs: minute * MINUTE_MS,
      serviceIndex: si,
      priority,
      serviceMinutes: fixedMinutes ?? (serviceSamplers[si] as (r: Random) => number)(rTime),
      // Appointment holders booked their time: they are not modelled as leaving.
      patienceMs: patience && appt === null ? patience(rPat) * MINUTE_MS : Number.POSITIVE_INFINITY,
      noShow: rNo.next() < scenario.noShowShare,
      appointmentMs: appt === null ? null : appt * MINUTE_MS,
    });
  };

  if (scenario.arrivals.kind === "poisson") {
    const perHour = scenario.arrivals.perHour;
    for (let h = 0; h < 24; h++) {
      const rate = perHour[h] ?? 0;
      if (rate <= 0) continue;
      const end = Math.min((h + 1) * 60, scenario.closeMinute);
      // Poisson arrivals are memoryless, so restarting the clock at each hour boundary is exact.
      let t = Math.max(h * 60, scenario.openMinute);
      for (;;) {
        t += (-Math.log(1 - rArr.next()) * 60) / rate;
        if (t >= end) break;
        const si = pickWeighted(rKind, shareCum);
        walkIn(t, si, drawClass(si, rKind), null, null);
      }
    }
  } else {
    for (const c of scenario.arrivals.customers) {
      const si = serviceIndex.get(c.serviceId) ?? 0;
      walkIn(c.minute, si, c.priority, c.serviceMinutes, c.appointmentMinute);
    }
  }

  let missedAppointments = 0;
  const appts = scenario.appointments;
  if (appts) {
    const mixCum = cumulative(appts.serviceMix.map(([, w]) => w));
    const [early, late] = [appts.arriveEarlyMinutes[1], appts.arriveEarlyMinutes[0]];
    for (let h = 0; h < 24; h++) {
      const booked = appts.perHour[h] ?? 0;
      if (booked <= 0) continue;
      // Slots spread evenly over the hour: booking pages offer fixed slots, not random times.
      for (let k = 0; k < booked; k++) {
        const slot = h * 60 + (k * 60) / booked;
        const [sid] = appts.serviceMix[pickWeighted(rAppt, mixCum)] ?? [];
        const si = serviceIndex.get(sid as ServiceId) ?? 0;
        if (rAppt.next() < appts.noShowShare) {
          missedAppointments++;
          continue;
        }
        const arrival = Math.max(scenario.openMinute, slot - (late + (early - late) * rAppt.next()));
        walkIn(arrival, si, "appointment", null, slot);
      }
    }
  }

  // Stable sort: customers of a trace at the same minute keep their listed order. Poisson walk-ins alone come
  // out already in order, and skipping the sort matters when a benchmark draws millions.
  let sorted = true;
  for (let i = 1; i < raw.length && sorted; i++) sorted = (raw[i - 1] as Raw).arrivalMs <= (raw[i] as Raw).arrivalMs;
  const order = raw.map((_, i) => i);
  if (!sorted) order.sort((a, b) => (raw[a] as Raw).arrivalMs - (raw[b] as Raw).arrivalMs || a - b);
  const width = Math.max(6, String(raw.length).length);
  const customers = order.map((ri, index): SimCustomer => {
    const c = raw[ri] as Raw;
    const ticket: WaitingTicket = {
      // Zero-padded so that the id tie-break of equal line positions follows arrival order.
      id: `T${String(index).padStart(width, "0")}` as TicketId,
      branchId: SIM_BRANCH,
      serviceId: (scenario.services[c.serviceIndex] as { id: ServiceId }).id,
      priority: c.priority,
      issuedAt: c.arrivalMs,
      queuedAt: c.arrivalMs,
      appointmentAt: c.appointmentMs,
      targetCounterId: null,
    };
    return {
      index,
      ticket,
      arrivalMs: c.arrivalMs,
      serviceIndex: c.serviceIndex,
      priority: c.priority,
      serviceMinutes: c.serviceMinutes,
      patienceMs: c.patienceMs,
      noShow: c.noShow,
      appointmentMs: c.appointmentMs,
    };
  });
  return { customers, missedAppointments };
}
