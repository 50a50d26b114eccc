import type { Kysely } from "kysely";
import type { Database, ReviewTable } from "./schema.ts";

/** Reviews waiting for a decision (pending or taken) of some branches, or of every branch when `branchIds` is null. */
export function listOpenReviews(db: Kysely<Database>, branchIds: readonly string[] | null): Promise<ReviewTable[]> {
  let q = db.selectFrom("reviews").selectAll().where("status", "in", ["pending", "taken"]);
  if (branchIds !== null) {
    if (branchIds.length === 0) return Promise.resolve([]);
    q = q.where("branch_id", "in", branchIds);
  }
  return q.orderBy("submitted_at").execute();
}

export function findReview(db: Kysely<Database>, id: string): Promise<ReviewTable | undefined> {
  return db.selectFrom("reviews").selectAll().where("id", "=", id).executeTakeFirst();
}

export function reviewsOfTicket(db: Kysely<Database>, ticketId: string): Promise<ReviewTable[]> {
  return db.selectFrom("reviews").selectAll().where("ticket_id", "=", ticketId).orderBy("round").execute();
}

export async function insertReview(db: Kysely<Database>, row: ReviewTable): Promise<void> {
  await db.insertInto("reviews").values(row).execute();
}

/** Takes a review for a reviewer only if it still waits untaken; answers whether it did. */
export async function takeReview(db: Kysely<Database>, id: string, userId: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable("reviews")
    .set({ status: "taken", taken_by: userId, taken_at: now })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records the decision only if the review is still open and not taken by someone else; answers whether it did. */
export async function decideReview(
  db: Kysely<Database>,
  id: string,
  decision: { status: "approved" | "rejected"; userId: string; now: number; reason: string | null },
): Promise<boolean> {
  const r = await db
    .updateTable("reviews")
    .set((eb) => ({
      status: decision.status,
      decided_by: decision.userId,
      decided_at: decision.now,
      reason: decision.reason,
      taken_by: eb.fn.coalesce("taken_by", eb.val(decision.userId)),
      taken_at: eb.fn.coalesce("taken_at", eb.val(decision.now)),
    }))
    .where("id", "=", id)
    .where((eb) =>
      eb.or([eb("status", "=", "pending"), eb.and([eb("status", "=", "taken"), eb("taken_by", "=", decision.userId)])]),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Mean minutes from submission to decision of a branch's latest decided reviews; null without history. */
export async function meanReviewMinutes(db: Kysely<Database>, branchId: string): Promise<number | null> {
  const rows = await db
    .selectFrom("reviews")
    .select(["submitted_at", "decided_at"])
    .where("branch_id", "=", branchId)
    .where("decided_at", "is not", null)
    .orderBy("decided_at", "desc")
    .limit(20)
    .execute();
  if (rows.length === 0) return null;
  const total = rows.reduce((s, r) => s + (Number(r.decided_at) - Number(r.submitted_at)), 0);
  return total / rows.length / 60_000;
}

/** The branch's review queue levels (migration 016). */
export async function reviewLevels(
  db: Kysely<Database>,
  branchId: string,
): Promise<{ targetMinutes: number; alarmMinutes: number; policy: string } | undefined> {
  const row = await db
    .selectFrom("branches")
    .select(["review_target_minutes", "review_alarm_minutes", "dispatch_policy"])
    .where("id", "=", branchId)
    .executeTakeFirst();
  return (
    row && {
      targetMinutes: Number(row.review_target_minutes),
      alarmMinutes: Number(row.review_alarm_minutes),
      policy: row.dispatch_policy,
    }
  );
}

/**
 * Users who acted on the ticket's service side (called, started, completed it) or who decided a review of it:
 * for the four-eyes rule.
 */
export async function ticketSides(
  db: Kysely<Database>,
  ticketId: string,
): Promise<{ servers: Set<string>; reviewers: Set<string> }> {
  const [moves, reviews] = await Promise.all([
    db
      .selectFrom("ticket_transitions")
      .select(["actor_id", "action"])
      .where("ticket_id", "=", ticketId)
      .where("actor_type", "=", "user")
      .where("action", "in", ["call", "recall", "start", "complete", "submit-review"])
      .execute(),
    reviewsOfTicket(db, ticketId),
  ]);
  const servers = new Set<string>();
  for (const m of moves) if (m.actor_id) servers.add(m.actor_id);
  for (const r of reviews) servers.add(r.teller_id);
  const reviewers = new Set<string>();
  for (const r of reviews) {
    if (r.decided_by) reviewers.add(r.decided_by);
    if (r.taken_by) reviewers.add(r.taken_by);
  }
  return { servers, reviewers };
}
