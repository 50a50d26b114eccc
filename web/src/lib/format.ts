import type { Service, User } from "../api/types.ts";
import { isEnglish } from "../i18n/index.ts";

/** Bilingual records (business types, branches) carry both names; show the one for the UI language. */
export function localName(record: { readonly nameZh: string; readonly nameEn: string } | undefined): string {
  if (record === undefined) return "";
  return isEnglish() && record.nameEn ? record.nameEn : record.nameZh;
}

export const serviceLabel: (service: Service | undefined) => string = localName;

export function serviceDescription(service: Service | undefined): string {
  if (service === undefined) return "";
  return (isEnglish() && service.descriptionEn ? service.descriptionEn : service.descriptionZh) ?? "";
}

export function minutesSince(iso: string | null | undefined, now: number): number {
  if (!iso) return 0;
  return Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
}

/** mm:ss (or h:mm:ss) for running timers. */
export function clockDuration(fromIso: string | null | undefined, to: number): string {
  if (!fromIso) return "0:00";
  const total = Math.max(0, Math.floor((to - Date.parse(fromIso)) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

export function timeOfDay(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString(isEnglish() ? "en-GB" : "zh-CN", { hour: "2-digit", minute: "2-digit" });
}

/** Date and time of day, e.g. on a printed ticket: 2026/11/22 09:05. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString(isEnglish() ? "en-GB" : "zh-CN", {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
}

export function userName(user: User | null | undefined): string {
  return user?.displayName ?? "";
}
