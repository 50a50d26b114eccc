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

export async function listAudit(
  db: Kysely<Database>,
  filter: { branchIds?: readonly string[]; beforeId?: number; limit: number },
): Promise<Array<AuditEntry & { id: number }>> {
  let q = db.selectFrom("audit_log").selectAll().orderBy("id", "desc").limit(filter.limit);
  if (filter.branchIds) q = q.where("branch_id", "in", filter.branchIds.length ? filter.branchIds : [""]);
  if (filter.beforeId !== undefined) q = q.where("id", "<", filter.beforeId);
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
