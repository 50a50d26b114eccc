import type { BranchId, CounterId, DeviceId, UserId } from "../domain/ids.ts";

export const ROLES = [
  "admin",
  "branch_manager",
  "lobby_manager",
  "teller",
  "back_office",
  "auditor",
  "agent",
  "head_office",
] as const;
export type Role = (typeof ROLES)[number];

export const DEVICE_KINDS = ["kiosk", "display", "rating_pad"] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export interface StaffActor {
  readonly type: "user";
  readonly id: UserId;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly branchIds: readonly BranchId[];
  readonly ip: string;
}

export interface DeviceActor {
  readonly type: "device";
  readonly id: DeviceId;
  readonly kind: DeviceKind;
  readonly name: string;
  readonly branchId: BranchId;
  readonly counterId: CounterId | null;
  readonly ip: string;
}

/** Who is asking. Public callers (the live-ticket page) never reach a use case that needs an actor. */
export type Actor = StaffActor | DeviceActor;
