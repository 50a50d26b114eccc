import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { BranchEvent } from "./branch-event.ts";
import { EventBus } from "./event-bus.ts";
import { SseHub } from "./sse.ts";

const event = (seq: number): BranchEvent => ({
  seq,
  type: "ticket.issued",
  at: "2026-11-23T01:30:00.000Z",
  branchId: "b1",
});

/** A response that records the events written to it: their number, and their `id:` line if any. */
function fakeResponse(): { res: ServerResponse; ids: number[]; withoutId: number[] } {
  const ids: number[] = [];
  const withoutId: number[] = [];
  const res = {
    writableEnded: false,
    write(text: string) {
      const data = /^data: (.*)$/m.exec(text)?.[1];
      if (!data) return true;
      const seq = (JSON.parse(data) as BranchEvent).seq;
      const id = /^id: (\d+)$/m.exec(text)?.[1];
      if (id === undefined) withoutId.push(seq);
      else {
        expect(Number(id)).toBe(seq);
        ids.push(seq);
      }
      return true;
    },
    on() {
      return res;
    },
    end() {
      res.writableEnded = true;
    },
  };
  return { res: res as unknown as ServerResponse, ids, withoutId };
}

describe("a branch's event stream", () => {
  let hub: SseHub | undefined;
  afterEach(() => hub?.close());

  it("sends each id once and in increasing order, across the replay and the live events", async () => {
    const bus = new EventBus();
    bus.setOrdering(true);
    hub = new SseHub(bus);
    const client = fakeResponse();
    // Event 3 is committed while the replay reads: the replay has it, and it is published too.
    await hub.attach("b1", client.res, 1, async () => {
      bus.publish(event(2));
      bus.publish(event(3));
      return [event(2), event(3)];
    });
    // Event 3 comes again (the bus had held it): the replay sent it, so it is not sent twice.
    bus.publish(event(4));
    bus.setOrdering(false);
    bus.publish(event(3));
    // Event 6 comes before 5 (the bus did not hold it): sending it would skip 5, so the stream ends instead, and
    // the client resumes from 4 and is replayed 5 and 6 from the database.
    bus.publish(event(6));
    bus.publish(event(5));
    bus.publish(event(7));
    expect(client.ids).toEqual([2, 3, 4]);
    expect(client.withoutId).toEqual([]);
    expect(client.res.writableEnded).toBe(true);
  });

  it("keeps each client's own place", async () => {
    const bus = new EventBus();
    hub = new SseHub(bus);
    const early = fakeResponse();
    await hub.attach("b1", early.res, 0, async () => []);
    bus.publish(event(1));
    bus.publish(event(2));
    const late = fakeResponse();
    await hub.attach("b1", late.res, 2, async () => []);
    bus.publish(event(3));
    expect(early.ids).toEqual([1, 2, 3]);
    expect(late.ids).toEqual([3]);
  });
});
