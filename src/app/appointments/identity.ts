/**
 * The one place where booking meets the customer identity, the one-time codes, the outbox and the webhooks
 * (built by the customers, messages and webhooks capabilities). Everything appointments needs of them goes
 * through here.
 */
import { cancelMessages, enqueueMessage, type NewMessage } from "../../store/outbox.ts";
import type { Tx } from "../../store/store.ts";
import type { AppContext } from "../context.ts";
import { currentConsent, findOrCreateCustomer, requirePhone as requireE164 } from "../customers/identify.ts";
import { checkOtp, otpInvalid, verifyOtp } from "../customers/otp.ts";
import { type AppointmentWebhookEvent, publishAppointmentEvent } from "../webhooks/publish.ts";

export interface BookingCustomer {
  readonly customerId: string | null;
  /** E.164. */
  readonly phone: string;
}

/** The phone in E.164 (validated with libphonenumber; numbers without a country code are read as Chinese), or a 400. */
export function requirePhone(phone: string): string {
  return requireE164(phone);
}

/** What the customer ticked on the booking page: each purpose is recorded, granted or not, with the texts' version. */
export interface BookingConsents {
  /** Service messages: reminders (and a survey after the visit) by SMS or e-mail. */
  readonly service: boolean;
  readonly marketing: boolean;
  readonly textVersion: string;
}

/**
 * The customer record of this phone, created at the first booking, never duplicated; the consents given on the
 * booking page are appended to its consent ledger (channel "web") in the booking's transaction. A refusal of
 * service messages there cancels the reminders and survey invitations already queued for the customer, as a
 * withdrawal recorded by staff does (`appendConsent`); call this before the booking queues its own messages.
 */
export async function identifyCustomer(
  tx: Tx,
  ctx: AppContext,
  input: { phone: string; name: string; email?: string; lang?: string; consents?: BookingConsents },
): Promise<BookingCustomer> {
  const consents = input.consents;
  const customer = await findOrCreateCustomer(tx, ctx, {
    phone: input.phone,
    name: input.name,
    ...(input.email !== undefined && input.email.trim() !== "" && { email: input.email }),
    ...(input.lang !== undefined && { lang: input.lang === "en" ? "en" : "zh-CN" }),
    ...(consents !== undefined && {
      consents: (["service", "marketing"] as const).map((purpose) => ({
        purpose,
        granted: consents[purpose],
        channel: "web",
        textVersion: consents.textVersion,
      })),
    }),
  });
  return { customerId: customer.id, phone: customer.phone };
}

/**
 * True when the customer's latest choice about service messages (reminders) by this channel is a refusal; never
 * asked counts as no refusal.
 */
export async function refusesServiceMessages(
  tx: Tx,
  customerId: string | null,
  channel: "sms" | "email",
): Promise<boolean> {
  return customerId !== null && (await currentConsent(tx, customerId, "service", channel)) === false;
}

/**
 * The one-time code, step one, before the booking's write: a wrong code counts a try (committed even though
 * the booking is refused).
 */
export async function checkPhoneCode(ctx: AppContext, phone: string, otp: string | undefined): Promise<void> {
  if (otp === undefined) throw otpInvalid();
  await checkOtp(ctx, { phone, code: otp });
}

/** Step two, inside the booking's transaction: consumes the checked code (rolled back if the booking fails). */
export async function consumePhoneCode(tx: Tx, ctx: AppContext, phone: string, otp: string | undefined): Promise<void> {
  if (otp === undefined) throw otpInvalid();
  await verifyOtp(tx, ctx, { phone, code: otp });
}

export type OutgoingMessage = NewMessage;

export async function enqueue(tx: Tx, msg: OutgoingMessage): Promise<{ id: string; created: boolean }> {
  return enqueueMessage(tx, msg);
}

export async function cancelPending(
  tx: Tx,
  options: { relatedId: string; kinds?: readonly string[]; now: number },
): Promise<void> {
  await cancelMessages(tx, options);
}

export async function publishEvent(tx: Tx, ctx: AppContext, event: AppointmentWebhookEvent): Promise<void> {
  await publishAppointmentEvent(tx, ctx, event);
}

/** Where one message goes. */
export interface Address {
  readonly channel: "sms" | "email";
  readonly recipient: string;
}

/**
 * Where a booking's messages go. A customer whose record prefers e-mail, has an address and has agreed to
 * service messages by e-mail (their latest "service" answer covering e-mail granted) gets them by e-mail only: the confirmation (with
 * its .ics), the notices and the reminders; should that e-mail be refused for good, the outbox sends an SMS
 * instead (app/messages/runner.ts). Everyone else, and a customer preferring e-mail without an address or the
 * consent, keeps the default: notices by SMS, with a copy by e-mail when the booking gave an address, and
 * reminders by SMS.
 */
export async function appointmentAddresses(
  tx: Tx,
  input: { readonly customerId: string | null; readonly phone: string; readonly bookingEmail: string | null },
): Promise<{ notices: Address[]; reminders: Address }> {
  const sms: Address = { channel: "sms", recipient: input.phone };
  const fallback = {
    notices: input.bookingEmail ? [sms, { channel: "email" as const, recipient: input.bookingEmail }] : [sms],
    reminders: sms,
  };
  if (input.customerId === null) return fallback;
  const customer = await tx
    .selectFrom("customers")
    .select(["preferred_channel", "email", "anonymised_at"])
    .where("id", "=", input.customerId)
    .executeTakeFirst();
  if (!customer || customer.anonymised_at !== null || customer.preferred_channel !== "email") return fallback;
  const address = input.bookingEmail ?? customer.email;
  if (!address) return fallback;
  if ((await currentConsent(tx, input.customerId, "service", "email")) !== true) return fallback;
  const email: Address = { channel: "email", recipient: address };
  return { notices: [email], reminders: email };
}
