import { describe, expect, it } from "vitest";
import { MINUTE_MS } from "../ids.ts";
import { figuresOf, meanMinutes, npsOf, perThousandVisits } from "./figures.ts";
import { patienceMinutes } from "./league.ts";
import { rollupsOf } from "./rollup.ts";
import { addAppointment, addComplaint, addReview, addTicket, emptyTally, mergeTally, type Tally } from "./tally.ts";

const T0 = Date.UTC(2026, 10, 23, 1, 0);
const m = (minutes: number) => T0 + minutes * MINUTE_MS;
const H = 3_600_000;
const limits = { targetMinutes: 15, alarmMinutes: 30 };

function ticketWithNps(tally: Tally, nps: number | null): void {
  addTicket(
    tally,
    { issuedAt: T0, firstCalledAt: m(5), startedAt: m(6), completedAt: m(10), end: "served", rating: null, nps },
    limits,
  );
}

describe("issue 15's further figures, against hand-computed values", () => {
  it("NPS: promoters 9–10 minus detractors 0–6 over all answers", () => {
    const t = emptyTally();
    for (const a of [10, 10, 9, 7, 3, null]) ticketWithNps(t, a);
    // 3 promoters, 1 passive, 1 detractor, 1 visit without an answer: (3 − 1) / 5 = 40.
    expect(figuresOf(t)).toMatchObject({ npsResponses: 5, nps: 40, arrived: 6 });
    expect(npsOf(2, 1, 2)).toBe(0);
    expect(npsOf(0, 0, 3)).toBe(-100);
    expect(npsOf(0, 0, 0)).toBeNull();
    // 8 promoters of 11, 2 detractors: 6 / 11 = 54.5… → 55.
    expect(npsOf(8, 1, 2)).toBe(55);
    // An answer outside 0–10 is not counted.
    const bad = emptyTally();
    ticketWithNps(bad, 11);
    expect(figuresOf(bad).npsResponses).toBe(0);
  });

  it("complaints per 1,000 visits: complaints over arrivals", () => {
    const t = emptyTally();
    for (let i = 0; i < 400; i++) ticketWithNps(t, null);
    for (let i = 0; i < 3; i++) addComplaint(t);
    expect(figuresOf(t)).toMatchObject({ complaints: 3, complaintsPer1000Visits: 7.5 });
    expect(perThousandVisits(1, 3)).toBe(333.3);
    // Complaints with no visits in the group (a complaint naming no visit): no rate.
    const alone = emptyTally();
    addComplaint(alone);
    expect(figuresOf(alone)).toMatchObject({ complaints: 1, complaintsPer1000Visits: null });
  });

  it("review wait (submitted → taken) and review time (taken → decided)", () => {
    const t = emptyTally();
    addReview(t, { submittedAt: m(0), takenAt: m(6), decidedAt: m(10) });
    addReview(t, { submittedAt: m(0), takenAt: m(3), decidedAt: null });
    addReview(t, { submittedAt: m(0), takenAt: null, decidedAt: null });
    // Waits 6 and 3 (the untaken round is still waiting): 4.5; one decided round took 4.
    expect(figuresOf(t)).toMatchObject({ reviews: 2, meanReviewWaitMinutes: 4.5, meanReviewMinutes: 4 });
    expect(figuresOf(emptyTally())).toMatchObject({ reviews: 0, meanReviewWaitMinutes: null, meanReviewMinutes: null });
    expect(meanMinutes(90_000, 2)).toBe(0.8);
  });

  it("appointments booked, cancelled, no-show, on time and lead time", () => {
    const t = emptyTally();
    const start = m(60);
    // Booked 48 h ahead, checked in 5 minutes early, served.
    addAppointment(t, {
      status: "completed",
      createdAt: start - 48 * H,
      startAt: start,
      checkedInAt: start - 5 * MINUTE_MS,
    });
    // Booked 24 h ahead, checked in 10 minutes late.
    addAppointment(t, {
      status: "checked_in",
      createdAt: start - 24 * H,
      startAt: start,
      checkedInAt: start + 10 * MINUTE_MS,
    });
    addAppointment(t, { status: "cancelled", createdAt: start - 12 * H, startAt: start, checkedInAt: null });
    addAppointment(t, { status: "no_show", createdAt: start - 6 * H, startAt: start, checkedInAt: null });
    expect(figuresOf(t)).toMatchObject({
      appointmentsBooked: 4,
      appointmentsCancelled: 1,
      appointmentNoShows: 1,
      appointmentsCheckedIn: 2,
      appointmentsOnTime: 1,
      appointmentOnTimeShare: 0.5,
      // (48 + 24 + 12 + 6) / 4
      meanLeadTimeHours: 22.5,
    });
  });

  it("walk-aways who left by themselves feed the patience; the day's close does not", () => {
    const t = emptyTally();
    addTicket(
      t,
      {
        issuedAt: T0,
        firstCalledAt: null,
        startedAt: null,
        completedAt: m(12),
        end: "walked_away",
        rating: null,
        leftAt: m(12),
      },
      limits,
    );
    // Cancelled by the day's close: a walk-away in the counts, no patience observed.
    addTicket(
      t,
      {
        issuedAt: T0,
        firstCalledAt: null,
        startedAt: null,
        completedAt: m(90),
        end: "walked_away",
        rating: null,
        leftAt: null,
      },
      limits,
    );
    ticketWithNps(t, null);
    ticketWithNps(t, null);
    expect(t).toMatchObject({
      walkAways: 2,
      leftCount: 1,
      leftWaitSumMs: 12 * MINUTE_MS,
      called: 2,
      waitSumMs: 10 * MINUTE_MS,
    });
    // Exposure 12 + 5 + 5 = 22 minutes in line, one customer left: mean patience 22 minutes.
    expect(patienceMinutes(t)).toBe(22);
    expect(patienceMinutes({ called: 10, waitSumMs: 10 * MINUTE_MS, leftCount: 0, leftWaitSumMs: 0 })).toBeNull();
  });

  it("merges and rolls up the new sums exactly", () => {
    const a = emptyTally();
    const b = emptyTally();
    ticketWithNps(a, 10);
    addComplaint(a);
    addReview(b, { submittedAt: m(0), takenAt: m(2), decidedAt: m(5) });
    addAppointment(b, { status: "booked", createdAt: m(0), startAt: m(120), checkedInAt: null });
    const merged = emptyTally();
    mergeTally(merged, a);
    mergeTally(merged, b);
    expect(figuresOf(merged)).toMatchObject({
      nps: 100,
      complaints: 1,
      reviews: 1,
      appointmentsBooked: 1,
      meanLeadTimeHours: 2,
    });
    const day = rollupsOf([
      { hour: 9, serviceId: "s1", counterKey: "c1", staffKey: "u1", tally: a },
      { hour: 10, serviceId: "s2", counterKey: "", staffKey: "", tally: b },
    ]).find((r) => r.grain === "day");
    expect(figuresOf(day?.tally ?? emptyTally())).toEqual(figuresOf(merged));
  });
});
