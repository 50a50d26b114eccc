import { describe, expect, it } from "vitest";
import { orderReviews, type PendingReview, pastAlarm, reviewWaitMinutes } from "./queue.ts";

const MIN = 60_000;
const NOW = Date.parse("2026-11-23T02:00:00Z");
const levels = { targetMinutes: 10, alarmMinutes: 20 };
const review = (id: string, minutesAgo: number, priority: PendingReview["priority"] = "normal"): PendingReview => ({
  id,
  ticketId: `t-${id}`,
  branchId: "b",
  serviceId: "s",
  priority,
  submittedAt: NOW - minutesAgo * MIN,
});

describe("review queue order", () => {
  it("fifo: oldest submission first", () => {
    const q = [review("a", 1), review("b", 5), review("c", 3)];
    expect(orderReviews(q, "fifo", levels, NOW).map((r) => r.id)).toEqual(["b", "c", "a"]);
  });

  it("strict-priority: a care or VIP class first, then by submission", () => {
    const q = [review("a", 9), review("b", 1, "elderly"), review("c", 5)];
    expect(orderReviews(q, "strict-priority", levels, NOW).map((r) => r.id)).toEqual(["b", "a", "c"]);
  });

  it("weighted-wait: past the review alarm goes first whatever the class", () => {
    const q = [review("a", 2, "vip3"), review("b", 25), review("c", 3)];
    expect(orderReviews(q, "weighted-wait", levels, NOW)[0]?.id).toBe("b");
  });

  it("keeps every item exactly once, an unknown policy falling back to the default", () => {
    const q = [review("a", 2), review("b", 25, "vip1"), review("c", 3), review("d", 30, "pregnant")];
    const ordered = orderReviews(q, "no-such-policy", levels, NOW);
    expect(ordered.map((r) => r.id).sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("says past alarm and about how long is left", () => {
    expect(pastAlarm(review("a", 19), levels, NOW)).toBe(false);
    expect(pastAlarm(review("a", 20), levels, NOW)).toBe(true);
    expect(reviewWaitMinutes({ ahead: 0, meanReviewMinutes: null, targetMinutes: 10, waitedMs: 0 })).toBe(10);
    expect(reviewWaitMinutes({ ahead: 2, meanReviewMinutes: 4, targetMinutes: 10, waitedMs: 3 * MIN })).toBe(9);
    expect(reviewWaitMinutes({ ahead: 0, meanReviewMinutes: 4, targetMinutes: 10, waitedMs: 30 * MIN })).toBe(1);
  });
});
