/**
 * The booking's scheduled jobs, run by the job runner (app/messages/runner.ts) on every instance; each is
 * safe to run on several at once (every change is a conditional update).
 */
import type { ScheduledJob } from "../messages/runner.ts";
import { sendTurnAlerts } from "../tickets/turn-alerts.ts";
import { markNoShows } from "./check-in.ts";
import { offerWaitlistPlaces } from "./waitlist.ts";

export const BOOKING_JOBS: readonly ScheduledJob[] = [
  // After the check-in window an appointment is a no-show, counted against the customer's online booking.
  { name: "appointments.no-shows", everyMs: 60_000, run: markNoShows },
  // Lapsed waitlist offers close; free places of days with people waiting are offered to the next in line.
  { name: "appointments.waitlist", everyMs: 30_000, run: offerWaitlistPlaces },
  // "Your turn is near" for live tickets whose customer asked for it.
  { name: "tickets.turn-alerts", everyMs: 5_000, run: (ctx) => sendTurnAlerts(ctx) },
];
