import type { DeviceActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import type { PrinterState } from "../printing/network-printer.ts";
import { probeKioskPrinter } from "../printing/print-kiosk-ticket.ts";

export interface HeartbeatAnswer {
  /** The kiosk's network printer: whether it has one, and its state as just asked (null: no printer). */
  readonly printer: { readonly configured: boolean; readonly state: PrinterState | null };
}

/**
 * A paired page says it is alive (every 30 s): when it was last seen and which web app version it runs are
 * stored for admin and the lobby; a kiosk with a network printer has the printer asked for its state (bounded
 * in time), which the kiosk shows its customers and admin shows staff.
 */
export async function deviceHeartbeat(
  ctx: AppContext,
  device: DeviceActor,
  input: { pageVersion: string },
): Promise<HeartbeatAnswer> {
  const state = device.kind === "kiosk" ? await probeKioskPrinter(ctx, device.id) : null;
  const now = ctx.clock();
  await ctx.store.write((tx) =>
    tx
      .updateTable("devices")
      .set({
        last_seen_at: now,
        page_version: input.pageVersion,
        ...(state !== null && { printer_state: state, printer_checked_at: now }),
      })
      .where("id", "=", device.id)
      .execute(),
  );
  return { printer: { configured: state !== null, state } };
}
