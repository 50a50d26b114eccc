/**
 * Merging two records of one person: proposed by one member of staff, confirmed (or rejected) by another
 * with a manager's role; never silent, both steps audited (issue 14: Chatwoot's most-complained-about
 * behaviour is merging without asking).
 *
 *   proposeMerge(ctx, staff, { sourceId, targetId, reason }) → the proposal (status "proposed")
 *   decideMerge(ctx, manager, mergeId, "confirm" | "reject", reason?) → the reason goes into the audit line; confirm moves the source's visits,
 *     appointments, consents, reports, follow-ups, complaints, survey answers and chat conversations to the
 *     target, keeps the target's identity, and marks the source merged (its phone freed for nobody: a placeholder, so identification finds the target by its own phone)
 *   listMerges(ctx, staff, status?) → proposals with masked names
 */
import { maskCustomerPhone, maskName } from "../../domain/personal-data/mask-customer.ts";
import type { Tx } from "../../store/store.ts";
import { requireRole } from "../access.ts";
import type { Actor, Role } from "../actor.ts";
import { requeueRemindersOfCustomer } from "../appointments/messages.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { maskedFor } from "../personal-data/free-text.ts";
import { audit } from "../record.ts";
import { cancelServiceMessages, currentConsent } from "./identify.ts";
import { auditBranchFor, CUSTOMER_ROLES } from "./records.ts";

export const MERGE_PROPOSERS: readonly Role[] = ["admin", "branch_manager", "lobby_manager", "teller"];
export const MERGE_DECIDERS: readonly Role[] = ["admin", "branch_manager"];

export interface MergeView {
  readonly id: string;
  readonly status: string;
  readonly reason: string;
  readonly source: { id: string; code: string; name: string; phone: string };
  readonly target: { id: string; code: string; name: string; phone: string };
  readonly proposedBy: string;
  readonly proposedAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
}

async function view(ctx: AppContext, id: string): Promise<MergeView> {
  const m = await ctx.store.db.selectFrom("customer_merges").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const people = await ctx.store.db
    .selectFrom("customers")
    .select(["id", "code", "name", "phone_e164", "anonymised_at"])
    .where("id", "in", [m.source_id, m.target_id])
    .execute();
  const who = (cid: string) => {
    const c = people.find((p) => p.id === cid);
    return {
      id: cid,
      code: c?.code ?? "",
      name: c ? maskName(c.name) : "",
      phone: c && !c.anonymised_at && c.phone_e164.startsWith("+") ? maskCustomerPhone(c.phone_e164) : "",
    };
  };
  return {
    id: m.id,
    status: m.status,
    // Free text about the two records: numbers and both records' names masked for every reader.
    reason: maskedFor(people.filter((p) => !p.anonymised_at).map((p) => p.name))(m.reason),
    source: who(m.source_id),
    target: who(m.target_id),
    proposedBy: m.proposed_by,
    proposedAt: new Date(m.proposed_at).toISOString(),
    decidedBy: m.decided_by,
    decidedAt: m.decided_at === null ? null : new Date(m.decided_at).toISOString(),
  };
}

export async function proposeMerge(
  ctx: AppContext,
  actor: Actor,
  input: { sourceId: string; targetId: string; reason: string },
): Promise<MergeView> {
  const staff = requireRole(actor, MERGE_PROPOSERS);
  if (input.sourceId === input.targetId)
    throw invalid("A record cannot be merged into itself.", { field: "targetId" }, "不能将记录合并到其自身。");
  const reason = input.reason.trim();
  if (!reason) throw invalid("Say why these are one person.", { field: "reason" }, "请说明合并理由。");
  const id = ctx.newId();
  await ctx.store.write(async (tx) => {
    const rows = await tx
      .selectFrom("customers")
      .select(["id", "anonymised_at", "merged_into"])
      .where("id", "in", [input.sourceId, input.targetId])
      .execute();
    for (const cid of [input.sourceId, input.targetId]) {
      const r = rows.find((x) => x.id === cid);
      if (!r) throw notFound("Customer", cid);
      if (r.anonymised_at !== null || r.merged_into !== null)
        throw conflict("This customer record is no longer in use.", { customerId: cid }, "该客户记录已停用。");
    }
    const open = await tx
      .selectFrom("customer_merges")
      .select("id")
      .where("status", "=", "proposed")
      .where((eb) =>
        eb.or([
          eb("source_id", "in", [input.sourceId, input.targetId]),
          eb("target_id", "in", [input.sourceId, input.targetId]),
        ]),
      )
      .executeTakeFirst();
    if (open)
      throw conflict(
        "A merge of these records is already proposed.",
        { mergeId: open.id },
        "这些记录已有待确认的合并。",
      );
    const now = ctx.clock();
    await tx
      .insertInto("customer_merges")
      .values({
        id,
        source_id: input.sourceId,
        target_id: input.targetId,
        status: "proposed",
        reason,
        proposed_by: staff.id,
        proposed_at: now,
        decided_by: null,
        decided_at: null,
      })
      .execute();
    await audit(
      tx,
      staff,
      now,
      "customer.merge.propose",
      { type: "customer", id: input.targetId, branchId: await auditBranchFor(tx, staff, input.targetId) },
      {
        mergeId: id,
        sourceId: input.sourceId,
      },
    );
  });
  return view(ctx, id);
}

/**
 * After a merge the person's consent ledger is both records' answers: the latest answer about each way decides. A
 * refusal of service messages given to the other record after the target's own answer stops what is queued for the
 * person by that way (reminders, survey invitations: `cancelServiceMessages`), as if it had been given to this
 * record; so a merge never lets a reminder go to someone who said no. Answers how many messages were cancelled.
 */
async function applyMergedRefusals(tx: Tx, customerId: string, now: number): Promise<number> {
  const refused: Array<"sms" | "email"> = [];
  for (const way of ["sms", "email"] as const) {
    if ((await currentConsent(tx, customerId, "service", way)) === false) refused.push(way);
  }
  return cancelServiceMessages(
    tx,
    customerId,
    refused,
    now,
    "Cancelled: after a merge of two records of the customer, the latest answer withdraws consent to service messages. 已取消：合并客户记录后，客户最近的答复为撤回服务通知授权。",
  );
}

export async function decideMerge(
  ctx: AppContext,
  actor: Actor,
  mergeId: string,
  decision: "confirm" | "reject",
  reason?: string,
): Promise<MergeView> {
  const staff = requireRole(actor, MERGE_DECIDERS);
  const why = reason?.trim() ?? "";
  if (reason !== undefined && !why) throw invalid("Say why you decide so.", { field: "reason" }, "请说明处理理由。");
  await ctx.store.write(async (tx) => {
    const m = await tx.selectFrom("customer_merges").selectAll().where("id", "=", mergeId).executeTakeFirst();
    if (!m) throw notFound("Merge", mergeId);
    if (m.status !== "proposed")
      throw conflict("This merge was already decided.", { status: m.status }, "该合并已处理。");
    if (m.proposed_by === staff.id)
      throw forbidden("A merge is confirmed by someone other than who proposed it.", "合并须由提议人以外的人员确认。");
    const now = ctx.clock();
    let messagesCancelled = 0;
    let remindersQueued = 0;
    const changed = await tx
      .updateTable("customer_merges")
      .set({ status: decision === "confirm" ? "confirmed" : "rejected", decided_by: staff.id, decided_at: now })
      .where("id", "=", mergeId)
      .where("status", "=", "proposed")
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw conflict("This merge was already decided.", {}, "该合并已处理。");
    if (decision === "confirm") {
      const s = m.source_id;
      const t = m.target_id;
      await tx.updateTable("ticket_customers").set({ customer_id: t }).where("customer_id", "=", s).execute();
      await tx.updateTable("appointments").set({ customer_id: t }).where("customer_id", "=", s).execute();
      await tx.updateTable("appointment_waitlist").set({ customer_id: t }).where("customer_id", "=", s).execute();
      await tx.updateTable("customer_consents").set({ customer_id: t }).where("customer_id", "=", s).execute();
      await tx.updateTable("service_reports").set({ customer_id: t }).where("customer_id", "=", s).execute();
      await tx.updateTable("outbox").set({ customer_id: t }).where("customer_id", "=", s).execute();
      // Follow-up tasks go with the visits; the target keeps its own manager if it has one.
      await tx.updateTable("followups").set({ customer_id: t }).where("customer_id", "=", s).execute();
      // Complaints, survey answers and chat conversations are the person's too.
      await tx.updateTable("complaints").set({ customer_id: t }).where("customer_id", "=", s).execute();
      await tx.updateTable("surveys").set({ customer_id: t }).where("customer_id", "=", s).execute();
      await tx.updateTable("chat_conversations").set({ customer_id: t }).where("customer_id", "=", s).execute();
      const targetManager = await tx
        .selectFrom("customer_managers")
        .select("user_id")
        .where("customer_id", "=", t)
        .executeTakeFirst();
      if (targetManager) await tx.deleteFrom("customer_managers").where("customer_id", "=", s).execute();
      else await tx.updateTable("customer_managers").set({ customer_id: t }).where("customer_id", "=", s).execute();
      await tx
        .updateTable("customers")
        .set({ merged_into: t, phone_e164: `merged:${s}`, phone_rev: "", updated_at: now })
        .where("id", "=", s)
        .execute();
      messagesCancelled = await applyMergedRefusals(tx, t, now);
      // …and a consent given to it later than the target's refusal brings back the reminders still due.
      remindersQueued = await requeueRemindersOfCustomer(tx, t, now);
    }
    await audit(
      tx,
      staff,
      now,
      `customer.merge.${decision}`,
      { type: "customer", id: m.target_id, branchId: await auditBranchFor(tx, staff, m.target_id) },
      {
        mergeId,
        sourceId: m.source_id,
        ...(why ? { reason: why } : {}),
        ...(messagesCancelled > 0 ? { messagesCancelled } : {}),
        ...(remindersQueued > 0 ? { remindersQueued } : {}),
      },
    );
  });
  return view(ctx, mergeId);
}

export async function listMerges(ctx: AppContext, actor: Actor, status?: string): Promise<MergeView[]> {
  requireRole(actor, CUSTOMER_ROLES);
  let q = ctx.store.db.selectFrom("customer_merges").select("id").orderBy("proposed_at", "desc").limit(200);
  if (status) q = q.where("status", "=", status);
  const rows = await q.execute();
  return Promise.all(rows.map((r) => view(ctx, r.id)));
}
