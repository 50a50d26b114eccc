import { describe, expect, it } from "vitest";
import { MINUTE_MS } from "../ids.ts";
import type { WaitingTicket } from "../ticket.ts";
import { DEFAULT_POLICY, POLICIES } from "./index.ts";
// The rules are tested on the classic order (every parameter at its default); the default policy `smart` adds
// ALARM_FIRST (tested at the end).
import { createSmartPolicy, smartClassic as smart } from "./smart.ts";
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

describe("smart: specialist counters", () => {
  // The demo branch: counters 1–3 take cash (and transfers) first; counter 4 opens accounts and handles card loss,
  // with cash as a side line; counter 5 takes cards and accounts.
  const minutes = { cash: 4, transfer: 6, account: 15, card: 12 };
  const c1 = counter("c1", { cash: 3, transfer: 2 });
  const c2 = counter("c2", { cash: 3, transfer: 2 });
  const c3 = counter("c3", { transfer: 3, cash: 2 });
  const c4 = counter("c4", { account: 3, card: 3, cash: 1 });
  const c5 = counter("c5", { card: 3, account: 2, transfer: 1 });
  const branch = [c1, c2, c3, c4, c5];
  const at = (minute: number, open = branch) => ({ ...context(minute, minutes), openCounters: open });

  it("counter 4 calls account and card business before a cash ticket the cash counters will take", () => {
    const cash = ticket("cash", -6);
    const account = ticket("account", -4);
    const card = ticket("card", -3);
    const waiting = [cash, account, card];
    // Card before account: the shorter of its specialities (cμ among them).
    expect(smart(waiting, c4, at(0))).toBe(card);
    expect(smart([cash, account], c4, at(0))).toBe(account);
    // Without the branch's counters (or with the rule off) the cash ticket goes first, as before: short business.
    expect(smart(waiting, c4, context(0, minutes))).toBe(cash);
    expect(createSmartPolicy({ leaveToPreferringCounters: 0 })(waiting, c4, at(0))).toBe(cash);
  });

  it("helps with cash when the cash line is longer than the counters that prefer cash", () => {
    // Counters 1–3 prefer cash more than counter 4 does: three cash tickets are theirs, a fourth is not.
    const cashLine = [ticket("cash", -5), ticket("cash", -4), ticket("cash", -3), ticket("cash", -2)];
    const account = ticket("account", -4);
    expect(smart([...cashLine, account], c4, at(0))).toBe(cashLine[0]);
    expect(smart([...cashLine.slice(1), account], c4, at(0))).toBe(account);
  });

  it("calls the cash ticket when no open counter prefers cash more than counter 4", () => {
    const cash = ticket("cash", -6);
    const account = ticket("account", -4);
    expect(smart([cash, account], c4, at(0, [c4, c5]))).toBe(cash);
  });

  it("does not leave a customer who has waited the target wait", () => {
    const cash = ticket("cash", -15); // 15 min: the target
    const account = ticket("account", -1);
    expect(smart([cash, account], c4, at(0))).toBe(cash);
    const younger = ticket("cash", -14);
    expect(smart([younger, account], c4, at(0))).toBe(account);
  });

  it("still calls a critical ticket first, whatever its business", () => {
    const cash = ticket("cash", -22); // past 70% of the 30-min alarm
    const card = ticket("card", -1);
    expect(smart([card, cash], c4, at(0))).toBe(cash);
  });

  it("a counter whose every skill is a speciality leaves nothing to others", () => {
    const vip = counter("vip", { cash: 2, account: 2 });
    const cash = ticket("cash", -2);
    const account = ticket("account", -3);
    expect(smart([cash, account], vip, at(0, [...branch, vip]))).toBe(cash);
  });
});

describe("smart: alarm-first (imminentFirstMinutes, off by default)", () => {
  const c = counter("c", { simple: 1, complex: 1 });
  const alarmFirst = createSmartPolicy({ imminentFirstMinutes: 5 });
  // Alarm 30 min: a walk-in's deadline is 30 min after issue.
  const late = ticket("simple", -33); // 3 min past the alarm
  const imminent = ticket("simple", -27); // passes it in 3 min

  it("is off by default: earliest deadline first, the one already past the alarm first", () => {
    expect(smart([imminent, late], c, context(0, expected))).toBe(late);
  });

  it("calls a ticket about to pass its deadline before one already past it", () => {
    expect(alarmFirst([late, imminent], c, context(0, expected))).toBe(imminent);
    // An appointment holder 2 min after the slot (grace ends in 3) is about to pass their deadline too.
    const appt = ticket("complex", -10, { appointmentMinute: -2 });
    expect(alarmFirst([late, appt], c, context(0, expected))).toBe(appt);
  });

  it("keeps earliest deadline first for a ticket not about to pass its deadline", () => {
    const later = ticket("simple", -22); // deadline in 8 min: not within 5
    expect(alarmFirst([later, late], c, context(0, expected))).toBe(late);
  });

  it("stops yielding once a ticket is the limit past its deadline", () => {
    const veryLate = ticket("simple", -41); // 11 min past the alarm, limit 10
    expect(alarmFirst([imminent, veryLate], c, context(0, expected))).toBe(veryLate);
    expect(
      createSmartPolicy({ imminentFirstMinutes: 5, lateYieldLimitMinutes: 15 })(
        [imminent, veryLate],
        c,
        context(0, expected),
      ),
    ).toBe(imminent);
  });

  it("leaves class precedence below the critical tier as it was", () => {
    const normal = ticket("simple", -10);
    const vip = ticket("simple", -1, { priority: "vip3" });
    expect(alarmFirst([normal, vip], c, context(0, expected))).toBe(vip);
  });
});

describe("the shipped policies: smart (the default, alarm-first) and smart-classic", () => {
  const c = counter("c", { simple: 1, complex: 1 });
  it("orders the default as alarm-first with early appointment holders weighed 2, where smart-classic does not", () => {
    expect(DEFAULT_POLICY).toBe("smart");
    const late = ticket("simple", -33);
    const imminent = ticket("simple", -27);
    expect(POLICIES["smart-classic"]([late, imminent], c, context(0, expected))).toBe(late);
    expect(POLICIES.smart([late, imminent], c, context(0, expected))).toBe(imminent);
    const walkIn = ticket("simple", -6);
    const early = ticket("simple", -3, { appointmentMinute: 5 });
    expect(POLICIES["smart-classic"]([walkIn, early], c, context(0, expected))).toBe(walkIn);
    expect(POLICIES.smart([walkIn, early], c, context(0, expected))).toBe(early);
  });
});

describe("smart: earlyAppointmentWeight", () => {
  it("weighs an appointment holder in the branch before the slot as a normal customer unless raised", () => {
    const c = counter("c", { simple: 1 });
    const walkIn = ticket("simple", -6);
    const early = ticket("simple", -3, { appointmentMinute: 5 });
    expect(smart([walkIn, early], c, context(0, expected))).toBe(walkIn);
    expect(createSmartPolicy({ earlyAppointmentWeight: 2 })([walkIn, early], c, context(0, expected))).toBe(early);
  });
});
