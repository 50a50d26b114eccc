/** English message templates (SMS and e-mail). */
import { type Catalogue, link, message, nameIn, str, when } from "./types.ts";

const at = (d: Readonly<Record<string, unknown>>, key = "start") => when(d[key], d.timeZone, "en-GB");
const place = (d: Readonly<Record<string, unknown>>) =>
  [nameIn(d.branch, "en"), nameIn(d.service, "en")].filter(Boolean).join(" · ");

export const en: Catalogue = {
  otp: (d) =>
    message("Your code", [
      `[Datang] Your code is ${str(d.code)}, valid for ${str(d.minutes) || "5"} minutes. Do not share it.`,
    ]),
  "appointment.confirmed": (d, c) =>
    message("Appointment confirmed", [
      `[Datang] Booked: ${place(d)}, ${at(d)}. Code ${str(d.code)}: type or scan it at the kiosk when you arrive.`,
      link(d.managePath, c) ? `View, reschedule or cancel: ${link(d.managePath, c)}` : "",
    ]),
  "appointment.reminder": (d, c) =>
    message("Appointment reminder", [
      `[Datang] Reminder: ${place(d)}, ${at(d)}, code ${str(d.code)}.`,
      link(d.managePath, c) ? `Reschedule or cancel: ${link(d.managePath, c)}` : "",
    ]),
  "appointment.cancelled": (d) =>
    message("Appointment cancelled", [
      `[Datang] Your appointment on ${at(d)} (${place(d)}, code ${str(d.code)}) is cancelled.`,
      str(d.reason) ? `Reason: ${str(d.reason)}` : "",
    ]),
  "appointment.rescheduled": (d, c) =>
    message("Appointment moved", [
      `[Datang] Your appointment (${place(d)}, code ${str(d.code)}) is now on ${at(d)}.`,
      link(d.managePath, c) ? `View or cancel: ${link(d.managePath, c)}` : "",
    ]),
  "ticket.near": (d) =>
    message("Your turn is near", [
      `[Datang] ${nameIn(d.branch, "en")} ticket ${str(d.number)}: ${str(d.ahead)} ahead of you. Please come back to the waiting area.`,
    ]),
  "survey.invite": (d, c) =>
    message("How was our service?", [
      `[Datang] Thank you for visiting ${nameIn(d.branch, "en")} (ticket ${str(d.number)}). One minute to rate our service:`,
      link(d.surveyPath, c),
    ]),
  "complaint.extended": (d) =>
    message("Your complaint: more time needed", [
      `[Datang] Your complaint (ref. ${str(d.reference)}) is complex; with a senior's approval we will decide by ${when(d.dueAt, d.timeZone, "en-GB")}.`,
      str(d.reason) ? `Reason: ${str(d.reason)}` : "",
    ]),
  "complaint.closed": (d, c) =>
    message("Your complaint: our answer", [
      `[Datang] Your complaint (ref. ${str(d.reference)}): ${str(d.reply)}`,
      link(d.reopenPath, c) ? `Not satisfied? Ask us to look again: ${link(d.reopenPath, c)}` : "",
    ]),
  "wait.alarm": (d) =>
    message(`Wait past the alarm: ticket ${str(d.number)}`, [
      `${nameIn(d.branch, "en")}: ticket ${str(d.number)} (${nameIn(d.service, "en")}) has waited ${str(d.waitedMinutes)} min, past the alarm of ${str(d.alarmMinutes)} min. Please open or re-assign a counter.`,
    ]),
  "appointment.arrived": (d) =>
    message("Your customer has arrived", [
      `[Datang] Your customer ${str(d.name)} (${place(d)}, appointment ${at(d)}, code ${str(d.code)}) checked in: ticket ${str(d.number)}.`,
    ]),
  "waitlist.offer": (d, c) =>
    message("A place is free", [
      `[Datang] A place you waited for is free: ${place(d)}, ${at(d)}. It is kept for you until ${at(d, "expiresAt")}.`,
      link(d.offerPath, c) ? `Book it: ${link(d.offerPath, c)}` : "",
    ]),
  "analytics.alert": (d) =>
    message(`Alert: ${nameIn(d.branch, "en")}`, [
      `[Datang] ${nameIn(d.branch, "en")}${nameIn(d.service, "en") ? ` (${nameIn(d.service, "en")})` : ""}: ${ALERT_METRIC_EN[str(d.metric)] ?? str(d.metric)}${windowEn(d)} is ${str(d.value)}${unitEn(d)}, ${d.comparison === "below" ? "below" : "above"} the threshold of ${str(d.threshold)}${unitEn(d)}.`,
    ]),
  "analytics.report": (d) =>
    message(`Datang report: ${nameIn(d.branch, "en")} ${str(d.key)}`, [
      `The report of ${nameIn(d.branch, "en")} from ${str(d.from)} to ${str(d.to)} is attached (XLSX details and a PDF summary).`,
      `Arrived ${str(d.arrived)}, served ${str(d.served)}, mean wait ${d.meanWaitMinutes === null ? "—" : `${str(d.meanWaitMinutes)} min`}.`,
    ]),
  "followup.reminder": (d, c) =>
    message(`Follow-up due: ticket ${str(d.number)}`, [
      `[Datang] ${place(d)}: your follow-up (ticket ${str(d.number)}, customer ${str(d.customer)}) is due by ${at(d, "dueAt")}.`,
      link(d.path, c) ? `Open it: ${link(d.path, c)}` : "",
    ]),
  "followup.escalated": (d, c) =>
    message(`Follow-up overdue: ticket ${str(d.number)}`, [
      `[Datang] ${place(d)}: the follow-up (ticket ${str(d.number)}, customer ${str(d.customer)}) passed its due date ${at(d, "dueAt")}${d.assigned ? "" : " and has no assignee"}; please see to it.`,
      link(d.path, c) ? `Open it: ${link(d.path, c)}` : "",
    ]),
  "complaint.reminder": (d, c) =>
    message(`Complaint due: ${str(d.reference)}`, [
      `[Datang] ${nameIn(d.branch, "en")}: complaint ${str(d.reference)} must be decided by ${at(d, "dueAt")}.`,
      link(d.path, c) ? `Open it: ${link(d.path, c)}` : "",
    ]),
  "complaint.escalated": (d, c) =>
    message(`Complaint overdue: ${str(d.reference)}`, [
      `[Datang] ${nameIn(d.branch, "en")}: complaint ${str(d.reference)} passed its deadline ${at(d, "dueAt")}${d.owned ? "" : " and has no handler"}; please see to it.`,
      link(d.path, c) ? `Open it: ${link(d.path, c)}` : "",
    ]),
  fallback: (d) => message(str(d.subject) || "Datang", [str(d.text)]),
  // Issue 14: the service report, to the customer (SMS: a short link; e-mail: the PDF attached). A message queued
  // before the link existed carries its own subject and text.
  "service.report": (d, c) =>
    d.number === undefined
      ? message(str(d.subject) || "Your service report", [str(d.text)])
      : message("Your service report", [
          `[Datang] ${nameIn(d.service, "en")} at ${nameIn(d.branch, "en")} (ticket ${str(d.number)}): ${d.reportPath ? `your service report: ${link(d.reportPath, c)}` : "your service report is attached."}`,
          d.reportPath ? `The link works until ${at(d, "expiresAt")}.` : `SHA-256: ${str(d.sha256)}`,
        ]),
};

const ALERT_METRIC_EN: Readonly<Record<string, string>> = {
  meanWait: "mean wait",
  longestWait: "longest current wait",
  waitingCount: "people waiting",
  withinTargetShare: "share within the target wait",
  noShowCount: "no-shows",
};
const windowEn = (d: Readonly<Record<string, unknown>>) =>
  d.metric === "longestWait" || d.metric === "waitingCount" ? "" : ` (last ${str(d.windowMinutes)} min)`;
const unitEn = (d: Readonly<Record<string, unknown>>) =>
  d.metric === "withinTargetShare" ? "%" : d.metric === "meanWait" || d.metric === "longestWait" ? " min" : "";
