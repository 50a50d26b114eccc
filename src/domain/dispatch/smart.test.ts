import { describe, expect, it } from "vitest";
import { MINUTE_MS } from "../ids.ts";
import type { WaitingTicket } from "../ticket.ts";
import { smart } from "./smart.ts";
import { context, counter, T0, ticket } from "./test-helpers.ts";

const expected = { simple: 3, complex: 10, cash: 4, wealth: 20 };

describe("smart", () => {
  it("calls short business first when classes and waits are equal (cμ)", () => {
    const complex = ticket("complex", -2);
    const simple = ticket("simple", -1);
    expect(smart([complex, simple], counter("c", { simple: 1, complex: 1 }), context(0, expected))).toBe(simple);
  });

  it("keeps VIP and care precedence within a business type", () => {
    const normal = ticket("cash", -8);
    const elderly = ticket("cash", -1, { priority: "elderly" });
    expect(smart([normal, elderly], counter("c", { cash: 1 }), context(0, expected))).toBe(elderly);
  });

  it("lets a counter prefer its speciality among business of similar length", () => {
    const deposit = ticket("deposit", -2);
    const fx = ticket("fx", -1);
    expect(smart([deposit, fx], counter("w", { fx: 3, deposit: 1 }), context(0, expected))).toBe(fx);
  });

  it("calls an appointment holder at their slot ahead of walk-ins, but not before it", () => {
    const walkIn = ticket("simple", -10);
    const early = ticket("complex", -5, { appointmentMinute: 10 });
    const c = counter("c", { simple: 1, complex: 1 });
    expect(smart([walkIn, early], c, context(0, expected))).toBe(walkIn);
    expect(smart([walkIn, early], c, context(10, expected))).toBe(early);
  });

  it("keeps everyone under the alarm when capacity allows: a long ticket is not starved by a stream of short ones", () => {
    // One counter; a 10-min ticket, and a simple 3-min ticket arriving every 3.5 minutes for two hours (86% busy).
    // Pure shortest-first would never call the long ticket while the short ones keep coming.
    const c = counter("c", { simple: 1, complex: 1 });
    const long = ticket("complex", 0);
    const arrivals: WaitingTicket[] = [];
    for (let k = 0; k < 35; k++) arrivals.push(ticket("simple", k * 3.5));
    let waiting: WaitingTicket[] = [long];
    let now = 0;
    let next = 0;
    const waits = new Map<WaitingTicket, number>();
    while (waits.size < arrivals.length + 1) {
      while (next < arrivals.length && (arrivals[next] as WaitingTicket).issuedAt <= T0 + now * MINUTE_MS)
        waiting.push(arrivals[next++] as WaitingTicket);
      if (waiting.length === 0) {
        now = ((arrivals[next] as WaitingTicket).issuedAt - T0) / MINUTE_MS;
        continue;
      }
      const pick = smart(waiting, c, context(now, expected)) as WaitingTicket;
      waits.set(pick, now - (pick.issuedAt - T0) / MINUTE_MS);
      waiting = waiting.filter((t) => t !== pick);
      now += pick.serviceId === "complex" ? 10 : 3;
    }
    expect(Math.max(...waits.values())).toBeLessThanOrEqual(30);
    expect(waits.get(long)).toBeGreaterThan(0); // short business did go first for a while
  });

  it("serves a critical walk-in before a fresh VIP (the alarm outranks class)", () => {
    const old = ticket("complex", -22);
    const vip = ticket("simple", -1, { priority: "vip3" });
    expect(smart([vip, old], counter("c", { simple: 1, complex: 1 }), context(0, expected))).toBe(old);
  });

  it("among critical tickets, calls the earliest deadline (appointment grace versus the alarm)", () => {
    const walkIn = ticket("simple", -22); // due at minute 8
    const appt = ticket("complex", -2, { appointmentMinute: -1 }); // slot passed, due at minute 4
    expect(smart([walkIn, appt], counter("c", { simple: 1, complex: 1 }), context(0, expected))).toBe(appt);
  });
});
