/**
 * "Your turn is near": a customer following a live ticket asks (from the live ticket page) to be told by SMS
 * or e-mail when `ahead` people (default 3) or fewer are before them. A scheduled job (jobs.ts) looks at the
 * line and writes the message to the outbox once, in the same transaction that marks the alert sent; a ticket
 * called, served or cancelled first needs no alert any more.
 */

import { enqueueMessage } from "../../store/outbox.ts";
import type { AppContext } from "../context.ts";
import { requirePhone } from "../customers/identify.ts";
import { invalid, notFound } from "../errors.ts";
import { publicTicketsOfBranch } from "../queries/tickets.ts";

export const DEFAULT_AHEAD = 3;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface TurnAlertInput {
  readonly phone?: string;
  readonly email?: string;
  readonly ahead?: number;
  readonly lang?: "zh-CN" | "en";
}

export async function askTurnAlert(
  ctx: AppContext,
  ticketId: string,
  input: TurnAlertInput,
): Promise<{ ticketId: string; channel: "sms" | "email"; ahead: number; status: "waiting" | "sent" }> {
  if ((input.phone === undefined) === (input.email === undefined))
    throw invalid(
      "Give a phone number or an e-mail address.",
      { field: "phone" },
      "请填写手机号或电子邮件（二选一）。",
    );
  const channel: "sms" | "email" = input.phone !== undefined ? "sms" : "email";
  const recipient = input.phone !== undefined ? requirePhone(input.phone) : (input.email ?? "").trim();
  if (channel === "email" && !EMAIL.test(recipient))
    throw invalid("That is not an e-mail address.", { field: "email" }, "电子邮件地址格式不正确。");
  const ahead = input.ahead ?? DEFAULT_AHEAD;
  const ticket = await ctx.store.db
    .selectFrom("tickets")
    .select(["branch_id", "status"])
    .where("id", "=", ticketId)
    .executeTakeFirst();
  if (!ticket) throw notFound("Ticket", ticketId);
  if (ticket.status !== "waiting")
    throw invalid("This ticket is no longer waiting.", { reason: "not_waiting" }, "该号码已不在等候中。");
  const now = ctx.clock();
  const row = {
    ticket_id: ticketId,
    branch_id: ticket.branch_id,
    channel,
    recipient,
    lang: input.lang === "en" ? "en" : "zh-CN",
    ahead,
    status: "waiting" as const,
    created_at: now,
    sent_at: null,
  };
  await ctx.store.write((tx) =>
    tx
      .insertInto("ticket_alerts")
      .values(row)
      .onConflict((oc) =>
        oc.column("ticket_id").doUpdateSet({ channel, recipient, lang: row.lang, ahead, status: "waiting" }),
      )
      .execute(),
  );
  // Already near: told at once.
  await sendTurnAlerts(ctx, ticket.branch_id);
  const after = await ctx.store.db
    .selectFrom("ticket_alerts")
    .select("status")
    .where("ticket_id", "=", ticketId)
    .executeTakeFirstOrThrow();
  return { ticketId, channel, ahead, status: after.status === "sent" ? "sent" : "waiting" };
}

/** The job: alerts whose ticket has `ahead` or fewer before it are sent; those of tickets gone are closed. */
export async function sendTurnAlerts(ctx: AppContext, onlyBranch?: string): Promise<number> {
  let q = ctx.store.db.selectFrom("ticket_alerts").selectAll().where("status", "=", "waiting");
  if (onlyBranch !== undefined) q = q.where("branch_id", "=", onlyBranch);
  const alerts = await q.limit(1000).execute();
  const byBranch = new Map<string, typeof alerts>();
  for (const a of alerts) byBranch.set(a.branch_id, [...(byBranch.get(a.branch_id) ?? []), a]);
  let sent = 0;
  for (const [branchId, list] of byBranch) {
    const views = await publicTicketsOfBranch(
      ctx,
      branchId,
      list.map((a) => a.ticket_id),
    );
    const now = ctx.clock();
    for (const a of list) {
      const view = views.get(a.ticket_id);
      const gone = view?.status !== "waiting";
      const peopleAhead = view ? Math.max(0, view.position - 1) : 0;
      if (!gone && peopleAhead > a.ahead) continue;
      sent += await ctx.store.write(async (tx) => {
        const claimed = await tx
          .updateTable("ticket_alerts")
          .set({ status: gone ? "cancelled" : "sent", sent_at: gone ? null : now })
          .where("ticket_id", "=", a.ticket_id)
          .where("status", "=", "waiting")
          .executeTakeFirst();
        if (gone || Number(claimed.numUpdatedRows) !== 1 || !view) return 0;
        await enqueueMessage(tx, {
          kind: "ticket.near",
          channel: a.channel,
          recipient: a.recipient,
          lang: a.lang === "en" ? "en" : "zh-CN",
          data: { number: view.number, ahead: peopleAhead, branch: { zh: view.branchNameZh, en: view.branchNameEn } },
          now,
          branchId,
          relatedType: "ticket",
          relatedId: a.ticket_id,
          dedupeKey: `ticket.near:${a.ticket_id}`,
        });
        return 1;
      });
    }
  }
  return sent;
}
