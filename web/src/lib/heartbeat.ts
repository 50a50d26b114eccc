import { createContext, useContext, useEffect, useState } from "react";
import type { PrinterState } from "../../../src/app/printing/network-printer.ts";
import { api } from "../api/client.ts";

export interface DeviceStatus {
  readonly printer: { readonly configured: boolean; readonly state: PrinterState | null };
}

/** How often a paired page says it is alive; admin shows a device offline after two minutes without. */
const BEAT_MS = 30_000;

/** The web app's build, as its main script's hashed file name (index-3fa9c1.js → index-3fa9c1). */
export function pageVersion(): string {
  const script = document.querySelector<HTMLScriptElement>('script[type="module"][src]');
  const name = script?.src.split("/").pop()?.replace(/\.js$/, "");
  return name && name.length > 0 ? name.slice(0, 64) : "dev";
}

/** Sends the device's heartbeat now and every 30 s; answers what the server said last (printer state). */
export function useHeartbeat(enabled: boolean): DeviceStatus | null {
  const [status, setStatus] = useState<DeviceStatus | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const beat = () =>
      api.post<DeviceStatus>("/api/devices/heartbeat", { pageVersion: pageVersion() }).then(
        (answer) => {
          if (!cancelled) setStatus(answer);
        },
        () => undefined,
      );
    void beat();
    const id = setInterval(() => void beat(), BEAT_MS);
    return () => {
      cancelled = true;
      clearInterval(id);
    };
  }, [enabled]);
  return status;
}

export const DeviceStatusContext = createContext<DeviceStatus | null>(null);

/** The paired device's latest heartbeat answer (null until the first). */
export function useDeviceStatus(): DeviceStatus | null {
  return useContext(DeviceStatusContext);
}
