/**
 * The waitlist (per business type, `waitlist: true` in its booking rules): a customer whose day is full joins
 * for that day, or a range of its slots, proving the phone with the one-time code. When a place is free there
 * (a cancellation, a reschedule away, a hold that lapsed, a refused offer), it is offered to the earliest to
 * join whose range holds it: the place is held for them (WAITLIST_OFFER_MINUTES at most, never past the
 * booking notice) and the offer goes through the outbox by SMS (and e-mail) with a link that books it in one
 * step. An offer not taken in time lapses and the place goes to the next in line.
 *
 * Joining identifies the customer (one record per phone) and records the consents ticked on the page, as a booking
 * does (a refusal of service messages cancels the reminders and survey invitations queued for them). The offer goes whatever they chose about service messages: it is the message they asked for by joining
 * (like a one-time code); the booking it makes queues reminders only for a customer who has not refused them.
 *
 * A scheduled job (`offerWaitlistPlaces`, jobs.ts) does the offering, so an offer survives a crash between a
 * cancellation and its offer; cancellations and reschedules also start it at once after their commit.
 */
import { createHash, randomBytes } from "node:crypto";
import { canBook, lastBookableDay } from "../../domain/appointments/rules.ts";
import { dayInZone, isoInZone } from "../../domain/appointments/slots.ts";
import { lockSlot, placesTaken } from "../../store/appointments.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { bookAppointment } from "./book.ts";
import { loadSetup, slotsOn } from "./booking-setup.ts";
import {
  appointmentAddresses,
  type BookingConsents,
  checkPhoneCode,
  consumePhoneCode,
  enqueue,
  identifyCustomer,
  requirePhone,
} from "./identity.ts";
import { requeueRemindersOfCustomer } from "./messages.ts";
import { slotsChanged } from "./slot-state.ts";
import { publicUrl } from "./tokens.ts";
import type { BookedView } from "./view.ts";

const MIN = 60_000;
/** How long an offered place is kept for the customer it is offered to. */
export const WAITLIST_OFFER_MINUTES = 30;

const hashOf = (token: string) => createHash("sha256").update(`offer:${token}`).digest("hex");
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface WaitlistInput {
  readonly branchId: string;
  readonly serviceId: string;
  readonly day: string;
  /** Local "HH:MM": the slot starts the customer can come for, [from, to); the whole day without them. */
  readonly from?: string;
  readonly to?: string;
  readonly name: string;
  readonly phone: string;
  readonly otp: string;
  readonly email?: string;
  readonly lang?: "zh-CN" | "en";
  /** What the customer ticked on the page: appended to their consent ledger with the join, as a booking does. */
  readonly consents?: BookingConsents;
}

export async function joinWaitlist(
  ctx: AppContext,
  input: WaitlistInput,
): Promise<{ id: string; day: string; status: "waiting"; position: number }> {
  const setup = await loadSetup(ctx.store.db, input.branchId, input.serviceId);
  const tz = setup.branch.timezone;
  if (!setup.rules.waitlist || !setup.rules.bookable)
    throw invalid("This business type keeps no waitlist.", { reason: "no_waitlist" }, "此业务不提供候补。");
  const now = ctx.clock();
  const today = dayInZone(now, tz);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.day) || input.day < today || input.day > lastBookableDay(setup.rules, today))
    throw invalid(
      `Join the waitlist for a day from today to ${setup.rules.daysAhead} days ahead.`,
      { field: "day" },
      `请选择今天起 ${setup.rules.daysAhead} 天内的日期。`,
    );
  for (const [field, v] of [
    ["from", input.from],
    ["to", input.to],
  ] as const)
    if (v !== undefined && !HHMM.test(v)) throw invalid(`${field} must be HH:MM.`, { field }, `${field} 须为 HH:MM。`);
  const at = (hhmm: string | undefined) => (hhmm === undefined ? null : Date.parse(isoAt(input.day, hhmm, tz)));
  const fromAt = at(input.from);
  const toAt = at(input.to);
  if (fromAt !== null && toAt !== null && toAt <= fromAt)
    throw invalid("to must be after from.", { field: "to" }, "结束时间须晚于开始时间。");
  const name = input.name.trim();
  if (!name) throw invalid("Give the customer's name.", { field: "name" }, "请填写客户姓名。");
  const phone = requirePhone(input.phone);
  await checkPhoneCode(ctx, phone, input.otp);
  const id = ctx.newId();
  const position = await ctx.store.write(async (tx) => {
    await consumePhoneCode(tx, ctx, phone, input.otp);
    // The phone is proven: the customer's one record (created now if new), with the consents given here.
    const email = input.email?.trim() || undefined;
    const customer = await identifyCustomer(tx, ctx, {
      phone,
      name,
      ...(email !== undefined && { email }),
      ...(input.lang !== undefined && { lang: input.lang }),
      ...(input.consents !== undefined && { consents: input.consents }),
    });
    // Service messages agreed to (again): the customer's booked appointments get back the reminders still due.
    if (input.consents?.service === true && customer.customerId !== null)
      await requeueRemindersOfCustomer(tx, customer.customerId, now);
    await tx
      .updateTable("appointment_waitlist")
      .set({ status: "left" })
      .where("branch_id", "=", input.branchId)
      .where("service_id", "=", input.serviceId)
      .where("day", "=", input.day)
      .where("customer_phone", "=", phone)
      .where("status", "=", "waiting")
      .execute();
    await tx
      .insertInto("appointment_waitlist")
      .values({
        id,
        branch_id: input.branchId,
        service_id: input.serviceId,
        day: input.day,
        customer_id: customer.customerId,
        customer_name: name,
        customer_phone: phone,
        lang: input.lang === "en" ? "en" : "zh-CN",
        status: "waiting",
        joined_at: now,
        offered_at: null,
        customer_email: email ?? null,
        from_at: fromAt,
        to_at: toAt,
        offer_token_hash: null,
        offer_start: null,
        offer_hold_id: null,
        offer_expires_at: null,
      })
      .execute();
    const row = await tx
      .selectFrom("appointment_waitlist")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("branch_id", "=", input.branchId)
      .where("service_id", "=", input.serviceId)
      .where("day", "=", input.day)
      .where("status", "=", "waiting")
      .executeTakeFirstOrThrow();
    return Number(row.n);
  });
  return { id, day: input.day, status: "waiting", position };
}

/** The instant of a local "HH:MM" on a day, as ISO with the zone's offset that day. */
function isoAt(day: string, hhmm: string, tz: string): string {
  const guess = Date.parse(`${day}T${hhmm}:00Z`);
  const offset = Date.parse(`${isoInZone(guess, tz).slice(0, 19)}Z`) - guess;
  return new Date(guess - offset).toISOString();
}

/**
 * The job: lapsed offers are closed (their hold lapses with them), and every free place of a day with people
 * waiting is offered to the next in line. Answers how many offers were made.
 */
export async function offerWaitlistPlaces(ctx: AppContext): Promise<number> {
  const now = ctx.clock();
  await ctx.store.write((tx) =>
    tx
      .updateTable("appointment_waitlist")
      .set({ status: "left" })
      .where("status", "=", "offered")
      .where("offer_expires_at", "<=", now)
      .execute(),
  );
  const days = await ctx.store.db
    .selectFrom("appointment_waitlist")
    .select(["branch_id", "service_id", "day"])
    .where("status", "=", "waiting")
    .groupBy(["branch_id", "service_id", "day"])
    .limit(200)
    .execute();
  let offers = 0;
  for (const d of days) offers += await offerDay(ctx, d.branch_id, d.service_id, d.day, now);
  return offers;
}

async function offerDay(ctx: AppContext, branchId: string, serviceId: string, day: string, now: number) {
  const setup = await loadSetup(ctx.store.db, branchId, serviceId);
  const tz = setup.branch.timezone;
  const today = dayInZone(now, tz);
  if (day < today) {
    await ctx.store.write((tx) =>
      tx
        .updateTable("appointment_waitlist")
        .set({ status: "left" })
        .where("branch_id", "=", branchId)
        .where("service_id", "=", serviceId)
        .where("day", "=", day)
        .where("status", "=", "waiting")
        .execute(),
    );
    return 0;
  }
  if (!setup.rules.waitlist) return 0;
  let offers = 0;
  for (const slot of slotsOn(setup, day)) {
    if (slot.capacity === 0) continue;
    if (!canBook(setup.rules, now, slot.start, day, lastBookableDay(setup.rules, today)).ok) continue;
    const expires = Math.min(now + WAITLIST_OFFER_MINUTES * MIN, slot.start - setup.rules.minNoticeBookMinutes * MIN);
    if (expires <= now) continue;
    // Several places may be free in one slot: offer each to the next in line.
    for (;;) {
      const token = randomBytes(32).toString("base64url");
      const offered = await ctx.store
        .write(async (tx, afterCommit) => {
          const next = await tx
            .selectFrom("appointment_waitlist")
            .selectAll()
            .where("branch_id", "=", branchId)
            .where("service_id", "=", serviceId)
            .where("day", "=", day)
            .where("status", "=", "waiting")
            .where((eb) => eb.or([eb("from_at", "is", null), eb("from_at", "<=", slot.start)]))
            .where((eb) => eb.or([eb("to_at", "is", null), eb("to_at", ">", slot.start)]))
            .orderBy("joined_at")
            .orderBy("id")
            .limit(1)
            .executeTakeFirst();
          if (!next) return false;
          await lockSlot(tx, branchId, serviceId, slot.start);
          if ((await placesTaken(tx, branchId, serviceId, slot.start, now)) >= slot.capacity) return false;
          const holdId = randomBytes(16).toString("base64url");
          await tx
            .insertInto("slot_holds")
            .values({
              id: holdId,
              branch_id: branchId,
              service_id: serviceId,
              start_at: slot.start,
              expires_at: expires,
              created_at: now,
              ip_hash: null,
            })
            .execute();
          const claimed = await tx
            .updateTable("appointment_waitlist")
            .set({
              status: "offered",
              offered_at: now,
              offer_token_hash: hashOf(token),
              offer_start: slot.start,
              offer_hold_id: holdId,
              offer_expires_at: expires,
            })
            .where("id", "=", next.id)
            .where("status", "=", "waiting")
            .executeTakeFirst();
          if (Number(claimed.numUpdatedRows) !== 1) throw new TakenMeanwhile();
          const lang = next.lang === "en" ? ("en" as const) : ("zh-CN" as const);
          const data = {
            start: isoInZone(slot.start, tz),
            expiresAt: isoInZone(expires, tz),
            timeZone: tz,
            branch: { zh: setup.branch.nameZh, en: setup.branch.nameEn },
            service: { zh: setup.service.nameZh, en: setup.service.nameEn },
            offerPath: `/book/offer?token=${encodeURIComponent(token)}`,
            offerUrl: publicUrl(`/book/offer?token=${encodeURIComponent(token)}`),
          };
          const msg = {
            kind: "waitlist.offer",
            lang,
            data,
            now,
            branchId,
            relatedType: "waitlist",
            relatedId: next.id,
          };
          // By the customer's preferred channel when they chose e-mail and agreed (see appointmentAddresses).
          const to = await appointmentAddresses(tx, {
            customerId: next.customer_id,
            phone: next.customer_phone,
            bookingEmail: next.customer_email,
          });
          for (const address of to.notices) await enqueue(tx, { ...msg, ...address });
          await slotsChanged(tx, afterCommit, ctx, branchId, serviceId, day, false);
          return true;
        })
        .catch((error: unknown) => {
          // Another instance (or an earlier run) offered to this customer first: its offer stands.
          if (error instanceof TakenMeanwhile) return false;
          throw error;
        });
      if (!offered) break;
      offers++;
    }
  }
  return offers;
}

class TakenMeanwhile extends Error {}

/** Starts the offering now (after a cancellation or reschedule committed); the job catches up on any failure. */
export function offerSoon(ctx: AppContext): void {
  void offerWaitlistPlaces(ctx).catch(() => undefined);
}

/** The customer takes the offered place from the offer's link: booked in one step on the held place. */
export async function acceptOffer(ctx: AppContext, token: string): Promise<BookedView> {
  const now = ctx.clock();
  const entry = await ctx.store.db
    .selectFrom("appointment_waitlist")
    .selectAll()
    .where("offer_token_hash", "=", hashOf(token))
    .executeTakeFirst();
  if (entry?.status !== "offered" || entry.offer_start === null) throw notFound("Waitlist offer", "offer");
  if (Number(entry.offer_expires_at) <= now)
    throw invalid("This offer has lapsed.", { reason: "offer_lapsed" }, "此候补名额已过期。");
  const setup = await loadSetup(ctx.store.db, entry.branch_id, entry.service_id);
  const booked = await bookAppointment(ctx, "waitlist", {
    branchId: entry.branch_id,
    serviceId: entry.service_id,
    start: isoInZone(Number(entry.offer_start), setup.branch.timezone),
    name: entry.customer_name,
    phone: entry.customer_phone,
    ...(entry.customer_email !== null && { email: entry.customer_email }),
    lang: entry.lang,
    ...(entry.offer_hold_id !== null && { holdId: entry.offer_hold_id }),
  });
  await ctx.store.write((tx) =>
    tx
      .updateTable("appointment_waitlist")
      .set({ status: "booked", offer_token_hash: null })
      .where("id", "=", entry.id)
      .execute(),
  );
  return booked;
}

/** What the offer's link shows before the customer takes or refuses the place. */
export interface OfferView {
  readonly status: "offered" | "lapsed";
  readonly branchId: string;
  readonly serviceId: string;
  readonly start: string;
  readonly end: string;
  readonly expiresAt: string;
  readonly timezone: string;
  readonly branch: { readonly nameZh: string; readonly nameEn: string };
  readonly service: { readonly nameZh: string; readonly nameEn: string };
  readonly requiredDocuments: readonly string[];
  readonly lang: "zh-CN" | "en";
}

async function offeredEntry(ctx: AppContext, token: string) {
  const entry = await ctx.store.db
    .selectFrom("appointment_waitlist")
    .selectAll()
    .where("offer_token_hash", "=", hashOf(token))
    .executeTakeFirst();
  if (entry?.status !== "offered" || entry.offer_start === null) throw notFound("Waitlist offer", "offer");
  return entry;
}

/** The offer behind a link: its place, until when it is kept; 404 once taken, refused or replaced. */
export async function showOffer(ctx: AppContext, token: string): Promise<OfferView> {
  const entry = await offeredEntry(ctx, token);
  const setup = await loadSetup(ctx.store.db, entry.branch_id, entry.service_id);
  const tz = setup.branch.timezone;
  const start = Number(entry.offer_start);
  const slot = slotsOn(setup, entry.day).find((s) => s.start === start);
  const expires = Number(entry.offer_expires_at);
  return {
    status: expires <= ctx.clock() ? "lapsed" : "offered",
    branchId: entry.branch_id,
    serviceId: entry.service_id,
    start: isoInZone(start, tz),
    end: isoInZone(slot?.end ?? start + setup.service.expectedMinutes * MIN, tz),
    expiresAt: isoInZone(expires, tz),
    timezone: tz,
    branch: { nameZh: setup.branch.nameZh, nameEn: setup.branch.nameEn },
    service: { nameZh: setup.service.nameZh, nameEn: setup.service.nameEn },
    requiredDocuments: setup.service.requiredDocuments,
    lang: entry.lang === "en" ? "en" : "zh-CN",
  };
}

/**
 * The customer refuses the offered place: their hold is given up at once and the place offered to the next in
 * line. They leave the waitlist of that day; the link stops working.
 */
export async function declineOffer(ctx: AppContext, token: string): Promise<{ declined: true }> {
  const entry = await offeredEntry(ctx, token);
  const setup = await loadSetup(ctx.store.db, entry.branch_id, entry.service_id);
  await ctx.store.write(async (tx, afterCommit) => {
    const left = await tx
      .updateTable("appointment_waitlist")
      .set({ status: "left", offer_token_hash: null })
      .where("id", "=", entry.id)
      .where("status", "=", "offered")
      .executeTakeFirst();
    // Taken or refused meanwhile (a double tap): the first answer stands.
    if (Number(left.numUpdatedRows) !== 1) throw notFound("Waitlist offer", "offer");
    if (entry.offer_hold_id !== null) await tx.deleteFrom("slot_holds").where("id", "=", entry.offer_hold_id).execute();
    await slotsChanged(tx, afterCommit, ctx, entry.branch_id, entry.service_id, entry.day, true);
    if (setup.rules.waitlist) afterCommit(() => offerSoon(ctx));
  });
  return { declined: true };
}
