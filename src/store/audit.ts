import type { Kysely } from "kysely";
import { parseJson } from "./json.ts";
import type { Database } from "./schema.ts";
import { execute, sql } from "./sql.ts";

/** One line of the audit trail; its parameters come from `auditParams`. */
export const INSERT_AUDIT_TEXT =
  "INSERT INTO audit_log (at, actor_type, actor_id, actor_name, action, entity_type, entity_id, branch_id, ip, details) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const INSERT_AUDIT = sql(INSERT_AUDIT_TEXT);

export interface AuditEntry {
  readonly at: number;
  readonly actorType: string;
  readonly actorId: string | null;
  readonly actorName: string | null;
  readonly action: string;
  readonly entityType: string | null;
  readonly entityId: string | null;
  readonly branchId: string | null;
  readonly ip: string | null;
  readonly details?: unknown;
}

export function auditParams(e: AuditEntry): unknown[] {
  return [
    e.at,
    e.actorType,
    e.actorId,
    e.actorName,
    e.action,
    e.entityType,
    e.entityId,
    e.branchId,
    e.ip,
    e.details === undefined ? null : JSON.stringify(e.details),
  ];
}

export async function insertAudit(db: Kysely<Database>, e: AuditEntry): Promise<void> {
  await execute(db, INSERT_AUDIT, auditParams(e));
}

/** What the audit trail can be narrowed to: every given field must match. */
export interface AuditFilter {
  readonly branchIds?: readonly string[];
  readonly beforeId?: number;
  readonly limit: number;
  /** The member of staff's username (or a device's name), exactly. */
  readonly actor?: string;
  /** An action ("ticket.requeue") or a prefix ending in a dot ("ticket."). */
  readonly action?: string;
  /** The record's id (a ticket, counter, user…). */
  readonly entityId?: string;
  /** Epoch ms, inclusive from, exclusive to. */
  readonly from?: number;
  readonly to?: number;
}

export async function listAudit(
  db: Kysely<Database>,
  filter: AuditFilter,
): Promise<Array<AuditEntry & { id: number }>> {
  let q = db.selectFrom("audit_log").selectAll().orderBy("id", "desc").limit(filter.limit);
  if (filter.branchIds) q = q.where("branch_id", "in", filter.branchIds.length ? filter.branchIds : [""]);
  if (filter.beforeId !== undefined) q = q.where("id", "<", filter.beforeId);
  if (filter.actor !== undefined) q = q.where("actor_name", "=", filter.actor);
  if (filter.action !== undefined)
    q = filter.action.endsWith(".")
      ? q.where("action", ">=", filter.action).where("action", "<", `${filter.action.slice(0, -1)}/`)
      : q.where("action", "=", filter.action);
  if (filter.entityId !== undefined) q = q.where("entity_id", "=", filter.entityId);
  if (filter.from !== undefined) q = q.where("at", ">=", filter.from);
  if (filter.to !== undefined) q = q.where("at", "<", filter.to);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: Number(r.at),
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    branchId: r.branch_id,
    ip: r.ip,
    details: parseJson<unknown>(r.details, null),
  }));
}
