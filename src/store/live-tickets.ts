import type { Kysely } from "kysely";
import type { BranchId, CounterId, ServiceId, TicketId } from "../domain/ids.ts";
import type { PriorityClass, WaitingTicket } from "../domain/ticket.ts";
import type { Database } from "./schema.ts";
import { queryRows, sql } from "./sql.ts";

/** A ticket at a counter: what a wait prediction needs to know how long that counter stays busy. */
export interface InServiceTicket {
  readonly id: TicketId;
  readonly serviceId: ServiceId;
  readonly counterId: CounterId | null;
  readonly calledAt: number | null;
  readonly startedAt: number | null;
}

export interface LiveLine {
  /** Waiting tickets in line order. */
  readonly waiting: readonly WaitingTicket[];
  readonly inService: readonly InServiceTicket[];
  /** The branch's last event number when this was read: events above it are newer than the line. */
  readonly seq: number;
}

const LIVE_COLUMNS = [
  "id",
  "branch_id",
  "service_id",
  "priority",
  "status",
  "counter_id",
  "target_counter_id",
  "issued_at",
  "queued_at",
  "called_at",
  "started_at",
  "appointment_at",
] as const;

/**
 * The branch's live tickets (waiting, called, serving) and its event number, read together in one
 * transaction so that the line and the number agree: a cache built from it applies exactly the events after.
 * Only the columns dispatch and prediction use are read.
 */
export async function readLiveLine(db: Kysely<Database>, branchId: string): Promise<LiveLine | undefined> {
  // Repeatable read makes the two statements one snapshot in PostgreSQL; SQLite transactions always are.
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (tx) => {
      const branch = await tx.selectFrom("branches").select("event_seq").where("id", "=", branchId).executeTakeFirst();
      if (!branch) return undefined;
      const rows = await tx
        .selectFrom("tickets")
        .select(LIVE_COLUMNS)
        .where("branch_id", "=", branchId)
        .where("status", "in", ["waiting", "called", "serving"])
        .orderBy("queued_at")
        .orderBy("id")
        .execute();
      const waiting: WaitingTicket[] = [];
      const inService: InServiceTicket[] = [];
      for (const r of rows) {
        if (r.status === "waiting") waiting.push(waitingFromRow(r));
        else
          inService.push({
            id: r.id as TicketId,
            serviceId: r.service_id as ServiceId,
            counterId: r.counter_id as CounterId | null,
            calledAt: r.called_at === null ? null : Number(r.called_at),
            startedAt: r.started_at === null ? null : Number(r.started_at),
          });
      }
      return { waiting, inService, seq: Number(branch.event_seq) };
    });
}

const WAITING_FOR_DISPATCH = sql(
  `SELECT ${LIVE_COLUMNS.join(", ")} FROM tickets WHERE branch_id = ? AND status = 'waiting'`,
);

/** Waiting tickets of a branch with only the dispatch columns: the input of call-next. */
export async function listWaitingForDispatch(db: Kysely<Database>, branchId: string): Promise<WaitingTicket[]> {
  const rows = await queryRows<Parameters<typeof waitingFromRow>[0]>(db, WAITING_FOR_DISPATCH, [branchId]);
  return rows.map(waitingFromRow);
}

function waitingFromRow(r: {
  id: string;
  branch_id: string;
  service_id: string;
  priority: PriorityClass;
  target_counter_id: string | null;
  issued_at: number;
  queued_at: number;
  appointment_at: number | null;
}): WaitingTicket {
  return {
    id: r.id as TicketId,
    branchId: r.branch_id as BranchId,
    serviceId: r.service_id as ServiceId,
    priority: r.priority,
    issuedAt: Number(r.issued_at),
    queuedAt: Number(r.queued_at),
    appointmentAt: r.appointment_at === null ? null : Number(r.appointment_at),
    targetCounterId: r.target_counter_id as CounterId | null,
  };
}
