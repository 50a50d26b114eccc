import type { Answer } from "../api/types.ts";
import { isEnglish } from "../i18n/index.ts";

/** Shapes and helpers shared by the appointment pages (customer, staff, kiosk, counter, admin). */
export type BookableBranch = Answer<"listBookableBranches">["branches"][number];
export type BookableService = Answer<"listBookableServices">["services"][number];
export type FormField = BookableService["form"][number];
export type FieldType = FormField["type"];
export type Slot = Answer<"listFreeSlots">["slots"][number];
export type Booked = Answer<"bookAppointment", 201>;
export type AppointmentView = Answer<"showOwnAppointment">;
export type CheckedIn = Answer<"checkInFromPhone", 201>;
export type TicketAnswers = Answer<"getTicketAnswers">;
export type AnswerValue = string | number | boolean;

export const FIELD_TYPES: readonly FieldType[] = ["text", "number", "amount", "choice", "date", "checkbox"];

/** YYYY-MM-DD of `ms` in a time zone (the branch's), whatever the browser's own zone is. */
export function dayIn(timeZone: string, ms = Date.now()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
}

/** `count` calendar days from `from` (YYYY-MM-DD), `from` included. */
export function nextDays(from: string, count: number): string[] {
  const [y, m, d] = from.split("-").map(Number);
  const base = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  return Array.from({ length: count }, (_, i) => new Date(base + i * 86_400_000).toISOString().slice(0, 10));
}

/** "HH:MM" of an ISO time written with the branch's offset (the branch's wall clock, not the browser's). */
export function hhmm(iso: string): string {
  return iso.slice(11, 16);
}

/** A day as the customer reads it: 12月8日 周二 / Tue 8 Dec. */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12));
  return date.toLocaleDateString(isEnglish() ? "en-GB" : "zh-CN", {
    timeZone: "UTC",
    weekday: "short",
    month: "short",
    day: "numeric",
  });
}

/** Day and time of an appointment in the branch's wall clock. */
export function whenLabel(startIso: string, endIso?: string): string {
  return `${dayLabel(startIso.slice(0, 10))} ${hhmm(startIso)}${endIso ? `–${hhmm(endIso)}` : ""}`;
}

export function fieldLabel(field: FormField): string {
  return isEnglish() ? field.labelEn : field.labelZh;
}

export function fieldHelp(field: FormField): string {
  return (isEnglish() ? field.helpEn : field.helpZh) ?? "";
}

/** An answer as the teller reads it. */
export function answerText(field: FormField | undefined, value: AnswerValue | undefined, yes: string, no: string) {
  if (value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? yes : no;
  if (field?.type === "amount" && typeof value === "number")
    return value.toLocaleString(isEnglish() ? "en-GB" : "zh-CN", { minimumFractionDigits: 2 });
  return String(value);
}

/** The required fields left empty, by their label. */
export function missingFields(fields: readonly FormField[], answers: Record<string, AnswerValue>): string[] {
  return fields
    .filter((f) => f.required)
    .filter((f) => {
      const v = answers[f.key];
      return v === undefined || v === "" || (f.type === "checkbox" && v !== true);
    })
    .map(fieldLabel);
}

/** The appointment's calendar file (the server builds it; the manage token opens it). */
export function icsHref(id: string, token: string): string {
  return `/api/public/appointments/${encodeURIComponent(id)}/ics?token=${encodeURIComponent(token)}`;
}
