import { createEvent } from "ics";
import { isoInZone } from "../../domain/appointments/slots.ts";
import type { MessageTimes } from "../../domain/messages/reminder-settings.ts";
import { findBranch, findService } from "../../store/branches.ts";
import { templateDataOf } from "../../store/outbox.ts";
import type { Tx } from "../../store/store.ts";
import type { AppContext } from "../context.ts";
import type { BookingSetup } from "./booking-setup.ts";
import {
  type Address,
  appointmentAddresses,
  cancelPending,
  enqueue,
  type OutgoingMessage,
  refusesServiceMessages,
} from "./identity.ts";
import { messageTimesOf } from "./message-settings.ts";
import { publicUrl } from "./tokens.ts";

const MIN = 60_000;

export type AppointmentMessageKind = "confirmed" | "rescheduled" | "cancelled";

export interface AppointmentMessageInput {
  readonly kind: AppointmentMessageKind;
  readonly appointmentId: string;
  readonly setup: BookingSetup;
  readonly start: number;
  readonly end: number;
  readonly code: string;
  readonly name: string;
  readonly phone: string;
  readonly email: string | null;
  readonly lang: "zh-CN" | "en";
  readonly customerId: string | null;
  readonly manageUrl?: string;
  readonly reason?: string;
  readonly now: number;
  /** A confirmation sent again: the reminders still pending are planned afresh (the branch's times may have changed). */
  readonly replanReminders?: boolean;
}

/** A link made with DATANG_PUBLIC_URL as the path the message templates make a link of again when sending. */
export function pathOf(url: string): string {
  const base = publicUrl("");
  return base && url.startsWith(base) ? url.slice(base.length) : url;
}

/** The appointment as a calendar file (RFC 5545), attached to the confirmation and offered for download. */
export function appointmentIcs(input: {
  id: string;
  start: number;
  end: number;
  title: string;
  location: string;
  description: string;
  url?: string;
}): string {
  const utc = (ms: number): [number, number, number, number, number] => {
    const d = new Date(ms);
    return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
  };
  const { error, value } = createEvent({
    uid: `${input.id}@datang`,
    start: utc(input.start),
    startInputType: "utc",
    startOutputType: "utc",
    end: utc(input.end),
    endInputType: "utc",
    endOutputType: "utc",
    title: input.title,
    location: input.location,
    description: input.description,
    // Only an absolute link (DATANG_PUBLIC_URL set) is a valid calendar URL.
    ...(input.url !== undefined && /^https?:\/\//.test(input.url) && { url: input.url }),
    productId: "datang/appointments",
  });
  if (error || !value) throw error ?? new Error("ics: no calendar produced");
  return value;
}

/** The .ics a confirmation or a move notice carries, in the customer's language. */
function calendarFile(c: {
  id: string;
  start: number;
  end: number;
  lang: string;
  branch: { zh: string; en: string };
  service: { zh: string; en: string };
  code: string;
  url?: string;
}): string {
  const en = c.lang === "en";
  return appointmentIcs({
    id: c.id,
    start: c.start,
    end: c.end,
    title: en ? `${c.service.en} – ${c.branch.en}` : `${c.service.zh} – ${c.branch.zh}`,
    location: en ? c.branch.en : c.branch.zh,
    description: `${en ? "Booking code" : "预约码"}: ${c.code}`,
    ...(c.url !== undefined && { url: c.url }),
  });
}

/**
 * Staff gave the appointment a new manage link (they moved it, or sent the confirmation again: only the token's hash
 * is kept, so the customer's old link stops working). Every message of the appointment that has not gone out yet
 * (pending, failed for now, undeliverable for now, or dead and so open to a resend from Messages) and still carries
 * another link is rewritten in place to carry the new one, in its text and its .ics: each message stays the one
 * message it was (its time, recipient and dedupe key kept), so nothing is lost and nothing goes twice. One being
 * sent at this moment is left alone (it left with the link it had). Answers how many were rewritten.
 */
export async function relinkUnsentMessages(
  tx: Tx,
  appointmentId: string,
  manageUrl: string,
  now: number,
): Promise<number> {
  const unsent = ["pending", "failed", "undeliverable", "dead"];
  const rows = await tx
    .selectFrom("outbox")
    .select(["id", "data", "lang"])
    .where("related_type", "=", "appointment")
    .where("related_id", "=", appointmentId)
    .where("status", "in", unsent)
    .execute();
  let rewritten = 0;
  for (const row of rows) {
    const data = JSON.parse(row.data) as Record<string, unknown>;
    if (typeof data.manageUrl !== "string" || data.manageUrl === manageUrl) continue;
    const next: Record<string, unknown> = { ...data, manageUrl, managePath: pathOf(manageUrl) };
    const branch = data.branch as { zh: string; en: string } | undefined;
    const service = data.service as { zh: string; en: string } | undefined;
    if (typeof data.ics === "string" && branch && service)
      next.ics = calendarFile({
        id: appointmentId,
        start: Date.parse(String(data.start)),
        end: Date.parse(String(data.end)),
        lang: row.lang,
        branch,
        service,
        code: String(data.code),
        url: manageUrl,
      });
    const result = await tx
      .updateTable("outbox")
      .set({ data: JSON.stringify(next), updated_at: now })
      .where("id", "=", row.id)
      .where("status", "in", unsent)
      .executeTakeFirst();
    rewritten += Number(result.numUpdatedRows);
  }
  return rewritten;
}

/** What an appointment's messages carry (the templates' data, app/messages/catalogue/types.ts). */
function appointmentData(
  setup: Pick<BookingSetup, "branch" | "service">,
  m: Pick<AppointmentMessageInput, "appointmentId" | "code" | "name" | "start" | "end" | "manageUrl" | "reason">,
): Record<string, unknown> {
  const { branch, service } = setup;
  const tz = branch.timezone;
  return {
    appointmentId: m.appointmentId,
    code: m.code,
    name: m.name,
    start: isoInZone(m.start, tz),
    end: isoInZone(m.end, tz),
    timezone: tz,
    branchNameZh: branch.nameZh,
    branchNameEn: branch.nameEn,
    serviceNameZh: service.nameZh,
    serviceNameEn: service.nameEn,
    requiredDocuments: service.requiredDocuments,
    ...(m.manageUrl !== undefined && { manageUrl: m.manageUrl, managePath: pathOf(m.manageUrl) }),
    ...(m.reason !== undefined && { reason: m.reason }),
    // What the templates read (app/messages/catalogue/types.ts): names in both languages, the zone, the path.
    branch: { zh: branch.nameZh, en: branch.nameEn },
    service: { zh: service.nameZh, en: service.nameEn },
    timeZone: tz,
  };
}

/**
 * The messages an appointment change sends, written to the outbox in the change's own transaction: the
 * customer is told by SMS (and by e-mail when given one, the confirmation with the .ics attached), or by
 * e-mail only when their record prefers it and they agreed to service messages (`appointmentAddresses`);
 * reminders are queued at the branch's times before (default 24 h and 2 h), unless the customer refused service
 * messages, out of the branch's quiet hours (default 21:00–08:00), and a reschedule or cancellation first cancels
 * those still pending (so they move with the appointment, or go).
 */
export async function appointmentMessages(tx: Tx, _ctx: AppContext, m: AppointmentMessageInput): Promise<void> {
  const { branch, service } = m.setup;
  const tz = branch.timezone;
  if (m.kind !== "confirmed" || m.replanReminders)
    await cancelPending(tx, { relatedId: m.appointmentId, kinds: ["appointment.reminder"], now: m.now });
  const data = appointmentData({ branch, service }, m);
  const common = {
    lang: m.lang,
    now: m.now,
    branchId: branch.id,
    relatedType: "appointment",
    relatedId: m.appointmentId,
    ...(m.customerId !== null && { customerId: m.customerId }),
  };
  const kind = `appointment.${m.kind}`;
  const to = await appointmentAddresses(tx, { customerId: m.customerId, phone: m.phone, bookingEmail: m.email });
  for (const address of to.notices) {
    if (address.channel === "sms") {
      await enqueue(tx, { ...common, kind, ...address, data });
      continue;
    }
    const ics =
      m.kind === "cancelled"
        ? undefined
        : calendarFile({
            id: m.appointmentId,
            start: m.start,
            end: m.end,
            lang: m.lang,
            branch: { zh: branch.nameZh, en: branch.nameEn },
            service: { zh: service.nameZh, en: service.nameEn },
            code: m.code,
            ...(m.manageUrl !== undefined && { url: m.manageUrl }),
          });
    await enqueue(tx, {
      ...common,
      kind,
      ...address,
      data: { ...data, ...(ics !== undefined && { ics, icsFilename: "appointment.ics" }) },
    });
  }
  if (m.kind === "cancelled") return;
  // The booking's own answer (confirmation, move) always goes; reminders only to a customer who has not refused them.
  if (await refusesServiceMessages(tx, m.customerId, to.reminders.channel)) return;
  await queueReminders(tx, {
    appointmentId: m.appointmentId,
    start: m.start,
    now: m.now,
    timeZone: tz,
    times: await messageTimesOf(tx, branch.id),
    common,
    address: to.reminders,
    data,
  });
}

/** The reminders of one appointment at the branch's times before its start, out of its quiet hours; none past. */
async function queueReminders(
  tx: Tx,
  r: {
    readonly appointmentId: string;
    readonly start: number;
    readonly now: number;
    readonly timeZone: string;
    readonly times: MessageTimes;
    readonly common: Omit<OutgoingMessage, "kind" | "channel" | "recipient" | "data">;
    readonly address: Address;
    readonly data: Readonly<Record<string, unknown>>;
  },
): Promise<number> {
  let queued = 0;
  for (const minutes of r.times.reminderOffsetsMinutes) {
    const at = r.start - minutes * MIN;
    if (at <= r.now) continue;
    // Whole hours keep the key they had when the times were constants (24 h, 2 h), so a resend after an upgrade
    // finds the reminders already queued. The key also keeps a reminder already sent (or being sent) from being
    // queued a second time when the reminders are planned again.
    const offset = minutes % 60 === 0 ? String(minutes / 60) : `${minutes}m`;
    const { created } = await enqueue(tx, {
      ...r.common,
      kind: "appointment.reminder",
      ...r.address,
      data: { ...r.data, hoursBefore: minutes / 60, minutesBefore: minutes },
      notBefore: at,
      quietHours: { timeZone: r.timeZone, hours: r.times.quietHours },
      dedupeKey: `appointment.reminder:${r.appointmentId}:${r.start}:${offset}`,
    });
    if (created) queued++;
  }
  return queued;
}

/**
 * A branch changed its reminder times or quiet hours (message-settings.ts, in the same transaction): the reminders
 * queued and not yet sent (pending, failed, undeliverable) for its booked appointments still to come are planned
 * again at the new times and out of the new quiet hours. Each such appointment's unsent reminders are cancelled and
 * queued afresh with the same text (its manage link included), to the appointment's current addresses; a reminder
 * already sent, or being sent, keeps its dedupe key, so the same offset is never queued twice. Appointments with
 * no reminder waiting (all sent, or the customer refused them) get none. Answers how many appointments.
 */
export async function replanQueuedReminders(
  tx: Tx,
  branchId: string,
  timeZone: string,
  times: MessageTimes,
  now: number,
): Promise<number> {
  const rows = await tx
    .selectFrom("outbox as o")
    .innerJoin("appointments as a", "a.id", "o.related_id")
    .select([
      "o.related_id as appointmentId",
      "o.data",
      "o.created_at",
      "a.start_at",
      "a.customer_id",
      "a.customer_phone",
      "a.customer_email",
      "a.lang",
    ])
    .where("o.kind", "=", "appointment.reminder")
    .where("o.related_type", "=", "appointment")
    .where("o.branch_id", "=", branchId)
    .where("o.status", "in", ["pending", "failed", "undeliverable"])
    .where("a.status", "=", "booked")
    .where("a.start_at", ">", now)
    .orderBy("o.related_id")
    .orderBy("o.created_at", "desc")
    .execute();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows)
    if (row.appointmentId !== null && !latest.has(row.appointmentId)) latest.set(row.appointmentId, row);
  for (const [appointmentId, row] of latest) {
    await cancelPending(tx, { relatedId: appointmentId, kinds: ["appointment.reminder"], now });
    const customerId = row.customer_id;
    const to = await appointmentAddresses(tx, {
      customerId,
      phone: row.customer_phone,
      bookingEmail: row.customer_email,
    });
    if (await refusesServiceMessages(tx, customerId, to.reminders.channel)) continue;
    const {
      hoursBefore: _h,
      minutesBefore: _m,
      ...data
    } = templateDataOf(JSON.parse(row.data) as Record<string, unknown>);
    await queueReminders(tx, {
      appointmentId,
      start: Number(row.start_at),
      now,
      timeZone,
      times,
      common: {
        lang: row.lang === "en" ? "en" : "zh-CN",
        now,
        branchId,
        relatedType: "appointment",
        relatedId: appointmentId,
        ...(customerId !== null && { customerId }),
      },
      address: to.reminders,
      data,
    });
  }
  return latest.size;
}

const UNSENT_REMINDER = ["pending", "failed", "undeliverable"];

/**
 * The manage link the customer was last sent for the appointment: the one in its latest confirmation or move notice
 * (a staff move or a resent confirmation makes a new link and sends it in a new notice; only the link's hash is
 * kept with the appointment). Undefined when none is left (old messages purged): the reminder then goes without.
 */
async function lastSentManageUrl(tx: Tx, appointmentId: string): Promise<string | undefined> {
  const row = await tx
    .selectFrom("outbox")
    .select("data")
    .where("related_type", "=", "appointment")
    .where("related_id", "=", appointmentId)
    .where("kind", "in", ["appointment.confirmed", "appointment.rescheduled"])
    .orderBy("created_at", "desc")
    .orderBy("updated_at", "desc")
    .executeTakeFirst();
  const url = row && (JSON.parse(row.data) as Record<string, unknown>).manageUrl;
  return typeof url === "string" ? url : undefined;
}

/**
 * The customer agreed to service messages again (on the booking page, or to staff): the reminders still due for
 * their booked appointments to come are queued again, as a booking would queue them: at the branch's current times
 * before the start, none in the past (`at <= now` is skipped), out of the branch's quiet hours, to the
 * appointment's current address, and only where the latest answer about that way is now a yes (a yes about e-mail
 * does not bring back reminders by SMS). Never twice: an appointment that still has a reminder waiting (pending,
 * failed for now, undeliverable) is left as it is, and a reminder already sent or being sent keeps its dedupe key,
 * so the same offset is not queued again. Call it in the transaction that appended the consent. Answers how many
 * reminders were queued.
 */
export async function requeueRemindersOfCustomer(tx: Tx, customerId: string, now: number): Promise<number> {
  // Only a customer who once said no can lack reminders: every booking with a ticked box (most of a rush) stops at
  // this one indexed read instead of reading the customer's appointments to come (index of migration 053).
  const refusedOnce = await tx
    .selectFrom("customer_consents")
    .select("id")
    .where("customer_id", "=", customerId)
    .where("purpose", "=", "service")
    .where("granted", "=", 0)
    .limit(1)
    .executeTakeFirst();
  if (!refusedOnce) return 0;
  const appointments = await tx
    .selectFrom("appointments")
    .select([
      "id",
      "branch_id",
      "service_id",
      "code",
      "customer_name",
      "customer_phone",
      "customer_email",
      "lang",
      "start_at",
      "end_at",
    ])
    .where("customer_id", "=", customerId)
    .where("status", "=", "booked")
    .where("start_at", ">", now)
    .orderBy("start_at")
    .execute();
  let queued = 0;
  for (const a of appointments) {
    const waiting = await tx
      .selectFrom("outbox")
      .select("id")
      .where("related_type", "=", "appointment")
      .where("related_id", "=", a.id)
      .where("kind", "=", "appointment.reminder")
      .where("status", "in", UNSENT_REMINDER)
      .executeTakeFirst();
    if (waiting) continue;
    const to = await appointmentAddresses(tx, {
      customerId,
      phone: a.customer_phone,
      bookingEmail: a.customer_email,
    });
    if (await refusesServiceMessages(tx, customerId, to.reminders.channel)) continue;
    const branch = await findBranch(tx, a.branch_id);
    const service = await findService(tx, a.service_id);
    if (!branch || !service) continue;
    const manageUrl = await lastSentManageUrl(tx, a.id);
    const start = Number(a.start_at);
    queued += await queueReminders(tx, {
      appointmentId: a.id,
      start,
      now,
      timeZone: branch.timezone,
      times: await messageTimesOf(tx, branch.id),
      common: {
        lang: a.lang === "en" ? "en" : "zh-CN",
        now,
        branchId: branch.id,
        relatedType: "appointment",
        relatedId: a.id,
        customerId,
      },
      address: to.reminders,
      data: appointmentData(
        { branch, service },
        {
          appointmentId: a.id,
          code: a.code,
          name: a.customer_name,
          start,
          end: Number(a.end_at),
          ...(manageUrl !== undefined && { manageUrl }),
        },
      ),
    });
  }
  return queued;
}

/**
 * Why a reminder about to be revived (its channel configured at last, app/messages/runner.ts) must not go out:
 * its appointment is past, cancelled or otherwise settled (checked in, no-show), or gone. The outbox then
 * cancels it with this reason, which admin's Messages page shows; nothing is dropped silently. Other messages
 * (a confirmation, a cancellation notice) still go out.
 */
export async function obsoleteAppointmentMessage(
  tx: Tx,
  row: { readonly kind: string; readonly related_type: string | null; readonly related_id: string | null },
  now: number,
): Promise<string | undefined> {
  if (row.kind !== "appointment.reminder" || row.related_type !== "appointment" || row.related_id === null)
    return undefined;
  const appointment = await tx
    .selectFrom("appointments")
    .select(["status", "start_at"])
    .where("id", "=", row.related_id)
    .executeTakeFirst();
  if (!appointment) return "Obsolete: the appointment no longer exists. 已过时：预约已不存在。";
  if (appointment.status === "cancelled") return "Obsolete: the appointment was cancelled. 已过时：预约已取消。";
  if (appointment.status !== "booked")
    return `Obsolete: the appointment is ${appointment.status.replace("_", "-")}. 已过时：预约已结束（${appointment.status}）。`;
  if (appointment.start_at <= now)
    return `Obsolete: the appointment began at ${new Date(appointment.start_at).toISOString()}. 已过时：预约时间已过。`;
  return undefined;
}
