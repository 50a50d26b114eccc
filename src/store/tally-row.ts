/**
 * A tally (src/domain/analytics/tally.ts) as the columns of `analytics_cells`, `analytics_rollups` and
 * `analytics_month_rollups`, and back: the three tables keep the same counts and sums, so they are written and
 * read by these two functions only. Counter time is kept apart (`analytics_counter_hours`) and reads as zero.
 */
import { decodeBins, emptyTally, encodeBins, type Tally } from "../domain/analytics/tally.ts";
import type { AnalyticsTallyColumns } from "./schema.ts";
import { allColumns } from "./sql.ts";

/** Every column of a tally, as `tallyColumns` writes them (the type check keeps the list complete). */
export const TALLY_COLUMNS = [
  "arrived",
  "served",
  "no_shows",
  "walk_aways",
  "redirected",
  "called",
  "wait_sum_ms",
  "wait_max_ms",
  "within_target",
  "above_alarm",
  "wait_bins",
  "timed",
  "service_sum_ms",
  "rated",
  "satisfied",
  "neutral",
  "dissatisfied",
  "left_count",
  "left_wait_sum_ms",
  "nps_promoters",
  "nps_passives",
  "nps_detractors",
  "complaints",
  "reviews_taken",
  "review_wait_sum_ms",
  "reviews_decided",
  "review_sum_ms",
  "appts_booked",
  "appts_cancelled",
  "appts_no_show",
  "appts_checked_in",
  "appts_on_time",
  "appts_lead_sum_ms",
] as const satisfies ReadonlyArray<keyof AnalyticsTallyColumns>;
allColumns<AnalyticsTallyColumns>()(TALLY_COLUMNS);

export function tallyColumns(t: Tally): AnalyticsTallyColumns {
  return {
    arrived: t.arrived,
    served: t.served,
    no_shows: t.noShows,
    walk_aways: t.walkAways,
    redirected: t.redirected,
    called: t.called,
    wait_sum_ms: t.waitSumMs,
    wait_max_ms: t.waitMaxMs,
    within_target: t.withinTarget,
    above_alarm: t.aboveAlarm,
    wait_bins: encodeBins(t.waitBins),
    timed: t.timed,
    service_sum_ms: t.serviceSumMs,
    rated: t.rated,
    satisfied: t.satisfied,
    neutral: t.neutral,
    dissatisfied: t.dissatisfied,
    left_count: t.leftCount,
    left_wait_sum_ms: t.leftWaitSumMs,
    nps_promoters: t.npsPromoters,
    nps_passives: t.npsPassives,
    nps_detractors: t.npsDetractors,
    complaints: t.complaints,
    reviews_taken: t.reviewsTaken,
    review_wait_sum_ms: t.reviewWaitSumMs,
    reviews_decided: t.reviewsDecided,
    review_sum_ms: t.reviewSumMs,
    appts_booked: t.apptsBooked,
    appts_cancelled: t.apptsCancelled,
    appts_no_show: t.apptsNoShow,
    appts_checked_in: t.apptsCheckedIn,
    appts_on_time: t.apptsOnTime,
    appts_lead_sum_ms: t.apptsLeadSumMs,
  };
}

/** A stored row's tally (PostgreSQL returns bigint sums as text: every column goes through Number). */
export function tallyOfRow(r: AnalyticsTallyColumns): Tally {
  const n = (v: number | string | null | undefined): number => Number(v ?? 0);
  return {
    ...emptyTally(),
    arrived: n(r.arrived),
    served: n(r.served),
    noShows: n(r.no_shows),
    walkAways: n(r.walk_aways),
    redirected: n(r.redirected),
    called: n(r.called),
    waitSumMs: n(r.wait_sum_ms),
    waitMaxMs: n(r.wait_max_ms),
    withinTarget: n(r.within_target),
    aboveAlarm: n(r.above_alarm),
    waitBins: decodeBins(String(r.wait_bins)),
    timed: n(r.timed),
    serviceSumMs: n(r.service_sum_ms),
    rated: n(r.rated),
    satisfied: n(r.satisfied),
    neutral: n(r.neutral),
    dissatisfied: n(r.dissatisfied),
    leftCount: n(r.left_count),
    leftWaitSumMs: n(r.left_wait_sum_ms),
    npsPromoters: n(r.nps_promoters),
    npsPassives: n(r.nps_passives),
    npsDetractors: n(r.nps_detractors),
    complaints: n(r.complaints),
    reviewsTaken: n(r.reviews_taken),
    reviewWaitSumMs: n(r.review_wait_sum_ms),
    reviewsDecided: n(r.reviews_decided),
    reviewSumMs: n(r.review_sum_ms),
    apptsBooked: n(r.appts_booked),
    apptsCancelled: n(r.appts_cancelled),
    apptsNoShow: n(r.appts_no_show),
    apptsCheckedIn: n(r.appts_checked_in),
    apptsOnTime: n(r.appts_on_time),
    apptsLeadSumMs: n(r.appts_lead_sum_ms),
  };
}
