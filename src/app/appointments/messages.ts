import { createEvent } from "ics";
import { isoInZone } from "../../domain/appointments/slots.ts";
import type { Tx } from "../../store/store.ts";
import type { AppContext } from "../context.ts";
import type { BookingSetup } from "./booking-setup.ts";
import { appointmentAddresses, cancelPending, enqueue, refusesServiceMessages } from "./identity.ts";
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
  const data = {
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
        : appointmentIcs({
            id: m.appointmentId,
            start: m.start,
            end: m.end,
            title: m.lang === "en" ? `${service.nameEn} – ${branch.nameEn}` : `${service.nameZh} – ${branch.nameZh}`,
            location: m.lang === "en" ? branch.nameEn : branch.nameZh,
            description: `${m.lang === "en" ? "Booking code" : "预约码"}: ${m.code}`,
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
  if (await refusesServiceMessages(tx, m.customerId)) return;
  const times = await messageTimesOf(tx, branch.id);
  for (const minutes of times.reminderOffsetsMinutes) {
    const at = m.start - minutes * MIN;
    if (at <= m.now) continue;
    // Whole hours keep the key they had when the times were constants (24 h, 2 h), so a resend after an upgrade
    // finds the reminders already queued.
    const offset = minutes % 60 === 0 ? String(minutes / 60) : `${minutes}m`;
    await enqueue(tx, {
      ...common,
      kind: "appointment.reminder",
      ...to.reminders,
      data: { ...data, hoursBefore: minutes / 60, minutesBefore: minutes },
      notBefore: at,
      quietHours: { timeZone: tz, hours: times.quietHours },
      dedupeKey: `appointment.reminder:${m.appointmentId}:${m.start}:${offset}`,
    });
  }
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
