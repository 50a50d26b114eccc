import type { Kysely } from "kysely";
import type { PriorityClass, Rating, TicketStatus } from "../domain/ticket.ts";
import type { EventTicket } from "../realtime/branch-event.ts";
import type { Counter } from "../store/counters.ts";
import type { Database } from "../store/schema.ts";
import type { Ticket } from "../store/tickets.ts";
import type { Actor } from "./actor.ts";
import { freeTextFor, ticketNames } from "./personal-data/free-text.ts";

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A ticket as staff see it through the API. */
export interface TicketView {
  readonly id: string;
  readonly branchId: string;
  readonly serviceId: string;
  readonly number: string;
  readonly day: string;
  readonly priority: PriorityClass;
  readonly status: TicketStatus;
  readonly channel: string;
  readonly counterId: string | null;
  readonly counterNumber: number | null;
  readonly targetCounterId: string | null;
  readonly issuedAt: string;
  readonly queuedAt: string;
  readonly calledAt: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly recallCount: number;
  readonly appointmentAt: string | null;
  readonly outcome: string | null;
  readonly notes: string | null;
  readonly redirectReason: string | null;
  readonly rating: Rating | null;
  readonly ratingComment: string | null;
  /** Null when no open counter serves the ticket's business type: no wait is promised (`waitUnknownReason`). */
  readonly estimatedWaitMinutes: number | null;
  readonly waitUnknownReason: "no_open_counter" | null;
  readonly position?: number;
}

/**
 * A ticket as staff see it. Its free text (notes, outcome, redirect reason, the customer's comment) is shown as
 * typed only to the teller serving it (`viewerId` equal to the ticket's `servedBy`); everyone else gets mobile
 * and ID numbers in it masked, and the names of its customer (`names`, from `ticketViewNames`; see
 * src/app/personal-data/free-text.ts). Without a `viewerId` it is masked.
 */
export function ticketView(
  t: Ticket,
  counterNumber: number | null,
  extra?: { position?: number; estimatedWaitMinutes?: number | null; viewerId?: string; names?: readonly string[] },
): TicketView {
  const text = freeTextFor(servesIt(t, extra?.viewerId), extra?.names);
  return {
    id: t.id,
    branchId: t.branchId,
    serviceId: t.serviceId,
    number: t.number,
    day: t.day,
    priority: t.priority,
    status: t.status,
    channel: t.channel,
    counterId: t.counterId,
    counterNumber,
    targetCounterId: t.targetCounterId,
    issuedAt: new Date(t.issuedAt).toISOString(),
    queuedAt: new Date(t.queuedAt).toISOString(),
    calledAt: iso(t.calledAt),
    startedAt: iso(t.startedAt),
    completedAt: iso(t.completedAt),
    recallCount: t.recallCount,
    appointmentAt: iso(t.appointmentAt),
    outcome: text(t.outcome),
    notes: text(t.notes),
    redirectReason: text(t.redirectReason),
    rating: t.rating,
    ratingComment: text(t.ratingComment),
    ...(extra?.estimatedWaitMinutes === undefined
      ? { estimatedWaitMinutes: t.estimatedWaitMinutes, waitUnknownReason: null }
      : extra.estimatedWaitMinutes === null
        ? { estimatedWaitMinutes: null, waitUnknownReason: "no_open_counter" as const }
        : { estimatedWaitMinutes: extra.estimatedWaitMinutes, waitUnknownReason: null }),
    ...(extra?.position === undefined ? {} : { position: extra.position }),
  };
}

/** Whether a ticket carries free text `ticketView` shows. */
const hasText = (t: Ticket) =>
  t.notes !== null || t.outcome !== null || t.redirectReason !== null || t.ratingComment !== null;

/**
 * The names to mask in `ticketView`s of `tickets` for the viewer, by ticket id: looked up only for the tickets
 * with free text that the viewer does not serve (a queue of waiting tickets rarely has any, so costs nothing).
 * `alsoMasked`: more to look up whoever views them: tickets (when they have free text) or ticket ids (always).
 */
export async function ticketViewNames(
  db: Kysely<Database>,
  tickets: ReadonlyArray<Ticket | null | undefined>,
  viewerId: string | undefined,
  alsoMasked: ReadonlyArray<Ticket | string | null | undefined> = [],
): Promise<Map<string, string[]>> {
  const ids = [
    ...tickets.filter((t): t is Ticket => !!t && hasText(t) && !servesIt(t, viewerId)).map((t) => t.id as string),
    ...alsoMasked.flatMap((t) => (typeof t === "string" ? [t] : t && hasText(t) ? [t.id as string] : [])),
  ];
  return ids.length ? ticketNames(db, ids) : new Map();
}

/** The id `ticketView` compares with a ticket's teller: a signed-in user's (devices never serve). */
export function viewerIdOf(actor: Actor): string | undefined {
  return actor.type === "user" ? actor.id : undefined;
}

/** Whether the viewer is the teller serving (or who served) the ticket: the one who may read its notes as typed. */
export function servesIt(t: Pick<Ticket, "servedBy">, viewerId: string | undefined): boolean {
  return viewerId !== undefined && t.servedBy !== null && t.servedBy === viewerId;
}

export function eventTicket(t: Ticket, counterNumber: number | null): EventTicket {
  return {
    id: t.id,
    number: t.number,
    serviceId: t.serviceId,
    status: t.status,
    priority: t.priority,
    counterId: t.counterId,
    counterNumber,
    recallCount: t.recallCount,
    targetCounterId: t.targetCounterId,
    issuedAt: new Date(t.issuedAt).toISOString(),
    queuedAt: new Date(t.queuedAt).toISOString(),
    calledAt: iso(t.calledAt),
    startedAt: iso(t.startedAt),
    appointmentAt: iso(t.appointmentAt),
  };
}

export function eventCounter(c: Counter): { id: string; number: number; state: Counter["state"] } {
  return { id: c.id, number: c.number, state: c.state };
}
