import type { Kysely } from "kysely";
import { csvField } from "../../domain/csv.ts";
import { type AuditEntry, type AuditFilter, listAudit } from "../../store/audit.ts";
import type { Database } from "../../store/schema.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import { complainantNames } from "../complaints/complaints.ts";
import type { AppContext } from "../context.ts";
import { forbidden } from "../errors.ts";
import { customerNames, maskedFor, textsIn, ticketNames } from "../personal-data/free-text.ts";

/** The most lines one answer (or one CSV export) carries; page with `before` for more. */
export const MAX_ROWS = 10_000;

/** The trail as CSV (UTF-8 with a byte-order mark, so that Excel reads the Chinese), one line per entry. */
export function auditCsv(rows: ReadonlyArray<AuditEntry & { id: number }>): string {
  // Quoted always; text a spreadsheet would read as a formula is made text (domain/csv.ts).
  const cell = (value: unknown): string =>
    csvField(typeof value === "object" && value !== null ? JSON.stringify(value) : value, { quote: "always" });
  const header = [
    "id",
    "at",
    "actor_type",
    "actor",
    "action",
    "entity_type",
    "entity_id",
    "branch_id",
    "ip",
    "details",
  ];
  const lines = rows.map((r) =>
    [
      r.id,
      new Date(r.at).toISOString(),
      r.actorType,
      r.actorName,
      r.action,
      r.entityType,
      r.entityId,
      r.branchId,
      r.ip,
      r.details,
    ]
      .map(cell)
      .join(","),
  );
  return `\uFEFF${[header.join(","), ...lines].join("\r\n")}\r\n`;
}

/** Auditors read the trail of their branches (an auditor without branches reads everything), admins everything. */
export async function auditTrail(
  ctx: AppContext,
  actor: Actor,
  filter: { branchId?: string; limit?: number } & Omit<AuditFilter, "branchIds" | "limit">,
): Promise<Array<AuditEntry & { id: number }>> {
  const staff = requireRole(actor, ["auditor", "admin"]);
  const unrestricted = staff.roles.includes("admin") || staff.branchIds.length === 0;
  let branchIds: readonly string[] | undefined = filter.branchId === undefined ? undefined : [filter.branchId];
  if (!unrestricted) {
    if (filter.branchId !== undefined && !staff.branchIds.includes(filter.branchId as never)) throw forbidden();
    branchIds ??= staff.branchIds;
  }
  const { branchId: _branch, limit, ...rest } = filter;
  const rows = await listAudit(ctx.store.db, { ...rest, branchIds, limit: Math.min(limit ?? 100, MAX_ROWS) });
  // Free text in the details (a cancellation reason, a transfer note, a merge's reason) may hold a customer's
  // mobile or ID number or name: an auditor is never the teller serving the ticket, so it is masked, with the
  // names of the customer the line is about (src/app/personal-data/free-text.ts).
  const withDetails = rows.filter((r) => r.details !== undefined && r.details !== null);
  const names = await namesOfEntities(ctx.store.db, withDetails);
  return rows.map((r) =>
    r.details === undefined || r.details === null
      ? r
      : { ...r, details: textsIn(r.details, maskedFor(names.get(`${r.entityType}:${r.entityId}`))) },
  );
}

/** The customer names of the audit lines' tickets, customers and complaints, by "type:id". */
async function namesOfEntities(
  db: Kysely<Database>,
  rows: ReadonlyArray<Pick<AuditEntry, "entityType" | "entityId">>,
): Promise<Map<string, string[]>> {
  const idsOf = (type: string) => [
    ...new Set(rows.filter((r) => r.entityType === type && r.entityId).map((r) => r.entityId as string)),
  ];
  const complaintIds = idsOf("complaint");
  const [tickets, customers, complaints] = await Promise.all([
    ticketNames(db, idsOf("ticket")),
    customerNames(db, idsOf("customer")),
    complaintIds.length
      ? db
          .selectFrom("complaints")
          .select(["id", "customer_id", "ticket_id"])
          .where("id", "in", complaintIds)
          .execute()
          .then((cs) => complainantNames(db, cs))
      : new Map<string, string[]>(),
  ]);
  const out = new Map<string, string[]>();
  for (const [type, names] of [
    ["ticket", tickets],
    ["customer", customers],
    ["complaint", complaints],
  ] as const)
    for (const [id, ns] of names) out.set(`${type}:${id}`, ns);
  return out;
}
