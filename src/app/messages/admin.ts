/**
 * Staff's view of the outbox: every message with its status, attempts and last error, personal data masked,
 * and "resend". Administrators see every branch; branch managers their own branches' messages.
 */

import { maskRecipient } from "../../domain/customers/phone.ts";
import type { BranchId } from "../../domain/ids.ts";
import { requeueMessage } from "../../store/outbox.ts";
import type { OutboxTable } from "../../store/schema.ts";
import { requireBranchAccess, requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import { manageLinkSuperseded } from "../appointments/tokens.ts";
import type { AppContext } from "../context.ts";
import { conflict, notFound } from "../errors.ts";
import { audit } from "../record.ts";

export interface MessageView {
  readonly id: string;
  readonly kind: string;
  readonly channel: string;
  /** Masked: 138****5678, z***@example.com. */
  readonly recipient: string;
  readonly lang: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: string;
  readonly createdAt: string;
  readonly sentAt: string | null;
  readonly branchId: string | null;
  readonly relatedType: string | null;
  readonly relatedId: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function view(row: OutboxTable): MessageView {
  return {
    id: row.id,
    kind: row.kind,
    channel: row.channel,
    recipient: maskRecipient(row.recipient),
    lang: row.lang,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: iso(row.next_attempt_at),
    createdAt: iso(row.created_at),
    sentAt: row.sent_at === null ? null : iso(row.sent_at),
    branchId: row.branch_id,
    relatedType: row.related_type,
    relatedId: row.related_id,
  };
}

const MESSAGE_ROLES = ["admin", "branch_manager"] as const;

export async function listMessages(
  ctx: AppContext,
  actor: Actor,
  filter: { branchId?: string; status?: string; before?: number; limit?: number },
): Promise<{ messages: MessageView[] }> {
  const staff = requireRole(actor, [...MESSAGE_ROLES]);
  const isAdmin = staff.roles.includes("admin");
  if (filter.branchId) requireBranchAccess(actor, filter.branchId as BranchId, [...MESSAGE_ROLES]);
  let query = ctx.store.db.selectFrom("outbox").selectAll();
  if (filter.branchId) query = query.where("branch_id", "=", filter.branchId);
  // A branch manager sees their branches' messages; messages of no branch (one-time codes) are admin's.
  else if (!isAdmin) query = query.where("branch_id", "in", staff.branchIds.length ? [...staff.branchIds] : ["-"]);
  if (filter.status) query = query.where("status", "=", filter.status);
  if (filter.before !== undefined) query = query.where("created_at", "<", filter.before);
  const rows = await query
    .orderBy("created_at", "desc")
    .limit(Math.min(Math.max(filter.limit ?? 100, 1), 500))
    .execute();
  return { messages: rows.map(view) };
}

export async function resendMessage(ctx: AppContext, actor: Actor, id: string): Promise<MessageView> {
  requireRole(actor, [...MESSAGE_ROLES]);
  return ctx.store.write(async (tx) => {
    const row = await tx.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound("Message", id);
    if (row.branch_id) requireBranchAccess(actor, row.branch_id as BranchId, [...MESSAGE_ROLES]);
    else requireRole(actor, ["admin"]);
    if (row.kind === "otp")
      throw conflict(
        "A one-time code is not sent again; the customer asks for a new one.",
        undefined,
        "验证码不会重发，请客户重新获取。",
      );
    // A message whose manage link staff have since replaced (a move or a resend of the confirmation) would send the
    // customer a link that opens nothing: refused, pointing to the appointment's own resend, which makes a working one.
    if (row.related_type === "appointment" && row.related_id) {
      const appointment = await tx
        .selectFrom("appointments")
        .select("manage_token_hash")
        .where("id", "=", row.related_id)
        .executeTakeFirst();
      const link = (JSON.parse(row.data) as { manageUrl?: unknown }).manageUrl;
      if (manageLinkSuperseded(link, appointment?.manage_token_hash))
        throw conflict(
          "This message's manage link no longer works (the appointment was moved or its confirmation sent again since). Resend the confirmation from the appointment instead: it carries a working link.",
          { reason: "link_superseded", appointmentId: row.related_id },
          "该消息中的预约管理链接已失效（之后预约被改期或已重发确认），请在预约页面重发确认，新消息会带有可用的链接。",
        );
    }
    const now = ctx.clock();
    if (!(await requeueMessage(tx, id, now)))
      throw conflict(
        `The message is ${row.status}; only sent, failed, dead or undeliverable ones are resent.`,
        {
          status: row.status,
        },
        `该消息状态为 ${row.status}，只能重发已发送、失败、作废或无法投递的消息。`,
      );
    await audit(tx, actor, now, "message.resend", { type: "message", id, branchId: row.branch_id });
    const updated = await tx.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    return view(updated);
  });
}
