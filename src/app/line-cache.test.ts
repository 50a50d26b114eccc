import { describe, expect, it } from "vitest";
import type { BranchEvent, EventTicket } from "../realtime/branch-event.ts";
import { EventBus } from "../realtime/event-bus.ts";
import type { LiveLine } from "../store/live-tickets.ts";
import { LineCache } from "./line-cache.ts";

const T0 = Date.parse("2026-11-23T01:30:00Z");

function ticket(id: string, status: EventTicket["status"], extra: Partial<EventTicket> = {}): EventTicket {
  return {
    id,
    number: id.toUpperCase(),
    serviceId: "cash",
    status,
    priority: "normal",
    counterId: null,
    counterNumber: null,
    recallCount: 0,
    targetCounterId: null,
    issuedAt: new Date(T0).toISOString(),
    queuedAt: new Date(T0).toISOString(),
    calledAt: null,
    startedAt: null,
    appointmentAt: null,
    ...extra,
  };
}

const event = (seq: number, t: EventTicket): BranchEvent => ({
  seq,
  type: "ticket.updated",
  at: t.issuedAt,
  branchId: "b",
  ticket: t,
});

describe("the in-memory line", () => {
  it("follows the branch's events exactly: issued tickets join, called ones move to counters, finished ones leave", async () => {
    const bus = new EventBus();
    let loads = 0;
    const cache = new LineCache(bus, async (): Promise<LiveLine> => {
      loads++;
      return { waiting: [], inService: [], seq: 0 };
    });
    expect(await cache.line("b")).toEqual({ waiting: [], inService: [] });
    bus.publish(event(1, ticket("a1", "waiting")));
    bus.publish(event(2, ticket("a2", "waiting", { queuedAt: new Date(T0 + 1000).toISOString() })));
    bus.publish(event(3, ticket("a1", "called", { counterId: "c1", calledAt: new Date(T0 + 5000).toISOString() })));
    let line = await cache.line("b");
    expect(line?.waiting.map((w) => w.id)).toEqual(["a2"]);
    expect(line?.inService).toEqual([
      { id: "a1", serviceId: "cash", counterId: "c1", calledAt: T0 + 5000, startedAt: null },
    ]);
    bus.publish(event(4, ticket("a1", "done")));
    bus.publish(event(5, ticket("a2", "waiting", { queuedAt: new Date(T0 - 1).toISOString() })));
    line = await cache.line("b");
    expect(line?.inService).toEqual([]);
    expect(line?.waiting[0]?.queuedAt).toBe(T0 - 1);
    expect(loads).toBe(1);
  });

  it("sends the tickets waiting for a counter back to their business type's line when that counter closes", async () => {
    const bus = new EventBus();
    const cache = new LineCache(bus, async (): Promise<LiveLine> => ({ waiting: [], inService: [], seq: 0 }));
    await cache.line("b");
    bus.publish(event(1, ticket("a1", "waiting", { targetCounterId: "c1" })));
    bus.publish(event(2, ticket("a2", "waiting", { targetCounterId: "c2" })));
    bus.publish({
      seq: 3,
      type: "counter.closed",
      at: new Date(T0).toISOString(),
      branchId: "b",
      counter: { id: "c1", number: 1, state: "closed" },
    });
    const line = await cache.line("b");
    expect(line?.waiting.map((w) => [w.id, w.targetCounterId])).toEqual([
      ["a1", null],
      ["a2", "c2"],
    ]);
  });

  it("reads the line again after a gap in event numbers", async () => {
    // The bus holds an event whose predecessor is missing for this long, then delivers it: a real gap.
    const bus = new EventBus(5);
    bus.setOrdering(true);
    let loads = 0;
    const cache = new LineCache(bus, async (): Promise<LiveLine> => {
      loads++;
      return { waiting: [], inService: [], seq: 10 };
    });
    await cache.line("b");
    bus.publish(event(9, ticket("old", "waiting")));
    expect((await cache.line("b"))?.waiting).toEqual([]);
    bus.publish(event(12, ticket("x", "waiting")));
    await cache.line("b");
    expect(loads).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await cache.line("b");
    expect(loads).toBe(2);
  });
});
