import type { BranchId } from "../../domain/ids.ts";
import { findBranch } from "../../store/branches.ts";
import { findCounter } from "../../store/counters.ts";
import { CONFIG_ROLES, requireBranchAccess } from "../access.ts";
import type { Actor, DeviceKind } from "../actor.ts";
import { revokeCredential } from "../auth/authenticate.ts";
import { newSecret, secretHash } from "../auth/passwords.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";

export interface DeviceView {
  readonly id: string;
  readonly branchId: string;
  readonly kind: DeviceKind;
  readonly name: string;
  readonly counterId: string | null;
  readonly revokedAt: string | null;
  readonly createdAt: string;
}

type DeviceRow = {
  id: string;
  branch_id: string;
  kind: string;
  name: string;
  counter_id: string | null;
  revoked_at: number | null;
  created_at: number;
};

const toView = (d: DeviceRow): DeviceView => ({
  id: d.id,
  branchId: d.branch_id,
  kind: d.kind as DeviceKind,
  name: d.name,
  counterId: d.counter_id,
  revokedAt: d.revoked_at === null ? null : new Date(Number(d.revoked_at)).toISOString(),
  createdAt: new Date(Number(d.created_at)).toISOString(),
});

export async function listDevices(ctx: AppContext, actor: Actor, branchId: string): Promise<DeviceView[]> {
  requireBranchAccess(actor, branchId as BranchId, CONFIG_ROLES);
  const rows = await ctx.store.db
    .selectFrom("devices")
    .selectAll()
    .where("branch_id", "=", branchId)
    .orderBy("created_at")
    .execute();
  return rows.map(toView);
}

/** Creates a device and returns its token, the only time the token is ever shown (only its hash is stored). */
export function createDevice(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  input: { kind: DeviceKind; name: string; counterId?: string },
): Promise<{ device: DeviceView; token: string }> {
  requireBranchAccess(actor, branchId as BranchId, CONFIG_ROLES);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    if (!(await findBranch(tx, branchId))) throw notFound("Branch", branchId);
    if (input.kind === "rating_pad" && input.counterId === undefined)
      throw invalid(
        "A rating pad belongs to a counter: give counterId.",
        undefined,
        "评价器须绑定窗口：请填写 counterId。",
      );
    if (input.counterId !== undefined) {
      const counter = await findCounter(tx, input.counterId);
      if (!counter || counter.branchId !== branchId) throw notFound("Counter", input.counterId);
    }
    const id = ctx.newId();
    const token = newSecret("dtd");
    const row = {
      id,
      branch_id: branchId,
      kind: input.kind,
      name: input.name,
      counter_id: input.counterId ?? null,
      token_hash: secretHash(token),
      revoked_at: null,
      created_at: now,
    };
    await tx.insertInto("devices").values(row).execute();
    await audit(tx, actor, now, "device.create", { type: "device", id, branchId }, input);
    return { device: toView(row), token };
  });
}

export async function revokeDevice(ctx: AppContext, actor: Actor, deviceId: string): Promise<DeviceView> {
  const result = await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const device = await tx.selectFrom("devices").selectAll().where("id", "=", deviceId).executeTakeFirst();
    if (!device) throw notFound("Device", deviceId);
    requireBranchAccess(actor, device.branch_id as BranchId, CONFIG_ROLES);
    const revokedAt = device.revoked_at ?? now;
    await tx.updateTable("devices").set({ revoked_at: revokedAt }).where("id", "=", deviceId).execute();
    await audit(tx, actor, now, "device.revoke", { type: "device", id: deviceId, branchId: device.branch_id });
    return toView({ ...device, revoked_at: revokedAt });
  });
  await revokeCredential(ctx, { kind: "device", id: deviceId });
  return result;
}
