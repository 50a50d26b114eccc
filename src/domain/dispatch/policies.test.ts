import { describe, expect, it } from "vitest";
import { createRandom } from "../../sim/random.ts";
import { PRIORITY_CLASSES } from "../ticket.ts";
import { POLICIES, POLICY_NAMES } from "./index.ts";
import { context, counter, ticket } from "./test-helpers.ts";

describe("every policy", () => {
  it("never gives a counter a ticket outside its skills, and takes a ticket sent to it first", () => {
    const r = createRandom(42);
    const services = ["cash", "account", "wealth"];
    for (const name of POLICY_NAMES) {
      const policy = POLICIES[name];
      for (let round = 0; round < 300; round++) {
        const waiting = Array.from({ length: 1 + Math.floor(r.next() * 12) }, () =>
          ticket(services[Math.floor(r.next() * 3)] as string, -Math.floor(r.next() * 40), {
            priority: PRIORITY_CLASSES[Math.floor(r.next() * PRIORITY_CLASSES.length)],
            ...(r.next() < 0.1 ? { target: r.next() < 0.5 ? "c1" : "c2" } : {}),
          }),
        );
        const c = counter("c1", r.next() < 0.5 ? { cash: 3 } : { account: 2, wealth: 1 });
        const pick = policy(waiting, c, context(0, { cash: 4, account: 12, wealth: 20 }));
        const allowed = waiting.filter((t) =>
          t.targetCounterId === null ? c.skills.some((s) => s.serviceId === t.serviceId) : t.targetCounterId === c.id,
        );
        if (allowed.length === 0) expect(pick, name).toBeUndefined();
        else expect(allowed, name).toContain(pick);
        if (allowed.some((t) => t.targetCounterId === c.id)) expect(pick?.targetCounterId, name).toBe("c1");
      }
    }
  });
});

describe("fifo", () => {
  it("calls the earliest ticket it may serve", () => {
    const a = ticket("cash", -5);
    const b = ticket("cash", -10);
    expect(POLICIES.fifo([a, b], counter("c1", { cash: 1 }), context(0))).toBe(b);
  });
});

describe("strict-priority", () => {
  it("puts appointments, then the counter's preferred type, then class first", () => {
    const walkIn = ticket("cash", -20, { priority: "vip3" });
    const appt = ticket("account", -1, { appointmentMinute: 0 });
    const c = counter("c1", { cash: 3, account: 1 });
    expect(POLICIES["strict-priority"]([walkIn, appt], c, context(0))).toBe(appt);
    const vip = ticket("cash", -1, { priority: "vip1" });
    const normal = ticket("cash", -9);
    expect(POLICIES["strict-priority"]([normal, vip], c, context(0))).toBe(vip);
  });
});

describe("weighted-wait", () => {
  it("calls a ticket past the alarm before anyone else", () => {
    const old = ticket("cash", -31);
    const vip = ticket("cash", -25, { priority: "vip3" });
    expect(POLICIES["weighted-wait"]([vip, old], counter("c1", { cash: 1 }), context(0))).toBe(old);
  });
});
