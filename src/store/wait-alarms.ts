import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

export const WAIT_ALARM_KIND = "wait.alarm";

export interface OverdueTicket {
  readonly id: string;
  readonly number: string;
  readonly serviceId: string;
  readonly issuedAt: number;
}

/**
 * The branch's waiting tickets issued at or before `issuedBy` (their wait has passed the alarm) that no
 * wait-alarm notice names yet: each ticket is noticed at most once, however long it goes on waiting.
 */
export async function listUnnoticedOverdue(
  db: Kysely<Database>,
  branchId: string,
  issuedBy: number,
): Promise<OverdueTicket[]> {
  const rows = await db
    .selectFrom("tickets")
    .select(["id", "number", "service_id", "issued_at"])
    .where("branch_id", "=", branchId)
    .where("status", "=", "waiting")
    .where("issued_at", "<=", issuedBy)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("outbox")
            .select("outbox.id")
            .whereRef("outbox.related_id", "=", "tickets.id")
            .where("outbox.kind", "=", WAIT_ALARM_KIND),
        ),
      ),
    )
    .orderBy("issued_at")
    .execute();
  return rows.map((r) => ({ id: r.id, number: r.number, serviceId: r.service_id, issuedAt: Number(r.issued_at) }));
}

export interface StaffContact {
  readonly userId: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  readonly email: string | null;
  readonly phone: string | null;
}

/** Active members of the branch who have an e-mail address or a mobile number. */
export async function listBranchContacts(db: Kysely<Database>, branchId: string): Promise<StaffContact[]> {
  const rows = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select(["users.id", "users.display_name", "users.roles", "users.email", "users.phone"])
    .where("memberships.branch_id", "=", branchId)
    .where("users.active", "=", 1)
    .where((eb) => eb.or([eb("users.email", "is not", null), eb("users.phone", "is not", null)]))
    .orderBy("users.username")
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    displayName: r.display_name,
    roles: JSON.parse(r.roles) as string[],
    email: r.email ?? null,
    phone: r.phone ?? null,
  }));
}
