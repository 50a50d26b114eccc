import { type DispatchCounter, skillWeight } from "../counter.ts";
import { MINUTE_MS, type ServiceId } from "../ids.ts";
import { PRIORITY_WEIGHT, type WaitingTicket } from "../ticket.ts";
import { byLinePosition, eligibleTickets } from "./eligibility.ts";
import type { DispatchContext, DispatchPolicy } from "./policy.ts";

/** Every knob of `smart`, each with its default and the reason for it. */
export interface SmartParameters {
  /** Expected minutes for a business type with no configured or learned time: the middle of simple business (1–6 min). */
  readonly defaultServiceMinutes: number;
  /**
   * Urgency = 1 + (wait / target)^exponent. Quadratic: below the target the cμ order (short business first)
   * dominates, past it a ticket's claim grows fast enough that long business is not starved.
   */
  readonly urgencyExponent: number;
  /**
   * A walk-in becomes critical at this share of the alarm wait; critical tickets go earliest-deadline-first.
   * 0.7 (21 of 30 min) leaves 9 min, several service ends in a branch, to call them before the alarm; 0.6 gave
   * away a third of the cμ gain, 0.8 let more pass the alarm (simulated weekday and payday, seeds 1–15).
   */
  readonly criticalShareOfAlarm: number;
  /** Minutes after the slot within which an appointment holder is called: the usual "±5 min" of bank booking pages. */
  readonly appointmentGraceMinutes: number;
  /**
   * Weight of the counter's own preference: score × (skill weight ÷ the counter's best weight)^this. 1 makes a
   * counter with weights 3/1 take its speciality unless the other line has three times the claim.
   */
  readonly skillPreferenceExponent: number;
  /**
   * Specialist counters: a counter leaves a ticket outside its specialities to the open counters that prefer that
   * business more than it does, and calls its own speciality instead, while (a) those counters are at least as
   * many as the tickets of that business waiting ÷ this number, and (b) the ticket has waited less than the
   * target. 1: one waiting ticket per preferring counter, each takes one at its next call. 0 turns it off.
   * Simulated over 300 days per scenario (docs/dispatch.md): mean and p95 within 0.6% of the policy without it;
   * 0.5 (the session-8 variant A) measured the same, 2 cost the weekday mean 1.8%.
   */
  readonly leaveToPreferringCounters: number;
  /**
   * Alarm-first (issue 12, not the default): among critical tickets, those still before their deadline and due within
   * this many minutes go before those already past theirs, so that a call saves someone from passing the alarm (or
   * an appointment holder from passing the grace) instead of shortening a wait that has passed it anyway. 0 turns it
   * off (earliest deadline first, as before). 5 lowers the waits past the alarm by a quarter (wealth branch, below
   * fifo's) to a half (weekday, payday), but the customers already past it wait longer: minutes past the alarm
   * +15–19% and waits over 45 min 1.6–3.5× on weekday and payday (docs/dispatch.md). 5 in the default `smart`.
   */
  readonly imminentFirstMinutes: number;
  /** With alarm-first on: a ticket this many minutes past its deadline yields no longer (bounds the worst wait). */
  readonly lateYieldLimitMinutes: number;
  /**
   * Class weight of an appointment holder who is in the branch before their slot (1: a normal customer until the
   * slot). 2 calls them early when a counter has room, so fewer are owed a call at the slot in a busy hour.
   */
  readonly earlyAppointmentWeight: number;
}

export const SMART_DEFAULTS: SmartParameters = Object.freeze({
  defaultServiceMinutes: 5,
  urgencyExponent: 2,
  criticalShareOfAlarm: 0.7,
  appointmentGraceMinutes: 5,
  skillPreferenceExponent: 1,
  leaveToPreferringCounters: 1,
  imminentFirstMinutes: 0,
  lateYieldLimitMinutes: 10,
  earlyAppointmentWeight: 1,
});

/** The two settings that make the default policy `smart` (index.ts) alarm-first; off in `smart-classic`. */
export const ALARM_FIRST: Partial<SmartParameters> = Object.freeze({
  imminentFirstMinutes: 5,
  earlyAppointmentWeight: 2,
});

/**
 * The moment by which a ticket must be called, and when it turns critical. An appointment holder is owed a
 * call within the grace of their slot (or of their check-in, when late), and turns critical at the slot:
 * the promise was the slot. A walk-in is owed a call before the alarm.
 */
function deadlines(
  t: WaitingTicket,
  context: DispatchContext,
  p: SmartParameters,
): { due: number; criticalAt: number } {
  if (t.appointmentAt !== null) {
    const slot = Math.max(t.appointmentAt, t.issuedAt);
    return { due: slot + p.appointmentGraceMinutes * MINUTE_MS, criticalAt: slot };
  }
  const alarmMs = context.alarmWaitMinutes * MINUTE_MS;
  return { due: t.issuedAt + alarmMs, criticalAt: t.issuedAt + alarmMs * p.criticalShareOfAlarm };
}

function maxSkillWeight(counter: DispatchCounter): number {
  let max = 0;
  for (const s of counter.skills) if (s.weight > max) max = s.weight;
  return max;
}

/** A counter's preference for a business type relative to its own favourite (1: one of its specialities). */
function relativePreference(counter: DispatchCounter, serviceId: ServiceId): number {
  const best = maxSkillWeight(counter);
  return best > 0 ? skillWeight(counter, serviceId) / best : 0;
}

/**
 * The business types this counter may leave to others now: for each type outside its specialities, whether the
 * other open counters that prefer it more (relatively) are at least `line ÷ perCounter`, the line being the
 * tickets of that type waiting for any counter. Empty without the branch's open counters or when no speciality
 * of this counter waits (then there is nothing to call instead).
 */
function typesLeftToOthers(
  eligible: readonly WaitingTicket[],
  waiting: readonly WaitingTicket[],
  counter: DispatchCounter,
  context: DispatchContext,
  perCounter: number,
): Set<ServiceId> {
  const left = new Set<ServiceId>();
  const open = context.openCounters;
  if (open === undefined || perCounter <= 0) return left;
  const mine = new Map<ServiceId, number>();
  let specialityWaiting = false;
  for (const t of eligible) {
    if (t.targetCounterId !== null || mine.has(t.serviceId)) continue;
    const r = relativePreference(counter, t.serviceId);
    mine.set(t.serviceId, r);
    if (r >= 1) specialityWaiting = true;
  }
  if (!specialityWaiting) return left;
  for (const [serviceId, r] of mine) {
    if (r >= 1) continue;
    let preferring = 0;
    for (const c of open) if (c.id !== counter.id && relativePreference(c, serviceId) > r) preferring++;
    if (preferring === 0) continue;
    let line = 0;
    for (const t of waiting) if (t.serviceId === serviceId && t.targetCounterId === null) line++;
    if (line <= preferring * perCounter) left.add(serviceId);
  }
  return left;
}

/**
 * The critical tier's sub-order. Earliest deadline first (1.2) unless alarm-first is on: then a ticket past its
 * deadline by the yield limit first (1), tickets due within `imminentFirstMinutes` next (1.1), the rest after.
 */
function criticalTier(now: number, due: number, p: SmartParameters): number {
  if (p.imminentFirstMinutes <= 0) return 1.2;
  if (now > due) return now >= due + p.lateYieldLimitMinutes * MINUTE_MS ? 1 : 1.2;
  return due <= now + p.imminentFirstMinutes * MINUTE_MS ? 1.1 : 1.2;
}

/**
 * Datang's policy, non-preemptive (it only chooses who is called next):
 * 1. tickets sent to this counter;
 * 2. critical tickets (appointment slot reached, or a walk-in near the alarm), earliest deadline first: this is
 *    what keeps everyone under the alarm and appointments within their grace whenever capacity allows (with
 *    `imminentFirstMinutes`, those about to pass their deadline before those already past it);
 * 3. otherwise the highest generalised-cμ index: class weight × urgency ÷ expected minutes × the counter's
 *    preference. Short business first lowers everyone's mean wait (the documents' worked example: simple first,
 *    complex customers wait 3 min; complex first, simple ones wait 10); the class weight keeps VIP and care
 *    precedence; urgency grows with wait relative to the branch target;
 * 4. last, tickets this counter leaves to counters that prefer their business (see `leaveToPreferringCounters`):
 *    counter 4 (account opening, card loss; cash as a side line) calls an account ticket before a cash ticket
 *    while the cash counters are enough for the cash line and that ticket is under the target wait.
 * An appointment holder who arrives before their slot is a normal customer until the slot: early arrival does
 * not buy precedence over walk-ins.
 */
export function createSmartPolicy(parameters: Partial<SmartParameters> = {}): DispatchPolicy {
  const p: SmartParameters = { ...SMART_DEFAULTS, ...parameters };
  return (waiting, counter, context) => {
    const now = context.now;
    const targetMs = Math.max(1, context.targetWaitMinutes) * MINUTE_MS;
    const bestWeight = maxSkillWeight(counter);
    const eligible = eligibleTickets(waiting, counter);
    const leftToOthers = typesLeftToOthers(eligible, waiting, counter, context, p.leaveToPreferringCounters);
    let best: WaitingTicket | undefined;
    let bestTier = 4;
    let bestKey = 0;
    for (const t of eligible) {
      let tier: number;
      let key: number; // lower is better within a tier
      if (t.targetCounterId === counter.id) {
        tier = 0;
        key = t.queuedAt;
      } else {
        const d = deadlines(t, context, p);
        if (now >= d.criticalAt) {
          tier = criticalTier(now, d.due, p);
          key = d.due;
        } else {
          tier = leftToOthers.has(t.serviceId) && now - t.issuedAt < targetMs ? 3 : 2;
          const early = t.appointmentAt !== null; // not yet at the slot: weighed as a walk-in
          const classWeight = early ? p.earlyAppointmentWeight : PRIORITY_WEIGHT[t.priority];
          const ratio = Math.max(0, now - t.issuedAt) / targetMs;
          const urgency = 1 + ratio ** p.urgencyExponent;
          const minutes = context.expectedMinutes.get(t.serviceId) ?? p.defaultServiceMinutes;
          const preference =
            bestWeight > 0 ? (skillWeight(counter, t.serviceId) / bestWeight) ** p.skillPreferenceExponent : 1;
          // Negated so that lower is better in every tier. A ticket sent here without the skill has preference 0
          // only in tier 0, which it is in.
          key = -((classWeight * urgency * preference) / Math.max(0.1, minutes));
        }
      }
      if (
        best === undefined ||
        tier < bestTier ||
        (tier === bestTier && (key < bestKey || (key === bestKey && byLinePosition(t, best) < 0)))
      ) {
        best = t;
        bestTier = tier;
        bestKey = key;
      }
    }
    return best;
  };
}

/** The classic smart order (every parameter at its default): `smart-classic`. The default `smart` is in index.ts. */
export const smartClassic: DispatchPolicy = createSmartPolicy();
