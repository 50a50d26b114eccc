/**
 * A consent given to a member of staff (issue 13): on the phone, at the counter or in the chat.
 *
 *   recordConsent(ctx, actor, customerId, { purpose, granted, channel, covers?, textVersion? }) → the current consents
 *
 * The answer is appended to the customer's consent ledger (migration 047: where it was given, what it covers, the
 * version of the words read out) like the booking page's, and read the same way: whoever decides to send reads the
 * latest answer about the way they would send by (`currentConsent`), so a withdrawal stops the reminders, surveys
 * and marketing calls decided after it. A withdrawal of service messages also cancels what is already queued for
 * the customer by the ways it covers and has not gone out: appointment reminders and survey invitations (an
 * appointment's own notices — its confirmation, a move, a cancellation — still go, as at booking). A grant of
 * service messages queues again the reminders still due for the customer's booked appointments to come
 * (`requeueRemindersOfCustomer`: none past, none in quiet hours, none twice).
 *
 * Who: the roles that edit customer records (teller, lobby manager, branch manager, admin) and the contact
 * centre's agents (a consent given in the chat or on the phone). Where: like a customer's export, staff of a
 * branch the customer has had a visit, an appointment or a complaint with (`requireCustomerOfMyBranches`); the
 * admin anywhere. Audited (`customer.consent`: purpose, answer, channel, ways; no personal data).
 */
import { requireRole } from "../access.ts";
import type { Actor, Role, StaffActor } from "../actor.ts";
import { requeueRemindersOfCustomer } from "../appointments/messages.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";
import {
  appendConsent,
  CONSENT_DELIVERIES,
  type ConsentDelivery,
  type ConsentPurpose,
  coversText,
  DEFAULT_COVERS,
} from "./identify.ts";
import { auditBranchFor, type ConsentState, consentsOf, requireCustomerOfMyBranches } from "./records.ts";

/** Who may record a consent given to staff. */
export const CONSENT_RECORDERS: readonly Role[] = ["admin", "branch_manager", "lobby_manager", "teller", "agent"];

/** Where a consent recorded by staff was given. */
export const STAFF_CONSENT_CHANNELS = ["phone", "counter", "chat"] as const;
export type StaffConsentChannel = (typeof STAFF_CONSENT_CHANNELS)[number];

/**
 * The version of the words staff read out or show (the bank's staff script for asking on the phone, at the counter
 * or in the chat), recorded when the request names none; a bank with its own script names its version.
 */
export const STAFF_CONSENT_TEXT_VERSION = "staff-2026-12";

/** The ways each purpose may cover: service messages go by SMS or e-mail; marketing also by a call. */
const ALLOWED_COVERS: Readonly<Record<ConsentPurpose, readonly ConsentDelivery[]>> = {
  service: ["sms", "email"],
  marketing: CONSENT_DELIVERIES,
};

export interface StaffConsentInput {
  readonly purpose: ConsentPurpose;
  readonly granted: boolean;
  readonly channel: StaffConsentChannel;
  readonly covers?: readonly ConsentDelivery[];
  readonly textVersion?: string;
}

/**
 * The customer's branches the member of staff may act for (`requireCustomerOfMyBranches`). An agent answering a chat
 * knows the customer through it, not through a branch: a consent given in the chat (`channel: "chat"`) may be
 * recorded by the agent a conversation of this customer is assigned to (their audit line is then bank-wide).
 */
async function consentScope(
  ctx: AppContext,
  staff: StaffActor,
  customerId: string,
  channel: StaffConsentChannel,
): Promise<readonly string[]> {
  try {
    return await requireCustomerOfMyBranches(ctx.store.db, staff, customerId);
  } catch (error) {
    if (channel !== "chat" || !staff.roles.includes("agent")) throw error;
    const chat = await ctx.store.db
      .selectFrom("chat_conversations")
      .select("id")
      .where("customer_id", "=", customerId)
      .where("agent_id", "=", staff.id)
      .executeTakeFirst();
    if (!chat) throw error;
    return [];
  }
}

export async function recordConsent(
  ctx: AppContext,
  actor: Actor,
  customerId: string,
  input: StaffConsentInput,
): Promise<{ consents: ConsentState[] }> {
  const staff = requireRole(actor, CONSENT_RECORDERS);
  if (!STAFF_CONSENT_CHANNELS.includes(input.channel))
    throw invalid(
      "A consent recorded by staff was given on the phone, at the counter or in the chat.",
      { field: "channel", allowed: STAFF_CONSENT_CHANNELS },
      "工作人员登记的授权须为电话、柜台或在线客服渠道。",
    );
  const allowed = ALLOWED_COVERS[input.purpose];
  const covers = input.covers ?? DEFAULT_COVERS[input.purpose];
  const unknown = covers.filter((c) => !allowed.includes(c));
  if (covers.length === 0 || unknown.length > 0 || new Set(covers).size !== covers.length)
    throw invalid(
      `A ${input.purpose} consent covers one or more of ${allowed.join(", ")}, each once.`,
      { field: "covers", allowed },
      input.purpose === "service"
        ? "服务通知授权仅适用于短信和电子邮件，且不可重复。"
        : "营销授权适用于短信、电子邮件或电话，且不可重复。",
    );
  // Staff of the customer's branches only (403 before anything about the customer is said); the admin anywhere;
  // a contact-centre agent also for a customer who identified in a chat assigned to them, for a consent given there.
  const customerBranches = await consentScope(ctx, staff, customerId, input.channel);
  const textVersion = input.textVersion ?? STAFF_CONSENT_TEXT_VERSION;
  await ctx.store.write(async (tx) => {
    const row = await tx
      .selectFrom("customers")
      .select(["id", "anonymised_at", "merged_into"])
      .where("id", "=", customerId)
      .executeTakeFirst();
    if (!row) throw notFound("Customer", customerId);
    if (row.anonymised_at !== null)
      throw invalid("This record was anonymised.", { reason: "anonymised" }, "该客户记录已匿名化。");
    if (row.merged_into !== null)
      throw invalid(
        "This record was merged into another; record the consent there.",
        { reason: "merged", mergedInto: row.merged_into },
        "该客户记录已合并到另一条记录，请在合并后的记录上登记。",
      );
    const now = ctx.clock();
    // A withdrawal of service messages stops what is queued by those ways and has not gone out yet (`appendConsent`:
    // the same rule as a refusal on the booking or waitlist page).
    const stopped = await appendConsent(
      tx,
      customerId,
      { purpose: input.purpose, granted: input.granted, channel: input.channel, textVersion, covers },
      now,
    );
    // A grant brings back the reminders still due for the customer's appointments to come (by the ways now agreed).
    const requeued =
      input.purpose === "service" && input.granted ? await requeueRemindersOfCustomer(tx, customerId, now) : 0;
    await audit(
      tx,
      staff,
      now,
      "customer.consent",
      {
        type: "customer",
        id: customerId,
        branchId: await auditBranchFor(tx, staff, customerId, customerBranches),
      },
      {
        purpose: input.purpose,
        granted: input.granted,
        channel: input.channel,
        covers: coversText(covers).split(","),
        textVersion,
        ...(stopped > 0 && { messagesCancelled: stopped }),
        ...(requeued > 0 && { remindersQueued: requeued }),
      },
    );
  });
  return { consents: await consentsOf(ctx, customerId) };
}
