import type { Kysely } from "kysely";
import type { EpochMs } from "../../domain/ids.ts";
import {
  type Availability,
  availability,
  type ClosedReason,
  hasTimeRules,
  localMinuteOfDay,
  type ServiceRules,
} from "../../domain/opening/service-rules.ts";
import type { Database } from "../../store/schema.ts";
import { AppError } from "../errors.ts";

/** Whether a business type takes a ticket now, as the kiosk shows it: a closed one says why. */
export type ServiceAvailability =
  | { readonly open: true }
  | {
      readonly open: false;
      readonly reason: ClosedReason | "inactive";
      /** "HH:MM": when it opens (not_open_yet) or when taking tickets stopped (cut_off). */
      readonly at?: string;
      readonly cap?: number;
    };

/** A business type's availability at `now` in its branch's time zone, with `issuedToday` numbers handed out. */
export function serviceAvailability(
  service: ServiceRules & { readonly active: boolean },
  timeZone: string,
  now: EpochMs,
  issuedToday: number,
): ServiceAvailability {
  if (!service.active) return { open: false, reason: "inactive" };
  // The time of day is only read when a rule needs it: most business types have none.
  const minute = hasTimeRules(service) ? localMinuteOfDay(now, timeZone) : 0;
  return availability(service, minute, issuedToday);
}

/** Numbers handed out today per queue prefix (one read; for the kiosk's view, not the issue path). */
export async function issuedTodayByPrefix(
  db: Kysely<Database>,
  branchId: string,
  day: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("queue_days")
    .select(["prefix", "last_seq"])
    .where("branch_id", "=", branchId)
    .where("day", "=", day)
    .execute();
  return new Map(rows.map((r) => [r.prefix, Number(r.last_seq)]));
}

/** The 409 for a ticket refused by the business type's opening rules. */
export function closedError(code: string, closed: Exclude<Availability, { open: true }>): AppError {
  // Codes a client programs against: closed for the time being (hours, cut-off), or full for the day.
  switch (closed.reason) {
    case "not_open_yet":
      return new AppError(
        409,
        "service_closed",
        `Business type ${code} takes tickets from ${closed.at}.`,
        { reason: closed.reason, at: closed.at },
        `业务 ${code} ${closed.at} 起取号。`,
      );
    case "cut_off":
      return new AppError(
        409,
        "service_closed",
        `Tickets for business type ${code} stopped at ${closed.at} today.`,
        { reason: closed.reason, at: closed.at },
        `业务 ${code} 今日取号已于 ${closed.at} 截止。`,
      );
    case "full":
      return new AppError(
        409,
        "service_full",
        `Business type ${code} has handed out today's ${closed.cap} tickets.`,
        { reason: closed.reason, cap: closed.cap },
        `业务 ${code} 今日 ${closed.cap} 个号已取完。`,
      );
  }
}
