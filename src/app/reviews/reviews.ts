/**
 * The back office's second review (前台受理、后台复核). A business type marked `needsReview`: the teller's
 * completion makes the ticket `in_review` (see completeService) and puts one review in its branch's queue.
 * A reviewer takes the next one in the order of the branch's dispatch policy (with the review queue's own
 * target and alarm), reads the ticket's record and the teller's notes, and approves (the ticket is done) or
 * rejects with a reason (the ticket goes back to the counter that served it). Four eyes: nobody who served the
 * ticket reviews it, and nobody who reviewed it serves it again.
 */

import type { Answers, FormField } from "../../domain/appointments/forms.ts";
import type { BranchId } from "../../domain/ids.ts";
import { MINUTE_MS } from "../../domain/ids.ts";
import { orderReviews, type PendingReview, pastAlarm } from "../../domain/reviews/queue.ts";
import type { PRIORITY_CLASSES } from "../../domain/ticket.ts";
import { answersOfTicket, formOf } from "../../store/appointments.ts";
import { findCounter } from "../../store/counters.ts";
import {
  decideReview,
  findReview,
  listOpenReviews,
  reviewLevels,
  reviewsOfTicket,
  takeReview,
  ticketSides,
} from "../../store/reviews.ts";
import type { ReviewTable } from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";
import { findTicket, recordTransition, type Ticket } from "../../store/tickets.ts";
import { canActInBranch, requireBranchAccess, requireRole, requireStaff } from "../access.ts";
import type { Actor, Role, StaffActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import { freeTextFor, textsIn, ticketNames } from "../personal-data/free-text.ts";
import { audit } from "../record.ts";
import { branchesOutOfCentralQueue } from "../surveys/settings.ts";
import { afterServiceDone } from "../surveys/surveys.ts";
import { applyTicketAction } from "../tickets/apply-action.ts";
import type { TicketView } from "../views.ts";

/** Who may review: the back office, and the branch's manager (admin everywhere). */
export const REVIEWER_ROLES: readonly Role[] = ["admin", "branch_manager", "back_office"];
/** Who may look at a branch's review queue: the reviewers and the lobby manager (whose page warns of late ones). */
export const REVIEW_READERS: readonly Role[] = [...REVIEWER_ROLES, "lobby_manager"];

/** One item of a review queue, with the ticket's record a reviewer needs. */
export interface ReviewItem {
  readonly id: string;
  readonly ticketId: string;
  readonly branchId: string;
  readonly number: string;
  readonly serviceId: string;
  readonly serviceNameZh: string;
  readonly serviceNameEn: string;
  readonly priority: (typeof PRIORITY_CLASSES)[number];
  readonly counterNumber: number | null;
  readonly tellerId: string;
  readonly tellerName: string;
  readonly round: number;
  readonly status: "pending" | "taken";
  readonly takenBy: string | null;
  readonly submittedAt: string;
  readonly waitedMinutes: number;
  readonly pastTarget: boolean;
  readonly pastAlarm: boolean;
  /** The ticket's record: the teller's outcome and notes, and reasons of earlier rejections. */
  readonly outcome: string | null;
  readonly notes: string | null;
  readonly earlierRejections: readonly string[];
  /** Whether the asking user may decide it (false when they served the ticket: four eyes). */
  readonly mayDecide: boolean;
  /** The ticket's service record: its times and what the teller recorded during service (free text masked). */
  readonly record: ReviewServiceRecord;
  /** The booking form's answers the reviewer checks the business against (see `ReviewForm`). */
  readonly form: ReviewForm;
}

export interface ReviewServiceRecord {
  readonly issuedAt: string;
  readonly calledAt: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly needs: string | null;
  readonly products: readonly string[];
  readonly recordOutcome: string | null;
}

/**
 * The form answers on a review item. A reviewer of the branch checks the business against them: they get the
 * answers with mobile and ID numbers masked (as every staff answer); whoever served the ticket gets them as
 * typed (as on the call card). Anyone else who reads the queue (the lobby manager, who watches for late reviews)
 * has no need of them: `withheld` is true and `answers` is empty.
 */
export interface ReviewForm {
  readonly appointmentId: string | null;
  readonly answers: Answers;
  readonly fields: readonly FormField[];
  readonly withheld: boolean;
}

const toPending = (r: ReviewTable): PendingReview & { row: ReviewTable } => ({
  id: r.id,
  ticketId: r.ticket_id,
  branchId: r.branch_id,
  serviceId: r.service_id,
  priority: r.priority,
  submittedAt: Number(r.submitted_at),
  row: r,
});

/** The branches whose queues the actor may read: one, or (central queue) every branch of theirs, or all for admin. */
function scopeOf(actor: StaffActor, branchId: string | undefined): string[] | null {
  if (branchId !== undefined) {
    requireBranchAccess(actor, branchId as BranchId, REVIEW_READERS);
    return [branchId];
  }
  if (actor.roles.includes("admin")) return null;
  if (!actor.roles.some((r) => REVIEW_READERS.includes(r))) throw forbidden();
  return [...actor.branchIds];
}

/** Open reviews of the scope in the order a reviewer takes them (each branch's policy; branches by the oldest). */
async function orderedQueue(ctx: AppContext, scope: string[] | null, central = false) {
  let rows = await listOpenReviews(ctx.store.db, scope);
  if (central) {
    // The central queue holds the branches that send their reviews there (the admin's review settings).
    const out = await branchesOutOfCentralQueue(ctx.store.db);
    if (out.size) rows = rows.filter((r) => !out.has(r.branch_id));
  }
  const now = ctx.clock();
  const byBranch = new Map<string, ReviewTable[]>();
  for (const r of rows) byBranch.set(r.branch_id, [...(byBranch.get(r.branch_id) ?? []), r]);
  const ordered: Array<{ row: ReviewTable; target: number; alarm: number }> = [];
  for (const [branchId, list] of byBranch) {
    const levels = await reviewLevels(ctx.store.db, branchId);
    if (!levels) continue;
    const lv = { targetMinutes: levels.targetMinutes, alarmMinutes: levels.alarmMinutes };
    for (const p of orderReviews(list.map(toPending), levels.policy, lv, now))
      ordered.push({ row: p.row, target: levels.targetMinutes, alarm: levels.alarmMinutes });
  }
  if (byBranch.size > 1) {
    // The central queue: the branches' orders kept, merged by how long each item has waited past its alarm first.
    const rank = (o: (typeof ordered)[number]) => Number(o.row.submitted_at) + o.alarm * MINUTE_MS;
    const perBranch = new Map<string, typeof ordered>();
    for (const o of ordered) perBranch.set(o.row.branch_id, [...(perBranch.get(o.row.branch_id) ?? []), o]);
    const merged: typeof ordered = [];
    while ([...perBranch.values()].some((l) => l.length > 0)) {
      let best: (typeof ordered)[number] | undefined;
      for (const l of perBranch.values()) {
        const head = l[0];
        if (head && (best === undefined || rank(head) < rank(best))) best = head;
      }
      if (!best) break;
      perBranch.get(best.row.branch_id)?.shift();
      merged.push(best);
    }
    return merged;
  }
  return ordered;
}

async function itemsOf(
  ctx: AppContext,
  actor: StaffActor,
  ordered: Array<{ row: ReviewTable; target: number; alarm: number }>,
): Promise<ReviewItem[]> {
  if (ordered.length === 0) return [];
  const db = ctx.store.db;
  const now = ctx.clock();
  const ticketIds = ordered.map((o) => o.row.ticket_id);
  const [tickets, services, counters, users] = await Promise.all([
    db
      .selectFrom("tickets")
      .select([
        "id",
        "number",
        "outcome",
        "notes",
        "issued_at",
        "first_called_at",
        "called_at",
        "started_at",
        "completed_at",
      ])
      .where("id", "in", ticketIds)
      .execute(),
    db
      .selectFrom("services")
      .select(["id", "name_zh", "name_en"])
      .where(
        "id",
        "in",
        ordered.map((o) => o.row.service_id),
      )
      .execute(),
    db
      .selectFrom("counters")
      .select(["id", "number"])
      .where(
        "id",
        "in",
        ordered.map((o) => o.row.counter_id ?? ""),
      )
      .execute(),
    db
      .selectFrom("users")
      .select(["id", "display_name"])
      .where(
        "id",
        "in",
        ordered.map((o) => o.row.teller_id),
      )
      .execute(),
  ]);
  const [earlier, records, names] = await Promise.all([
    db
      .selectFrom("reviews")
      .select(["ticket_id", "reason"])
      .where("ticket_id", "in", ticketIds)
      .where("status", "=", "rejected")
      .orderBy("round")
      .execute(),
    db
      .selectFrom("service_records")
      .select(["ticket_id", "needs", "products", "outcome"])
      .where("ticket_id", "in", ticketIds)
      .execute(),
    // The customers' names, masked in the free text with the numbers for all but the serving teller.
    ticketNames(db, ticketIds),
  ]);
  const r = new Map(records.map((x) => [x.ticket_id, x]));
  const forms = new Map<string, FormField[]>();
  const t = new Map(tickets.map((x) => [x.id, x]));
  const s = new Map(services.map((x) => [x.id, x]));
  const c = new Map(counters.map((x) => [x.id, x.number]));
  const u = new Map(users.map((x) => [x.id, x.display_name]));
  const items: ReviewItem[] = [];
  for (const { row, target, alarm } of ordered) {
    const sides = await ticketSides(db, row.ticket_id);
    const text = freeTextFor(sides.servers.has(actor.id), names.get(row.ticket_id));
    const waited = now - Number(row.submitted_at);
    const ticket = t.get(row.ticket_id);
    const rec = r.get(row.ticket_id);
    if (!forms.has(row.service_id)) forms.set(row.service_id, await formOf(db, row.service_id));
    const stored = await answersOfTicket(db, row.ticket_id);
    // Reviewers of the item's branch check the business against the answers; the lobby manager reads the queue
    // for its clocks only. The serving teller (who never decides) reads them as typed, as on the call card.
    const server = sides.servers.has(actor.id);
    const checks = server || canActInBranch(actor, row.branch_id as BranchId, REVIEWER_ROLES);
    const answers = stored?.answers ?? {};
    const when = (ms: number | null | undefined) => (ms == null ? null : new Date(Number(ms)).toISOString());
    items.push({
      id: row.id,
      ticketId: row.ticket_id,
      branchId: row.branch_id,
      number: ticket?.number ?? "",
      serviceId: row.service_id,
      serviceNameZh: s.get(row.service_id)?.name_zh ?? "",
      serviceNameEn: s.get(row.service_id)?.name_en ?? "",
      priority: row.priority,
      counterNumber: row.counter_id ? (c.get(row.counter_id) ?? null) : null,
      tellerId: row.teller_id,
      tellerName: u.get(row.teller_id) ?? "",
      round: row.round,
      status: row.status === "taken" ? "taken" : "pending",
      takenBy: row.taken_by,
      submittedAt: new Date(Number(row.submitted_at)).toISOString(),
      waitedMinutes: Math.floor(waited / MINUTE_MS),
      pastTarget: waited >= target * MINUTE_MS,
      pastAlarm: waited >= alarm * MINUTE_MS,
      // The teller's free text as typed only to whoever served the ticket (as on GET /api/tickets/:id); the
      // reviewer checks the business, not the customer's phone or ID number typed into it.
      outcome: text(t.get(row.ticket_id)?.outcome ?? null),
      notes: text(t.get(row.ticket_id)?.notes ?? null),
      earlierRejections: earlier
        .filter((e) => e.ticket_id === row.ticket_id)
        .map((e) => text(e.reason ?? "") as string),
      mayDecide:
        !sides.servers.has(actor.id) &&
        canActInBranch(actor, row.branch_id as BranchId, REVIEWER_ROLES) &&
        (row.taken_by === null || row.taken_by === actor.id),
      record: {
        issuedAt: when(ticket?.issued_at) ?? new Date(Number(row.submitted_at)).toISOString(),
        calledAt: when(ticket?.first_called_at ?? ticket?.called_at),
        startedAt: when(ticket?.started_at),
        completedAt: when(ticket?.completed_at),
        needs: rec ? text(rec.needs) : null,
        products: rec ? (JSON.parse(rec.products) as string[]).map((x) => text(x) as string) : [],
        recordOutcome: rec ? text(rec.outcome) : null,
      },
      form: {
        appointmentId: stored?.appointmentId ?? null,
        answers: !checks ? {} : textsIn(answers, text),
        fields: forms.get(row.service_id) ?? [],
        withheld: !checks,
      },
    });
  }
  return items;
}

/** `GET /api/branches/:branchId/reviews` (one branch) or `GET /api/reviews` (the central queue of the actor's branches). */
export async function listReviews(ctx: AppContext, who: Actor, branchId?: string): Promise<ReviewItem[]> {
  const actor = requireStaff(who);
  return itemsOf(ctx, actor, await orderedQueue(ctx, scopeOf(actor, branchId), branchId === undefined));
}

/**
 * The reviewer takes the first item of the queue they may decide (not one they served), and it is theirs until
 * decided. Answers it, or undefined when nothing is left for them.
 */
export async function takeNextReview(ctx: AppContext, who: Actor, branchId?: string): Promise<ReviewItem | undefined> {
  const actor = requireStaff(who);
  if (branchId !== undefined) requireBranchAccess(actor, branchId as BranchId, REVIEWER_ROLES);
  else if (!actor.roles.some((r) => REVIEWER_ROLES.includes(r))) throw forbidden();
  const scope = scopeOf(actor, branchId);
  const central = branchId === undefined;
  const ordered = await orderedQueue(ctx, scope, central);
  // An item the reviewer already holds is theirs to decide first, even when its branch has left the central queue
  // since they took it (otherwise they would hold two and the first would stay taken by nobody who sees it).
  const held = central ? await orderedQueue(ctx, scope, false) : ordered;
  const mine = held.find((o) => o.row.status === "taken" && o.row.taken_by === actor.id);
  if (mine) return (await itemsOf(ctx, actor, [mine]))[0];
  for (const o of ordered) {
    if (o.row.status !== "pending") continue;
    if (!canActInBranch(actor, o.row.branch_id as BranchId, REVIEWER_ROLES)) continue;
    const sides = await ticketSides(ctx.store.db, o.row.ticket_id);
    if (sides.servers.has(actor.id)) continue;
    const now = ctx.clock();
    const taken = await ctx.store.write(async (tx) => {
      if (!(await takeReview(tx, o.row.id, actor.id, now))) return false;
      await recordTransition(tx, {
        ticketId: o.row.ticket_id,
        branchId: o.row.branch_id,
        action: "review-take",
        from: "in_review",
        to: "in_review",
        at: now,
        actorType: "user",
        actorId: actor.id,
        data: { reviewId: o.row.id, round: o.row.round, waitedMs: now - Number(o.row.submitted_at) },
      });
      await audit(tx, actor, now, "review.take", { type: "review", id: o.row.id, branchId: o.row.branch_id });
      return true;
    });
    if (taken) {
      const row = await findReview(ctx.store.db, o.row.id);
      if (row) return (await itemsOf(ctx, actor, [{ ...o, row }]))[0];
    }
  }
  return undefined;
}

/** The four-eyes check and the reviewer's right to the item; throws 403 or 409. */
async function authorizeDecision(tx: Tx, actor: Actor, review: ReviewTable): Promise<StaffActor> {
  const staff = requireStaff(actor);
  requireBranchAccess(staff, review.branch_id as BranchId, REVIEWER_ROLES);
  const sides = await ticketSides(tx, review.ticket_id);
  if (sides.servers.has(staff.id))
    throw forbidden(
      "Four eyes: you served this ticket, so someone else reviews it.",
      "双人复核：您办理了此笔业务，须由他人复核。",
    );
  if (review.status === "taken" && review.taken_by !== staff.id)
    throw conflict(
      "Another reviewer has taken this item.",
      { takenBy: review.taken_by },
      "该复核任务已由其他复核员领取。",
    );
  if (review.status !== "pending" && review.status !== "taken")
    throw conflict(`This review is already ${review.status}.`, { status: review.status }, "该复核任务已处理。");
  return staff;
}

async function openReview(ctx: AppContext, actor: Actor, reviewId: string): Promise<ReviewTable> {
  // The role first: whoever may never review learns nothing about which reviews exist.
  requireRole(actor, REVIEWER_ROLES);
  const review = await findReview(ctx.store.db, reviewId);
  if (!review) throw notFound("Review", reviewId);
  return review;
}

/** `POST /api/reviews/:id/approve`: the ticket is done. */
export async function approveReview(
  ctx: AppContext,
  actor: Actor,
  reviewId: string,
  input: { note?: string } = {},
): Promise<TicketView> {
  const review = await openReview(ctx, actor, reviewId);
  return applyTicketAction(ctx, actor, review.ticket_id, {
    action: "approve",
    event: "ticket.review_approved",
    details: { reviewId, round: review.round, ...(input.note ? { note: input.note } : {}) },
    authorize: async (tx, a) => {
      const current = (await findReview(tx, reviewId)) ?? review;
      await authorizeDecision(tx, a, current);
    },
    change: async (t, { tx, now }) => {
      const staff = requireStaff(actor);
      if (!(await decideReview(tx, reviewId, { status: "approved", userId: staff.id, now, reason: null })))
        throw conflict("This review was decided meanwhile.", undefined, "该复核任务刚被处理。");
      await afterServiceDone(ctx, tx, t, now);
      return {};
    },
  });
}

/**
 * `POST /api/reviews/:id/reject {reason}`: the ticket goes back to the counter that served it with the reason
 * in its notes: serving again there when that counter is open and free, otherwise first in that counter's line
 * (its business type's line if the counter has closed), where the teller's next call brings the customer back.
 */
export async function rejectReview(
  ctx: AppContext,
  actor: Actor,
  reviewId: string,
  input: { reason: string },
): Promise<TicketView> {
  const review = await openReview(ctx, actor, reviewId);
  let serveAt: string | null = null;
  return applyTicketAction(ctx, actor, review.ticket_id, {
    action: "reject",
    event: "ticket.review_rejected",
    details: { reviewId, round: review.round, reason: input.reason },
    authorize: async (tx, a) => {
      const current = (await findReview(tx, reviewId)) ?? review;
      await authorizeDecision(tx, a, current);
    },
    resolve: async (t, { tx }) => {
      const counter = t.counterId ? await findCounter(tx, t.counterId) : undefined;
      serveAt =
        counter && counter.state === "open" && counter.currentTicketId === null && counter.signedInUserId !== null
          ? counter.id
          : null;
      return serveAt
        ? { action: "reject", event: "ticket.review_rejected" }
        : { action: "reject-requeue", event: "ticket.review_rejected" };
    },
    change: async (t, { tx, now }) => {
      const staff = requireStaff(actor);
      if (!(await decideReview(tx, reviewId, { status: "rejected", userId: staff.id, now, reason: input.reason })))
        throw conflict("This review was decided meanwhile.", undefined, "该复核任务刚被处理。");
      const notes = `${t.notes ? `${t.notes}\n` : ""}[复核退回 / Review rejected] ${input.reason}`;
      if (serveAt !== null) {
        const assigned = await tx
          .updateTable("counters")
          .set({ current_ticket_id: t.id })
          .where("id", "=", serveAt)
          .where("current_ticket_id", "is", null)
          .executeTakeFirst();
        if (Number(assigned.numUpdatedRows) !== 1)
          throw conflict(
            "The counter took another ticket meanwhile; try again.",
            undefined,
            "窗口刚接了其他号，请重试。",
          );
        return { notes, counter_id: serveAt, started_at: now, completed_at: null, target_counter_id: null };
      }
      const counter = t.counterId ? await findCounter(tx, t.counterId) : undefined;
      const front = await frontOfLine(tx, t);
      return {
        notes,
        counter_id: null,
        completed_at: null,
        target_counter_id: counter && counter.state !== "closed" ? counter.id : null,
        queued_at: front,
      };
    },
  });
}

/** Just before the earliest ticket waiting in the branch: the customer has waited already. */
async function frontOfLine(tx: Tx, t: Ticket): Promise<number> {
  const first = await tx
    .selectFrom("tickets")
    .select((eb) => eb.fn.min("queued_at").as("q"))
    .where("branch_id", "=", t.branchId)
    .where("status", "=", "waiting")
    .executeTakeFirst();
  const q = first?.q === null || first?.q === undefined ? null : Number(first.q);
  return q === null ? t.queuedAt : Math.min(t.queuedAt, q - 1);
}

/** The four-eyes rule on the service side: nobody who reviewed the ticket completes it at the counter. */
export async function requireNotReviewer(tx: Tx, actor: Actor, ticketId: string): Promise<void> {
  if (actor.type !== "user") return;
  const sides = await ticketSides(tx, ticketId);
  if (sides.reviewers.has(actor.id))
    throw forbidden(
      "Four eyes: you reviewed this ticket, so you may not also serve it.",
      "双人复核：您复核过此笔业务，不能再为其办理。",
    );
}

/** The review history of a ticket (staff reading the ticket's record). */
export async function reviewsOf(ctx: AppContext, actor: Actor, ticketId: string): Promise<ReviewTable[]> {
  const t = await findTicket(ctx.store.db, ticketId);
  if (!t) throw notFound("Ticket", ticketId);
  requireBranchAccess(actor, t.branchId as BranchId, [...REVIEW_READERS, "teller"]);
  return reviewsOfTicket(ctx.store.db, ticketId);
}

/** Whether a review waited past its branch's alarm and has not warned the lobby yet. */
export function overdue(row: ReviewTable, alarmMinutes: number, now: number): boolean {
  return (
    row.alarmed_at === null &&
    pastAlarm({ submittedAt: Number(row.submitted_at) }, { targetMinutes: 0, alarmMinutes }, now)
  );
}
