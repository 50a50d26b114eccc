import { type Answers, answerProblems } from "../../domain/appointments/forms.ts";
import {
  type BookingRules,
  canBook,
  capReached,
  lastBookableDay,
  noShowsSince,
  onlineBookingBarred,
} from "../../domain/appointments/rules.ts";
import { dayInZone, isoInZone, type Slot } from "../../domain/appointments/slots.ts";
import type { BranchId } from "../../domain/ids.ts";
import {
  bookingsOfPhoneOnDay,
  lockCustomerDay,
  lockSlot,
  noShowsOfPhone,
  placesTakenUntil,
} from "../../store/appointments.ts";
import { requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { AppError, conflict, invalid } from "../errors.ts";
import { audit } from "../record.ts";
import { type BookingSetup, loadSetup, slotsOn } from "./booking-setup.ts";
import {
  type BookingConsents,
  checkPhoneCode,
  consumePhoneCode,
  identifyCustomer,
  publishEvent,
  requirePhone,
} from "./identity.ts";
import { requireManager } from "./manager.ts";
import { appointmentMessages, requeueRemindersOfCustomer } from "./messages.ts";
import { fullTicket, inSlotTurn, knownFull, rememberedSetup, rememberFull, slotsChanged } from "./slot-state.ts";
import { manageTokenHash, manageUrl, newBookingCode, newManageToken } from "./tokens.ts";
import type { BookedView } from "./view.ts";

/** Staff roles that book, move, cancel and check in appointments for a branch. */
export const BOOKING_ROLES = [...TRIAGE_ROLES, "teller"] as const;

export interface BookInput {
  readonly branchId: string;
  readonly serviceId: string;
  readonly start: string;
  readonly name: string;
  readonly phone: string;
  readonly email?: string;
  readonly lang?: string;
  readonly answers?: Answers;
  /** The customer's one-time code (public bookings). */
  readonly otp?: string;
  /** A hold this customer took on the slot while filling the form; its place becomes the booking's. */
  readonly holdId?: string;
  /** A customer manager to tell when the customer checks in (wealth, corporate). */
  readonly managerUserId?: string;
  /** The customer's choices on the booking page, recorded with the booking (public bookings). */
  readonly consents?: BookingConsents;
}

/** Why a booking was refused, in both languages. */
function refused(reason: string, en: string, zh: string, extra?: Record<string, unknown>): AppError {
  return invalid(en, { reason, ...extra }, zh);
}

export function parseStart(start: string): number {
  const at = Date.parse(start);
  if (!Number.isFinite(at))
    throw invalid(
      "start is not a time this server can read; write it as 2026-11-24T09:30:00+08:00.",
      { field: "start" },
      "start 不是可识别的时间，请写成 2026-11-24T09:30:00+08:00 的形式。",
    );
  return at;
}

/** The slot of the grid that starts at `at`, or a 400 saying the branch takes no booking then. */
export function slotAt(setup: BookingSetup, at: number): { slot: Slot; day: string } {
  const day = dayInZone(at, setup.branch.timezone);
  const slot = slotsOn(setup, day).find((s) => s.start === at);
  if (!slot || slot.capacity === 0)
    throw refused(
      "closed",
      "The branch takes no appointment of this business type at that time (closed, or not a slot).",
      "该时间网点不接受此业务预约（不营业或不是可预约的时段）。",
    );
  return { slot, day };
}

export function ruleRefusal(
  rules: BookingRules,
  now: number,
  start: number,
  day: string,
  today: string,
  byStaff: boolean,
): void {
  const verdict = canBook(rules, now, start, day, lastBookableDay(rules, today), byStaff);
  if (verdict.ok) return;
  switch (verdict.reason) {
    case "past":
      throw refused("past", "That time has passed.", "该时间已过。");
    case "too_soon":
      throw refused(
        "too_soon",
        `Book at least ${rules.minNoticeBookMinutes} minutes ahead.`,
        `请至少提前 ${rules.minNoticeBookMinutes} 分钟预约。`,
      );
    case "too_far":
      throw refused(
        "too_far",
        `Appointments can be booked up to ${rules.daysAhead} days ahead.`,
        `最多可预约 ${rules.daysAhead} 天内的时段。`,
      );
    default:
      throw refused("not_bookable", "This business type is not booked online.", "此业务不支持网上预约。");
  }
}

/**
 * Books a place in a slot: a customer online (with the one-time code sent to the phone) or staff for a caller.
 * Every refusal is thrown before or inside the one write, so nothing is booked, held or sent on any refusal.
 */
export async function bookAppointment(
  ctx: AppContext,
  who: Actor | "public" | "waitlist",
  input: BookInput,
): Promise<BookedView> {
  // "waitlist": a customer accepting a waitlist offer; their phone was proven by its code when they joined.
  const byStaff = who !== "public" && who !== "waitlist";
  const needsCode = who === "public";
  if (byStaff) requireBranchAccess(who, input.branchId as BranchId, BOOKING_ROLES);
  const start = parseStart(input.start);
  const name = input.name.trim();
  if (!name) throw invalid("Give the customer's name.", { field: "name" }, "请填写客户姓名。");
  const now = ctx.clock();
  // A rush on a full slot is mostly refusals: a slot known full (slot-state.ts) is refused from memory, before
  // any read or write. A customer holding a place (a hold, an offer) is never refused this way: the hold counts.
  const remembered = await rememberedSetup(ctx, input.branchId, input.serviceId);
  const refuseKnownFull = (): void => {
    if (input.holdId !== undefined) return;
    const known = remembered.setup;
    const day = dayInZone(start, known.branch.timezone);
    if (known.service.active && knownFull(ctx, input.branchId, input.serviceId, day, start, now)) {
      ruleRefusal(known.rules, now, start, day, dayInZone(now, known.branch.timezone), byStaff);
      throw slotFull();
    }
  };
  refuseKnownFull();
  // The rest takes turns per slot on this instance: of a rush on one slot, one request at a time reads and
  // writes; once the places are gone, those waiting are refused from memory as their turn comes.
  return inSlotTurn(ctx, input.branchId, input.serviceId, start, (release) => {
    refuseKnownFull();
    return bookInTurn(ctx, who, input, { start, name, now, byStaff, needsCode, remembered, release });
  });
}

async function bookInTurn(
  ctx: AppContext,
  who: Actor | "public" | "waitlist",
  input: BookInput,
  known: {
    start: number;
    name: string;
    now: number;
    byStaff: boolean;
    needsCode: boolean;
    remembered: { setup: BookingSetup; fresh: boolean };
    /** Ends this attempt's turn on the slot (see `inSlotTurn`). */
    release: () => void;
  },
): Promise<BookedView> {
  const { start, name, now, byStaff, needsCode, remembered, release } = known;
  const phone = requirePhone(input.phone);
  // What is written is decided on the setup as it is now.
  const setup = remembered.fresh ? remembered.setup : await loadSetup(ctx.store.db, input.branchId, input.serviceId);
  const tz = setup.branch.timezone;
  if (!setup.service.active)
    throw refused("not_bookable", "This business type is not offered at the moment.", "此业务暂停办理。");
  const { slot, day } = slotAt(setup, start);
  ruleRefusal(setup.rules, now, start, day, dayInZone(now, tz), byStaff);
  const answers = input.answers ?? {};
  const problems = answerProblems(setup.form, answers);
  if (problems.length > 0)
    throw invalid("Some answers of the form are missing or wrong.", { fields: problems }, "表单有未填或填写有误的项。");
  if (
    !byStaff &&
    onlineBookingBarred(setup.rules, await noShowsOfPhone(ctx.store.db, phone, noShowsSince(setup.rules, now)))
  )
    throw new AppError(
      403,
      "no_show_limit",
      "After several missed appointments, please book by phone with the branch.",
      { reason: "no_show_limit" },
      "您近期多次预约未到，请致电网点由工作人员为您预约。",
    );

  if (input.managerUserId !== undefined) {
    if (!byStaff)
      throw invalid("Only staff name a customer manager.", { field: "managerUserId" }, "仅工作人员可指定客户经理。");
    await requireManager(ctx, input.branchId, input.managerUserId);
  }
  if (input.holdId !== undefined) {
    const hold = await ctx.store.db
      .selectFrom("slot_holds")
      .select(["branch_id", "service_id", "start_at"])
      .where("id", "=", input.holdId)
      .executeTakeFirst();
    // A hold that lapsed (and was cleared) is no refusal: the booking simply needs a free place like any other.
    if (
      hold &&
      (hold.branch_id !== input.branchId || hold.service_id !== input.serviceId || Number(hold.start_at) !== start)
    )
      throw invalid(
        "That hold is for another slot.",
        { field: "holdId", reason: "hold_mismatch" },
        "该保留不属于此时段。",
      );
  }
  // A full slot is refused before the one writer is asked for anything, and remembered as full (unless the count
  // left out the customer's own hold); the count under the slot's lock below stays the one that decides.
  const ticket = fullTicket(ctx, input.branchId, input.serviceId, day);
  const remember = (count: { taken: number; firstHoldExpiry: number }) => {
    if (input.holdId === undefined) rememberFull(ctx, ticket, start, now, count.firstHoldExpiry);
  };
  const before = await placesTakenUntil(ctx.store.db, input.branchId, input.serviceId, start, now, input.holdId);
  if (before.taken >= slot.capacity) {
    remember(before);
    throw slotFull();
  }
  if (needsCode) await checkPhoneCode(ctx, phone, input.otp);
  const id = ctx.newId();
  const token = newManageToken();
  const code = newBookingCode();
  await ctx.store.write(async (tx, afterCommit, whenVisible) => {
    if (needsCode) await consumePhoneCode(tx, ctx, phone, input.otp);
    await lockSlot(tx, input.branchId, input.serviceId, start);
    // The cap is the business type's, per phone and day; the lock makes the phone's bookings of this type and day
    // (into other slots, on any instance) take turns, so the count below includes every one committed before.
    await lockCustomerDay(tx, input.serviceId, phone, day);
    if (capReached(setup.rules, await bookingsOfPhoneOnDay(tx, input.serviceId, phone, day)))
      throw capRefusal(setup.rules);
    const counted = await placesTakenUntil(tx, input.branchId, input.serviceId, start, now, input.holdId);
    if (counted.taken >= slot.capacity) {
      remember(counted);
      throw slotFull();
    }
    // Once this booking is committed (visible to every reader, a moment before it is durable), the attempts queued
    // behind it on this slot go on: refused from memory when it took the last place, otherwise counting afresh.
    whenVisible(() => {
      if (counted.taken + 1 >= slot.capacity) remember(counted);
      release();
    });
    const customer = await identifyCustomer(tx, ctx, {
      phone,
      name,
      ...(input.email !== undefined && { email: input.email }),
      ...(input.lang !== undefined && { lang: input.lang }),
      ...(!byStaff && input.consents !== undefined && { consents: input.consents }),
    });
    // Service messages agreed to (again): the customer's other appointments get back the reminders still due.
    if (!byStaff && input.consents?.service === true && customer.customerId !== null)
      await requeueRemindersOfCustomer(tx, customer.customerId, now);
    if (input.holdId !== undefined) await tx.deleteFrom("slot_holds").where("id", "=", input.holdId).execute();
    const createdBy = byStaff ? (who as Actor).id : null;
    await tx
      .insertInto("appointments")
      .values({
        id,
        branch_id: input.branchId,
        service_id: input.serviceId,
        customer_id: customer.customerId,
        customer_name: name,
        customer_phone: phone,
        customer_email: input.email?.trim() || null,
        lang: input.lang === "en" ? "en" : "zh-CN",
        day,
        start_at: start,
        end_at: slot.end,
        status: "booked",
        code,
        manage_token_hash: manageTokenHash(token),
        answers: JSON.stringify(answers),
        channel: byStaff ? "staff" : "online",
        created_by: createdBy,
        manager_user_id: input.managerUserId ?? null,
        ticket_id: null,
        cancel_reason: null,
        checked_in_at: null,
        version: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    if (byStaff)
      await audit(
        tx,
        who as Actor,
        now,
        "appointment.book",
        { type: "appointment", id, branchId: input.branchId },
        {
          serviceId: input.serviceId,
          start: isoInZone(start, tz),
        },
      );
    await appointmentMessages(tx, ctx, {
      kind: "confirmed",
      appointmentId: id,
      setup,
      start,
      end: slot.end,
      code,
      name,
      phone,
      email: input.email?.trim() || null,
      lang: input.lang === "en" ? "en" : "zh-CN",
      customerId: customer.customerId,
      manageUrl: manageUrl(id, token),
      now,
    });
    await publishEvent(tx, ctx, {
      type: "appointment.booked",
      branchId: input.branchId,
      appointment: {
        id,
        code,
        serviceId: input.serviceId,
        start: isoInZone(start, tz),
        end: isoInZone(slot.end, tz),
        status: "booked",
        channel: byStaff ? "staff" : "online",
      },
      ...(customer.customerId !== null && {
        customer: { id: customer.customerId, name, phone, email: input.email?.trim() || null },
      }),
    });
    await slotsChanged(tx, afterCommit, ctx, input.branchId, input.serviceId, day, false);
  });
  return {
    id,
    code,
    start: isoInZone(start, tz),
    end: isoInZone(slot.end, tz),
    status: "booked",
    manageToken: token,
    manageUrl: manageUrl(id, token),
  };
}

/** The refusal when the phone's appointments of the business type that day reach its cap (booking and moving). */
export function capRefusal(rules: BookingRules): AppError {
  return conflict(
    `This phone number already has ${rules.capPerCustomerPerDay} appointment(s) of this business type that day.`,
    { reason: "cap" },
    `该手机号当天已有 ${rules.capPerCustomerPerDay} 个此业务的预约。`,
  );
}

/**
 * The refusal of a full slot: most of a rush's answers. A 4xx is answered, never logged with its stack, so none
 * is captured (capturing it through the request's async frames was 5% of a refused attempt's CPU in a profile).
 */
export function slotFull(): AppError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return conflict("That slot is full; choose another time.", { reason: "full" }, "该时段已约满，请选择其他时间。");
  } finally {
    Error.stackTraceLimit = limit;
  }
}
