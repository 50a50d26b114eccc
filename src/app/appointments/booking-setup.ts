import type { Kysely } from "kysely";
import type { FormField } from "../../domain/appointments/forms.ts";
import { type BookingRules, withDefaults } from "../../domain/appointments/rules.ts";
import { computeSlots, type Slot } from "../../domain/appointments/slots.ts";
import { closuresOf, countersServing, formOf, rulesOf } from "../../store/appointments.ts";
import { type Branch, findBranch, findService, type Service } from "../../store/branches.ts";
import type { Database } from "../../store/schema.ts";
import { notFound } from "../errors.ts";

/** Everything the slot grid and the booking rules of one business type depend on. */
export interface BookingSetup {
  readonly branch: Branch;
  readonly service: Service;
  readonly rules: BookingRules;
  readonly form: readonly FormField[];
  readonly counters: number;
  readonly closedDays: readonly string[];
  readonly exceptions: Readonly<Record<string, readonly [string, string] | null>>;
}

export async function loadSetup(db: Kysely<Database>, branchId: string, serviceId: string): Promise<BookingSetup> {
  const branch = await findBranch(db, branchId);
  if (!branch) throw notFound("Branch", branchId);
  const service = await findService(db, serviceId);
  if (!service || service.branchId !== branchId) throw notFound("Business type", serviceId);
  const [stored, form, counters, closures] = await Promise.all([
    rulesOf(db, serviceId),
    formOf(db, serviceId),
    countersServing(db, branchId, serviceId),
    closuresOf(db, branchId, "0000-00-00"),
  ]);
  return { branch, service, rules: withDefaults(stored), form, counters, ...closures };
}

/** The business type's slot grid on one local day. */
export function slotsOn(setup: BookingSetup, date: string): Slot[] {
  return computeSlots({
    date,
    timeZone: setup.branch.timezone,
    openingHours: setup.branch.openingHours,
    closedDays: setup.closedDays,
    exceptions: setup.exceptions,
    counters: setup.counters,
    expectedMinutes: setup.service.expectedMinutes,
    bufferMinutes: setup.rules.bufferMinutes,
    share: setup.rules.share,
    shareByHour: setup.rules.shareByHour,
  });
}
