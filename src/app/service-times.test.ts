import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import type { ServiceId } from "../domain/ids.ts";
import { MINUTE_MS } from "../domain/ids.ts";
import { localHour } from "../domain/local-day.ts";
import type { Database } from "../store/schema.ts";
import { forgetLearned, type HistoryRow, historyFromRows, LEARNED_TTL_MS, learnedForBranch } from "./service-times.ts";

const TZ = "Asia/Shanghai";
/** 10:00 in Shanghai on the given day. */
const at10 = (day: string, minutes = 0) => Date.parse(`${day}T02:00:00Z`) + minutes * MINUTE_MS;
const cash = "cash" as ServiceId;

function served(day: string, minutes: number, counter = "c1"): HistoryRow {
  const start = at10(day, 5);
  return {
    service_id: cash,
    counter_id: counter,
    day,
    priority: "normal",
    issued_at: at10(day),
    started_at: start,
    completed_at: start + minutes * MINUTE_MS,
  };
}

/** A Kysely stand-in that answers every query with `rows` and counts the reads. */
function fakeDb(rows: readonly HistoryRow[]): { db: Kysely<Database>; reads: () => number } {
  let reads = 0;
  const chain: object = new Proxy(
    {},
    {
      get: (_target, key) =>
        key === "execute"
          ? async () => {
              reads++;
              return rows;
            }
          : () => chain,
    },
  );
  return { db: chain as Kysely<Database>, reads: () => reads };
}

describe("service times learned from history", () => {
  it("turns completed services into samples and whole past days into an hourly arrival profile", () => {
    const rows = [
      served("2026-11-16", 6),
      served("2026-11-17", 6),
      served("2026-11-18", 6),
      served("2026-11-18", 6),
      // Today's partial day and a booked customer do not count as arrivals; a ticket never served gives no sample.
      served("2026-11-23", 6),
      { ...served("2026-11-18", 6), priority: "appointment" },
      { ...served("2026-11-18", 6), started_at: null, completed_at: null },
    ];
    const { samples, arrivalsByHour } = historyFromRows(rows, TZ, "2026-11-23");
    expect(samples).toHaveLength(6);
    expect(samples[0]).toEqual({ serviceId: cash, counterId: "c1", minutes: 6 });
    expect(localHour(at10("2026-11-16"), TZ)).toBe(10);
    // Five walk-ins at 10:00 over three days.
    expect(arrivalsByHour[10]?.get(cash)).toBeCloseTo(5 / 3, 10);
    expect(arrivalsByHour[11]?.size).toBe(0);
  });

  it("gives no arrival profile from fewer than three days", () => {
    const { arrivalsByHour } = historyFromRows([served("2026-11-16", 6), served("2026-11-17", 6)], TZ, "2026-11-23");
    expect(arrivalsByHour.every((m) => m.size === 0)).toBe(true);
  });

  it("reads history once per branch for five minutes, and re-learns at once when the configured time changes", async () => {
    forgetLearned();
    const { db, reads } = fakeDb(Array.from({ length: 40 }, () => served("2026-11-16", 8)));
    const now = at10("2026-11-23");
    const input = { branchId: "b1", timeZone: TZ, expectedMinutes: new Map([[cash, 4]]), now };
    const first = await learnedForBranch(db, input);
    // Shrinkage: (10 × 4 + 40 × 8) / 50.
    expect(first.times.byService.get(cash)).toBeCloseTo(7.2, 10);
    expect(first.times.byCounter.get("c1" as never)?.get(cash)).toBeDefined();
    await learnedForBranch(db, { ...input, now: now + LEARNED_TTL_MS });
    expect(reads()).toBe(1);
    const reconfigured = await learnedForBranch(db, { ...input, expectedMinutes: new Map([[cash, 14]]) });
    expect(reconfigured.times.byService.get(cash)).toBeCloseTo(9.2, 10);
    expect(reads()).toBe(1);
    await learnedForBranch(db, { ...input, now: now + LEARNED_TTL_MS + 1 });
    expect(reads()).toBe(2);
  });
});
