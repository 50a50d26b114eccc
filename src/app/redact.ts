import type { Actor } from "./actor.ts";
import type { CounterView } from "./counters/counter-view.ts";
import type { QueueSnapshot } from "./queries/queue.ts";
import type { TicketView } from "./views.ts";

/**
 * Devices stand in public: a display, a kiosk or a rating pad gets ticket numbers and states, never what a
 * teller wrote about a customer (notes, comments, reasons, outcome). The rating pad alone keeps the name and
 * staff number of the teller at its counter, which the customer sees on the badge anyway.
 */
function redactTicket<T extends TicketView | null>(t: T): T {
  if (t === null) return t;
  return { ...t, notes: null, ratingComment: null, redirectReason: null, outcome: null };
}

export function counterForViewer(actor: Actor, view: CounterView): CounterView {
  if (actor.type !== "device") return view;
  return {
    ...view,
    signedInUser: actor.kind === "rating_pad" ? view.signedInUser : null,
    pauseReason: null,
    handoverNote: null,
    currentTicket: redactTicket(view.currentTicket),
    lastTicket: redactTicket(view.lastTicket),
    parkedTickets: view.parkedTickets.map((t) => redactTicket(t)),
  };
}

export function snapshotForViewer(actor: Actor, snapshot: QueueSnapshot): QueueSnapshot {
  if (actor.type !== "device") return snapshot;
  return {
    ...snapshot,
    counters: snapshot.counters.map((c) => counterForViewer(actor, c)),
    waiting: snapshot.waiting.map((w) => redactTicket(w)),
  };
}
