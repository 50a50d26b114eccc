/**
 * Possible duplicate customer records for a branch's staff (issue 14): found when asked (no background job), never
 * merged by themselves. A pair is shown with the rules that matched it (domain/customers/duplicates.ts) and each
 * record masked as everywhere else; a member of staff either proposes the merge (the two-step merge of merge.ts)
 * or dismisses the pair as two people, with a reason, after which no list shows it again.
 *
 *   possibleDuplicates(ctx, staff, branchId) → the pairs among the branch's customers (a visit, appointment,
 *     complaint or follow-up there), strongest first, at most 100; pairs with a merge proposed or rejected and
 *     dismissed pairs left out. The listing is audited like a search (how many, never who).
 *   dismissDuplicate(ctx, staff, branchId, { customerIds, reason }) → recorded (who, when, why) and audited.
 */
import type { Kysely } from "kysely";
import { type DuplicateRule, findDuplicatePairs } from "../../domain/customers/duplicates.ts";
import type { BranchId } from "../../domain/ids.ts";
import { maskCustomerEmail, maskCustomerPhone, maskId, maskName } from "../../domain/personal-data/mask-customer.ts";
import type { Database } from "../../store/schema.ts";
import { readInChunks } from "../../store/sql.ts";
import { requireBranchAccess, requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";
import { MERGE_PROPOSERS } from "./merge.ts";
import { CUSTOMER_ROLES } from "./records.ts";

export const MAX_PAIRS = 100;

export interface DuplicateRecord {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly phone: string;
  readonly email: string | null;
  readonly idNumber: string | null;
  readonly birthYear: number | null;
  readonly createdAt: string;
}

export interface DuplicatePairView {
  readonly rules: readonly DuplicateRule[];
  readonly a: DuplicateRecord;
  readonly b: DuplicateRecord;
}

const pairKey = (x: string, y: string) => (x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`);

/**
 * The records of the customers the branch has met (a visit, an appointment, a complaint or a follow-up there),
 * still live: one query, the branch's customers chosen by the database (not 100,000 ids sent back in parts).
 */
function customersOfBranch(db: Kysely<Database>, branchId: string) {
  return db
    .selectFrom("customers")
    .select(["id", "code", "name", "phone_e164", "email", "id_number", "birth_date", "created_at"])
    .where("id", "in", (eb) =>
      eb
        .selectFrom("ticket_customers")
        .select("customer_id")
        .where("branch_id", "=", branchId)
        .union(
          eb
            .selectFrom("appointments")
            .select("customer_id")
            .where("branch_id", "=", branchId)
            .where("customer_id", "is not", null)
            .$narrowType<{ customer_id: string }>(),
        )
        .union(
          eb
            .selectFrom("complaints")
            .select("customer_id")
            .where("branch_id", "=", branchId)
            .where("customer_id", "is not", null)
            .$narrowType<{ customer_id: string }>(),
        )
        .union(eb.selectFrom("followups").select("customer_id").where("branch_id", "=", branchId)),
    )
    .where("merged_into", "is", null)
    .where("anonymised_at", "is", null)
    .execute();
}

export async function possibleDuplicates(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
): Promise<{ items: DuplicatePairView[]; truncated: boolean }> {
  requireBranchAccess(actor, branchId as BranchId, CUSTOMER_ROLES);
  const staff = requireRole(actor, CUSTOMER_ROLES);
  const db = ctx.store.db;
  const rows = await customersOfBranch(db, branchId);
  const found = findDuplicatePairs(
    rows.map((r) => ({
      id: r.id,
      name: r.name,
      phone: r.phone_e164,
      email: r.email,
      idNumber: r.id_number,
      birthDate: r.birth_date,
    })),
  );
  let pairs = found;
  if (found.length > 0) {
    const inPairs = [...new Set(found.flatMap((p) => [p.a, p.b]))];
    const [dismissed, merges] = await Promise.all([
      readInChunks(inPairs, (part) =>
        db
          .selectFrom("customer_duplicate_dismissals")
          .select(["customer_a", "customer_b"])
          .where("customer_a", "in", part)
          .execute(),
      ),
      readInChunks(inPairs, (part) =>
        db
          .selectFrom("customer_merges")
          .select(["source_id", "target_id"])
          .where("source_id", "in", part)
          .where("status", "in", ["proposed", "rejected"])
          .execute(),
      ),
    ]);
    // A pair a person dismissed, or whose merge is proposed or was rejected, has had its look.
    const decided = new Set([
      ...dismissed.map((d) => pairKey(d.customer_a, d.customer_b)),
      ...merges.map((m) => pairKey(m.source_id, m.target_id)),
    ]);
    pairs = found.filter((p) => !decided.has(pairKey(p.a, p.b)));
  }
  const shown = pairs.slice(0, MAX_PAIRS);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const view = (id: string): DuplicateRecord => {
    const r = byId.get(id);
    if (!r) throw new Error(`customer ${id} vanished`);
    return {
      id,
      code: r.code ?? "",
      name: maskName(r.name),
      phone: r.phone_e164 ? maskCustomerPhone(r.phone_e164) : "",
      email: r.email ? maskCustomerEmail(r.email) : null,
      idNumber: r.id_number ? maskId(r.id_number) : null,
      birthYear: r.birth_date ? Number(r.birth_date.slice(0, 4)) : null,
      createdAt: new Date(Number(r.created_at)).toISOString(),
    };
  };
  const now = ctx.clock();
  // Recorded as a search is: who looked at the branch's possible duplicates and how many there were.
  await ctx.store.write((tx) =>
    audit(
      tx,
      staff,
      now,
      "customer.duplicates",
      { type: "customer", id: null, branchId },
      { customers: rows.length, pairs: pairs.length },
    ),
  );
  return {
    items: shown.map((p) => ({ rules: p.rules, a: view(p.a), b: view(p.b) })),
    truncated: pairs.length > shown.length,
  };
}

export interface DuplicateDismissal {
  readonly customerIds: readonly [string, string];
  readonly reason: string;
  readonly dismissedBy: string;
  readonly dismissedAt: string;
}

export async function dismissDuplicate(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  input: { customerIds: readonly string[]; reason: string },
): Promise<DuplicateDismissal> {
  requireBranchAccess(actor, branchId as BranchId, MERGE_PROPOSERS);
  const staff = requireRole(actor, MERGE_PROPOSERS);
  const [x, y] = input.customerIds;
  if (input.customerIds.length !== 2 || !x || !y || x === y)
    throw invalid("Name two different customer records.", { field: "customerIds" }, "请指定两条不同的客户档案。");
  const reason = input.reason.trim();
  if (!reason) throw invalid("The reason must not be empty.", { field: "reason" }, "理由不能为空。");
  const [a, b] = x < y ? [x, y] : [y, x];
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    const found = await tx.selectFrom("customers").select("id").where("id", "in", [a, b]).execute();
    for (const id of [a, b]) if (!found.some((r) => r.id === id)) throw notFound("Customer", id);
    // One row per pair: a second dismissal (two people at once included) is told, not stored twice.
    const inserted = await tx
      .insertInto("customer_duplicate_dismissals")
      .values({ customer_a: a, customer_b: b, branch_id: branchId, reason, dismissed_by: staff.id, dismissed_at: now })
      .onConflict((oc) => oc.columns(["customer_a", "customer_b"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1)
      throw conflict(
        "This pair was already dismissed.",
        { reason: "already_dismissed" },
        "这两条档案已标记为非同一人。",
      );
    await audit(
      tx,
      staff,
      now,
      "customer.duplicate.dismiss",
      { type: "customer", id: a, branchId },
      { otherId: b, reason },
    );
  });
  return { customerIds: [a, b], reason, dismissedBy: staff.id, dismissedAt: new Date(now).toISOString() };
}
