import { canChange, capReached } from "../../domain/appointments/rules.ts";
import { dayInZone, isoInZone } from "../../domain/appointments/slots.ts";
import type { BranchId } from "../../domain/ids.ts";
import {
  type Appointment,
  bookingsOfPhoneOnDay,
  findAppointment,
  lockCustomerDay,
  lockSlot,
  placesTaken,
  toAppointment,
} from "../../store/appointments.ts";
import type { Tx } from "../../store/store.ts";
import { requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";
import { BOOKING_ROLES, capRefusal, parseStart, ruleRefusal, slotAt, slotFull } from "./book.ts";
import { type BookingSetup, loadSetup } from "./booking-setup.ts";
import { cancelPending, publishEvent } from "./identity.ts";
import { appointmentMessages, relinkUnsentMessages } from "./messages.ts";
import { slotsChanged } from "./slot-state.ts";
import { manageTokenHash, manageUrl, newManageToken, tokenMatches } from "./tokens.ts";
import { type AppointmentView, appointmentView } from "./view.ts";
import { offerSoon } from "./waitlist.ts";

/** The customer (holding the manage link's token) or a member of staff of the appointment's branch. */
export type Changer = { readonly token: string } | Actor;

const isToken = (who: Changer): who is { token: string } => "token" in who;

/** The appointment the token opens; a wrong token looks exactly like an unknown appointment. */
export async function appointmentForToken(ctx: AppContext, id: string, token: string): Promise<Appointment> {
  const a = await findAppointment(ctx.store.db, id);
  if (!a || !tokenMatches(token, a.manageTokenHash)) throw notFound("Appointment", id);
  return a;
}

async function appointmentFor(ctx: AppContext, who: Changer, id: string): Promise<Appointment> {
  if (isToken(who)) return appointmentForToken(ctx, id, who.token);
  const a = await findAppointment(ctx.store.db, id);
  if (!a) throw notFound("Appointment", id);
  requireBranchAccess(who as Actor, a.branchId as BranchId, BOOKING_ROLES);
  return a;
}

export async function showAppointment(ctx: AppContext, id: string, token: string): Promise<AppointmentView> {
  const a = await appointmentForToken(ctx, id, token);
  const setup = await loadSetup(ctx.store.db, a.branchId, a.serviceId);
  return appointmentView(a, setup.branch.timezone, { maskPhone: true });
}

function notBooked(a: Appointment) {
  return conflict(
    `This appointment is ${a.status} and can no longer be changed.`,
    { status: a.status },
    `该预约状态为“${STATUS_ZH[a.status] ?? a.status}”，不能再更改。`,
  );
}

const STATUS_ZH: Readonly<Record<string, string>> = {
  booked: "已预约",
  cancelled: "已取消",
  checked_in: "已签到",
  no_show: "未到",
  completed: "已完成",
};

function noticeRefusal(kind: "cancel" | "reschedule", latest: number, tz: string) {
  const when = isoInZone(latest, tz);
  return conflict(
    `It is too late to ${kind} online (possible until ${when}); please call the branch.`,
    { reason: "notice", latest: when },
    `已超过可在线${kind === "cancel" ? "取消" : "改期"}的时间（截至 ${when}），请致电网点。`,
  );
}

/**
 * Moves one booked appointment from `expected` (its version as read) to a new state. The version makes a
 * change based on an older read change nothing: two cancels, or a cancel racing a check-in, apply once.
 */
async function updateBooked(
  tx: Tx,
  a: Appointment,
  set: Partial<{
    status: Appointment["status"];
    start_at: number;
    end_at: number;
    day: string;
    cancel_reason: string | null;
    manage_token_hash: string;
  }>,
  now: number,
): Promise<void> {
  const result = await tx
    .updateTable("appointments")
    .set({ ...set, version: a.version + 1, updated_at: now })
    .where("id", "=", a.id)
    .where("version", "=", a.version)
    .where("status", "=", "booked")
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1)
    throw conflict("The appointment changed meanwhile; look again.", undefined, "预约刚刚已被更改，请刷新后重试。");
}

/** The webhook event of a change: the appointment without personal data, the customer for those allowed it. */
export function appointmentEvent(
  a: Appointment,
  type: "appointment.rescheduled" | "appointment.cancelled" | "appointment.checked_in" | "appointment.no_show",
  tz: string,
  changes: Partial<{ start: number; end: number; status: string; ticketId: string }> = {},
) {
  return {
    type,
    branchId: a.branchId,
    appointment: {
      id: a.id,
      code: a.code,
      serviceId: a.serviceId,
      start: isoInZone(changes.start ?? a.start, tz),
      end: isoInZone(changes.end ?? a.end, tz),
      status: changes.status ?? a.status,
      ...(changes.ticketId !== undefined && { ticketId: changes.ticketId }),
    },
    ...(a.customerId !== null && {
      customer: { id: a.customerId, name: a.customerName, phone: a.customerPhone, email: a.customerEmail },
    }),
  };
}

function messageBase(a: Appointment, setup: BookingSetup, now: number) {
  return {
    appointmentId: a.id,
    setup,
    code: a.code,
    name: a.customerName,
    phone: a.customerPhone,
    email: a.customerEmail,
    lang: a.lang === "en" ? ("en" as const) : ("zh-CN" as const),
    customerId: a.customerId,
    now,
  };
}

export async function cancelAppointment(
  ctx: AppContext,
  who: Changer,
  id: string,
  input: { reason?: string } = {},
): Promise<AppointmentView> {
  const a = await appointmentFor(ctx, who, id);
  const setup = await loadSetup(ctx.store.db, a.branchId, a.serviceId);
  const tz = setup.branch.timezone;
  const now = ctx.clock();
  if (a.status !== "booked") throw notBooked(a);
  const byStaff = !isToken(who);
  const verdict = canChange(setup.rules, "cancel", now, a.start, byStaff);
  if (!verdict.ok) throw noticeRefusal("cancel", verdict.reason === "notice" ? verdict.latest : a.start, tz);
  const reason = input.reason?.trim() || null;
  await ctx.store.write(async (tx, afterCommit) => {
    await updateBooked(tx, a, { status: "cancelled", cancel_reason: reason }, now);
    if (byStaff)
      await audit(
        tx,
        who as Actor,
        now,
        "appointment.cancel",
        { type: "appointment", id, branchId: a.branchId },
        { reason },
      );
    await appointmentMessages(tx, ctx, {
      ...messageBase(a, setup, now),
      kind: "cancelled",
      start: a.start,
      end: a.end,
      ...(reason !== null && { reason }),
    });
    await publishEvent(tx, ctx, appointmentEvent(a, "appointment.cancelled", tz, { status: "cancelled" }));
    await slotsChanged(tx, afterCommit, ctx, a.branchId, a.serviceId, a.day, true);
    if (setup.rules.waitlist) afterCommit(() => offerSoon(ctx));
  });
  return appointmentView({ ...a, status: "cancelled", cancelReason: reason }, tz, {
    maskPhone: !byStaff,
    staff: byStaff,
  });
}

export async function rescheduleAppointment(
  ctx: AppContext,
  who: Changer,
  id: string,
  input: { start: string },
): Promise<AppointmentView> {
  const a = await appointmentFor(ctx, who, id);
  const setup = await loadSetup(ctx.store.db, a.branchId, a.serviceId);
  const tz = setup.branch.timezone;
  const now = ctx.clock();
  if (a.status !== "booked") throw notBooked(a);
  const byStaff = !isToken(who);
  const verdict = canChange(setup.rules, "reschedule", now, a.start, byStaff);
  if (!verdict.ok) throw noticeRefusal("reschedule", verdict.reason === "notice" ? verdict.latest : a.start, tz);
  const start = parseStart(input.start);
  if (start === a.start)
    throw invalid("That is the appointment's time already.", { field: "start" }, "这就是当前的预约时间。");
  const { slot, day } = slotAt(setup, start);
  ruleRefusal(setup.rules, now, start, day, dayInZone(now, tz), byStaff);
  // The notice and the reminders queued again carry a manage link that works: the customer's own token when they
  // move it through their link; staff cannot know that token (only its hash is kept), so a staff move makes a new
  // one, as a resent confirmation does, and the old link stops working.
  const token = isToken(who) ? who.token : newManageToken();
  await ctx.store.write(async (tx, afterCommit) => {
    await lockSlot(tx, a.branchId, a.serviceId, start);
    // The business type's per-customer per-day cap holds for a move as for a booking (the same lock, count and
    // 409), or two bookings on two days, one moved onto the other, would beat it. The appointment itself does not
    // count.
    if (day !== a.day) {
      await lockCustomerDay(tx, a.serviceId, a.customerPhone, day);
      if (capReached(setup.rules, await bookingsOfPhoneOnDay(tx, a.serviceId, a.customerPhone, day, a.id)))
        throw capRefusal(setup.rules);
    }
    if ((await placesTaken(tx, a.branchId, a.serviceId, start, now)) >= slot.capacity) throw slotFull();
    await updateBooked(
      tx,
      a,
      { start_at: start, end_at: slot.end, day, ...(byStaff && { manage_token_hash: manageTokenHash(token) }) },
      now,
    );
    if (byStaff)
      await audit(
        tx,
        who as Actor,
        now,
        "appointment.reschedule",
        { type: "appointment", id, branchId: a.branchId },
        {
          from: isoInZone(a.start, tz),
          to: isoInZone(start, tz),
          // The notice carries a new manage link; the one the customer had stops working.
          newManageLink: true,
        },
      );
    // What was queued earlier and has not gone out (a confirmation waiting for its channel, an earlier move's
    // notice) carries the link a staff move has just made dead: it carries the new one instead.
    if (byStaff) await relinkUnsentMessages(tx, a.id, manageUrl(a.id, token), now);
    await appointmentMessages(tx, ctx, {
      ...messageBase(a, setup, now),
      kind: "rescheduled",
      start,
      end: slot.end,
      manageUrl: manageUrl(a.id, token),
    });
    await publishEvent(tx, ctx, appointmentEvent(a, "appointment.rescheduled", tz, { start, end: slot.end }));
    await slotsChanged(tx, afterCommit, ctx, a.branchId, a.serviceId, a.day, true);
    if (day !== a.day) await slotsChanged(tx, afterCommit, ctx, a.branchId, a.serviceId, day, false);
    if (setup.rules.waitlist) afterCommit(() => offerSoon(ctx));
  });
  return appointmentView({ ...a, start, end: slot.end, day }, tz, { maskPhone: !byStaff, staff: byStaff });
}

/**
 * Staff send the confirmation again, with a new manage link (the old token is only kept hashed, so the old link
 * stops working). What is still to go out with the old link is cancelled and queued again with the new one: an
 * earlier confirmation not yet sent, and the reminders (their dedupe keys are released, so they come back once).
 */
export async function resendConfirmation(ctx: AppContext, actor: Actor, id: string): Promise<AppointmentView> {
  const a = await appointmentFor(ctx, actor, id);
  if (a.status !== "booked") throw notBooked(a);
  const setup = await loadSetup(ctx.store.db, a.branchId, a.serviceId);
  const now = ctx.clock();
  const token = newManageToken();
  await ctx.store.write(async (tx) => {
    await updateBooked(tx, a, { manage_token_hash: manageTokenHash(token) }, now);
    await audit(tx, actor, now, "appointment.resend", { type: "appointment", id, branchId: a.branchId });
    await cancelPending(tx, { relatedId: a.id, kinds: ["appointment.confirmed", "appointment.reminder"], now });
    // An earlier move's notice still waiting to go keeps its place, with the new link.
    await relinkUnsentMessages(tx, a.id, manageUrl(a.id, token), now);
    await appointmentMessages(tx, ctx, {
      ...messageBase(a, setup, now),
      kind: "confirmed",
      start: a.start,
      end: a.end,
      manageUrl: manageUrl(a.id, token),
      replanReminders: true,
    });
  });
  return appointmentView(a, setup.branch.timezone, { maskPhone: false, staff: true });
}

/** The branch must close: every booked appointment in [from, to) is cancelled with the reason, and each customer told. */
export async function cancelRange(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  input: { from: string; to: string; reason: string; serviceId?: string },
): Promise<{ cancelled: number }> {
  requireBranchAccess(actor, branchId as BranchId, ["admin", "branch_manager", "lobby_manager"]);
  const from = parseStart(input.from);
  const to = parseStart(input.to);
  if (to <= from) throw invalid("to must be after from.", { field: "to" }, "结束时间须晚于开始时间。");
  const reason = input.reason.trim();
  if (!reason)
    throw invalid("Give the reason the customers will be told.", { field: "reason" }, "请填写告知客户的原因。");
  const now = ctx.clock();
  let q = ctx.store.db
    .selectFrom("appointments")
    .selectAll()
    .where("branch_id", "=", branchId)
    .where("status", "=", "booked")
    .where("start_at", ">=", from)
    .where("start_at", "<", to);
  if (input.serviceId !== undefined) q = q.where("service_id", "=", input.serviceId);
  const rows = (await q.execute()).map(toAppointment);
  const setups = new Map<string, BookingSetup>();
  for (const a of rows)
    if (!setups.has(a.serviceId)) setups.set(a.serviceId, await loadSetup(ctx.store.db, branchId, a.serviceId));
  const cancelled = await ctx.store.write(async (tx, afterCommit) => {
    let n = 0;
    for (const a of rows) {
      const result = await tx
        .updateTable("appointments")
        .set({ status: "cancelled", cancel_reason: reason, version: a.version + 1, updated_at: now })
        .where("id", "=", a.id)
        .where("status", "=", "booked")
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) continue;
      n++;
      const setup = setups.get(a.serviceId) as BookingSetup;
      await appointmentMessages(tx, ctx, {
        ...messageBase(a, setup, now),
        kind: "cancelled",
        start: a.start,
        end: a.end,
        reason,
      });
      await publishEvent(
        tx,
        ctx,
        appointmentEvent(a, "appointment.cancelled", setup.branch.timezone, { status: "cancelled" }),
      );
      await slotsChanged(tx, afterCommit, ctx, branchId, a.serviceId, a.day, true);
      if (setup.rules.waitlist) afterCommit(() => offerSoon(ctx));
    }
    await audit(
      tx,
      actor,
      now,
      "appointment.cancel_range",
      { type: "branch", id: branchId, branchId },
      {
        from: input.from,
        to: input.to,
        reason,
        cancelled: n,
      },
    );
    return n;
  });
  return { cancelled };
}
