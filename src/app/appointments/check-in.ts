import { checkInWindow, noShowAfter } from "../../domain/appointments/rules.ts";
import { isoInZone } from "../../domain/appointments/slots.ts";
import type { BranchId, DeviceId } from "../../domain/ids.ts";
import { type Appointment, findAppointmentByCode, toAppointment } from "../../store/appointments.ts";
import { requireBranchAccess } from "../access.ts";
import type { Actor, DeviceActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { AppError, conflict, notFound } from "../errors.ts";
import { issueInTransaction, prepareIssue } from "../tickets/issue-ticket.ts";
import { type TicketView, ticketView } from "../views.ts";
import { BOOKING_ROLES } from "./book.ts";
import { type BookingSetup, loadSetup } from "./booking-setup.ts";
import { publishEvent } from "./identity.ts";
import { appointmentEvent, appointmentForToken } from "./manage.ts";
import { tellManager } from "./manager.ts";
import { normaliseCode } from "./tokens.ts";

/**
 * The issued ticket's own fields at the top level (the contract: "201 with the ticket (`priority: "appointment"`)"),
 * the same ticket under `ticket` for clients that read it there, and the appointment's side of the check-in.
 */
export type CheckedIn = TicketView & { position: number } & CheckInOutcome;

interface CheckInOutcome {
  readonly ticket: TicketView & { position: number };
  readonly appointmentId: string;
  /** The appointment's time, with the branch's offset. */
  readonly appointmentStart: string;
  /** True when the customer came after the window: the ticket is a walk-in one and the appointment a no-show. */
  readonly late: boolean;
  readonly message: string;
  readonly messageZh: string;
}

/**
 * After the window a check-in is refused with 409 `too_late`, saying when it closed; the customer (or the kiosk on
 * the customer's tap) may then ask for a walk-in ticket instead with `walkIn: true`, which also marks the
 * appointment a no-show linked to that ticket.
 */
export interface CheckInOptions {
  readonly walkIn?: boolean;
}

/** At the kiosk (typed or scanned code) or by staff for an arriving customer. */
export async function checkInByCode(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  code: string,
  options: CheckInOptions = {},
): Promise<CheckedIn> {
  requireBranchAccess(actor, branchId as BranchId, BOOKING_ROLES, ["kiosk"]);
  const a = await findAppointmentByCode(ctx.store.db, branchId, normaliseCode(code));
  if (!a) throw notFound("Appointment", normaliseCode(code));
  return checkIn(ctx, actor, a, options);
}

/** From the customer's phone, with the manage link's token, inside the window. */
export async function checkInByToken(
  ctx: AppContext,
  id: string,
  token: string,
  options: CheckInOptions = {},
): Promise<CheckedIn> {
  const a = await appointmentForToken(ctx, id, token);
  // The ticket's history names the customer's own phone as the device that took it.
  const phone: DeviceActor = {
    type: "device",
    id: `phone:${a.id}` as DeviceId,
    kind: "kiosk",
    name: "customer phone",
    branchId: a.branchId as BranchId,
    counterId: null,
    ip: "",
  };
  return checkIn(ctx, phone, a, options);
}

async function checkIn(ctx: AppContext, actor: Actor, a: Appointment, options: CheckInOptions): Promise<CheckedIn> {
  const setup = await loadSetup(ctx.store.db, a.branchId, a.serviceId);
  const tz = setup.branch.timezone;
  const now = ctx.clock();
  if (a.status === "checked_in" || a.status === "completed")
    throw conflict(
      "This appointment is already checked in.",
      { reason: "checked_in", ticketId: a.ticketId },
      "该预约已签到。",
    );
  if (a.status === "cancelled")
    throw conflict("This appointment was cancelled.", { reason: "cancelled" }, "该预约已取消。");
  if (a.status === "no_show" && a.ticketId !== null)
    throw conflict(
      "This appointment is already checked in.",
      { reason: "checked_in", ticketId: a.ticketId },
      "该预约已签到。",
    );
  const window = checkInWindow(setup.rules, now, a.start);
  if (window.kind === "too_early") {
    const when = isoInZone(window.opensAt, tz);
    throw new AppError(
      409,
      "too_early",
      `Check-in opens at ${when.slice(11, 16)} (${setup.rules.checkInEarlyMinutes} minutes before the appointment); please come back then.`,
      { reason: "too_early", opensAt: when, appointmentStart: isoInZone(a.start, tz) },
      `签到时间为 ${when.slice(11, 16)} 起（预约时间前 ${setup.rules.checkInEarlyMinutes} 分钟），请届时再来。`,
    );
  }
  const late = window.kind === "too_late";
  if (window.kind === "too_late" && options.walkIn !== true) {
    const closed = isoInZone(window.closedAt, tz);
    const start = isoInZone(a.start, tz);
    throw new AppError(
      409,
      "too_late",
      `Check-in for the ${start.slice(11, 16)} appointment closed at ${closed.slice(11, 16)} (${setup.rules.checkInLateMinutes} minutes after it); a walk-in ticket can be taken instead.`,
      { reason: "too_late", closedAt: closed, appointmentStart: start, walkIn: true },
      `${start.slice(11, 16)} 的预约已于 ${closed.slice(11, 16)} 截止签到（预约后 ${setup.rules.checkInLateMinutes} 分钟），可改取普通号。`,
    );
  }
  const input = late
    ? { branchId: a.branchId, serviceId: a.serviceId }
    : { branchId: a.branchId, serviceId: a.serviceId, priority: "appointment" as const, appointmentAt: a.start };
  const prepared = await prepareIssue(ctx, input, now);
  const issued = await ctx.store.write(async (tx, afterCommit) => {
    // Claim the appointment first: of two check-ins of one code (two kiosks, a double tap) one issues a ticket.
    const claimed = await tx
      .updateTable("appointments")
      .set({
        status: late ? "no_show" : "checked_in",
        ticket_id: prepared.candidate.id,
        checked_in_at: now,
        version: a.version + 1,
        updated_at: now,
      })
      .where("id", "=", a.id)
      .where("version", "=", a.version)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1)
      throw conflict("This appointment changed meanwhile; look again.", undefined, "预约刚刚已被更改，请刷新后重试。");
    const out = await issueInTransaction(ctx, tx, afterCommit, actor, input, prepared, now);
    await tx
      .insertInto("ticket_answers")
      .values({
        ticket_id: out.ticket.id,
        appointment_id: a.id,
        answers: JSON.stringify(a.answers),
        updated_by: null,
        updated_at: now,
      })
      .execute();
    if (actor.type === "user")
      await tx
        .insertInto("audit_log")
        .values({
          at: now,
          actor_type: "user",
          actor_id: actor.id,
          actor_name: actor.username,
          action: "appointment.check_in",
          entity_type: "appointment",
          entity_id: a.id,
          branch_id: a.branchId,
          ip: actor.ip,
          details: JSON.stringify({ ticketId: out.ticket.id, late }),
        })
        .execute();
    if (!late) await tellManager(ctx, tx, afterCommit, a, setup, out.ticket, now);
    await publishEvent(
      tx,
      ctx,
      appointmentEvent(a, late ? "appointment.no_show" : "appointment.checked_in", tz, {
        status: late ? "no_show" : "checked_in",
        ticketId: out.ticket.id,
      }),
    );
    return out.ticket;
  });
  const ticket = { ...ticketView(issued, null), position: prepared.estimate.position };
  const hhmm = isoInZone(a.start, tz).slice(11, 16);
  return {
    ...ticket,
    ticket,
    appointmentId: a.id,
    appointmentStart: isoInZone(a.start, tz),
    late,
    message: late
      ? `Your ${hhmm} appointment has passed (check-in closed ${setup.rules.checkInLateMinutes} minutes after it): ticket ${ticket.number} is a walk-in ticket.`
      : `Checked in for ${hhmm}: ticket ${ticket.number}; you will be called around your appointment time.`,
    messageZh: late
      ? `您 ${hhmm} 的预约已过签到时间（预约后 ${setup.rules.checkInLateMinutes} 分钟截止），已为您取普通号 ${ticket.number}。`
      : `已签到（预约 ${hhmm}），号码 ${ticket.number}，将在预约时间前后为您叫号。`,
  };
}

/** Appointments still booked after their window closed become no-shows (housekeeping runs this every minute). */
export async function markNoShows(ctx: AppContext): Promise<number> {
  const now = ctx.clock();
  const rows = (
    await ctx.store.db
      .selectFrom("appointments")
      .selectAll()
      .where("status", "=", "booked")
      .where("start_at", "<", now)
      .limit(500)
      .execute()
  ).map(toAppointment);
  const setups = new Map<string, BookingSetup>();
  let n = 0;
  for (const a of rows) {
    let setup = setups.get(a.serviceId);
    if (!setup) {
      setup = await loadSetup(ctx.store.db, a.branchId, a.serviceId);
      setups.set(a.serviceId, setup);
    }
    if (now <= noShowAfter(setup.rules, a.start)) continue;
    const tz = setup.branch.timezone;
    n += await ctx.store.write(async (tx) => {
      const result = await tx
        .updateTable("appointments")
        .set({ status: "no_show", version: a.version + 1, updated_at: now })
        .where("id", "=", a.id)
        .where("version", "=", a.version)
        .where("status", "=", "booked")
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return 0;
      await publishEvent(tx, ctx, appointmentEvent(a, "appointment.no_show", tz, { status: "no_show" }));
      return 1;
    });
  }
  return n;
}
