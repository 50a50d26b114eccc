/**
 * A branch's appointment message times: when reminders go out before an appointment, and the quiet hours in
 * the branch's time zone during which none does (quiet-hours.ts moves a message due inside them to their end).
 * Pure: defaults and checks only; the store keeps them per branch (migration 039).
 */
import { DEFAULT_QUIET_HOURS, type QuietHours } from "./quiet-hours.ts";

export interface MessageTimes {
  /** Whole minutes before the appointment, one reminder each, largest first (default 24 h and 2 h). */
  readonly reminderOffsetsMinutes: readonly number[];
  readonly quietHours: QuietHours;
}

/** What the code did before these were settings: reminders 24 h and 2 h before, quiet 21:00–08:00. */
export const DEFAULT_MESSAGE_TIMES: MessageTimes = {
  reminderOffsetsMinutes: [24 * 60, 2 * 60],
  quietHours: DEFAULT_QUIET_HOURS,
};

/** At most this many reminders per appointment, each from 5 minutes to 14 days before. */
export const MAX_REMINDERS = 4;
export const MIN_OFFSET_MINUTES = 5;
export const MAX_OFFSET_MINUTES = 14 * 24 * 60;

const HHMM = /^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/;

/** One wrong field, in both languages (the admin page shows it next to the field). */
export interface TimesProblem {
  readonly field: "reminderOffsetsMinutes" | "quietHours.start" | "quietHours.end";
  readonly en: string;
  readonly zh: string;
}

export function messageTimesProblems(t: MessageTimes): TimesProblem[] {
  const problems: TimesProblem[] = [];
  const offsets = t.reminderOffsetsMinutes;
  if (offsets.length > MAX_REMINDERS)
    problems.push({
      field: "reminderOffsetsMinutes",
      en: `At most ${MAX_REMINDERS} reminders.`,
      zh: `最多 ${MAX_REMINDERS} 次提醒。`,
    });
  if (offsets.some((m) => !Number.isInteger(m) || m < MIN_OFFSET_MINUTES || m > MAX_OFFSET_MINUTES))
    problems.push({
      field: "reminderOffsetsMinutes",
      en: `Each reminder is a whole number of minutes from ${MIN_OFFSET_MINUTES} to ${MAX_OFFSET_MINUTES} (14 days) before.`,
      zh: `每次提醒须提前 ${MIN_OFFSET_MINUTES} 至 ${MAX_OFFSET_MINUTES} 分钟（14 天）之间的整数分钟。`,
    });
  if (new Set(offsets).size !== offsets.length)
    problems.push({
      field: "reminderOffsetsMinutes",
      en: "Two reminders at the same time.",
      zh: "有两次提醒时间相同。",
    });
  for (const key of ["start", "end"] as const)
    if (!HHMM.test(t.quietHours[key]))
      problems.push({
        field: `quietHours.${key}`,
        en: `Quiet hours ${key}: a time of day HH:MM, e.g. ${DEFAULT_QUIET_HOURS[key]}.`,
        zh: `免打扰${key === "start" ? "开始" : "结束"}时间须为“时:分”，如 ${DEFAULT_QUIET_HOURS[key]}。`,
      });
  return problems;
}

/** Reminders largest first, without repeats (the order the outbox rows are written in). */
export function normaliseOffsets(offsets: readonly number[]): number[] {
  return [...new Set(offsets)].sort((a, b) => b - a);
}
