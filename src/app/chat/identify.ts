import { maskFreeText } from "../../domain/personal-data/mask.ts";
import { maskCustomerPhone } from "../../domain/personal-data/mask-customer.ts";
import { insertAudit } from "../../store/audit.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { findOrCreateCustomer } from "../customers/identify.ts";
import { checkOtp, verifyOtp } from "../customers/otp.ts";
import { matchOf, recordView, staffSegments, visitsOf } from "../customers/records.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import { AGENT_ROLES, assignWaiting, CHAT_ADMIN_ROLES, insertChatMessage } from "./agents.ts";
import { requireConversation } from "./conversations.ts";
import { chatSignals } from "./signals.ts";

/**
 * The customer identifies in the chat with their phone and a one-time code (the same codes as online booking
 * and the kiosk: `POST /api/public/otp`, then this). The conversation is linked to the customer's record;
 * a VIP customer (segment "vip" or a VIP tier) is routed to senior agents from then on. The agent who takes
 * the conversation sees the customer's masked profile and recent visits (`chatCustomer`), and each look is
 * recorded as a profile view, as on the customer records pages. Each identification is itself in the audit
 * trail ("customer.identify", the customer's record id as actor and entity, no phone or name).
 */

export interface ChatIdentified {
  /** Masked: 138****5678. */
  readonly phone: string;
}

/** A customer is a VIP for the chat by the staff segment "vip" or any VIP tier. */
function isVip(row: { segments: string; vip_tier: string | null }): boolean {
  return row.vip_tier !== null || staffSegments(row).includes("vip");
}

export async function identifyInChat(
  ctx: AppContext,
  conversationId: string,
  token: string | undefined,
  input: { readonly phone: string; readonly otp: string },
  ip: string | null = null,
): Promise<ChatIdentified> {
  const known = await requireConversation(ctx, conversationId, token);
  if (known.status === "closed")
    throw conflict("This conversation has ended.", { status: known.status }, "本次会话已结束。");
  // Its own transaction: a wrong code counts a try even though nothing else is written.
  await checkOtp(ctx, { phone: input.phone, code: input.otp });
  const out = await ctx.store.write(async (tx, afterCommit) => {
    await verifyOtp(tx, ctx, { phone: input.phone, code: input.otp });
    const customer = await findOrCreateCustomer(tx, ctx, { phone: input.phone });
    const row = await tx
      .selectFrom("customers")
      .select(["id", "phone_e164", "segments", "vip_tier"])
      .where("id", "=", customer.id)
      .executeTakeFirstOrThrow();
    const vip = isVip(row);
    const now = ctx.clock();
    const updated = await tx
      .updateTable("chat_conversations")
      .set((eb) => ({
        customer_id: row.id,
        identified_at: now,
        last_seq: eb("last_seq", "+", 1),
        updated_at: now,
        // Once a VIP, the conversation stays one (a second identification does not demote it).
        ...(vip ? { vip: 1 } : {}),
      }))
      .where("id", "=", conversationId)
      .where("status", "!=", "closed")
      .returning(["last_seq", "language", "status"])
      .executeTakeFirst();
    if (!updated) throw conflict("This conversation has ended.", undefined, "本次会话已结束。");
    const phone = maskCustomerPhone(row.phone_e164);
    const text = updated.language === "en" ? `Identity verified: ${phone}.` : `已验证身份：${phone}。`;
    await insertChatMessage(tx, conversationId, Number(updated.last_seq), "system", text, { identified: true }, now);
    // Every identification is in the audit trail, as a staff member's look at the profile is: the customer
    // (by record id, no name or phone) linked their record to this conversation, from this address.
    await insertAudit(tx, {
      at: now,
      actorType: "customer",
      actorId: row.id,
      actorName: null,
      action: "customer.identify",
      entityType: "customer",
      entityId: row.id,
      branchId: null,
      ip,
      details: { via: "chat", conversationId, vip, created: customer.created },
    });
    afterCommit(() => chatSignals.conversation(conversationId));
    return { phone, vip, waiting: updated.status === "waiting" };
  });
  // A VIP waiting in line now goes ahead, to a senior agent.
  if (out.vip && out.waiting) await assignWaiting(ctx);
  return { phone: out.phone };
}

export interface ChatCustomerView {
  readonly customer: {
    readonly id: string;
    readonly code: string;
    readonly name: string;
    readonly phone: string;
    readonly segments: readonly string[];
    readonly vipTier: string | null;
    readonly identifiedAt: string;
  } | null;
  readonly visits: ReadonlyArray<{
    readonly ticketId: string;
    readonly number: string;
    readonly day: string;
    readonly serviceNameZh: string;
    readonly serviceNameEn: string;
    readonly status: string;
    readonly outcome: string | null;
  }>;
}

/** Recent visits shown to the agent. */
const VISITS_SHOWN = 5;

/**
 * The identified customer of a conversation for its agent (or an admin): masked identity, segments and the
 * last visits, every branch (the contact centre serves them all). Recorded as a profile view ("chat").
 */
export async function chatCustomer(ctx: AppContext, actor: Actor, conversationId: string): Promise<ChatCustomerView> {
  const staff = requireRole(actor, [...AGENT_ROLES, ...CHAT_ADMIN_ROLES]);
  const conv = await ctx.store.db
    .selectFrom("chat_conversations")
    .select(["id", "agent_id", "customer_id", "identified_at"])
    .where("id", "=", conversationId)
    .executeTakeFirst();
  if (!conv) throw notFound("Conversation", conversationId);
  if (!staff.roles.includes("admin") && conv.agent_id !== staff.id)
    throw forbidden("This conversation is assigned to another agent.", "该会话已分配给其他客服。");
  if (!conv.customer_id) return { customer: null, visits: [] };
  const row = await ctx.store.db
    .selectFrom("customers")
    .selectAll()
    .where("id", "=", conv.customer_id)
    .executeTakeFirst();
  if (!row) return { customer: null, visits: [] };
  const visits = (await visitsOf(ctx, row.id, () => true)).slice(0, VISITS_SHOWN);
  await recordView(ctx, staff, row.id, "chat");
  const m = matchOf(row, ctx.clock());
  return {
    customer: {
      id: row.id,
      code: m.code,
      name: m.name,
      phone: m.phone,
      segments: m.segments,
      vipTier: m.vipTier,
      identifiedAt: new Date(Number(conv.identified_at ?? 0)).toISOString(),
    },
    visits: visits.map((v) => ({
      ticketId: v.ticketId,
      number: v.number,
      day: v.day,
      serviceNameZh: v.serviceNameZh,
      serviceNameEn: v.serviceNameEn,
      status: v.status,
      // A teller's outcome is free text: a phone or ID number written in it is masked.
      outcome: maskFreeText(v.outcome),
    })),
  };
}
