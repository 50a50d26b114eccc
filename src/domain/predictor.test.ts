import { describe, expect, it } from "vitest";
import { context, counter, ticket } from "./dispatch/test-helpers.ts";
import type { CounterId, ServiceId } from "./ids.ts";
import { learnServiceTimes, predictWaits } from "./predictor.ts";

const S = (s: string) => s as ServiceId;

describe("learnServiceTimes", () => {
  it("starts from the configured time and moves toward the observed mean", () => {
    const prior = new Map([[S("cash"), 4]]);
    expect(learnServiceTimes([], prior).byService.get(S("cash"))).toBe(4);
    const samples = Array.from({ length: 10 }, () => ({ serviceId: S("cash"), counterId: null, minutes: 6 }));
    expect(learnServiceTimes(samples, prior).byService.get(S("cash"))).toBe(5); // 10 samples weigh as the prior
  });

  it("caps a forgotten completion and learns a counter's own time only with enough history", () => {
    const prior = new Map([[S("cash"), 4]]);
    const stuck = learnServiceTimes([{ serviceId: S("cash"), counterId: null, minutes: 600 }], prior);
    expect(stuck.byService.get(S("cash"))).toBeCloseTo((40 + 20) / 11, 6);
    const slow = (n: number) =>
      Array.from({ length: n }, () => ({ serviceId: S("cash"), counterId: "c9" as CounterId, minutes: 8 }));
    expect(learnServiceTimes(slow(29), prior).byCounter.get("c9" as CounterId)).toBeUndefined();
    expect(
      learnServiceTimes(slow(30), prior)
        .byCounter.get("c9" as CounterId)
        ?.get(S("cash")),
    ).toBeGreaterThan(7);
  });
});

describe("predictWaits", () => {
  const base = { targetWaitMinutes: 15, alarmWaitMinutes: 30 };
  it("replays the policy on expected times across the open counters", () => {
    const waiting = [ticket("cash", -4), ticket("cash", -3), ticket("cash", -2), ticket("cash", -1)];
    const counters = [counter("a", { cash: 1 }), { ...counter("b", { cash: 1 }), remainingMinutes: 2 }];
    const waits = predictWaits({
      ...base,
      waiting,
      openCounters: counters,
      expectedMinutes: new Map([[S("cash"), 5]]),
      policy: "fifo",
      now: context(0).now,
    });
    expect(waiting.map((t) => waits.get(t.id))).toEqual([0, 2, 5, 7]);
  });

  it("follows the policy's order: under smart a short ticket issued later is called first", () => {
    const complex = ticket("complex", -2);
    const simple = ticket("simple", -1);
    const waits = predictWaits({
      ...base,
      waiting: [complex, simple],
      openCounters: [{ ...counter("a", { simple: 1, complex: 1 }), remainingMinutes: 1 }],
      expectedMinutes: new Map([
        [S("simple"), 3],
        [S("complex"), 10],
      ]),
      policy: "smart",
      now: context(0).now,
    });
    expect(waits.get(simple.id)).toBe(1);
    expect(waits.get(complex.id)).toBe(4);
  });

  it("says null when no open counter serves the type, and counts expected newcomers who pass", () => {
    const wealth = ticket("wealth", -1);
    const none = predictWaits({
      ...base,
      waiting: [wealth],
      openCounters: [counter("a", { cash: 1 })],
      expectedMinutes: new Map(),
      policy: "smart",
      now: context(0).now,
    });
    expect(none.get(wealth.id)).toBeNull();
    const complex = ticket("complex", 0);
    const input = {
      ...base,
      waiting: [complex],
      openCounters: [{ ...counter("a", { simple: 1, complex: 1 }), remainingMinutes: 3 }],
      expectedMinutes: new Map([
        [S("simple"), 3],
        [S("complex"), 10],
      ]),
      policy: "smart" as const,
      now: context(0).now,
    };
    const alone = predictWaits(input).get(complex.id) ?? 0;
    const withStream = predictWaits({ ...input, arrivalsPerHour: new Map([[S("simple"), 30]]) }).get(complex.id) ?? 0;
    expect(alone).toBe(3);
    expect(withStream).toBeGreaterThan(alone);
  });
});
