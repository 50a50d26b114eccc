import type { Kysely } from "kysely";
import { parseJson } from "./json.ts";
import type { Database } from "./schema.ts";

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

export async function insertAudit(db: Kysely<Database>, e: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      at: e.at,
      actor_type: e.actorType,
      actor_id: e.actorId,
      actor_name: e.actorName,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId,
      branch_id: e.branchId,
      ip: e.ip,
      details: e.details === undefined ? null : JSON.stringify(e.details),
    })
    .execute();
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
