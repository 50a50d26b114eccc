import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BranchEvent } from "./branch-event.ts";
import { EventBus } from "./event-bus.ts";

const event = (seq: number, branchId = "b1"): BranchEvent => ({
  seq,
  type: "ticket.issued",
  at: "2026-11-23T01:30:00.000Z",
  branchId,
});

describe("the event bus", () => {
  let bus: EventBus;
  let got: Array<[string, number]>;
  beforeEach(() => {
    vi.useFakeTimers();
    bus = new EventBus(500);
    bus.setOrdering(true);
    got = [];
    for (const b of ["b1", "b2"]) bus.subscribe(b, (e) => got.push([e.branchId, e.seq]));
  });
  afterEach(() => vi.useRealTimers());

  it("delivers a branch's events in number order when they are published out of it", () => {
    for (const seq of [7, 9, 10, 8, 11]) bus.publish(event(seq));
    expect(got).toEqual([
      ["b1", 7],
      ["b1", 8],
      ["b1", 9],
      ["b1", 10],
      ["b1", 11],
    ]);
  });

  it("holds only the branch whose event is missing", () => {
    bus.publish(event(1, "b1"));
    bus.publish(event(1, "b2"));
    bus.publish(event(3, "b1"));
    bus.publish(event(2, "b2"));
    expect(got).toEqual([
      ["b1", 1],
      ["b2", 1],
      ["b2", 2],
    ]);
  });

  it("delivers what it holds, in order, once the missing event is overdue", () => {
    bus.publish(event(1));
    bus.publish(event(4));
    bus.publish(event(3));
    vi.advanceTimersByTime(499);
    expect(got).toEqual([["b1", 1]]);
    vi.advanceTimersByTime(1);
    expect(got).toEqual([
      ["b1", 1],
      ["b1", 3],
      ["b1", 4],
    ]);
    // The late one still reaches subscribers (they see it is old), and the next goes straight through.
    bus.publish(event(2));
    bus.publish(event(5));
    expect(got.slice(3)).toEqual([
      ["b1", 2],
      ["b1", 5],
    ]);
  });

  it("keeps delivering to the others when a subscriber throws", () => {
    bus.subscribe("b1", () => {
      throw new Error("closed socket");
    });
    bus.publish(event(1));
    bus.publish(event(2));
    expect(got).toEqual([
      ["b1", 1],
      ["b1", 2],
    ]);
  });

  it("delivers at once while ordering is off, and learns the order afresh when it is back on", () => {
    bus.publish(event(1));
    bus.publish(event(3));
    expect(got).toEqual([["b1", 1]]);
    // The LISTEN connection is lost: what is held goes out, and nothing more is held.
    bus.setOrdering(false);
    bus.publish(event(6));
    bus.publish(event(5));
    bus.setOrdering(true);
    bus.publish(event(9));
    bus.publish(event(11));
    bus.publish(event(10));
    expect(got.map(([, seq]) => seq)).toEqual([1, 3, 6, 5, 9, 10, 11]);
  });

  it("delivers in publication order until ordering is turned on (SQLite: one writer, nothing to wait for)", () => {
    const plain = new EventBus(500);
    const seen: number[] = [];
    plain.subscribe("b1", (e) => seen.push(e.seq));
    for (const seq of [1, 3, 2]) plain.publish(event(seq));
    expect(seen).toEqual([1, 3, 2]);
  });

  it("with recovery, reads missing events from the database instead of skipping them, and never delivers one twice", async () => {
    const stored = [1, 2, 3, 4].map((seq) => event(seq));
    let reads = 0;
    let down = true;
    const lost: string[] = [];
    const recovering = new EventBus(500);
    recovering.enableRecovery({
      async fill(_branch, after, limit) {
        reads++;
        if (down) throw new Error("Connection terminated unexpectedly");
        return stored.filter((e) => e.seq > after).slice(0, limit);
      },
      lost: (branchId) => lost.push(branchId),
    });
    const seen: number[] = [];
    recovering.subscribe("b1", (e) => seen.push(e.seq));
    recovering.publish(event(1));
    recovering.publish(event(4)); // 2 and 3 were written elsewhere while this instance could not hear it
    await vi.advanceTimersByTimeAsync(5_000);
    // The database does not answer: 4 waits, however long, rather than being delivered past 2 and 3.
    expect(seen).toEqual([1]);
    expect(reads).toBeGreaterThan(1);
    down = false;
    await vi.advanceTimersByTimeAsync(600);
    expect(seen).toEqual([1, 2, 3, 4]);
    // 3's notice arrives late: already delivered from the database, not again.
    recovering.publish(event(3));
    stored.push(event(5));
    recovering.publish(event(5));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    // Back from an outage with no newer event of its own: catchUp reads what others wrote meanwhile.
    stored.push(event(6), event(7));
    recovering.catchUp();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(lost).toEqual([]);
  });
});
