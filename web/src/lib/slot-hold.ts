import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, call, client } from "../api/client.ts";

/**
 * The slot hold of the booking page (`POST /api/public/holds`): choosing a time holds a place in it while the
 * form is filled in; choosing another, another business or branch, or leaving the page gives it back
 * (`POST /api/public/holds/:holdId/release`). A hold that runs out, or a time taken before it could be held,
 * is told to the page through `onLost`, which asks for fresh slots.
 */
export type HoldState =
  | { readonly kind: "none" }
  | { readonly kind: "holding"; readonly start: string }
  | { readonly kind: "held"; readonly start: string; readonly holdId: string; readonly expiresAt: number }
  | { readonly kind: "failed"; readonly start: string; readonly message: string };

export type HoldLoss = "expired" | "taken";

const releaseUrl = (holdId: string) => `/api/public/holds/${encodeURIComponent(holdId)}/release`;

/** Gives a hold back; `keepalive` lets the request outlive the page being left. Failures are harmless: it lapses. */
function releaseNow(holdId: string): Promise<void> {
  return fetch(releaseUrl(holdId), { method: "POST", keepalive: true, credentials: "same-origin" }).then(
    () => undefined,
    () => undefined,
  );
}

export function useSlotHold(branchId: string, serviceId: string, onLost: (why: HoldLoss) => void) {
  const [state, setState] = useState<HoldState>({ kind: "none" });
  const [now, setNow] = useState(() => Date.now());
  const current = useRef<string | null>(null);
  const asked = useRef(0);
  const lost = useRef(onLost);
  lost.current = onLost;

  const letGo = useCallback(() => {
    asked.current += 1;
    if (current.current !== null) void releaseNow(current.current);
    current.current = null;
    setState({ kind: "none" });
  }, []);

  const choose = useCallback(
    async (start: string | null) => {
      letGo();
      if (start === null) return;
      const mine = asked.current;
      setState({ kind: "holding", start });
      try {
        const result = await client.POST("/api/public/holds", { body: { branchId, serviceId, start } });
        const hold = await call(Promise.resolve(result));
        // The server's clock decides when the hold ends; its Date header gives this browser's offset from it.
        // That header counts whole seconds: a difference under 2 s is its rounding, not a wrong clock.
        const serverNow = Date.parse(result.response.headers.get("date") ?? "");
        const skew = Number.isFinite(serverNow) && Math.abs(serverNow - Date.now()) > 2000 ? serverNow - Date.now() : 0;
        if (mine !== asked.current) return void releaseNow(hold.holdId);
        current.current = hold.holdId;
        setNow(Date.now());
        setState({ kind: "held", start, holdId: hold.holdId, expiresAt: Date.parse(hold.expiresAt) - skew });
      } catch (e) {
        if (mine !== asked.current) return;
        if (e instanceof ApiError && e.status === 409) {
          setState({ kind: "none" });
          lost.current("taken");
        } else setState({ kind: "failed", start, message: e instanceof Error ? e.message : String(e) });
      }
    },
    [branchId, serviceId, letGo],
  );

  /** The booking took the hold's place: nothing to give back any more. */
  const consumed = useCallback(() => {
    asked.current += 1;
    current.current = null;
    setState({ kind: "none" });
  }, []);

  // The countdown, and the hold's end.
  const expiresAt = state.kind === "held" ? state.expiresAt : null;
  useEffect(() => {
    if (expiresAt === null) return;
    const tick = () => {
      const at = Date.now();
      setNow(at);
      if (at >= expiresAt) {
        // Given back as well (the server keeps its own end), before the page asks for fresh times: the place
        // shows free again at once.
        const held = current.current;
        current.current = null;
        asked.current += 1;
        setState({ kind: "none" });
        void (held === null ? Promise.resolve() : releaseNow(held)).then(() => lost.current("expired"));
      }
    };
    const id = setInterval(tick, 1000);
    return () => clearInterval(id);
  }, [expiresAt]);

  // Another business or branch, or the page closed: the place goes back.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the branch and business are what change the hold
  useEffect(() => letGo, [branchId, serviceId, letGo]);
  useEffect(() => {
    const leave = () => {
      if (current.current !== null) void releaseNow(current.current);
      current.current = null;
    };
    window.addEventListener("pagehide", leave);
    return () => window.removeEventListener("pagehide", leave);
  }, []);

  const secondsLeft = expiresAt === null ? null : Math.max(0, Math.ceil((expiresAt - now) / 1000));
  return { state, choose, consumed, letGo, secondsLeft };
}

/** "9:05" for a countdown. */
export function minutesSeconds(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
