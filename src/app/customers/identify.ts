/**
 * One customer per phone number, across booking, phone booking by staff, kiosk check-in and later chat.
 *
 *   findOrCreateCustomer(tx: Tx, ctx: AppContext, input: IdentifyInput): Promise<Customer>
 *
 * Call it inside `store.write`. The phone is validated and normalised to E.164 (400 `invalid_phone`
 * otherwise). An existing customer keeps its id; a name, e-mail, language or channel given fills in or
 * updates the record; consents given are appended (each with its time, channel and text version) by
 * `appendConsent`, so a refusal of service messages given on the customer's own pages (booking, waitlist) stops
 * what is queued for them exactly as one recorded by staff does.
 *
 * Never two customers for one phone, under any concurrency: the row is inserted with ON CONFLICT DO NOTHING
 * on the unique `phone_e164`, then read. On PostgreSQL a concurrent insert of the same phone makes ours wait
 * for the other transaction and then do nothing, and the read that follows (READ COMMITTED: a new snapshot)
 * sees the winner's row. On SQLite writes are serialised, so the second insert always sees the first.
 */

import { randomBytes } from "node:crypto";
import type { Insertable, Kysely } from "kysely";
import { normalisePhone } from "../../domain/customers/phone.ts";
import { newCustomerCode, reverseDigits } from "../../domain/customers/records.ts";
import { cancelMessagesOf } from "../../store/outbox.ts";
import type { CustomerTable, Database } from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";
import type { AppContext } from "../context.ts";
import { AppError, invalid } from "../errors.ts";

export type CustomerLang = "zh-CN" | "en";
export type PreferredChannel = "sms" | "email";
export type ConsentPurpose = "service" | "marketing";
/** Where a consent was given: the booking page, the kiosk, staff (in person or on the phone), the counter, the chat. */
export type ConsentSource = "web" | "kiosk" | "staff" | "phone" | "counter" | "chat";
export const CONSENT_SOURCES: readonly ConsentSource[] = ["web", "kiosk", "staff", "phone", "counter", "chat"];
/** A way of reaching the customer a consent is about: a message by SMS or e-mail, or a call by a member of staff. */
export type ConsentDelivery = "sms" | "email" | "call";
export const CONSENT_DELIVERIES: readonly ConsentDelivery[] = ["sms", "email", "call"];

/**
 * What a consent covers when the text agreed to does not say otherwise: service messages go by SMS or e-mail (the
 * booking page's words); marketing may also come as a call (a marketing follow-up).
 */
export const DEFAULT_COVERS: Readonly<Record<ConsentPurpose, readonly ConsentDelivery[]>> = {
  service: ["sms", "email"],
  marketing: ["sms", "email", "call"],
};

export interface ConsentInput {
  readonly purpose: ConsentPurpose;
  readonly granted: boolean;
  /** Where it was given. */
  readonly channel: ConsentSource;
  readonly textVersion: string;
  /** The ways of reaching the customer it is about (default `DEFAULT_COVERS` of the purpose). */
  readonly covers?: readonly ConsentDelivery[];
}

/** The `covers` column's text for a set of ways, in a fixed order. */
export function coversText(covers: readonly ConsentDelivery[]): string {
  return CONSENT_DELIVERIES.filter((d) => covers.includes(d)).join(",");
}

/** The ways a ledger row covers (a row of an unknown way is ignored). */
export function coversOf(text: string): ConsentDelivery[] {
  const ways = text.split(",");
  return CONSENT_DELIVERIES.filter((d) => ways.includes(d));
}

export interface IdentifyInput {
  readonly phone: string;
  readonly name?: string;
  readonly email?: string;
  readonly lang?: CustomerLang;
  readonly preferredChannel?: PreferredChannel;
  readonly consents?: readonly ConsentInput[];
}

export interface Customer {
  readonly id: string;
  readonly phone: string;
  readonly name: string;
  readonly email: string | null;
  readonly lang: CustomerLang;
  readonly preferredChannel: PreferredChannel;
  /** True when this call created the record. */
  readonly created: boolean;
}

/** The phone in E.164, or a 400 `invalid_phone`. */
export function requirePhone(phone: string): string {
  const result = normalisePhone(phone);
  if (!result.ok)
    throw new AppError(
      400,
      "invalid_phone",
      "Not a valid phone number.",
      { field: "phone", reason: result.reason },
      "手机号码无效。",
    );
  return result.e164;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function findOrCreateCustomer(tx: Tx, ctx: AppContext, input: IdentifyInput): Promise<Customer> {
  const phone = requirePhone(input.phone);
  const email = input.email?.trim() || undefined;
  if (email !== undefined && (email.length > 254 || !EMAIL.test(email)))
    throw invalid("Not a valid e-mail address.", { field: "email" }, "电子邮箱地址无效。");
  const name = input.name?.trim() || undefined;
  const now = ctx.clock();
  const row: Insertable<CustomerTable> = {
    id: ctx.newId(),
    phone_e164: phone,
    name: name ?? "",
    email: email ?? null,
    lang: input.lang ?? "zh-CN",
    preferred_channel: input.preferredChannel ?? "sms",
    created_at: now,
    updated_at: now,
    code: newCustomerCode(randomBytes(10)),
    phone_rev: reverseDigits(phone),
    id_number: null,
    birth_date: null,
    vip_tier: null,
    pref_counter: null,
    anonymised_at: null,
    merged_into: null,
  };
  const inserted = await tx
    .insertInto("customers")
    .values(row)
    .onConflict((oc) => oc.column("phone_e164").doNothing())
    .returning("id")
    .executeTakeFirst();
  let current = await tx.selectFrom("customers").selectAll().where("phone_e164", "=", phone).executeTakeFirstOrThrow();
  if (!inserted) {
    const changes: Partial<Insertable<CustomerTable>> = {};
    if (name !== undefined && name !== current.name) changes.name = name;
    if (email !== undefined && email !== current.email) changes.email = email;
    if (input.lang !== undefined && input.lang !== current.lang) changes.lang = input.lang;
    if (input.preferredChannel !== undefined && input.preferredChannel !== current.preferred_channel)
      changes.preferred_channel = input.preferredChannel;
    if (Object.keys(changes).length) {
      await tx
        .updateTable("customers")
        .set({ ...changes, updated_at: now })
        .where("id", "=", current.id)
        .execute();
      current = { ...current, ...changes, updated_at: now };
    }
  }
  for (const consent of input.consents ?? []) {
    const covers = coversText(consent.covers ?? DEFAULT_COVERS[consent.purpose]);
    if (!CONSENT_SOURCES.includes(consent.channel) || covers === "")
      throw invalid(
        "A consent needs where it was given and what it covers.",
        { field: "consents" },
        "同意记录不完整。",
      );
    await appendConsent(tx, current.id, { ...consent, covers: coversOf(covers) }, now);
  }
  return {
    id: current.id,
    phone: current.phone_e164,
    name: current.name,
    email: current.email,
    lang: current.lang === "en" ? "en" : "zh-CN",
    preferredChannel: current.preferred_channel === "email" ? "email" : "sms",
    created: inserted !== undefined,
  };
}

/** What is queued for the customer and stops with a withdrawal of service messages by a way. */
export const SERVICE_MESSAGE_KINDS: readonly string[] = ["appointment.reminder", "survey.invite"];

/**
 * One answer appended to the customer's consent ledger, wherever it was given (the booking or waitlist page, the
 * kiosk, staff). A withdrawal of service messages also cancels what is already queued for the customer by the ways
 * it covers and has not gone out (pending, failed for now, undeliverable): appointment reminders and survey
 * invitations (`SERVICE_MESSAGE_KINDS`), the reason shown on admin's Messages page. Everything else still goes: an
 * appointment's own notices (its confirmation, a move, a cancellation), one-time codes, a waitlist offer. Call it
 * in the transaction that records the answer. Answers how many messages were cancelled.
 */
export async function appendConsent(
  tx: Tx,
  customerId: string,
  consent: ConsentInput & { readonly covers: readonly ConsentDelivery[] },
  now: number,
): Promise<number> {
  await tx
    .insertInto("customer_consents")
    .values({
      customer_id: customerId,
      purpose: consent.purpose,
      granted: consent.granted ? 1 : 0,
      channel: consent.channel,
      text_version: consent.textVersion,
      at: now,
      covers: coversText(consent.covers),
    })
    .execute();
  if (consent.purpose !== "service" || consent.granted) return 0;
  return cancelServiceMessages(
    tx,
    customerId,
    consent.covers.filter((c): c is "sms" | "email" => c !== "call"),
    now,
    "Cancelled: the customer withdrew consent to service messages. 已取消：客户已撤回服务通知授权。",
  );
}

/**
 * Cancels what is queued for the customer by these ways and has not gone out, of the kinds a withdrawal of service
 * messages stops (`SERVICE_MESSAGE_KINDS`), the reason shown on admin's Messages page. Answers how many.
 */
export function cancelServiceMessages(
  tx: Tx,
  customerId: string,
  ways: ReadonlyArray<"sms" | "email">,
  now: number,
  reason: string,
): Promise<number> {
  return cancelMessagesOf(tx, { customerId, kinds: SERVICE_MESSAGE_KINDS, channels: ways, now, reason });
}

/**
 * The customer's current choice for a purpose (their latest answer), or undefined if never asked. With `delivery`,
 * the latest answer that covers that way of reaching them: a service message by SMS reads the latest service
 * answer about SMS, not one given about e-mail only.
 */
export async function currentConsent(
  db: Kysely<Database>,
  customerId: string,
  purpose: ConsentPurpose,
  delivery?: ConsentDelivery,
): Promise<boolean | undefined> {
  const rows = await db
    .selectFrom("customer_consents")
    .select(["granted", "covers"])
    .where("customer_id", "=", customerId)
    .where("purpose", "=", purpose)
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .execute();
  const row = delivery === undefined ? rows[0] : rows.find((r) => coversOf(r.covers).includes(delivery));
  return row === undefined ? undefined : row.granted === 1;
}
