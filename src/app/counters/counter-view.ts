import type { Kysely } from "kysely";
import type { CounterKind, CounterState } from "../../domain/counter.ts";
import type { Counter } from "../../store/counters.ts";
import { parseJson } from "../../store/json.ts";
import type { Database } from "../../store/schema.ts";
import { findTicket, listParkedAt } from "../../store/tickets.ts";
import { freeTextFor } from "../personal-data/free-text.ts";
import { servesIt, type TicketView, ticketView, ticketViewNames } from "../views.ts";

export interface CounterView {
  readonly id: string;
  readonly branchId: string;
  readonly number: number;
  readonly name: string;
  readonly kind: CounterKind;
  readonly state: CounterState;
  readonly skills: ReadonlyArray<{ serviceId: string; weight: number }>;
  readonly dispatchPolicy: string | null;
  readonly pauseReason: string | null;
  readonly signedInUser: { id: string; displayName: string; staffNo: string } | null;
  readonly currentTicket: TicketView | null;
  /** The note the previous teller left with the transfer of the current ticket, if any. */
  readonly handoverNote: string | null;
  readonly lastTicket: TicketView | null;
  /** Tickets this counter set aside (the customer fetches a document), to resume when they return. */
  readonly parkedTickets: readonly TicketView[];
}

/**
 * A counter as the consoles see it: the teller's name is staff information, never shown on public screens.
 * `viewerId`: the user asking; free text about a ticket is shown as typed only to the teller serving it
 * (see `ticketView`).
 */
export async function counterView(db: Kysely<Database>, c: Counter, viewerId?: string): Promise<CounterView> {
  const [user, current, last, parked, handoverNote] = await Promise.all([
    c.signedInUserId
      ? db
          .selectFrom("users")
          .select(["id", "display_name", "staff_no"])
          .where("id", "=", c.signedInUserId)
          .executeTakeFirst()
      : undefined,
    c.currentTicketId ? findTicket(db, c.currentTicketId) : undefined,
    c.lastTicketId ? findTicket(db, c.lastTicketId) : undefined,
    listParkedAt(db, c.id),
    c.currentTicketId ? findHandoverNote(db, c.currentTicketId) : null,
  ]);
  // The customers' names to mask in the tickets' free text and in the handover note (for all but their teller).
  const names = await ticketViewNames(db, [current, ...parked], viewerId, [
    last,
    current && handoverNote !== null && !servesIt(current, viewerId) ? current.id : null,
  ]);
  const view = (t: NonNullable<typeof current>, who: string | undefined) =>
    ticketView(t, c.number, { viewerId: who, names: names.get(t.id) });
  return {
    id: c.id,
    branchId: c.branchId,
    number: c.number,
    name: c.name,
    kind: c.kind,
    state: c.state,
    skills: c.skills,
    dispatchPolicy: c.dispatchPolicy,
    pauseReason: c.pauseReason,
    signedInUser: user ? { id: user.id, displayName: user.display_name, staffNo: user.staff_no } : null,
    currentTicket: current ? view(current, viewerId) : null,
    handoverNote: freeTextFor(
      !!current && servesIt(current, viewerId),
      current ? names.get(current.id) : [],
    )(handoverNote),
    // The ticket served before: for the rating pad and the consoles' "last served", never its notes.
    lastTicket: last ? { ...view(last, undefined), notes: null } : null,
    parkedTickets: parked.map((t) => view(t, viewerId)),
  };
}

/** The note of the ticket's latest transfer (kept with its history line), or null. */
async function findHandoverNote(db: Kysely<Database>, ticketId: string): Promise<string | null> {
  const row = await db
    .selectFrom("ticket_transitions")
    .select("data")
    .where("ticket_id", "=", ticketId)
    .where("action", "=", "transfer")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  const note = parseJson<{ note?: unknown }>(row?.data ?? null, {}).note;
  return typeof note === "string" && note.trim() !== "" ? note : null;
}
