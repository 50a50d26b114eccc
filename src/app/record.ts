import type { EpochMs } from "../domain/ids.ts";
import type { BranchEvent, BranchEventType, EventCounter, EventTicket } from "../realtime/branch-event.ts";
import { type AuditEntry, insertAudit } from "../store/audit.ts";
import { appendEvent } from "../store/events.ts";
import type { AfterCommit, Tx } from "../store/store.ts";
import type { Actor } from "./actor.ts";
import type { AppContext } from "./context.ts";

/**
 * Appends a branch event inside the writing transaction and publishes it once the commit is durable.
 * Call it after the other writes of the use case: in PostgreSQL it locks the branch's event counter
 * until commit, and the shorter that lock is held the better.
 */
export async function emitEvent(
  ctx: AppContext,
  tx: Tx,
  afterCommit: AfterCommit,
  branchId: string,
  type: BranchEventType,
  now: EpochMs,
  body: { ticket?: EventTicket; counter?: EventCounter },
): Promise<BranchEvent> {
  const event = await appendEvent(
    tx,
    { type, at: new Date(now).toISOString(), branchId, ...body },
    now,
    ctx.fanout.notice,
  );
  afterCommit(() => ctx.bus.publish(event));
  return event;
}

/** The audit line of a staff action, as `audit` writes it. */
export function auditEntry(
  actor: Actor,
  now: EpochMs,
  action: string,
  entity: { type: string; id: string | null; branchId: string | null },
  details?: unknown,
): AuditEntry {
  return {
    at: now,
    actorType: actor.type,
    actorId: actor.id,
    actorName: actor.type === "user" ? actor.username : actor.name,
    action,
    entityType: entity.type,
    entityId: entity.id,
    branchId: entity.branchId,
    ip: actor.ip,
    details,
  };
}

/** Writes one line of the audit trail in the same transaction as the change it records. */
export async function audit(
  tx: Tx,
  actor: Actor,
  now: EpochMs,
  action: string,
  entity: { type: string; id: string | null; branchId: string | null },
  details?: unknown,
): Promise<void> {
  await insertAudit(tx, auditEntry(actor, now, action, entity, details));
}
