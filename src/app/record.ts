import type { EpochMs } from "../domain/ids.ts";
import type {
  BranchEvent,
  BranchEventType,
  EventAppointment,
  EventCounter,
  EventTicket,
} from "../realtime/branch-event.ts";
import { type AuditEntry, insertAudit } from "../store/audit.ts";
import { appendEvent } from "../store/events.ts";
import type { AfterCommit, Tx } from "../store/store.ts";
import {
  changeTicket,
  recordTicketChange,
  type TicketChangeRecord,
  type TicketUpdate,
} from "../store/ticket-change.ts";
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
  body: { ticket?: EventTicket; counter?: EventCounter; appointment?: EventAppointment },
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

/** Who made a ticket change: a member of staff or a device, or the system itself (housekeeping, a closed counter). */
export type Author = Actor | "system";

/** A change of one ticket by someone, as `recordChange` records it. */
export interface TicketChange {
  readonly ticketId: string;
  readonly branchId: string;
  /** The history line's action ("call", "start", …) and the statuses it moved between. */
  readonly action: string;
  readonly from: string | null;
  readonly to: string;
  /** Kept with the history line. */
  readonly data?: unknown;
  /** The audit line's action ("ticket.start") and details, written when staff made the change. */
  readonly auditAction: string;
  readonly auditDetails?: unknown;
  readonly event: BranchEventType;
  readonly ticket: EventTicket;
}

/**
 * Records a change of a ticket inside the writing transaction: its history line, the audit line when staff
 * made it, and the branch event, which is published once the commit is durable. Call it after the change's
 * other writes: in PostgreSQL it locks the branch's event counter until commit.
 */
export async function recordChange(
  ctx: AppContext,
  tx: Tx,
  afterCommit: AfterCommit,
  actor: Author,
  now: EpochMs,
  change: TicketChange,
): Promise<BranchEvent> {
  const event = await recordTicketChange(tx, changeRecord(actor, now, change), now, ctx.fanout.notice);
  afterCommit(() => ctx.bus.publish(event));
  return event;
}

/**
 * Applies `update` to the ticket if it is still as read, and records the change as `recordChange` does.
 * Undefined, with nothing written, when someone changed the ticket meanwhile. The last write of its
 * transaction: nothing may be written after it.
 */
export async function applyChange(
  ctx: AppContext,
  tx: Tx,
  afterCommit: AfterCommit,
  actor: Author,
  now: EpochMs,
  update: TicketUpdate,
  change: TicketChange,
): Promise<BranchEvent | undefined> {
  const event = await changeTicket(tx, update, changeRecord(actor, now, change), now, ctx.fanout.notice);
  if (event) afterCommit(() => ctx.bus.publish(event));
  return event;
}

function changeRecord(author: Author, now: EpochMs, change: TicketChange): TicketChangeRecord {
  const entity = { type: "ticket", id: change.ticketId, branchId: change.branchId };
  const actor = author === "system" ? undefined : author;
  return {
    transition: {
      ticketId: change.ticketId,
      branchId: change.branchId,
      action: change.action,
      from: change.from,
      to: change.to,
      at: now,
      actorType: actor?.type ?? "system",
      actorId: actor?.id ?? null,
      data: change.data,
    },
    audit: actor?.type === "user" ? auditEntry(actor, now, change.auditAction, entity, change.auditDetails) : undefined,
    event: { type: change.event, at: new Date(now).toISOString(), branchId: change.branchId, ticket: change.ticket },
  };
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
