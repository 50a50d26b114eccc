import type { BranchId } from "../../domain/ids.ts";
import { findBranch } from "../../store/branches.ts";
import { findCounter } from "../../store/counters.ts";
import type { DeviceTable } from "../../store/schema.ts";
import { CONFIG_ROLES, requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor, DeviceKind } from "../actor.ts";
import { revokeCredential } from "../auth/authenticate.ts";
import { newSecret, secretHash } from "../auth/passwords.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { type PrinterState, parsePrinterUrl } from "../printing/network-printer.ts";
import { forgetPrinter } from "../printing/print-kiosk-ticket.ts";
import { audit } from "../record.ts";

export interface DeviceView {
  readonly id: string;
  readonly branchId: string;
  readonly kind: DeviceKind;
  readonly name: string;
  readonly counterId: string | null;
  readonly revokedAt: string | null;
  readonly createdAt: string;
  /** A kiosk's network receipt printer (`tcp://host:9100`), null when it prints through the browser. */
  readonly printerUrl: string | null;
  /** The printer's last known state and when it was learned. */
  readonly printerState: PrinterState | null;
  readonly printerCheckedAt: string | null;
  /** The last heartbeat and the page version it reported; `online` is false once heartbeats stop. */
  readonly lastSeenAt: string | null;
  readonly pageVersion: string | null;
  readonly online: boolean;
  /** A kiosk's own seconds before it returns to its start screen; null: the branch's display setting. */
  readonly kioskReturnSeconds: number | null;
}

type DeviceRow = Omit<DeviceTable, "token_hash">;

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** A device that has sent no heartbeat for this long is shown offline (its pages beat every 30 s). */
export const OFFLINE_AFTER_MS = 2 * 60_000;

export const toDeviceView = (d: DeviceRow, now: number): DeviceView => ({
  id: d.id,
  branchId: d.branch_id,
  kind: d.kind as DeviceKind,
  name: d.name,
  counterId: d.counter_id,
  revokedAt: iso(d.revoked_at),
  createdAt: new Date(Number(d.created_at)).toISOString(),
  printerUrl: d.printer_url,
  printerState: d.printer_state as PrinterState | null,
  printerCheckedAt: iso(d.printer_checked_at),
  lastSeenAt: iso(d.last_seen_at),
  pageVersion: d.page_version,
  online: d.revoked_at === null && d.last_seen_at !== null && now - Number(d.last_seen_at) < OFFLINE_AFTER_MS,
  kioskReturnSeconds: d.kiosk_return_seconds === null ? null : Number(d.kiosk_return_seconds),
});

/** A kiosk's own return time, or null; refused for other devices (they have no start screen to return to). */
function checkedKioskReturn(kind: string, seconds: number | null | undefined): number | null {
  if (seconds === undefined || seconds === null) return null;
  if (kind !== "kiosk")
    throw invalid(
      "Only a kiosk returns to a start screen.",
      { field: "kioskReturnSeconds" },
      "只有取号机有自动返回首页的时间。",
    );
  return seconds;
}

/** Refuses a printer address the server cannot print to; answers the address as stored. */
function checkedPrinterUrl(kind: string, url: string | null | undefined): string | null {
  if (url === undefined || url === null || url === "") return null;
  if (kind !== "kiosk")
    throw invalid("Only a kiosk has a receipt printer.", { field: "printerUrl" }, "只有取号机可以配置小票打印机。");
  if (!parsePrinterUrl(url))
    throw invalid(
      "printerUrl must look like tcp://192.168.1.50:9100.",
      { field: "printerUrl" },
      "printerUrl 须形如 tcp://192.168.1.50:9100。",
    );
  return url;
}

/** The branch's devices with their heartbeat; the lobby manager reads them too (an offline display or kiosk). */
export async function listDevices(ctx: AppContext, actor: Actor, branchId: string): Promise<DeviceView[]> {
  requireBranchAccess(actor, branchId as BranchId, TRIAGE_ROLES);
  const rows = await ctx.store.db
    .selectFrom("devices")
    .selectAll()
    .where("branch_id", "=", branchId)
    .orderBy("created_at")
    .execute();
  const now = ctx.clock();
  return rows.map((r) => toDeviceView(r, now));
}

/** Creates a device and returns its token, the only time the token is ever shown (only its hash is stored). */
export function createDevice(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  input: {
    kind: DeviceKind;
    name: string;
    counterId?: string;
    printerUrl?: string | null;
    kioskReturnSeconds?: number | null;
  },
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
    const printerUrl = checkedPrinterUrl(input.kind, input.printerUrl);
    const kioskReturnSeconds = checkedKioskReturn(input.kind, input.kioskReturnSeconds);
    const id = ctx.newId();
    const token = newSecret("dtd");
    const row: DeviceTable = {
      id,
      branch_id: branchId,
      kind: input.kind,
      name: input.name,
      counter_id: input.counterId ?? null,
      token_hash: secretHash(token),
      revoked_at: null,
      created_at: now,
      printer_url: printerUrl,
      printer_state: null,
      printer_checked_at: null,
      last_seen_at: null,
      page_version: null,
      kiosk_return_seconds: kioskReturnSeconds,
    };
    await tx.insertInto("devices").values(row).execute();
    await audit(tx, actor, now, "device.create", { type: "device", id, branchId }, input);
    return { device: toDeviceView(row, now), token };
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
    return toDeviceView({ ...device, revoked_at: revokedAt }, now);
  });
  await revokeCredential(ctx, { kind: "device", id: deviceId });
  return result;
}

/** Renames a device, sets (null: removes) a kiosk's network printer or its own return time. */
export async function updateDevice(
  ctx: AppContext,
  actor: Actor,
  deviceId: string,
  patch: { name?: string; printerUrl?: string | null; kioskReturnSeconds?: number | null },
): Promise<DeviceView> {
  const result = await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const device = await tx.selectFrom("devices").selectAll().where("id", "=", deviceId).executeTakeFirst();
    if (!device) throw notFound("Device", deviceId);
    requireBranchAccess(actor, device.branch_id as BranchId, CONFIG_ROLES);
    const printerUrl =
      patch.printerUrl === undefined ? device.printer_url : checkedPrinterUrl(device.kind, patch.printerUrl);
    const changed = printerUrl !== device.printer_url;
    const next = {
      name: patch.name ?? device.name,
      printer_url: printerUrl,
      kiosk_return_seconds:
        patch.kioskReturnSeconds === undefined
          ? device.kiosk_return_seconds
          : checkedKioskReturn(device.kind, patch.kioskReturnSeconds),
      // A new printer's state is not known until it is asked.
      ...(changed && { printer_state: null, printer_checked_at: null }),
    };
    await tx.updateTable("devices").set(next).where("id", "=", deviceId).execute();
    await audit(tx, actor, now, "device.update", { type: "device", id: deviceId, branchId: device.branch_id }, patch);
    return toDeviceView({ ...device, ...next }, now);
  });
  forgetPrinter(deviceId);
  return result;
}
