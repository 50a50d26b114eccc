import type { Kysely } from "kysely";
import { type Branch, toBranch } from "./branches.ts";
import type { Database } from "./schema.ts";

/** One ticket of a past branch-day, as a replay needs it. Times are epoch ms (bigint in PostgreSQL). */
export interface DayTicketRow {
  readonly service_id: string;
  readonly counter_id: string | null;
  readonly priority: string;
  readonly status: string;
  readonly seq: number;
  readonly issued_at: number | string;
  /** The latest call (at the counter that served or gave up on the ticket). */
  readonly called_at: number | string | null;
  /** The first call, where the wait ended (null if called before migration 002: use called_at). */
  readonly first_called_at: number | string | null;
  readonly started_at: number | string | null;
  readonly completed_at: number | string | null;
  readonly appointment_at: number | string | null;
}

/** Every ticket of one branch-local day, in the order they were issued: the unique (branch, day, number) index answers it. */
export function listDayTickets(db: Kysely<Database>, branchId: string, day: string): Promise<DayTicketRow[]> {
  return db
    .selectFrom("tickets")
    .select([
      "service_id",
      "counter_id",
      "priority",
      "status",
      "seq",
      "issued_at",
      "called_at",
      "first_called_at",
      "started_at",
      "completed_at",
      "appointment_at",
    ])
    .where("branch_id", "=", branchId)
    .where("day", "=", day)
    .orderBy("issued_at")
    .orderBy("seq")
    .execute();
}

/** A branch by its id or, failing that, its code ("SH001"): what a person types on the command line. */
export async function findBranchByIdOrCode(db: Kysely<Database>, idOrCode: string): Promise<Branch | undefined> {
  const row = await db
    .selectFrom("branches")
    .selectAll()
    .where((eb) => eb.or([eb("id", "=", idOrCode), eb("code", "=", idOrCode)]))
    .orderBy("code")
    .executeTakeFirst();
  return row && toBranch(row);
}
