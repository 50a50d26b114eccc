/**
 * Free text about a customer in staff answers (a ticket's notes, outcome and reasons, a transfer's note, the
 * service record's needs and outcome, survey comments, the lobby's form answers, a review's rejection reasons,
 * a follow-up's note, an appointment's answers and cancellation reason, a complaint's texts, a chat's messages and
 * staff notes, a callback's message and outcome): who reads it as typed, and what everyone else gets. One place for
 * every answer, so that no route keeps its own copy.
 *
 * - Who needs the text as typed is decided by the answer (the teller serving the ticket, the complaint's
 *   recorder and owner, the follow-up's assignee, the agent a chat is assigned to, the agent who did a callback);
 *   everyone else gets `maskedFor(names)`: every mobile and ID
 *   number in it masked by pattern (src/domain/personal-data/mask.ts) and the names of the customer the text is
 *   about masked as typed (张三丰 → 张**, 三丰 → **).
 * - The names of a customer (`customerNames`): their name as recorded and the names of the records merged into
 *   theirs (the same person under an earlier record). The names of a ticket (`ticketNames`): its attached
 *   customer's, and the name its appointment was booked under. The names of a chat (`conversationNames`): its
 *   identified customer's, and those of the customer whose phone a callback in it names. Anonymised records have no name left to hide.
 *
 * The look-ups take one query per table for a whole list, and lists ask only for the records whose text is shown
 * masked, so an answer of 200 items costs two or three small queries more, not 200.
 */
import type { Kysely } from "kysely";
import { normalisePhone } from "../../domain/customers/phone.ts";
import { type FreeTextMasker, freeTextMasker, maskStringsIn } from "../../domain/personal-data/mask.ts";
import type { Database } from "../../store/schema.ts";
import { readInChunks } from "../../store/sql.ts";

export type { FreeTextMasker as FreeText } from "../../domain/personal-data/mask.ts";

/** The text as typed: for whoever needs it. */
export const asTyped: FreeTextMasker = ((text: string | null) => text) as FreeTextMasker;

/** Numbers masked, and the given names of the customer the text is about. */
export function maskedFor(names: readonly string[] = []): FreeTextMasker {
  return freeTextMasker(names);
}

/** `asTyped` for a reader who needs the text, `maskedFor(names)` for everyone else. */
export function freeTextFor(needsFull: boolean, names: readonly string[] = []): FreeTextMasker {
  return needsFull ? asTyped : maskedFor(names);
}

/** Every string in a JSON-like value (form answers, a history line's data) through `text`. */
export function textsIn<T>(value: T, text: FreeTextMasker): T {
  return text === asTyped ? value : (maskStringsIn(value, text) as T);
}

const unique = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];

/** The names of customers, by customer id: their own and those of the records merged into theirs. */
export async function customerNames(
  db: Kysely<Database>,
  customerIds: readonly string[],
): Promise<Map<string, string[]>> {
  const ids = unique(customerIds.filter((x) => x));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const rows = await readInChunks(ids, (part) =>
    db
      .selectFrom("customers")
      .select(["id", "name", "merged_into"])
      .where((eb) => eb.or([eb("id", "in", part), eb("merged_into", "in", part)]))
      .where("anonymised_at", "is", null)
      .execute(),
  );
  for (const r of rows) {
    if (!r.name.trim()) continue;
    for (const owner of [r.id, r.merged_into]) {
      const names = owner === null ? undefined : out.get(owner);
      if (names && !names.includes(r.name)) names.push(r.name);
    }
  }
  return out;
}

/** The names of the customers of tickets, by ticket id: the attached customer's, and the appointment's booker. */
export async function ticketNames(db: Kysely<Database>, ticketIds: readonly string[]): Promise<Map<string, string[]>> {
  const ids = unique(ticketIds.filter((x) => x));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const [links, booked] = await Promise.all([
    readInChunks(ids, (part) =>
      db.selectFrom("ticket_customers").select(["ticket_id", "customer_id"]).where("ticket_id", "in", part).execute(),
    ),
    readInChunks(ids, (part) =>
      db.selectFrom("appointments").select(["ticket_id", "customer_name"]).where("ticket_id", "in", part).execute(),
    ),
  ]);
  const names = await customerNames(
    db,
    links.map((l) => l.customer_id),
  );
  const add = (ticketId: string | null, ns: readonly string[]) => {
    const list = ticketId === null ? undefined : out.get(ticketId);
    if (list) for (const n of ns) if (n.trim() && !list.includes(n)) list.push(n);
  };
  for (const l of links) add(l.ticket_id, names.get(l.customer_id) ?? []);
  for (const b of booked) add(b.ticket_id, [b.customer_name]);
  return out;
}

/**
 * The names of the customers of chat conversations, by conversation id: the customer identified in it, and the
 * customer whose phone a callback left in it gives as the contact (a customer who writes without identifying,
 * and leaves a number that is not on record, is known by no name: only numbers are masked in what they typed).
 */
export async function conversationNames(
  db: Kysely<Database>,
  conversationIds: readonly string[],
): Promise<Map<string, string[]>> {
  const ids = unique(conversationIds.filter((x) => x));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const [identified, callbacks] = await Promise.all([
    readInChunks(ids, (part) =>
      db
        .selectFrom("chat_conversations")
        .select(["id", "customer_id"])
        .where("id", "in", part)
        .where("customer_id", "is not", null)
        .execute(),
    ),
    readInChunks(ids, (part) =>
      db
        .selectFrom("chat_callbacks")
        .select(["conversation_id", "contact"])
        .where("conversation_id", "in", part)
        .execute(),
    ),
  ]);
  const phoneOf = (contact: string) => {
    const p = normalisePhone(contact);
    return p.ok ? p.e164 : null;
  };
  const phones = unique(callbacks.flatMap((c) => phoneOf(c.contact) ?? []));
  const holders = await readInChunks(phones, (part) =>
    db.selectFrom("customers").select(["id", "phone_e164"]).where("phone_e164", "in", part).execute(),
  );
  const holderOf = new Map(holders.map((h) => [h.phone_e164, h.id]));
  const customersOf = new Map<string, string[]>();
  const link = (conversationId: string, customerId: string | null | undefined) => {
    if (customerId) customersOf.set(conversationId, [...(customersOf.get(conversationId) ?? []), customerId]);
  };
  for (const r of identified) link(r.id, r.customer_id);
  for (const c of callbacks) {
    const phone = phoneOf(c.contact);
    link(c.conversation_id, phone ? holderOf.get(phone) : null);
  }
  const names = await customerNames(db, [...customersOf.values()].flat());
  for (const [conversationId, customers] of customersOf)
    out.set(conversationId, unique(customers.flatMap((c) => names.get(c) ?? [])));
  return out;
}
