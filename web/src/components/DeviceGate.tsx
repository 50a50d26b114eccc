import { type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Device, DeviceKind } from "../api/types.ts";
import { DeviceStatusContext, useHeartbeat } from "../lib/heartbeat.ts";
import { loadDevice } from "../lib/session.ts";
import { LangSwitch } from "./LangSwitch.tsx";

type GateState =
  | { readonly kind: "loading" }
  | { readonly kind: "ready"; readonly device: Device }
  | { readonly kind: "unpaired"; readonly message?: string };

/** Pairs the browser from `?pair=` when present and hands the paired device to the page. */
export function DeviceGate({
  kind,
  children,
}: {
  readonly kind: DeviceKind;
  readonly children: (device: Device) => ReactNode;
}) {
  const { t } = useTranslation();
  const [state, setState] = useState<GateState>({ kind: "loading" });
  useEffect(() => {
    let cancelled = false;
    loadDevice().then(
      (device) => {
        if (cancelled) return;
        setState(device !== null && device.kind === kind ? { kind: "ready", device } : { kind: "unpaired" });
      },
      (error: unknown) => {
        if (!cancelled) setState({ kind: "unpaired", message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [kind]);

  // Every paired page reports it is alive (admin and the lobby see a device that stops); a kiosk learns its printer's state.
  const status = useHeartbeat(state.kind === "ready");
  if (state.kind === "loading") return <div className="page-loading">{t("app.loading")}</div>;
  if (state.kind === "unpaired") {
    return (
      <div className="unpaired" data-testid="unpaired">
        <LangSwitch className="corner" />
        <h1>{t("app.name")}</h1>
        <p>{t("common.notPaired")}</p>
        {state.message ? <p className="muted">{state.message}</p> : null}
      </div>
    );
  }
  return <DeviceStatusContext.Provider value={status}>{children(state.device)}</DeviceStatusContext.Provider>;
}
