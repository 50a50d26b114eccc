import { describe, expect, it } from "vitest";
import type { BranchId, DeviceId, UserId } from "../../domain/ids.ts";
import type { DeviceActor, StaffActor } from "../actor.ts";
import { AppError } from "../errors.ts";
import { planErlang } from "./erlang-plan.ts";

const teller: StaffActor = {
  type: "user",
  id: "u1" as UserId,
  username: "teller1",
  displayName: "Teller",
  roles: ["teller"],
  branchIds: ["b1" as BranchId],
  ip: "127.0.0.1",
};
const kiosk: DeviceActor = {
  type: "device",
  id: "d1" as DeviceId,
  kind: "kiosk",
  name: "Kiosk",
  branchId: "b1" as BranchId,
  counterId: null,
  ip: "127.0.0.1",
};
const input = { arrivalsPerHour: 60, ahtMinutes: 6, counters: 7, targetShare: 0.8, targetMinutes: 10 };

describe("planErlang", () => {
  it("answers any staff member with Erlang C for the interval", () => {
    const r = planErlang(teller, input);
    expect(r.offeredLoad).toBe(6);
    expect(r.counters).toBe(7);
    expect(r.probabilityOfWaiting).toBeGreaterThan(0);
    expect(r.probabilityOfWaiting).toBeLessThan(1);
    expect(r.recommendedCounters).toBeGreaterThanOrEqual(7);
  });

  it("refuses a device", () => {
    expect(() => planErlang(kiosk, input)).toThrow(AppError);
  });
});
