/**
 * Customer managers (wealth, corporate): a booking may name a member of staff of the branch, who is told when
 * the customer checks in, by a branch event their screen shows and by a message to the contact they gave.
 */
import { isoInZone } from "../../domain/appointments/slots.ts";
import type { Appointment } from "../../store/appointments.ts";
import type { AfterCommit, Tx } from "../../store/store.ts";
import type { AppContext } from "../context.ts";
import { invalid } from "../errors.ts";
import { emitEvent } from "../record.ts";
import { staffLangOf } from "../staff-notices.ts";
import type { BookingSetup } from "./booking-setup.ts";
import { enqueue } from "./identity.ts";

/** A named manager must be an active member of staff of the branch. */
export async function requireManager(ctx: AppContext, branchId: string, userId: string): Promise<void> {
  const row = await ctx.store.db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select("users.id")
    .where("users.id", "=", userId)
    .where("users.active", "=", 1)
    .where("memberships.branch_id", "=", branchId)
    .executeTakeFirst();
  if (!row)
    throw invalid(
      "The customer manager must be an active member of staff of this branch.",
      { field: "managerUserId" },
      "客户经理须为本网点在职员工。",
    );
}

/** Inside the check-in's transaction: the arrival event and the manager's messages. */
export async function tellManager(
  ctx: AppContext,
  tx: Tx,
  afterCommit: AfterCommit,
  a: Appointment,
  setup: BookingSetup,
  ticket: { id: string; number: string },
  now: number,
): Promise<void> {
  if (a.managerUserId === null) return;
  const tz = setup.branch.timezone;
  await emitEvent(ctx, tx, afterCommit, a.branchId, "appointment.arrived", now, {
    appointment: {
      id: a.id,
      code: a.code,
      serviceId: a.serviceId,
      start: isoInZone(a.start, tz),
      managerUserId: a.managerUserId,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
    },
  });
  const contact = await tx
    .selectFrom("staff_contacts")
    .selectAll()
    .where("user_id", "=", a.managerUserId)
    .executeTakeFirst();
  if (!contact) return;
  const lang = await staffLangOf(tx, a.managerUserId, a.branchId);
  const data = {
    name: a.customerName,
    code: a.code,
    number: ticket.number,
    start: isoInZone(a.start, tz),
    timeZone: tz,
    branch: { zh: setup.branch.nameZh, en: setup.branch.nameEn },
    service: { zh: setup.service.nameZh, en: setup.service.nameEn },
  };
  const msg = {
    kind: "appointment.arrived",
    lang,
    data,
    now,
    branchId: a.branchId,
    relatedType: "appointment",
    relatedId: a.id,
  };
  // On the channels they want, in their language (their own, else the branch's for staff notices).
  if (contact.phone && contact.notify_sms !== 0)
    await enqueue(tx, { ...msg, channel: "sms", recipient: contact.phone });
  if (contact.email && contact.notify_email !== 0)
    await enqueue(tx, { ...msg, channel: "email", recipient: contact.email });
}
