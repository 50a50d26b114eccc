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

/** A mainland ID number (18 characters, the last a digit or X) and a mobile number (11 digits, 1[3-9]…). */
const ID_NUMBER = /(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9])(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?![0-9])/g;

/**
 * Personal data a teller may type into free text (notes, reasons, comments): ID numbers keep their first six
 * and last four characters (`110101********1234`), mobile numbers their first three and last four
 * (`138****5678`). Everything else is left as written.
 */
export function maskPersonalData(text: string): string {
  return text.replace(ID_NUMBER, "$1********$2").replace(MOBILE, "$1****$2");
}

/** Fields of staff answers that hold free text someone typed (a ticket's, a counter's, an audit line's). */
export const FREE_TEXT_KEYS: ReadonlySet<string> = new Set([
  "notes",
  "outcome",
  "ratingComment",
  "redirectReason",
  "reason",
  "pauseReason",
  "comment",
]);

/**
 * An answer with the personal data in its free text masked, except in the tickets `serves(ticket)` says the
 * viewer is serving (the teller at that ticket's counter). Returns the same object when nothing was masked.
 * `serves` is asked only about tickets whose free text holds something to mask.
 */
export async function maskAnswer(
  value: unknown,
  serves: (ticket: { counterId: string | null }) => Promise<boolean>,
  depth = 0,
): Promise<unknown> {
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out: unknown[] = [];
    for (const item of value) {
      const masked = await maskAnswer(item, serves, depth + 1);
      changed ||= masked !== item;
      out.push(masked);
    }
    return changed ? out : value;
  }
  const record = value as Record<string, unknown>;
  const isTicket = "notes" in record && "status" in record && "counterId" in record && "number" in record;
  let out: Record<string, unknown> | undefined;
  let served: boolean | undefined;
  for (const [key, field] of Object.entries(record)) {
    let masked: unknown = field;
    if (typeof field === "string" && FREE_TEXT_KEYS.has(key)) {
      const plain = maskPersonalData(field);
      if (plain !== field) {
        served ??= isTicket && (await serves(record as { counterId: string | null }));
        if (!served) masked = plain;
      }
    } else if (typeof field === "object" && field !== null) {
      masked = await maskAnswer(field, serves, depth + 1);
    }
    if (masked !== field) {
      out ??= { ...record };
      out[key] = masked;
    }
  }
  return out ?? value;
}
